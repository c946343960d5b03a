import type { Metadata } from 'next';
import Link from 'next/link';
import { StatusPill } from '@/components/status-pill';
import { Breadcrumb } from '@/components/ui/breadcrumb';
import { ButtonLink } from '@/components/ui/button';
import { DataTable, Td } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { getDb } from '@/db/client';
import { plural } from '@/lib/access-codes/describe';
import { can } from '@/lib/auth/permissions';
import { clock } from '@/lib/clock';
import { firstValues } from '@/lib/http/search-params';
import { requirePageActor } from '@/lib/http/session';
import {
  FORECAST_PAGE_SIZE,
  forecastPageSchema,
  type LockSlotForecast,
  leavesSomeoneOut,
  type SlotFix,
  shortageParts,
  shortageWhen,
  slotForecast,
} from '@/lib/slots/forecast';
import { formatInZone, formatZoned } from '@/lib/time';
import { ShrinkPoolButton } from './shrink-pool-button';

export const metadata: Metadata = { title: 'Slot forecast' };

type Rights = { pool: boolean; settings: boolean; staff: boolean };

/**
 * The slot forecast (lib/slots/forecast.ts): the locks that run short of
 * code slots in the next 14 days first, with who would be left without a
 * code and the fixes that clear it, then every lock's peak need against its
 * slots. Anyone who reads locks reads it; each fix is a button or a link
 * only for those allowed to make it.
 */
export default async function SlotForecastPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor('locks.read');
  const parsed = forecastPageSchema.safeParse(firstValues(await searchParams));
  const db = await getDb();
  const now = clock.now();
  const forecast = await slotForecast(db, actor, now);
  const short = forecast.locks.filter((l) => l.firstShortage);
  const pages = Math.max(1, Math.ceil(forecast.locks.length / FORECAST_PAGE_SIZE));
  const page = Math.min(parsed.success ? parsed.data.page : 1, pages);
  const shown = forecast.locks.slice((page - 1) * FORECAST_PAGE_SIZE, page * FORECAST_PAGE_SIZE);
  const rights: Rights = {
    pool: can(actor.role, 'backup_pools.manage'),
    settings: can(actor.role, 'settings.manage'),
    staff: can(actor.role, 'staff.manage'),
  };

  return (
    <div className="space-y-6">
      <div className="space-y-1">
        <Breadcrumb parent={{ href: '/locks', label: 'Locks' }} current="Slot forecast" />
        <h1 className="text-xl font-semibold">Slot forecast — next {forecast.days} days</h1>
        <p className="max-w-3xl text-sm text-slate-600">
          How many code slots each lock will need, hour by hour, against what it holds: guest codes
          from their programming time ({forecast.leadMinutes} minutes before check-in, 72 hours on
          locks that keep their own schedules), pulled and permanent backup codes, the backup pool
          and staff windows. A code on the lock keeps its slot and the nearest arrival goes first,
          so the latest arrivals are the ones left out. Locks whose number of slots is unknown are
          not counted.
        </p>
      </div>

      {short.length === 0 ? (
        <EmptyState data-testid="forecast-clear">
          No lock runs short of slots in the next {forecast.days} days.
        </EmptyState>
      ) : (
        <section aria-labelledby="short-heading" className="space-y-3">
          <h2 id="short-heading" className="text-base font-semibold">
            {short.length === 1 ? '1 lock runs short' : `${short.length} locks run short`}, soonest
            first
          </h2>
          <ul className="space-y-3">
            {short.map((lock) => (
              <ShortLock key={lock.deviceId} lock={lock} now={now} rights={rights} />
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="all-heading" className="space-y-3">
        <div>
          <h2 id="all-heading" className="text-base font-semibold">
            Every lock ({forecast.locks.length})
          </h2>
          <p className="text-sm text-slate-600">Tightest first: the fewest slots to spare.</p>
        </div>
        <DataTable
          columns={[
            { label: 'Lock' },
            { label: 'Property', hideBelow: 'md' },
            { label: 'Slots' },
            { label: 'Most needed at once' },
            { label: 'When', hideBelow: 'sm' },
          ]}
          empty={
            forecast.locks.length === 0
              ? 'No lock has a known number of slots yet: they show here once their adapter reports it.'
              : undefined
          }
        >
          {shown.map((lock) => (
            <tr key={lock.deviceId} data-testid="forecast-row">
              <Td>
                <Link href={`/locks/${lock.deviceId}`} className="text-brand-700 underline">
                  {lock.name}
                </Link>
              </Td>
              <Td hideBelow="md">{lock.propertyName ?? '—'}</Td>
              <Td>{lock.capacity}</Td>
              <Td>
                {lock.peak > lock.capacity ? (
                  <StatusPill tone="red">{lock.peak} — short</StatusPill>
                ) : (
                  lock.peak
                )}
              </Td>
              <Td hideBelow="sm">
                {lock.peakAt
                  ? new Date(lock.peakAt) <= now
                    ? 'Now'
                    : formatInZone(new Date(lock.peakAt), lock.timeZone)
                  : '—'}
              </Td>
            </tr>
          ))}
        </DataTable>
        {pages > 1 ? (
          <nav
            aria-label="Pages of locks"
            className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600"
          >
            <p>
              {(page - 1) * FORECAST_PAGE_SIZE + 1}–{(page - 1) * FORECAST_PAGE_SIZE + shown.length}{' '}
              of {forecast.locks.length} locks
            </p>
            <div className="flex gap-2">
              {page > 1 ? (
                <ButtonLink size="sm" href={`/locks/forecast?page=${page - 1}`}>
                  Previous
                </ButtonLink>
              ) : null}
              {page < pages ? (
                <ButtonLink size="sm" href={`/locks/forecast?page=${page + 1}`}>
                  Next
                </ButtonLink>
              ) : null}
            </div>
          </nav>
        ) : null}
      </section>
    </div>
  );
}

function ShortLock({ lock, now, rights }: { lock: LockSlotForecast; now: Date; rights: Rights }) {
  const headingId = `lock-${lock.deviceId}`;
  return (
    <li
      aria-labelledby={headingId}
      data-testid="short-lock"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={headingId} className="scroll-mt-24 font-semibold">
          <Link href={`/locks/${lock.deviceId}`} className="text-brand-700 underline">
            {lock.name}
          </Link>
          {lock.propertyName ? (
            <span className="font-normal text-slate-600"> · {lock.propertyName}</span>
          ) : null}
        </h3>
        <StatusPill tone={leavesSomeoneOut(lock) ? 'red' : 'amber'}>
          {plural(lock.capacity, 'slot')}
        </StatusPill>
      </div>
      <p className="text-sm text-slate-800">
        Runs short <strong>{shortageWhen(lock, now)}</strong>:{' '}
        {shortageParts(lock, { names: false }).join('; ')}.
      </p>
      {lock.stays.length > 0 ? (
        <div className="text-sm">
          <p className="font-medium">Stays left without a code</p>
          <ul className="ml-5 list-disc">
            {lock.stays.map((stay) => (
              <li key={stay.reservationId}>
                <Link
                  href={`/reservations/${stay.reservationId}`}
                  className="text-brand-700 underline"
                >
                  {stay.guestName}
                </Link>
                , check-in {formatZoned(new Date(stay.checkIn), lock.timeZone)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {lock.staff.length > 0 ? (
        <div className="text-sm">
          <p className="font-medium">Staff without their code</p>
          <ul className="ml-5 list-disc">
            {lock.staff.map((person) => (
              <li key={person.staffMemberId}>
                {person.name}, from {formatZoned(new Date(person.at), lock.timeZone)}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      <DailyPeaks lock={lock} />
      <Fixes lock={lock} rights={rights} />
    </li>
  );
}

/** How many of the coming days are short: the day-by-day peaks in one sentence. */
function DailyPeaks({ lock }: { lock: LockSlotForecast }) {
  const short = lock.daily.filter((day) => day.peak > lock.capacity).length;
  return (
    <p className="text-sm text-slate-700">
      Short on {short === 1 ? '1 day' : `${short} days`} of the next {lock.daily.length}; at most{' '}
      {lock.peak} needed at once.
    </p>
  );
}

/**
 * What the fix was checked to do. A person's fix was checked by forecasting
 * without their windows on this lock, so it promises no more than that: a
 * window moved by an hour may still fall in the short time.
 */
const effect = (fix: SlotFix) => {
  if (fix.kind === 'move_staff_window') {
    return fix.clears
      ? `Without ${fix.name}’s windows on this lock, it has room for everyone else.`
      : `Without ${fix.name}’s windows on this lock, fewer people are left without a code.`;
  }
  return fix.clears
    ? 'Clears the shortage.'
    : 'Leaves fewer people without a code, though the lock still runs short.';
};

function Fixes({ lock, rights }: { lock: LockSlotForecast; rights: Rights }) {
  if (lock.fixes.length === 0) {
    return (
      <p className="text-sm text-slate-700">
        No single change here clears it: move a stay to another lock, or free slots at the lock.
      </p>
    );
  }
  return (
    <div className="space-y-2 text-sm">
      <p className="font-medium">What would help</p>
      <ul className="space-y-3">
        {lock.fixes.map((fix) => (
          <li key={fixKey(fix)} data-testid="forecast-fix" className="space-y-1">
            <FixAction fix={fix} lock={lock} rights={rights} />
            <p className="text-slate-600">
              {effect(fix)}
              {fix.kind === 'shorten_lead'
                ? ' The lead is the organization’s: every lock’s codes would go on later, with less time to retry before check-in.'
                : ''}
            </p>
          </li>
        ))}
      </ul>
    </div>
  );
}

const fixKey = (fix: SlotFix) =>
  fix.kind === 'move_staff_window' ? `${fix.kind}:${fix.staffMemberId}` : fix.kind;

function FixAction({
  fix,
  lock,
  rights,
}: {
  fix: SlotFix;
  lock: LockSlotForecast;
  rights: Rights;
}) {
  switch (fix.kind) {
    case 'shrink_pool':
      return rights.pool ? (
        <ShrinkPoolButton
          deviceId={lock.deviceId}
          lockName={lock.name}
          from={fix.from}
          to={fix.to}
        />
      ) : (
        <p>
          Shrink this lock’s backup pool from {fix.from} to {fix.to} (an owner or admin can).
        </p>
      );
    case 'shorten_lead':
      return rights.settings ? (
        <p>
          <Link href="/settings" className="font-medium text-brand-700 underline">
            Shorten the programming lead from {fix.from} to {fix.to} minutes in Settings
          </Link>
        </p>
      ) : (
        <p>
          Shorten the programming lead from {fix.from} to {fix.to} minutes (an admin can, in
          Settings).
        </p>
      );
    case 'move_staff_window':
      return rights.staff ? (
        <p>
          <Link
            href={`/staff/${fix.staffMemberId}`}
            className="font-medium text-brand-700 underline"
          >
            Move {fix.name}’s windows out of the short time, or take this lock off their doors
          </Link>
        </p>
      ) : (
        <p>
          Move {fix.name}’s windows out of the short time, or take this lock off their doors (an
          owner or admin can).
        </p>
      );
  }
}
