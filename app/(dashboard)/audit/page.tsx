import type { Metadata } from 'next';
import Form from 'next/form';
import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { Button, ButtonLink } from '@/components/ui/button';
import { DataTable, Td } from '@/components/ui/data-table';
import { Field } from '@/components/ui/field';
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
        <Alert tone="warning" role="alert">
          {problem} Showing every entry instead.
        </Alert>
      ) : null}

      <Form
        action="/audit"
        className="grid gap-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:grid-cols-2 lg:grid-cols-[repeat(5,minmax(0,1fr))_auto]"
        aria-label="Filter the audit log"
      >
        <Field name="action" label="What">
          {(control) => (
            <select {...control} defaultValue={filters.action ?? ''}>
              <option value="">All actions</option>
              {actionChoices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="actor" label="Who">
          {(control) => (
            <select {...control} defaultValue={filters.actor ?? ''}>
              <option value="">Anyone</option>
              {members.map((m) => (
                <option key={m.userId} value={m.userId}>
                  {m.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field name="targetType" label="Target">
          {(control) => (
            <select {...control} defaultValue={filters.targetType ?? ''}>
              <option value="">Any target</option>
              {targetChoices.map((c) => (
                <option key={c.value} value={c.value}>
                  {c.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        {filters.targetId ? (
          // Kept while narrowing by date or person; "Clear" drops it.
          <input type="hidden" name="targetId" value={filters.targetId} />
        ) : null}
        <Field name="from" label="From">
          {(control) => <input {...control} type="date" defaultValue={filters.from ?? ''} />}
        </Field>
        <Field name="to" label="To">
          {(control) => <input {...control} type="date" defaultValue={filters.to ?? ''} />}
        </Field>
        <div className="flex items-end gap-2">
          <Button type="submit" variant="primary">
            Filter
          </Button>
          {filtered ? <ButtonLink href="/audit">Clear</ButtonLink> : null}
        </div>
      </Form>

      {filters.targetId ? (
        <p className="text-sm text-slate-600">
          Showing one {targetLabel(filters.targetType ?? null).toLowerCase() || 'target'}:{' '}
          <code className="font-mono">{filters.targetId}</code>
        </p>
      ) : null}

      <DataTable
        columns={[
          { label: 'When' },
          { label: 'Who' },
          { label: 'What' },
          { label: 'Target', hideBelow: 'md' },
          { label: 'Request', hideBelow: 'lg' },
        ]}
        empty={
          page.entries.length === 0
            ? filtered || parsed.data?.cursor
              ? 'No entries match these filters.'
              : 'Nothing has been recorded yet. Changes to reservations, codes, members, keys and settings appear here.'
            : null
        }
      >
        {page.entries.map((entry) => (
          <tr key={entry.id} data-testid="audit-row" className="align-top">
            <Td className="whitespace-nowrap text-slate-600">
              <time dateTime={entry.createdAt.toISOString()}>{when.format(entry.createdAt)}</time>
            </Td>
            <Td>
              <Who actor={entry.actor} />
            </Td>
            <Td>
              <span title={entry.action}>{entry.summary}</span>
            </Td>
            <Td hideBelow="md">
              <Target entry={entry} label={targetLabel(entry.targetType)} />
            </Td>
            <Td hideBelow="lg" className="font-mono text-xs text-slate-500">
              {entry.requestId ?? '—'}
            </Td>
          </tr>
        ))}
      </DataTable>

      <nav aria-label="Audit log pages" className="flex justify-end gap-2">
        {parsed.success && parsed.data.cursor ? (
          <ButtonLink size="sm" href={href({})}>
            Newest entries
          </ButtonLink>
        ) : null}
        {page.nextCursor ? (
          <ButtonLink size="sm" href={href({ cursor: page.nextCursor })}>
            Older entries
          </ButtonLink>
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
