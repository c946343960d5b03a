'use client';

import Link from 'next/link';
import { OnlineStatus } from '@/components/online-status';
import { Pager } from '@/components/pager';
import { StatusPill } from '@/components/status-pill';
import { Alert } from '@/components/ui/alert';
import { cx } from '@/components/ui/cx';
import { DataTable, Td } from '@/components/ui/data-table';
import { controlClass } from '@/components/ui/field';
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
            Every lock Keyhold manages, with what it holds now.{' '}
            <Link href="/locks/groups" className="text-brand-700 underline">
              Lock groups
            </Link>
            {' · '}
            <Link href="/locks/forecast" className="text-brand-700 underline">
              Slot forecast: which lock runs out of code slots, and when
            </Link>
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
            className={cx(controlClass, 'sm:w-auto')}
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
            className={cx(controlClass, 'sm:w-72')}
          />
        </div>
      </div>

      {error ? <Alert tone="error">Could not refresh the locks: {error.message}</Alert> : null}

      <DataTable
        columns={[
          { label: 'Lock' },
          { label: 'Room' },
          { label: 'Property', hideBelow: 'md' },
          { label: 'Connection' },
          { label: 'Battery' },
          { label: 'Codes on lock', hideBelow: 'sm' },
          { label: 'Backup pool', hideBelow: 'md' },
          { label: 'Alerts', hideBelow: 'md' },
        ]}
        empty={
          locks.length === 0
            ? submittedSearch
              ? `No locks match “${submittedSearch}”.`
              : show !== 'all'
                ? `No locks here: nothing is ${SHOW_LABELS[show].toLowerCase()}.`
                : 'No locks yet. Locks appear here once an adapter reports them.'
            : null
        }
      >
        {locks.map((lock) => (
          <LockRow key={lock.id} lock={lock} />
        ))}
      </DataTable>

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
      <Td className="font-medium text-slate-900">
        <Link
          href={`/locks/${lock.id}`}
          className="text-brand-700 underline-offset-4 hover:underline"
        >
          {lock.name}
        </Link>
        {lock.commonDoor ? (
          <span
            className="ml-2"
            title={
              lock.commonDoorGroup
                ? `Every stay in ${lock.commonDoorGroup} gets its code on this lock.`
                : 'Every stay at its property gets its code on this lock.'
            }
          >
            <StatusPill tone="blue">
              Common door{lock.commonDoorGroup ? ` · ${lock.commonDoorGroup}` : ''}
            </StatusPill>
          </span>
        ) : null}
      </Td>
      <Td>{lock.room ?? '—'}</Td>
      <Td hideBelow="md" className="text-slate-600">
        {lock.propertyName ?? 'Not placed'}
      </Td>
      <Td>
        <OnlineStatus online={lock.online} />
      </Td>
      <Td className={lowBattery ? 'font-medium text-red-700' : undefined}>
        {battery === null ? '—' : `${battery}%`}
        {lowBattery ? <span className="ml-1 text-xs">(low)</span> : null}
      </Td>
      <Td hideBelow="sm" data-testid="codes-on-lock">
        {lock.codesOnLock}
        {lock.slotLimit ? <span className="text-slate-500"> / {lock.slotLimit}</span> : null}
      </Td>
      <Td hideBelow="md" data-testid="pool">
        {lock.backupPoolEnabled ? (
          <span className={lock.availableBackups === 0 ? 'font-medium text-red-700' : ''}>
            {lock.availableBackups} ready
          </span>
        ) : (
          <span className="text-slate-500">Off</span>
        )}
      </Td>
      <Td hideBelow="md">
        {lock.openAlerts === 0 ? (
          <span className="text-slate-500">None</span>
        ) : (
          <Link href="/alerts" className="font-medium text-amber-800 underline">
            {plural(lock.openAlerts, 'alert')}
          </Link>
        )}
      </Td>
    </tr>
  );
}
