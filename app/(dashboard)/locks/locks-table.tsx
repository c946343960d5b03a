'use client';

import Link from 'next/link';
import { Pager } from '@/components/pager';
import { usePagedList } from '@/components/use-paged-list';
import { plural } from '@/lib/access-codes/describe';
import { LOW_BATTERY } from '@/lib/devices/battery';
import type { LockFilter, LockPage, LockSummary } from '@/lib/devices/locks';
import { locksListUrl, queryKeys } from '@/lib/query-keys';

const SHOW_LABELS: Record<LockFilter, string> = {
  all: 'All locks',
  attention: 'Needing attention',
  offline: 'Offline',
  low_battery: 'Low battery',
};

export function LocksTable({
  initialSearch,
  initialShow,
  initialPage,
}: {
  initialSearch: string;
  initialShow: LockFilter;
  initialPage: number;
}) {
  const list = usePagedList<
    LockFilter,
    { search: string | undefined; show: LockFilter; page: number },
    LockPage
  >({
    initialSearch,
    initialFilter: initialShow,
    initialPage,
    toInput: ({ search, filter, page }) => ({ search, show: filter, page }),
    queryKey: queryKeys.locks.list,
    toQueryString: locksListUrl,
    route: '/api/locks',
  });
  const { data, isFetching, error, search, setSearch, submittedSearch, page, setPage } = list;
  const { total, first, last } = list;
  const show = list.filter;
  const locks = data?.locks ?? [];

  return (
    <section aria-labelledby="locks-heading" className="space-y-4">
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 id="locks-heading" className="text-xl font-semibold">
            Locks
          </h1>
          <p className="text-sm text-slate-600">
            Every lock Keyhold manages, with what it holds now.
          </p>
        </div>
        <div className="flex w-full flex-wrap gap-2 sm:w-auto">
          <label htmlFor="lock-show" className="sr-only">
            Show
          </label>
          <select
            id="lock-show"
            value={show}
            onChange={(e) => {
              list.setFilter(e.target.value as LockFilter);
            }}
            className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
          >
            {(Object.keys(SHOW_LABELS) as LockFilter[]).map((value) => (
              <option key={value} value={value}>
                {SHOW_LABELS[value]}
              </option>
            ))}
          </select>
          <label htmlFor="lock-search" className="sr-only">
            Search locks
          </label>
          <input
            id="lock-search"
            type="search"
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            placeholder="Search by lock, room or property"
            maxLength={100}
            className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none sm:w-72"
          />
        </div>
      </div>

      {error ? (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          Could not refresh the locks: {error.message}
        </p>
      ) : null}

      <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
        <table className="min-w-full divide-y divide-slate-200 text-sm">
          <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
            <tr>
              <th scope="col" className="px-4 py-3">
                Lock
              </th>
              <th scope="col" className="px-4 py-3">
                Room
              </th>
              <th scope="col" className="hidden px-4 py-3 md:table-cell">
                Property
              </th>
              <th scope="col" className="px-4 py-3">
                Connection
              </th>
              <th scope="col" className="px-4 py-3">
                Battery
              </th>
              <th scope="col" className="hidden px-4 py-3 sm:table-cell">
                Codes on lock
              </th>
              <th scope="col" className="hidden px-4 py-3 md:table-cell">
                Backup pool
              </th>
              <th scope="col" className="hidden px-4 py-3 md:table-cell">
                Alerts
              </th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {locks.map((lock) => (
              <LockRow key={lock.id} lock={lock} />
            ))}
          </tbody>
        </table>
        {locks.length === 0 ? (
          <p className="px-4 py-10 text-center text-slate-600">
            {submittedSearch
              ? `No locks match “${submittedSearch}”.`
              : show !== 'all'
                ? `No locks here: nothing is ${SHOW_LABELS[show].toLowerCase()}.`
                : 'No locks yet. Locks appear here once an adapter reports them.'}
          </p>
        ) : null}
      </div>

      <Pager
        first={first}
        last={last}
        total={total}
        noun="locks"
        refreshing={isFetching}
        page={page}
        onPage={setPage}
      />
    </section>
  );
}

function LockRow({ lock }: { lock: LockSummary }) {
  const battery = lock.batteryLevel === null ? null : Math.round(lock.batteryLevel * 100);
  const lowBattery = lock.batteryLevel !== null && lock.batteryLevel < LOW_BATTERY;
  return (
    <tr data-testid="lock-row">
      <td className="px-4 py-3 font-medium text-slate-900">
        <Link
          href={`/locks/${lock.id}`}
          className="text-brand-700 underline-offset-4 hover:underline"
        >
          {lock.name}
        </Link>
      </td>
      <td className="px-4 py-3">{lock.room ?? '—'}</td>
      <td className="hidden px-4 py-3 text-slate-600 md:table-cell">
        {lock.propertyName ?? 'Not placed'}
      </td>
      <td className="px-4 py-3">
        {lock.online ? (
          <span className="inline-flex items-center gap-1.5 text-emerald-700">
            <span aria-hidden className="size-2 rounded-full bg-emerald-500" /> Online
          </span>
        ) : (
          <span className="inline-flex items-center gap-1.5 font-medium text-red-700">
            <span aria-hidden className="size-2 rounded-full bg-red-500" /> Offline
          </span>
        )}
      </td>
      <td className={`px-4 py-3 ${lowBattery ? 'font-medium text-red-700' : ''}`}>
        {battery === null ? '—' : `${battery}%`}
        {lowBattery ? <span className="ml-1 text-xs">(low)</span> : null}
      </td>
      <td className="hidden px-4 py-3 sm:table-cell" data-testid="codes-on-lock">
        {lock.codesOnLock}
        {lock.slotLimit ? <span className="text-slate-500"> / {lock.slotLimit}</span> : null}
      </td>
      <td className="hidden px-4 py-3 md:table-cell" data-testid="pool">
        {lock.backupPoolEnabled ? (
          <span className={lock.availableBackups === 0 ? 'font-medium text-red-700' : ''}>
            {lock.availableBackups} ready
          </span>
        ) : (
          <span className="text-slate-500">Off</span>
        )}
      </td>
      <td className="hidden px-4 py-3 md:table-cell">
        {lock.openAlerts === 0 ? (
          <span className="text-slate-500">None</span>
        ) : (
          <Link href="/alerts" className="font-medium text-amber-800 underline">
            {plural(lock.openAlerts, 'alert')}
          </Link>
        )}
      </td>
    </tr>
  );
}
