'use client';

import Link from 'next/link';
import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { EmptyState } from '@/components/ui/empty-state';
import { deleteSourceAction, readSourceNowAction } from './actions';
import type { ReadReport } from './read-words';

export type SourceItem = {
  id: string;
  name: string;
  kind: 'ical' | 'webhook' | 'csv';
  kindLabel: string;
  property: string;
  preset: string;
  /** The feed's host and a hint of its path, never the address itself. */
  urlLabel: string | null;
  /** A feed nobody has applied yet: it is read only as a preview. */
  applied: boolean;
  /** Times already in the organization's zone. */
  lastRead: string | null;
  lastSuccess: string | null;
  nextRead: string | null;
  bookings: number;
  pendingCancellation: number;
  lastError: string | null;
  failures: number;
  /** A webhook's endpoint. */
  endpoint: string | null;
};

export function SourcesList({
  sources,
  appliedId,
}: {
  sources: SourceItem[];
  /** The feed just applied, to say so on its card. */
  appliedId: string | null;
}) {
  if (sources.length === 0) {
    return (
      <EmptyState data-testid="sources-empty">
        No reservation sources yet. A source brings stays into Keyhold on its own: a channel’s iCal
        feed read every few minutes, or a property management system’s webhook. Each stay gets its
        guest code without anyone typing it in.
      </EmptyState>
    );
  }
  return (
    <ul className="space-y-3">
      {sources.map((source) => (
        <SourceCard key={source.id} source={source} justApplied={source.id === appliedId} />
      ))}
    </ul>
  );
}

function Detail({
  term,
  children,
  testId,
}: {
  term: string;
  children: React.ReactNode;
  testId?: string;
}) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{term}</dt>
      <dd data-testid={testId} className="break-words">
        {children}
      </dd>
    </div>
  );
}

function SourceCard({ source, justApplied }: { source: SourceItem; justApplied: boolean }) {
  const [report, setReport] = useState<ReadReport | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const [reading, startReading] = useTransition();
  const headingId = `source-${source.id}-name`;
  const isFeed = source.kind === 'ical';

  const readNow = () =>
    startReading(async () => {
      const result = await readSourceNowAction(source.id);
      setReport(result.ok ? result.data : null);
      setProblem(result.ok ? null : result.error);
    });

  return (
    <li
      aria-labelledby={headingId}
      data-testid="source-row"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={headingId} className="font-medium text-slate-900">
          {source.name}
        </h3>
        <p className="text-sm text-slate-600">
          {source.kindLabel} · {source.preset} · {source.property}
        </p>
      </div>
      {justApplied ? (
        <Alert tone="success">Applied: Keyhold reads this feed on its own from now on.</Alert>
      ) : null}
      {isFeed && !source.applied ? (
        <Alert tone="warning" data-testid="source-not-applied">
          Not applied yet — preview.{' '}
          <Link
            href={`/settings/sources/${source.id}/preview`}
            className="font-medium underline underline-offset-2"
          >
            See what the first import would do<span className="sr-only"> for {source.name}</span>
          </Link>
        </Alert>
      ) : null}
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        {isFeed ? <Detail term="Feed">{source.urlLabel ?? '—'}</Detail> : null}
        {source.endpoint ? (
          <div className="col-span-2">
            <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Endpoint</dt>
            <dd className="break-all font-mono text-xs">{source.endpoint}</dd>
          </div>
        ) : null}
        <Detail term="Bookings" testId="source-bookings">
          {source.bookings}
          {source.pendingCancellation > 0 ? (
            <span className="block text-amber-800" data-testid="source-pending">
              {source.pendingCancellation} pending cancellation
            </span>
          ) : null}
        </Detail>
        {isFeed ? (
          <>
            <Detail term="Last read" testId="source-last-read">
              {source.lastRead ?? 'Never'}
            </Detail>
            <Detail term="Last success">{source.lastSuccess ?? 'Never'}</Detail>
            <Detail term="Next read">
              {source.applied ? (source.nextRead ?? 'At the next tick') : 'Once applied'}
            </Detail>
          </>
        ) : null}
      </dl>
      {source.lastError ? (
        <Alert tone="error" role="note" data-testid="source-error">
          {source.failures > 0
            ? `${source.failures} failed read${source.failures === 1 ? '' : 's'} in a row. `
            : null}
          Last error: {source.lastError}
        </Alert>
      ) : null}

      <div className="flex flex-wrap items-start gap-3">
        {isFeed && source.applied ? (
          <Button onClick={readNow} disabled={reading}>
            {reading ? 'Reading…' : 'Read now'}
            <span className="sr-only"> {source.name}</span>
          </Button>
        ) : null}
        <ConfirmButton
          question={`Remove “${source.name}”?`}
          details={
            <p>
              It brings in nothing more. The stays it brought stay as they are; cancel them on their
              own pages if they should go.
            </p>
          }
          confirmLabel="Yes, remove"
          pendingLabel="Removing…"
          aria-label={`Remove ${source.name}`}
          onConfirm={async () => {
            const result = await deleteSourceAction(source.id);
            setProblem(result.ok ? null : result.error);
            return result.ok;
          }}
        >
          Remove…
        </ConfirmButton>
      </div>
      {report ? (
        // Announced politely whatever it says: the press asked for it.
        <Alert tone={report.tone} role="status" data-testid="source-read-result">
          {report.message}
        </Alert>
      ) : null}
      {problem ? <Alert tone="error">{problem}</Alert> : null}
    </li>
  );
}
