import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Alert } from '@/components/ui/alert';
import { Breadcrumb } from '@/components/ui/breadcrumb';
import { DataTable, Td } from '@/components/ui/data-table';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { orNotFound, requirePageActor } from '@/lib/http/session';
import { previewCalendar } from '@/lib/sources/calendars';
import type { IngestOutcome } from '@/lib/sources/outcomes';
import { findSource } from '@/lib/sources/sources';
import { OUTCOME_LABELS } from '../../read-words';
import { ApplyButton, TryAgainButton } from './preview-buttons';

export const metadata: Metadata = { title: 'Preview a feed' };

/** The counts the preview always shows, then any other outcome the read had. */
const HEADLINE: [IngestOutcome, string][] = [
  ['created', 'To create'],
  ['linked', 'To link'],
  ['error', 'Errors'],
  ['ignored', 'Ignored'],
];

export default async function PreviewFeedPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor('sources.manage');
  const { id } = await params;
  const db = await getDb();
  const source = await orNotFound(() => findSource(db, actor, id));
  if (source.kind !== 'ical') notFound();

  const header = (
    <>
      <Breadcrumb
        parent={{ href: '/settings/sources', label: 'Reservation sources' }}
        current={`Preview of ${source.name}`}
      />
      <div>
        <h1 className="text-xl font-semibold">What the first import of “{source.name}” does</h1>
        <p className="max-w-prose text-sm text-slate-600">
          Read from {source.urlLabel ?? 'the feed'} just now; nothing has been imported yet. Apply
          it to make these stays and let Keyhold read the feed on its own.
        </p>
      </div>
    </>
  );

  if (source.approvedAt) {
    return (
      <div className="space-y-5">
        {header}
        <Alert tone="info">
          This feed is applied already.{' '}
          <Link href="/settings/sources" className="font-medium underline underline-offset-2">
            Back to reservation sources
          </Link>
        </Alert>
      </div>
    );
  }

  const read = await previewCalendar(db, actor, source.id, { now: clock.now() });
  if (read.kind === 'failed') {
    return (
      <div className="space-y-5">
        {header}
        <Alert tone="error" title="The feed could not be read" data-testid="preview-error">
          {read.error}
        </Alert>
        <TryAgainButton />
      </div>
    );
  }

  const { summary, skipped } = read;
  const others = (Object.keys(summary.counts) as IngestOutcome[]).filter(
    (outcome) =>
      summary.counts[outcome] > 0 && !HEADLINE.some(([headline]) => headline === outcome),
  );
  return (
    <div className="space-y-5">
      {header}
      <dl
        data-testid="preview-counts"
        className="grid grid-cols-2 gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm sm:grid-cols-4"
      >
        {[...HEADLINE, ...others.map((o) => [o, OUTCOME_LABELS[o]] as const)].map(
          ([outcome, label]) => (
            <div key={outcome} data-testid={`preview-count-${outcome}`}>
              <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">
                {label}
              </dt>
              <dd className="text-lg font-semibold">{summary.counts[outcome]}</dd>
            </div>
          ),
        )}
      </dl>

      <section aria-labelledby="preview-bookings" className="space-y-2">
        <h2 id="preview-bookings" className="font-semibold">
          Bookings in the feed
        </h2>
        <DataTable
          columns={[
            { label: 'Booking' },
            { label: 'What happens' },
            { label: 'Details', hideBelow: 'sm' },
          ]}
          empty={summary.results.length === 0 ? 'The feed lists no upcoming bookings.' : undefined}
        >
          {summary.results.map((result) => (
            <tr key={result.externalId} data-testid="preview-row" data-outcome={result.outcome}>
              <Td className="break-all font-mono text-xs">{result.externalId}</Td>
              <Td className={result.outcome === 'error' ? 'font-medium text-red-700' : undefined}>
                {OUTCOME_LABELS[result.outcome]}
                {/* On a phone the details column is hidden: an error's reason stays in sight. */}
                {result.outcome === 'error' && result.message ? (
                  <span className="block font-normal sm:hidden">{result.message}</span>
                ) : null}
              </Td>
              <Td hideBelow="sm" className="text-slate-600">
                {result.message ?? ''}
              </Td>
            </tr>
          ))}
        </DataTable>
      </section>

      {skipped.length > 0 ? (
        <section aria-labelledby="preview-skipped" className="space-y-2">
          <h2 id="preview-skipped" className="font-semibold">
            Left out
          </h2>
          <ul
            data-testid="preview-skipped"
            className="list-inside list-disc text-sm text-slate-700"
          >
            {skipped.map((s) => (
              <li key={s.reason}>
                {s.reason}: {s.count}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      {summary.distrusted ? <Alert tone="warning">{summary.distrusted}</Alert> : null}
      <ApplyButton sourceId={source.id} />
    </div>
  );
}
