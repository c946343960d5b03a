'use client';

import Link from 'next/link';
import { Pager } from '@/components/pager';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { DataTable, Td } from '@/components/ui/data-table';
import { controlClass } from '@/components/ui/field';
import { usePagedList } from '@/components/use-paged-list';
import type { Tone } from '@/lib/access-codes/describe';
import { queryKeys, reservationsListUrl } from '@/lib/query-keys';
import type {
  ReservationFilter,
  ReservationPage,
  ReservationSummary,
  Stage,
} from '@/lib/reservations/list';
import { TONE_BADGE, TONE_TEXT } from './stay-fields';

const FILTERS: { value: ReservationFilter; label: string }[] = [
  { value: 'current', label: 'In-house and upcoming' },
  { value: 'in_house', label: 'In-house' },
  { value: 'upcoming', label: 'Upcoming' },
  { value: 'past', label: 'Past' },
  { value: 'cancelled', label: 'Cancelled' },
  { value: 'all', label: 'All' },
];

export const STAGE_WORDS: Record<Stage, { label: string; tone: Tone }> = {
  upcoming: { label: 'Upcoming', tone: 'info' },
  in_house: { label: 'In-house', tone: 'ok' },
  past: { label: 'Checked out', tone: 'info' },
  cancelled: { label: 'Cancelled', tone: 'warning' },
};

export function ReservationsTable({
  initialSearch,
  initialFilter,
  initialPage,
  canManage,
  canImport = false,
}: {
  initialSearch: string;
  initialFilter: ReservationFilter;
  initialPage: number;
  canManage: boolean;
  /** Whether to offer the CSV import (admins: it makes a reservation source). */
  canImport?: boolean;
}) {
  const list = usePagedList<
    ReservationFilter,
    { search: string | undefined; filter: ReservationFilter; page: number },
    ReservationPage
  >({
    initialSearch,
    initialFilter,
    initialPage,
    toInput: ({ search, filter, page }) => ({ search, filter, page }),
    queryKey: queryKeys.reservations.list,
    toQueryString: reservationsListUrl,
    route: '/api/reservations',
  });
  const { data, isFetching, error, search, setSearch, submittedSearch, filter, page } = list;
  const { setPage, total, first, last } = list;
  const stays = data?.reservations ?? [];

  return (
    <section aria-labelledby="reservations-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="reservations-heading" className="text-xl font-semibold">
            Reservations
          </h1>
          <p className="text-sm text-slate-600">
            Stays and the guest codes on their locks. Times are the property’s.
          </p>
        </div>
        <div className="flex flex-wrap gap-3">
          {canImport ? <ButtonLink href="/reservations/import">Import CSV</ButtonLink> : null}
          {canManage ? (
            <ButtonLink variant="primary" href="/reservations/new">
              New reservation
            </ButtonLink>
          ) : null}
        </div>
      </div>

      <div className="flex flex-wrap items-end gap-3">
        <div className="w-full sm:w-72">
          <label htmlFor="reservation-search" className="sr-only">
            Search reservations
          </label>
          <input
            id="reservation-search"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Search by guest name or room"
            className={controlClass}
          />
        </div>
        <div className="w-full sm:w-56">
          <label htmlFor="reservation-filter" className="sr-only">
            Show
          </label>
          <select
            id="reservation-filter"
            value={filter}
            onChange={(e) => {
              list.setFilter(e.target.value as ReservationFilter);
            }}
            className={controlClass}
          >
            {FILTERS.map((f) => (
              <option key={f.value} value={f.value}>
                {f.label}
              </option>
            ))}
          </select>
        </div>
      </div>

      {error ? (
        <Alert tone="error">Could not refresh the reservations: {error.message}</Alert>
      ) : null}

      <DataTable
        columns={[
          { label: 'Guest' },
          // On a phone the stay and its codes are stacked under the guest instead.
          { label: 'Stay', hideBelow: 'sm' },
          { label: 'Locks', hideBelow: 'md' },
          { label: 'Codes', hideBelow: 'sm' },
        ]}
        empty={
          stays.length === 0 ? (
            <>
              <p>
                {submittedSearch
                  ? `No stays match “${submittedSearch}”.`
                  : filter === 'current'
                    ? 'No guests in-house or arriving.'
                    : 'No stays here.'}
              </p>
              {canManage && !submittedSearch ? (
                <Link href="/reservations/new" className="font-medium text-brand-700 underline">
                  Create a reservation
                </Link>
              ) : null}
            </>
          ) : null
        }
      >
        {stays.map((stay) => (
          <ReservationRow key={stay.id} stay={stay} />
        ))}
      </DataTable>

      <Pager
        first={first}
        last={last}
        total={total}
        noun="stays"
        refreshing={isFetching}
        page={page}
        onPage={setPage}
      />
    </section>
  );
}

function ReservationRow({ stay }: { stay: ReservationSummary }) {
  const codes = codeSummary(stay);
  const codeWords = (
    <span className={TONE_TEXT[codes.tone]} title={codes.seamNames || undefined}>
      {codes.text}
    </span>
  );
  return (
    <tr data-testid="reservation-row">
      <Td className="align-top">
        <Link
          href={`/reservations/${stay.id}`}
          className="font-medium text-brand-700 wrap-anywhere underline-offset-2 hover:underline"
        >
          {stay.guestName}
        </Link>
        <p className="text-xs text-slate-500">
          {stay.propertyName}
          {stay.source ? ` · from ${stay.source}` : ''}
        </p>
        <p className="text-xs text-slate-500 md:hidden">
          {stay.locks.map((l) => l.name).join(', ')}
        </p>
        <div className="mt-2 space-y-1 sm:hidden" data-testid="reservation-stacked">
          <StayDates stay={stay} />
          <p>{codeWords}</p>
        </div>
      </Td>
      <Td hideBelow="sm" className="align-top">
        <StayDates stay={stay} />
      </Td>
      <Td hideBelow="md" className="align-top">
        {stay.locks.length === 0 ? (
          <span className="text-slate-500">None</span>
        ) : (
          <ul>
            {stay.locks.map((lock) => (
              <li key={lock.id}>
                {lock.name}
                {lock.online ? null : <span className="ml-1 text-red-700">(offline)</span>}
              </li>
            ))}
          </ul>
        )}
      </Td>
      <Td hideBelow="sm" className="align-top" data-testid="reservation-codes">
        {codeWords}
      </Td>
    </tr>
  );
}

/** The stay's stage and dates: a column of its own, or under the guest on a phone. */
function StayDates({ stay }: { stay: ReservationSummary }) {
  const stage = STAGE_WORDS[stay.stage];
  return (
    <>
      <span
        className={`mb-1 inline-block rounded-full px-2 py-0.5 text-xs ring-1 ${TONE_BADGE[stage.tone]}`}
      >
        {stage.label}
      </span>
      <p className="whitespace-nowrap">{stay.checkInLabel}</p>
      <p className="whitespace-nowrap text-slate-500">to {stay.checkOutLabel}</p>
    </>
  );
}

/** One line about a stay's guest codes, in the words every page uses; Seam's names of any errors go in the tooltip. */
function codeSummary(stay: ReservationSummary): { text: string; tone: Tone; seamNames: string } {
  const { codes, problems } = stay;
  const seamNames = problems.map((p) => p.code).join(', ');
  if (stay.stage === 'cancelled') return { text: 'Cancelled', tone: 'info', seamNames };
  if (!codes.summary) return { text: 'No codes', tone: 'info', seamNames };
  if (stay.stage === 'past' && problems.length === 0) {
    return { text: 'Stay over', tone: 'info', seamNames };
  }
  return { text: codes.summary.title, tone: codes.summary.tone, seamNames };
}
