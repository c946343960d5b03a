'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { CodeStatus } from '@/components/code-status';
import { fetchJson } from '@/components/query-client';
import { Alert } from '@/components/ui/alert';
import { EmptyState } from '@/components/ui/empty-state';
import { controlClass } from '@/components/ui/field';
import { useDebouncedSearch, useQueryStringInAddress } from '@/components/use-debounced-search';
import { frontDeskUrl, queryKeys } from '@/lib/query-keys';
import type { DeskStay } from '@/lib/reservations/desk';
import { formatInZone } from '@/lib/time';
import { PullBackupButton } from './pull-button';

/** The front desk, kept live: codes move with every tick, and the search filters as the clerk types. */
export function DeskView({
  initialSearch,
  problem,
}: {
  initialSearch: string;
  /** Why the address's search was not used, if it was not. */
  problem: string | null;
}) {
  const { search, setSearch, submittedSearch } = useDebouncedSearch(initialSearch);
  const input = { q: submittedSearch || undefined };
  const query = frontDeskUrl(input);
  const { data: stays, error } = useQuery({
    queryKey: queryKeys.frontDesk.list(input),
    queryFn: () => fetchJson<DeskStay[]>(`/api/front-desk${query}`),
    placeholderData: keepPreviousData,
    refetchInterval: 5_000,
  });
  useQueryStringInAddress(query);

  return (
    <div className="space-y-5">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">Front desk</h1>
          <p className="text-sm text-slate-600">
            Guests in-house or arriving in the next 72 hours. A guest who cannot get in gets a
            backup code in one click.
          </p>
        </div>
        {/* Without JavaScript the form still searches, by loading the page with ?q=. */}
        <form
          className="w-full sm:w-72"
          action="/front-desk"
          onSubmit={(event) => event.preventDefault()}
        >
          <label htmlFor="desk-search" className="sr-only">
            Search guests
          </label>
          <input
            id="desk-search"
            name="q"
            type="search"
            value={search}
            onChange={(event) => setSearch(event.target.value)}
            maxLength={100}
            placeholder="Guest name or room"
            className={controlClass}
          />
        </form>
      </div>
      {problem ? (
        <Alert tone="warning" role="alert">
          {problem}
        </Alert>
      ) : null}
      {error ? <Alert tone="error">Could not refresh the front desk: {error.message}</Alert> : null}
      {!stays ? null : stays.length === 0 ? (
        <EmptyState>
          {submittedSearch
            ? `No stay matches “${submittedSearch}”.`
            : 'No guests in-house or arriving in the next 72 hours.'}
        </EmptyState>
      ) : (
        <ul className="space-y-3">
          {stays.map((stay) => (
            <li
              key={stay.reservationId}
              data-testid="desk-stay"
              className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
            >
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <p className="font-medium wrap-anywhere">{stay.guestName}</p>
                <p className="text-sm text-slate-600">
                  {formatInZone(new Date(stay.startsAt), stay.timeZone)} –{' '}
                  {formatInZone(new Date(stay.endsAt), stay.timeZone)}{' '}
                  <span className="text-slate-500">({stay.timeZone})</span>
                </p>
              </div>
              <ul className="mt-3 space-y-3">
                {stay.codes.map((code) => (
                  <li
                    key={code.accessCodeId}
                    className="flex flex-wrap items-start justify-between gap-3"
                  >
                    <div className="text-sm">
                      <p className="font-medium">{code.lockName}</p>
                      <CodeStatus state={code.state} seamIssues={code.problems} />
                      {code.alsoBooked ? (
                        <p data-testid="also-booked" className="text-amber-800">
                          {code.alsoBooked}
                        </p>
                      ) : null}
                      {code.lockOfflineSince && code.pull.ok ? (
                        <p className="text-amber-900" data-testid="lock-offline">
                          Lock offline since{' '}
                          {formatInZone(new Date(code.lockOfflineSince), stay.timeZone)}: the codes
                          already on it still open it.
                        </p>
                      ) : null}
                    </div>
                    {code.pull.ok ? (
                      <PullBackupButton
                        accessCodeId={code.accessCodeId}
                        lockName={code.lockName}
                        alreadyPulled={code.backupPulled}
                      />
                    ) : (
                      // No button for a pull that would be refused: why, and what to do instead.
                      <Alert
                        tone={code.pull.kind === 'lock' ? 'error' : 'warning'}
                        role="note"
                        data-testid="pull-refused"
                        className="max-w-md text-sm"
                      >
                        {code.pull.reason}
                      </Alert>
                    )}
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
