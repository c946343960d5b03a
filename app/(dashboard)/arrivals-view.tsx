'use client';

import { useQuery } from '@tanstack/react-query';
import { formatDistanceStrict } from 'date-fns';
import Link from 'next/link';
import { CodeStatus } from '@/components/code-status';
import { fetchJson } from '@/components/query-client';
import { StatusPill, type Tone } from '@/components/status-pill';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import type { Arrival, ArrivalsBoard, Departure } from '@/lib/arrivals/arrivals';
import type { LockReadiness, Verdict } from '@/lib/arrivals/readiness';
import { NEEDED_HELP, NO_ENTRY_YET } from '@/lib/lock-events/describe';
import { arrivalsUrl, queryKeys } from '@/lib/query-keys';
import { formatInZone } from '@/lib/time';

const VERDICTS: Record<Verdict, { label: string; tone: Tone }> = {
  at_risk: { label: 'At risk', tone: 'red' },
  needs_attention: { label: 'Needs attention', tone: 'amber' },
  on_track: { label: 'On track', tone: 'blue' },
  ready: { label: 'Ready', tone: 'green' },
};

const hrefFor = (verdict: Verdict | undefined, page = 1) => `/${arrivalsUrl({ verdict, page })}`;

/** The arrivals board, kept live: readiness moves with every tick. */
export function ArrivalsView({
  input,
  problem,
  horizonHours,
}: {
  input: { verdict?: Verdict; page: number };
  /** Why the address's query was not used, if it was not. */
  problem: string | null;
  /** How far ahead the board looks. */
  horizonHours: number;
}) {
  const { data: board, error } = useQuery({
    queryKey: queryKeys.arrivals.list(input),
    queryFn: () => fetchJson<ArrivalsBoard>(`/api/arrivals${arrivalsUrl(input)}`),
    // A lock going offline or a code going on shows within seconds.
    refetchInterval: 5_000,
  });
  if (!board) {
    return (
      <Alert tone="error">Could not load the arrivals{error ? `: ${error.message}` : '.'}</Alert>
    );
  }

  const { arrivals, counts, departures } = board;
  const now = new Date(board.now);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const first = (board.page - 1) * board.pageSize;

  return (
    <div className="space-y-8">
      <section aria-labelledby="arrivals-heading" className="space-y-4">
        <div>
          <h1 id="arrivals-heading" className="text-xl font-semibold">
            Arrivals
          </h1>
          <p className="text-sm text-slate-600">
            Every stay arriving today or in the next {horizonHours} hours, those at risk first.
            Times are in each property’s time zone.
          </p>
        </div>
        {problem ? (
          <Alert tone="warning" role="alert">
            {problem} Showing the first page instead.
          </Alert>
        ) : null}
        {error ? (
          <Alert tone="error">
            Could not refresh the arrivals: {error.message} Showing what Keyhold last knew.
          </Alert>
        ) : null}
        {total > 0 ? (
          <nav aria-label="Show arrivals" className="flex flex-wrap gap-2 text-sm">
            <Link
              href={hrefFor(undefined)}
              aria-current={input.verdict ? undefined : 'page'}
              className={`rounded-full px-3 py-1 ring-1 ring-inset ${input.verdict ? 'ring-slate-200 text-slate-700' : 'bg-slate-800 text-white ring-slate-800'}`}
            >
              All: {total}
            </Link>
            {(Object.keys(VERDICTS) as Verdict[]).map((verdict) => (
              <Link
                key={verdict}
                href={hrefFor(verdict)}
                data-testid={`count-${verdict}`}
                aria-current={input.verdict === verdict ? 'page' : undefined}
                className={`rounded-full ${input.verdict === verdict ? 'ring-2 ring-slate-800' : ''}`}
              >
                <StatusPill tone={counts[verdict] > 0 ? VERDICTS[verdict].tone : 'slate'}>
                  {VERDICTS[verdict].label}: {counts[verdict]}
                </StatusPill>
              </Link>
            ))}
          </nav>
        ) : null}
        {arrivals.length === 0 ? (
          <EmptyState>
            {total === 0 ? (
              <>
                No stays arrive today or in the next {horizonHours} hours.{' '}
                <Link href="/reservations/new" className="text-brand-700 underline">
                  Add a reservation
                </Link>
              </>
            ) : (
              <>
                No arrivals here.{' '}
                <Link href="/" className="text-brand-700 underline">
                  Show all arrivals
                </Link>
              </>
            )}
          </EmptyState>
        ) : (
          <>
            <ul className="space-y-3">
              {arrivals.map((arrival) => (
                <ArrivalCard key={arrival.reservationId} arrival={arrival} now={now} />
              ))}
            </ul>
            {board.matching > board.pageSize ? (
              <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-700">
                <span>
                  {first + 1}–{first + arrivals.length} of {board.matching}
                </span>
                <span className="flex gap-2">
                  {board.page > 1 ? (
                    <ButtonLink size="sm" href={hrefFor(input.verdict, board.page - 1)}>
                      Previous
                    </ButtonLink>
                  ) : null}
                  {first + arrivals.length < board.matching ? (
                    <ButtonLink size="sm" href={hrefFor(input.verdict, board.page + 1)}>
                      Next
                    </ButtonLink>
                  ) : null}
                </span>
              </div>
            ) : null}
          </>
        )}
      </section>

      <section aria-labelledby="departures-heading" className="space-y-3">
        <div>
          <h2 id="departures-heading" className="text-lg font-semibold">
            Today’s departures
          </h2>
          <p className="text-sm text-slate-600">
            A guest code still on a lock after check-out opens the door for someone who has left.
          </p>
        </div>
        {departures.length === 0 ? (
          <EmptyState>Nobody checks out today.</EmptyState>
        ) : (
          <ul className="space-y-2">
            {departures.map((departure) => (
              <DepartureRow key={departure.reservationId} departure={departure} />
            ))}
          </ul>
        )}
        {board.departuresTotal > departures.length ? (
          <p className="text-sm text-slate-600">
            And {board.departuresTotal - departures.length} more checking out today with nothing
            left on a lock.
          </p>
        ) : null}
      </section>
    </div>
  );
}

function ArrivalCard({ arrival, now }: { arrival: Arrival; now: Date }) {
  const { readiness } = arrival;
  const verdict = VERDICTS[readiness.verdict];
  return (
    <li
      data-testid="arrival"
      data-verdict={readiness.verdict}
      className={`rounded-lg border bg-white p-4 shadow-sm ${
        readiness.verdict === 'at_risk' ? 'border-red-300' : 'border-slate-200'
      }`}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div className="flex flex-wrap items-baseline gap-2">
          <Link
            href={`/reservations/${arrival.reservationId}`}
            className="font-medium text-slate-900 wrap-anywhere hover:underline"
          >
            {arrival.guestName}
          </Link>
          <StatusPill tone={verdict.tone}>{verdict.label}</StatusPill>
        </div>
        <p className="text-sm text-slate-600">
          Arrives {formatInZone(new Date(arrival.startsAt), arrival.timeZone)} (
          {formatDistanceStrict(new Date(arrival.startsAt), now, { addSuffix: true })}) ·{' '}
          {arrival.propertyName}
          {arrival.source ? ` · from ${arrival.source}` : ''}
        </p>
      </div>
      <p
        data-testid="arrival-entry"
        data-arrived={arrival.firstEntry ? 'yes' : 'no'}
        className="mt-2 flex flex-wrap items-center gap-2 text-sm"
      >
        {arrival.firstEntry ? (
          <span className="font-medium text-emerald-800">{arrival.firstEntry.words}</span>
        ) : (
          <span className="text-slate-600">{NO_ENTRY_YET}</span>
        )}
        {arrival.neededHelp ? <StatusPill tone="amber">{NEEDED_HELP}</StatusPill> : null}
      </p>
      <ul className="mt-3 flex flex-wrap gap-2 text-sm" aria-label="Locks">
        {readiness.locks.map((lock) => (
          <li key={lock.deviceId}>
            <LockChip lock={lock} />
          </li>
        ))}
      </ul>
      {readiness.problems.length > 0 ? (
        <ul className="mt-3 space-y-2" aria-label="Problems">
          {readiness.problems.map((problem) => (
            <li
              key={`${problem.check}:${problem.deviceId ?? ''}`}
              className="flex flex-wrap items-center justify-between gap-2 rounded-md bg-slate-50 px-3 py-2 text-sm"
            >
              <span className={problem.severity === 'error' ? 'text-red-800' : 'text-amber-900'}>
                {problem.message}
              </span>
              <ButtonLink size="sm" href={problem.fix.href}>
                {problem.fix.label}
              </ButtonLink>
            </li>
          ))}
        </ul>
      ) : null}
    </li>
  );
}

function LockChip({ lock }: { lock: LockReadiness }) {
  return (
    <Link
      href={`/locks/${lock.deviceId}`}
      className="inline-flex items-center gap-1.5 hover:underline"
      data-testid="arrival-lock"
    >
      <span>{lock.name}:</span>
      {lock.state ? (
        <CodeStatus state={lock.state} />
      ) : (
        <StatusPill tone="red">no guest code</StatusPill>
      )}
    </Link>
  );
}

function DepartureRow({ departure }: { departure: Departure }) {
  const left = departure.stillOnLocks.length > 0;
  return (
    <li
      data-testid="departure"
      className={`flex flex-wrap items-center justify-between gap-2 rounded-lg border bg-white px-4 py-3 text-sm ${
        left ? 'border-red-300' : 'border-slate-200'
      }`}
    >
      <span>
        <span className="font-medium wrap-anywhere">{departure.guestName}</span>{' '}
        <span className="text-slate-600">
          {departure.checkedOut ? 'checked out' : 'checks out'}{' '}
          {formatInZone(new Date(departure.endsAt), departure.timeZone)} · {departure.propertyName}
        </span>
      </span>
      {left ? (
        <span className="flex flex-wrap items-center gap-2 text-red-800">
          Code still on{' '}
          {departure.stillOnLocks.map((lock) => (
            <Link key={lock.deviceId} href={`/locks/${lock.deviceId}`} className="underline">
              {lock.name}
            </Link>
          ))}
        </span>
      ) : (
        <StatusPill tone={departure.checkedOut ? 'green' : 'slate'}>
          {departure.checkedOut ? 'Codes off the locks' : 'Staying until check-out'}
        </StatusPill>
      )}
    </li>
  );
}
