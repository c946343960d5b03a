import type { Metadata } from 'next';
import Form from 'next/form';
import Link from 'next/link';
import { getDb } from '@/db/client';
import {
  AUDIT_ACTION_GROUPS,
  AUDIT_TARGET_TYPES,
  type AuditActor,
  type AuditEntryView,
  listAuditEntries,
  listAuditEntriesSchema,
} from '@/lib/audit-log';
import { firstValues } from '@/lib/http/search-params';
import { requirePageActor } from '@/lib/http/session';
import { listMembers } from '@/lib/organizations/members';

export const metadata: Metadata = { title: 'Audit log' };

const FILTERS = ['action', 'actor', 'targetType', 'targetId', 'from', 'to'] as const;

const controlClass =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none';

export default async function AuditPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor('audit.read');
  const params = firstValues(await searchParams);
  const parsed = listAuditEntriesSchema.safeParse(params);
  const problem = parsed.success ? null : (parsed.error.issues[0]?.message ?? null);
  const filters: Record<string, string> = {};
  if (parsed.success) {
    for (const key of FILTERS) {
      const value = parsed.data[key];
      if (value) filters[key] = value;
    }
  }

  const db = await getDb();
  const [page, members] = await Promise.all([
    listAuditEntries(db, actor, parsed.success ? { ...filters, cursor: parsed.data.cursor } : {}),
    listMembers(db, actor),
  ]);
  const when = new Intl.DateTimeFormat('en-GB', {
    timeZone: page.timeZone,
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hourCycle: 'h23',
  });
  const filtered = Object.keys(filters).length > 0;
  const href = (extra: Record<string, string>) => {
    const query = new URLSearchParams({ ...filters, ...extra }).toString();
    return query ? `/audit?${query}` : '/audit';
  };
  // A filter value that is not in the lists (typed into the URL) still shows as chosen.
  const actionChoices: { value: string; label: string }[] = AUDIT_ACTION_GROUPS.map((g) => ({
    value: g.prefix,
    label: g.label,
  }));
  if (filters.action && !actionChoices.some((c) => c.value === filters.action)) {
    actionChoices.push({ value: filters.action, label: filters.action });
  }
  const targetChoices: { value: string; label: string }[] = [...AUDIT_TARGET_TYPES];
  if (filters.targetType && !targetChoices.some((c) => c.value === filters.targetType)) {
    targetChoices.push({ value: filters.targetType, label: filters.targetType });
  }
  const targetLabel = (type: string | null) =>
    targetChoices.find((c) => c.value === type)?.label ?? type ?? '';

  return (
    <section aria-labelledby="audit-heading" className="space-y-4">
      <div>
        <h1 id="audit-heading" className="text-xl font-semibold">
          Audit log
        </h1>
        <p className="text-sm text-slate-600">
          Who changed what in {actor.organizationName}, newest first. Times are in {page.timeZone}.
        </p>
      </div>

      {problem ? (
        <p
          role="alert"
          className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {problem} Showing every entry instead.
        </p>
      ) : null}

      <Form
        action="/audit"
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-[repeat(5,minmax(0,1fr))_auto]"
        aria-label="Filter the audit log"
      >
        <div className="space-y-1">
          <label htmlFor="audit-action" className="block text-sm font-medium">
            What
          </label>
          <select
            id="audit-action"
            name="action"
            defaultValue={filters.action ?? ''}
            className={controlClass}
          >
            <option value="">All actions</option>
            {actionChoices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="audit-actor" className="block text-sm font-medium">
            Who
          </label>
          <select
            id="audit-actor"
            name="actor"
            defaultValue={filters.actor ?? ''}
            className={controlClass}
          >
            <option value="">Anyone</option>
            {members.map((m) => (
              <option key={m.userId} value={m.userId}>
                {m.name}
              </option>
            ))}
          </select>
        </div>
        <div className="space-y-1">
          <label htmlFor="audit-target-type" className="block text-sm font-medium">
            Target
          </label>
          <select
            id="audit-target-type"
            name="targetType"
            defaultValue={filters.targetType ?? ''}
            className={controlClass}
          >
            <option value="">Any target</option>
            {targetChoices.map((c) => (
              <option key={c.value} value={c.value}>
                {c.label}
              </option>
            ))}
          </select>
          {filters.targetId ? (
            // Kept while narrowing by date or person; "Clear" drops it.
            <input type="hidden" name="targetId" value={filters.targetId} />
          ) : null}
        </div>
        <div className="space-y-1">
          <label htmlFor="audit-from" className="block text-sm font-medium">
            From
          </label>
          <input
            id="audit-from"
            name="from"
            type="date"
            defaultValue={filters.from ?? ''}
            className={controlClass}
          />
        </div>
        <div className="space-y-1">
          <label htmlFor="audit-to" className="block text-sm font-medium">
            To
          </label>
          <input
            id="audit-to"
            name="to"
            type="date"
            defaultValue={filters.to ?? ''}
            className={controlClass}
          />
        </div>
        <div className="flex items-end gap-2">
          <button
            type="submit"
            className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
          >
            Filter
          </button>
          {filtered ? (
            <Link
              href="/audit"
              className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm text-slate-700 hover:bg-slate-100"
            >
              Clear
            </Link>
          ) : null}
        </div>
      </Form>

      {filters.targetId ? (
        <p className="text-sm text-slate-600">
          Showing one {targetLabel(filters.targetType ?? null).toLowerCase() || 'target'}:{' '}
          <code className="font-mono">{filters.targetId}</code>
        </p>
      ) : null}

      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-3">
                When
              </th>
              <th scope="col" className="px-4 py-3">
                Who
              </th>
              <th scope="col" className="px-4 py-3">
                What
              </th>
              <th scope="col" className="hidden px-4 py-3 md:table-cell">
                Target
              </th>
              <th scope="col" className="hidden px-4 py-3 lg:table-cell">
                Request
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {page.entries.map((entry) => (
              <tr key={entry.id} data-testid="audit-row" className="align-top">
                <td className="whitespace-nowrap px-4 py-3 text-slate-600">
                  <time dateTime={entry.createdAt.toISOString()}>
                    {when.format(entry.createdAt)}
                  </time>
                </td>
                <td className="px-4 py-3">
                  <Who actor={entry.actor} />
                </td>
                <td className="px-4 py-3">
                  <span title={entry.action}>{entry.summary}</span>
                </td>
                <td className="hidden px-4 py-3 md:table-cell">
                  <Target entry={entry} label={targetLabel(entry.targetType)} />
                </td>
                <td className="hidden px-4 py-3 font-mono text-xs text-slate-500 lg:table-cell">
                  {entry.requestId ?? '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {page.entries.length === 0 ? (
          <p className="px-4 py-10 text-center text-slate-600">
            {filtered || parsed.data?.cursor
              ? 'No entries match these filters.'
              : 'Nothing has been recorded yet. Changes to reservations, codes, members, keys and settings appear here.'}
          </p>
        ) : null}
      </div>

      <nav aria-label="Audit log pages" className="flex justify-end gap-2 text-sm">
        {parsed.success && parsed.data.cursor ? (
          <Link
            href={href({})}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-100"
          >
            Newest entries
          </Link>
        ) : null}
        {page.nextCursor ? (
          <Link
            href={href({ cursor: page.nextCursor })}
            className="rounded-md border border-slate-300 bg-white px-3 py-1.5 hover:bg-slate-100"
          >
            Older entries
          </Link>
        ) : null}
      </nav>
    </section>
  );
}

function Who({ actor }: { actor: AuditActor }) {
  switch (actor.kind) {
    case 'member':
      return (
        <>
          <span className="font-medium">{actor.name}</span>
          <span className="block text-xs text-slate-500">{actor.email}</span>
        </>
      );
    case 'api_key':
      return (
        <>
          <span className="font-medium">API key “{actor.name}”</span>
          <span className="block text-xs text-slate-500">Seam-style API</span>
        </>
      );
    case 'system':
      return <span className="text-slate-600">Keyhold or the server operator</span>;
  }
}

function Target({ entry, label }: { entry: AuditEntryView; label: string }) {
  if (!entry.targetType || !entry.targetId) return <span className="text-slate-500">—</span>;
  const query = new URLSearchParams({ targetType: entry.targetType, targetId: entry.targetId });
  return (
    <Link
      href={`/audit?${query.toString()}`}
      title={`Everything recorded about this ${label.toLowerCase()}`}
      className="text-brand-700 underline-offset-4 hover:underline"
    >
      {label} <span className="font-mono text-xs">{entry.targetId.slice(0, 8)}</span>
    </Link>
  );
}
