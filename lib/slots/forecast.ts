import { eq, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Executor, queryRows } from '@/db/client';
import { type AccessCodeStatus, organizations } from '@/db/schema';
import { plural } from '@/lib/access-codes/describe';
import { inBackupPool, isLive, takesSlot } from '@/lib/access-codes/predicates';
import { type LockPolicy, NATIVE_SCHEDULING_HOURS, timeOnLock } from '@/lib/access-codes/state';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { poolSizeSql } from '@/lib/backup-pools/pool-size';
import { compareWork, type WorkItem } from '@/lib/reconciler/work-order';
import { loadStaffPlan } from '@/lib/staff/plan';
import type { Interval } from '@/lib/staff/windows';
import { formatZoned, localDateTimeParts, toIso } from '@/lib/time';

/**
 * The slot forecast (issue 22): for each lock with a known capacity
 * (`devices.slot_limit`), how many of its slots it will need hour by hour
 * over the coming days, the first moment it needs more than it has, who would
 * be left without a code then, and what would clear it.
 *
 * A code holds a slot for its time on the lock (`timeOnLock`: from its
 * programming time, the lead or 72 hours before its start, to its end; for
 * ever for an ongoing code). Slots go out by the reconciler's own rule
 * (lib/reconciler/work-order.ts): a code on the lock keeps its slot, a free
 * slot goes to the nearest arrival first and to a backup code last. So the
 * ones left out are the latest arrivals beyond capacity, never a guest in
 * house.
 */

const HOUR = 3_600_000;
export const FORECAST_DAYS = 14;
/** Locks per page of the forecast's table of every lock (the short ones are all shown above it). */
export const FORECAST_PAGE_SIZE = 50;

export const forecastPageSchema = z.object({
  page: z.coerce
    .number({ error: 'Page must be a number.' })
    .int('Page must be a whole number.')
    .min(1, 'Page must be 1 or more.')
    .max(10_000, 'Page is too large.')
    .default(1),
});

export type SlotNeedKind =
  /** A stay's guest code. */
  | 'guest'
  /** A time-bound code of no stay (made by hand or through the API). */
  | 'code'
  /** An ongoing code: a permanent backup code, a hand-made one. */
  | 'ongoing'
  /** A backup code pulled for a guest: it leaves with the stay. */
  | 'pulled'
  /** A staff member's window (lib/staff/plan). */
  | 'staff'
  /** One code of the lock's backup pool. */
  | 'pool';

/** One thing that needs one of a lock's slots for a while. */
export type SlotNeed = {
  id: string;
  kind: SlotNeedKind;
  /** When it starts needing the slot (its programming time); null: it already does. */
  from: Date | null;
  /** When it stops needing it (its end); null: never. */
  until: Date | null;
  /**
   * When it opens the door (a stay's check-in, a window's start): it must
   * hold its slot by then. Null for ongoing codes, which need it at once.
   */
  startsAt: Date | null;
  /** Later moments it must hold the slot by (a person's windows held as one time on the lock). */
  alsoAt?: Date[];
  /** On the lock now: it keeps its slot. */
  onLock: boolean;
  reservation?: { id: string; guestName: string; checkIn: Date } | null;
  staff?: { id: string; name: string } | null;
};

export type LeftOut = {
  need: SlotNeed;
  /** When it would first be without a slot it needs. */
  at: Date;
};

export type LockForecastResult = {
  /** The most slots needed at once within each hour from `from` (each bucket of `bucketHours`). */
  hourly: number[];
  peak: number;
  /** When the peak is first reached; null when nothing needs a slot. */
  peakAt: Date | null;
  /** The first moment more slots are needed than the lock has. */
  firstShortage: Date | null;
  /** Needs that would be without a slot when they need it, in time order. */
  leftOut: LeftOut[];
};

const isTimeBound = (kind: SlotNeedKind) => kind !== 'ongoing' && kind !== 'pool';
const workItem = (need: SlotNeed): WorkItem => ({
  removal: false,
  isBackup: need.kind === 'pool' || need.kind === 'pulled',
  type: isTimeBound(need.kind) ? 'time_bound' : 'ongoing',
  startsAt: need.startsAt,
});

/**
 * The lock's slots over [from, from + hours), played forward: at each moment
 * the needs that end give their slots back, the ones that begin ask for one,
 * and the free slots go out in work order to the needs waiting; a need on the
 * lock is never pushed out. Pure.
 */
export function forecastLock(input: {
  capacity: number;
  needs: SlotNeed[];
  from: Date;
  hours: number;
  /**
   * Slots taken throughout by codes on the lock for good (ongoing codes on
   * it now, the pool's codes there): never pushed out, never ending, counted
   * without a need each.
   */
  held?: number;
  /** Hours per peak in `hourly`: 1 (each hour) unless a caller wants days, or one for all. */
  bucketHours?: number;
}): LockForecastResult {
  const { capacity, from, hours } = input;
  const throughout = input.held ?? 0;
  const bucketHours = input.bucketHours ?? 1;
  const start = from.getTime();
  const end = start + hours * HOUR;

  // When each need holds (or asks for) its slot, within the horizon.
  const counted: { need: SlotNeed; s: number; e: number }[] = [];
  for (const need of input.needs) {
    const s = need.onLock || need.from === null ? start : Math.max(start, need.from.getTime());
    const e = need.until?.getTime() ?? Number.POSITIVE_INFINITY;
    if (e > s && s < end) counted.push({ need, s, e });
  }
  if (counted.length + throughout <= capacity) {
    return roomForAll(counted, throughout, start, end, bucketHours);
  }

  type Item = {
    need: SlotNeed;
    s: number;
    e: number;
    checks: number[];
    order: WorkItem;
    /** Place in work order. */
    rank: number;
    state: 'idle' | 'waiting' | 'held';
    leftAt: number | null;
  };
  const items: Item[] = counted.map(({ need, s, e }) => {
    const checks: number[] = [];
    const check = (at: Date | null | undefined) => {
      if (!at) return;
      const t = Math.max(at.getTime(), s);
      if (t < e && t < end) checks.push(t);
    };
    check(need.startsAt);
    if (need.alsoAt) for (const at of need.alsoAt) check(at);
    return { need, s, e, checks, order: workItem(need), rank: 0, state: 'idle', leftAt: null };
  });
  items.sort(
    (a, b) =>
      compareWork(a.order, b.order) || (a.need.id < b.need.id ? -1 : a.need.id > b.need.id ? 1 : 0),
  );
  // At one moment: slots given back (0), then asked for (1), then who must hold one by now (2);
  // sorted by one number: the time, then the kind.
  const events: { key: number; at: number; kind: 0 | 1 | 2; item: Item }[] = [];
  const event = (at: number, kind: 0 | 1 | 2, item: Item) =>
    events.push({ key: at * 4 + kind, at, kind, item });
  items.forEach((item, i) => {
    item.rank = i;
    event(item.s, 1, item);
    if (item.e < end) event(item.e, 0, item);
    for (const at of item.checks) event(at, 2, item);
  });
  events.sort((a, b) => a.key - b.key);

  let held = throughout;
  // In work order: the first waiting gets the next free slot.
  const waiting: Item[] = [];
  const wait = (item: Item) => {
    item.state = 'waiting';
    let at = waiting.length;
    while (at > 0 && (waiting[at - 1]?.rank ?? 0) > item.rank) at--;
    waiting.splice(at, 0, item);
  };
  /** The need at each moment it changes: [time, need, time, need, …]. */
  const steps: number[] = (events[0]?.at ?? start) > start ? [start, throughout] : [];
  let firstShortage: number | null = throughout > capacity ? start : null;
  for (let i = 0; i < events.length; ) {
    const t = events[i]?.at ?? end;
    const checked: Item[] = [];
    for (; i < events.length && events[i]?.at === t; i++) {
      const event = events[i];
      if (!event) continue;
      const { item } = event;
      if (event.kind === 0) {
        if (item.state === 'held') held--;
        else if (item.state === 'waiting') waiting.splice(waiting.indexOf(item), 1);
        item.state = 'idle';
      } else if (event.kind === 1) {
        // What is on the lock now stays there, whatever the count.
        if (t === start && item.need.onLock) {
          item.state = 'held';
          held++;
        } else wait(item);
      } else checked.push(item);
    }
    while (waiting.length > 0 && held < capacity) {
      const next = waiting.shift();
      if (!next) break;
      next.state = 'held';
      held++;
    }
    const need = held + waiting.length;
    if (need > capacity && firstShortage === null) firstShortage = t;
    for (const item of waiting) {
      // A code that opens no door at a set time (ongoing, pool) needs its slot at once.
      if (item.checks.length === 0 && item.leftAt === null) item.leftAt = t;
    }
    for (const item of checked) {
      if (item.state === 'waiting' && item.leftAt === null) item.leftAt = t;
    }
    steps.push(t, need);
  }

  const leftOut = items
    .filter((item) => item.leftAt !== null)
    .sort((a, b) => (a.leftAt ?? 0) - (b.leftAt ?? 0) || a.rank - b.rank)
    .map((item) => ({ need: item.need, at: new Date(item.leftAt ?? start) }));
  return {
    ...peaksOf(steps, start, end, bucketHours),
    firstShortage: firstShortage === null ? null : new Date(firstShortage),
    leftOut,
  };
}

/**
 * A lock with a slot for every need it will have: nobody waits, so the need
 * at any moment is the count of times that have begun and not ended (ends
 * first at one moment). Numbers only: most locks are this one.
 */
function roomForAll(
  counted: { s: number; e: number }[],
  throughout: number,
  start: number,
  end: number,
  bucketHours: number,
): LockForecastResult {
  const starts = new Float64Array(counted.length);
  const ends: number[] = [];
  counted.forEach(({ s, e }, i) => {
    starts[i] = s;
    if (e < end) ends.push(e);
  });
  starts.sort();
  const endsSorted = Float64Array.from(ends).sort();
  const steps: number[] = (starts[0] ?? start) > start ? [start, throughout] : [];
  let need = throughout;
  let i = 0;
  let j = 0;
  while (i < starts.length || j < endsSorted.length) {
    const t = Math.min(
      starts[i] ?? Number.POSITIVE_INFINITY,
      endsSorted[j] ?? Number.POSITIVE_INFINITY,
    );
    for (; j < endsSorted.length && endsSorted[j] === t; j++) need--;
    for (; i < starts.length && starts[i] === t; i++) need++;
    steps.push(t, need);
  }
  return { ...peaksOf(steps, start, end, bucketHours), firstShortage: null, leftOut: [] };
}

/** The most needed at once in each bucket, and the peak, from the need at each change. */
function peaksOf(
  steps: number[],
  start: number,
  end: number,
  bucketHours: number,
): Pick<LockForecastResult, 'hourly' | 'peak' | 'peakAt'> {
  const buckets = Math.ceil((end - start) / (bucketHours * HOUR));
  const hourly = new Array<number>(buckets).fill(0);
  let peak = 0;
  let peakAt: number | null = null;
  let current = 0;
  let step = 0;
  for (let h = 0; h < buckets; h++) {
    const bucketEnd = Math.min(end, start + (h + 1) * bucketHours * HOUR);
    let max = current;
    for (; step < steps.length && (steps[step] ?? end) < bucketEnd; step += 2) {
      current = steps[step + 1] ?? 0;
      if (current > max) max = current;
      if (current > peak) {
        peak = current;
        peakAt = steps[step] ?? null;
      }
    }
    hourly[h] = max;
  }
  return { hourly, peak, peakAt: peakAt === null ? null : new Date(peakAt) };
}

/** A live code on a lock, as the forecast reads it. */
export type SlotCode = {
  id: string;
  type: 'time_bound' | 'ongoing';
  startsAt: Date | null;
  endsAt: Date | null;
  status: AccessCodeStatus;
  externalRef: string | null;
  isBackup: boolean;
  reservationId: string | null;
  guestName: string | null;
  checkIn: Date | null;
};

/** What one lock's forecast is made from. */
export type LockSlotFacts = {
  capacity: number;
  nativeScheduling: boolean;
  poolEnabled: boolean;
  poolSize: number;
  /** Unpulled backup codes on the lock now. */
  poolOnLock: number;
  /** Ongoing codes on the lock for good (`heldForGood`): a slot each throughout. */
  ongoingOnLock: number;
  /**
   * The other live codes, but the pool's and staff members' (counted as the
   * pool and from the staff plan).
   */
  codes: SlotCode[];
  /** Each person's windows on this lock (lib/staff/plan), and whether their code is on the lock now. */
  staff: { staffMemberId: string; name: string; intervals: Interval[]; onLock: boolean }[];
};

/** What a fix changes: another pool size, another lead, a person's windows left out. */
export type NeedOptions = { leadMinutes: number; poolSize?: number; withoutStaff?: string };

/** The needs of one lock under `options`. Pure. */
export function lockNeeds(facts: LockSlotFacts, options: NeedOptions): SlotNeed[] {
  const policy: LockPolicy = {
    leadMinutes: options.leadMinutes,
    nativeScheduling: facts.nativeScheduling,
  };
  const needs: SlotNeed[] = [];
  for (const code of facts.codes) {
    const time = timeOnLock(code, policy);
    needs.push({
      id: code.id,
      kind: code.isBackup
        ? 'pulled'
        : code.type === 'ongoing'
          ? 'ongoing'
          : code.reservationId
            ? 'guest'
            : 'code',
      from: time.startsAt,
      until: time.endsAt,
      startsAt: code.type === 'ongoing' ? null : code.startsAt,
      onLock: takesSlot.test(code),
      reservation:
        code.reservationId && code.guestName !== null
          ? {
              id: code.reservationId,
              guestName: code.guestName,
              checkIn: code.checkIn ?? code.startsAt ?? new Date(0),
            }
          : null,
    });
  }
  for (const person of facts.staff) {
    if (person.staffMemberId === options.withoutStaff) continue;
    const staff = { id: person.staffMemberId, name: person.name };
    // One person's digits are on a lock once: windows whose times on the lock
    // meet are one code there, holding one slot. Every window goes on the same
    // time ahead of its start, so in the order of their starts.
    const windows = [...person.intervals].sort(
      (a, b) => a.startsAt.getTime() - b.startsAt.getTime(),
    );
    let merged: { from: Date; until: Date; first: Interval; later: Date[] } | null = null;
    const flush = () => {
      if (!merged) return;
      needs.push({
        id: `staff:${person.staffMemberId}:${merged.from.getTime()}`,
        kind: 'staff',
        from: merged.from,
        until: merged.until,
        startsAt: merged.first.startsAt,
        ...(merged.later.length > 0 ? { alsoAt: merged.later } : {}),
        // Their code on the lock now is the one for their first time there.
        onLock: person.onLock && merged.first === windows[0],
        staff,
      });
    };
    for (const window of windows) {
      const time = timeOnLock({ type: 'time_bound', ...window }, policy);
      const from = time.startsAt ?? window.startsAt;
      const until = time.endsAt ?? window.endsAt;
      if (merged && from.getTime() <= merged.until.getTime()) {
        if (until > merged.until) merged.until = until;
        merged.later.push(window.startsAt);
      } else {
        flush();
        merged = { from, until, first: window, later: [] };
      }
    }
    flush();
  }
  // The pool's codes not on the lock yet wait for a slot, last; those on it hold theirs (`lockHeld`).
  const poolSize = poolSizeUnder(facts, options);
  for (let i = Math.min(poolSize, facts.poolOnLock); i < poolSize; i++) {
    needs.push({
      id: `pool:${i}`,
      kind: 'pool',
      from: null,
      until: null,
      startsAt: null,
      onLock: false,
    });
  }
  return needs;
}

const poolSizeUnder = (facts: LockSlotFacts, options: NeedOptions) =>
  facts.poolEnabled ? (options.poolSize ?? facts.poolSize) : 0;

/** Slots the lock's codes on it for good take throughout: ongoing codes and the pool's placed codes. */
export function lockHeld(facts: LockSlotFacts, options: NeedOptions): number {
  return facts.ongoingOnLock + Math.min(poolSizeUnder(facts, options), facts.poolOnLock);
}

/**
 * An ongoing code on its lock now, not the pool's and not a staff member's:
 * it keeps its slot for good, so the forecast counts it, not its times.
 */
const heldForGood = (table: string) => {
  const c = sql.identifier(table);
  return sql`(${c}.type = 'ongoing' and not ${c}.is_backup and ${c}.staff_member_id is null
    and ${takesSlot.sql({ table })})`;
};

/** A change that clears the shortage (or leaves fewer people without a code), re-forecast to be sure. */
export type SlotFix =
  | { kind: 'shrink_pool'; deviceId: string; from: number; to: number; clears: boolean }
  /** The organization's programming lead: it moves every lock's codes, not only this one's. */
  | { kind: 'shorten_lead'; from: number; to: number; clears: boolean }
  | { kind: 'move_staff_window'; staffMemberId: string; name: string; clears: boolean };

export type LeftOutStay = { reservationId: string; guestName: string; checkIn: string };
export type LeftOutPerson = { staffMemberId: string; name: string; at: string };

/** One lock's forecast as pages and alerts read it; times are ISO strings. */
export type LockSlotForecast = {
  deviceId: string;
  name: string;
  room: string | null;
  propertyId: string | null;
  propertyName: string | null;
  /** The property's zone (the organization's for a lock at none). */
  timeZone: string;
  capacity: number;
  nativeScheduling: boolean;
  pool: { enabled: boolean; size: number };
  peak: number;
  peakAt: string | null;
  /** The peak of each 24 hours from now, with the local date each begins on. */
  daily: { date: string; peak: number }[];
  firstShortage: string | null;
  /** Stays that would be without a code at check-in, by check-in. */
  stays: LeftOutStay[];
  /** People who would be without their code at a window's start. */
  staff: LeftOutPerson[];
  /** Other codes (hand-made, permanent, pulled) that would wait for a slot. */
  otherCodes: number;
  /** Pool codes that would not fit. */
  poolShort: number;
  fixes: SlotFix[];
};

export type SlotForecast = {
  from: string;
  days: number;
  leadMinutes: number;
  /** Every active lock with a known capacity: the ones that run short first (soonest first), then by headroom. */
  locks: LockSlotForecast[];
};

type LockRow = {
  id: string;
  name: string;
  room: string | null;
  propertyId: string | null;
  propertyName: string | null;
  timeZone: string;
  capacity: number;
  nativeScheduling: boolean;
  poolEnabled: boolean;
  poolSize: number;
  leadMinutes: number;
};

/**
 * The forecast of every active lock of the organization with a known
 * capacity, over `days` from `now`: the lead, then three reads at once
 * (locks, codes, the staff plan), then pure work per lock.
 */
export async function slotForecast(
  db: Executor,
  actor: Actor,
  now: Date,
  options: { days?: number } = {},
): Promise<SlotForecast> {
  assertCan(actor, 'locks.read', 'Device');
  return forecastOrganization(db, actor.organizationId, now, options.days ?? FORECAST_DAYS);
}

/** The forecast without an actor: for the tick's alert (./shortages.ts) and `slotForecast`. */
export async function forecastOrganization(
  db: Executor,
  organizationId: string,
  now: Date,
  days: number,
): Promise<SlotForecast> {
  const hours = days * 24;
  const until = new Date(now.getTime() + hours * HOUR);
  const [org] = await db
    .select({ leadMinutes: organizations.programmingLeadMinutes })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  const leadMinutes = org?.leadMinutes ?? 30;
  const empty = { from: toIso(now), days, leadMinutes, locks: [] };
  if (!org) return empty;

  // Codes whose time on the lock begins before the horizon ends: a lock that
  // keeps schedules takes them 72 hours ahead, any other at the lead.
  const aheadMs = Math.max(NATIVE_SCHEDULING_HOURS * HOUR, leadMinutes * 60_000);
  // Four reads at once: the locks, what is on each for good, the organization's
  // codes, the staff plan. Each reads one table (or joins by primary key) and
  // is matched in memory: a join of the locks to the codes' counts lets a
  // planner without statistics (a freshly filled table, PGlite, which never
  // analyzes) count the codes once per lock — 1.5 s for 2,000 locks.
  const [lockRows, heldRows, codeRows, plan] = await Promise.all([
    queryRows<{
      id: string;
      name: string;
      room: string | null;
      property_id: string | null;
      property_name: string | null;
      time_zone: string;
      capacity: number;
      native_scheduling: boolean;
      pool_enabled: boolean;
      pool_size: number;
    }>(
      db,
      sql`select d.id, d.name, d.room, d.property_id, p.name as property_name,
            coalesce(p.time_zone, o.time_zone) as time_zone, d.slot_limit as capacity,
            d.supports_native_scheduling as native_scheduling,
            d.backup_pool_enabled as pool_enabled,
            ${poolSizeSql({ device: 'd', organization: 'o' })} as pool_size
          from devices d
          join organizations o on o.id = d.organization_id
          left join properties p on p.id = d.property_id and p.organization_id = d.organization_id
          where d.organization_id = ${organizationId} and d.status = 'active'
            and d.slot_limit is not null`,
    ),
    // What is on each lock for good, counted in one pass over the codes.
    queryRows<{ device_id: string; pool_on_lock: number; ongoing_on_lock: number }>(
      db,
      sql`select c.device_id,
            (count(*) filter (where ${inBackupPool.sql({ table: 'c' })}))::int as pool_on_lock,
            (count(*) filter (where ${heldForGood('c')}))::int as ongoing_on_lock
          from access_codes c
          where c.organization_id = ${organizationId} and ${isLive.sql({ table: 'c' })}
            and ${takesSlot.sql({ table: 'c' })}
          group by c.device_id`,
    ),
    // The organization's live codes, matched to the locks above in memory (a
    // join to devices lets a planner without statistics walk the codes once
    // per lock); times as epoch milliseconds, read raw (thousands of rows).
    queryRows<{
      id: string;
      device_id: string;
      type: 'time_bound' | 'ongoing';
      starts_at: number | null;
      ends_at: number | null;
      status: AccessCodeStatus;
      external_ref: string | null;
      is_backup: boolean;
      reservation_id: string | null;
      staff_member_id: string | null;
      guest_name: string | null;
      check_in: number | null;
    }>(
      db,
      sql`select c.id, c.device_id, c.type, c.status, c.external_ref, c.is_backup,
            c.reservation_id, c.staff_member_id, r.guest_name,
            ${epochMs(sql`c.starts_at`)} as starts_at, ${epochMs(sql`c.ends_at`)} as ends_at,
            ${epochMs(sql`r.starts_at`)} as check_in
          from access_codes c
          left join reservations r
            on r.id = c.reservation_id and r.organization_id = c.organization_id
          where c.organization_id = ${organizationId}
            and ${isLive.sql({ table: 'c' })}
            -- The pool is counted by its size, codes on the lock for good by their number.
            and not ${inBackupPool.sql({ table: 'c' })} and not ${heldForGood('c')}
            and (c.type = 'ongoing' or c.ends_at > ${now.toISOString()}::timestamptz)
            and (c.starts_at is null
              or c.starts_at < ${new Date(until.getTime() + aheadMs).toISOString()}::timestamptz)`,
    ),
    loadStaffPlan(db, { organizationId }, now, new Date(until.getTime() + aheadMs)),
  ]);

  if (lockRows.length === 0) return empty;
  const at = (ms: number | null) => (ms === null ? null : new Date(Number(ms)));
  const codes = codeRows.map((c) => ({
    id: c.id,
    deviceId: c.device_id,
    type: c.type,
    startsAt: at(c.starts_at),
    endsAt: at(c.ends_at),
    status: c.status,
    externalRef: c.external_ref,
    isBackup: c.is_backup,
    reservationId: c.reservation_id,
    staffMemberId: c.staff_member_id,
    guestName: c.guest_name,
    checkIn: at(c.check_in),
  }));
  const factsOf = new Map<string, LockSlotFacts>();
  const rows: LockRow[] = lockRows.map((l) => ({
    id: l.id,
    name: l.name,
    room: l.room,
    propertyId: l.property_id,
    propertyName: l.property_name,
    timeZone: l.time_zone,
    capacity: l.capacity,
    nativeScheduling: l.native_scheduling,
    poolEnabled: l.pool_enabled,
    poolSize: l.pool_size,
    leadMinutes,
  }));
  const heldOn = new Map(heldRows.map((h) => [h.device_id, h]));
  for (const l of lockRows) {
    const held = heldOn.get(l.id);
    factsOf.set(l.id, {
      capacity: l.capacity,
      nativeScheduling: l.native_scheduling,
      poolEnabled: l.pool_enabled,
      poolSize: l.pool_size,
      poolOnLock: held?.pool_on_lock ?? 0,
      ongoingOnLock: held?.ongoing_on_lock ?? 0,
      codes: [],
      staff: [],
    });
  }
  // A staff member's code is counted from the plan, once: its own row only says it is on the lock.
  const staffOnLock = new Set<string>();
  for (const code of codes) {
    const facts = factsOf.get(code.deviceId);
    if (!facts) continue;
    if (code.staffMemberId) {
      if (takesSlot.test(code)) staffOnLock.add(`${code.staffMemberId}:${code.deviceId}`);
      continue;
    }
    facts.codes.push(code);
  }
  for (const need of plan) {
    const facts = factsOf.get(need.deviceId);
    if (!facts) continue;
    facts.staff.push({
      staffMemberId: need.staffMemberId,
      name: need.name,
      intervals: need.intervals,
      onLock: staffOnLock.has(`${need.staffMemberId}:${need.deviceId}`),
    });
  }

  // Every lock of a zone shares its day labels (formatting dates is costly).
  const datesOf = new Map<string, string[]>();
  const dates = (zone: string) => {
    let list = datesOf.get(zone);
    if (!list) {
      list = Array.from(
        { length: days },
        (_, day) => localDateTimeParts(new Date(now.getTime() + day * 24 * HOUR), zone).date,
      );
      datesOf.set(zone, list);
    }
    return list;
  };
  const locks = rows.map((lock) =>
    forecastOne(lock, factsOf.get(lock.id) as LockSlotFacts, {
      now,
      hours,
      days,
      dates: dates(lock.timeZone),
    }),
  );
  locks.sort(
    (a, b) =>
      (a.firstShortage ?? '~').localeCompare(b.firstShortage ?? '~') ||
      a.capacity - a.peak - (b.capacity - b.peak) ||
      byName.compare(a.name, b.name),
  );
  return { from: toIso(now), days, leadMinutes, locks };
}

/** A time as epoch milliseconds (a number on every driver), or null. */
const epochMs = (column: SQL) => sql`(extract(epoch from ${column}) * 1000)::float8`;

/** "Room 9" before "Room 10"; one collator (making one per comparison is slow). */
const byName = new Intl.Collator('en', { numeric: true });

type Horizon = { now: Date; hours: number; days: number };
type LockHorizon = Horizon & { dates: string[] };

/** One lock's forecast with its peaks by day (`bucketHours` 24), or one peak for all (a fix's check). */
function run(
  facts: LockSlotFacts,
  options: NeedOptions,
  horizon: Horizon,
  bucketHours = horizon.hours,
) {
  return forecastLock({
    capacity: facts.capacity,
    needs: lockNeeds(facts, options),
    held: lockHeld(facts, options),
    from: horizon.now,
    hours: horizon.hours,
    bucketHours,
  });
}

/** People left without a code: stays and staff (the pool and other codes wait, nobody stands at a door). */
const peopleLeftOut = (result: LockForecastResult) =>
  result.leftOut.filter((l) => l.need.reservation || l.need.staff).length;

function forecastOne(lock: LockRow, facts: LockSlotFacts, horizon: LockHorizon): LockSlotForecast {
  const base = { leadMinutes: lock.leadMinutes };
  const result = run(facts, base, horizon, 24);
  const daily = horizon.dates.map((date, day) => ({ date, peak: result.hourly[day] ?? 0 }));
  const stays = new Map<string, LeftOutStay>();
  const staff = new Map<string, LeftOutPerson>();
  let otherCodes = 0;
  let poolShort = 0;
  for (const { need, at } of result.leftOut) {
    if (need.reservation) {
      if (!stays.has(need.reservation.id)) {
        stays.set(need.reservation.id, {
          reservationId: need.reservation.id,
          guestName: need.reservation.guestName,
          checkIn: toIso(need.reservation.checkIn),
        });
      }
    } else if (need.staff) {
      if (!staff.has(need.staff.id)) {
        staff.set(need.staff.id, {
          staffMemberId: need.staff.id,
          name: need.staff.name,
          at: toIso(at),
        });
      }
    } else if (need.kind === 'pool') poolShort++;
    else otherCodes++;
  }
  return {
    deviceId: lock.id,
    name: lock.name,
    room: lock.room,
    propertyId: lock.propertyId,
    propertyName: lock.propertyName,
    timeZone: lock.timeZone,
    capacity: lock.capacity,
    nativeScheduling: lock.nativeScheduling,
    pool: { enabled: lock.poolEnabled, size: lock.poolEnabled ? lock.poolSize : 0 },
    peak: result.peak,
    peakAt: toIso(result.peakAt),
    daily,
    firstShortage: toIso(result.firstShortage),
    stays: [...stays.values()].sort((a, b) => a.checkIn.localeCompare(b.checkIn)),
    staff: [...staff.values()],
    otherCodes,
    poolShort,
    fixes: result.firstShortage ? fixesFor(lock, facts, result, horizon) : [],
  };
}

/**
 * The fixes worth offering for one short lock, each checked by forecasting
 * the lock again with it: the smallest pool cut that clears the shortage
 * (else the smallest that leaves fewer people without a code), the longest
 * programming lead that does, and each person whose window is part of it.
 */
export function fixesFor(
  lock: Pick<LockRow, 'id' | 'leadMinutes' | 'nativeScheduling'>,
  facts: LockSlotFacts,
  base: LockForecastResult,
  horizon: Horizon,
): SlotFix[] {
  const lead = lock.leadMinutes;
  const people = peopleLeftOut(base);
  const verdict = (result: LockForecastResult) =>
    result.firstShortage === null
      ? ('clears' as const)
      : peopleLeftOut(result) < people
        ? ('reduces' as const)
        : null;
  const fixes: SlotFix[] = [];

  if (facts.poolEnabled && facts.poolSize > 0) {
    const shrink = (to: number, clears: boolean): SlotFix => ({
      kind: 'shrink_pool',
      deviceId: lock.id,
      from: facts.poolSize,
      to,
      clears,
    });
    let reduces: number | null = null;
    let cleared = false;
    for (let size = facts.poolSize - 1; size >= 0 && !cleared; size--) {
      const judged = verdict(run(facts, { leadMinutes: lead, poolSize: size }, horizon));
      if (judged === 'clears') {
        fixes.push(shrink(size, true));
        cleared = true;
      } else if (judged === 'reduces' && reduces === null) reduces = size;
    }
    if (!cleared && reduces !== null) fixes.push(shrink(reduces, false));
  }

  // A lock that keeps schedules takes codes 72 hours ahead whatever the lead.
  if (!lock.nativeScheduling && lead > 0) {
    const at = (minutes: number) => run(facts, { leadMinutes: minutes }, horizon);
    const shortest = at(0);
    const best = verdict(shortest);
    if (best) {
      // A shorter lead only ever shortens times on the lock: search for the longest that does as well.
      const asGood = (result: LockForecastResult) =>
        best === 'clears'
          ? result.firstShortage === null
          : peopleLeftOut(result) <= peopleLeftOut(shortest);
      let low = 0;
      let high = lead - 1;
      while (low < high) {
        const mid = Math.ceil((low + high) / 2);
        if (asGood(at(mid))) low = mid;
        else high = mid - 1;
      }
      fixes.push({ kind: 'shorten_lead', from: lead, to: low, clears: best === 'clears' });
    }
  }

  const moment = base.firstShortage?.getTime() ?? 0;
  const involved = new Map<string, string>();
  for (const need of lockNeeds(facts, { leadMinutes: lead })) {
    if (!need.staff) continue;
    const from = need.onLock || !need.from ? horizon.now.getTime() : need.from.getTime();
    const until = need.until?.getTime() ?? Number.POSITIVE_INFINITY;
    const leftOut = base.leftOut.some((l) => l.need.staff?.id === need.staff?.id);
    if ((from <= moment && moment < until) || leftOut) involved.set(need.staff.id, need.staff.name);
  }
  for (const [staffMemberId, name] of involved) {
    const judged = verdict(run(facts, { leadMinutes: lead, withoutStaff: staffMemberId }, horizon));
    if (judged)
      fixes.push({ kind: 'move_staff_window', staffMemberId, name, clears: judged === 'clears' });
  }
  return fixes;
}

/**
 * The shortage leaves a stay, a person or a code without a slot when it is
 * needed: what the alert is for. A shortage of pool codes alone is the pool
 * health warning's (`partial_backup_access_code_pool`), and one where every
 * code still reaches the lock before it opens the door harms nobody; the
 * forecast page shows both.
 */
export function leavesSomeoneOut(
  lock: Pick<LockSlotForecast, 'firstShortage' | 'stays' | 'staff' | 'otherCodes'>,
): boolean {
  return lock.firstShortage !== null && lock.stays.length + lock.staff.length + lock.otherCodes > 0;
}

const names = (list: string[]) =>
  list.length <= 3 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`;

/**
 * What a short lock's forecast means for people, part by part: the stays and
 * staff left without a code (named, unless the caller lists them itself),
 * codes that would wait, the pool short.
 */
export function shortageParts(
  lock: Pick<LockSlotForecast, 'stays' | 'staff' | 'otherCodes' | 'poolShort'>,
  options: { names: boolean } = { names: true },
): string[] {
  const parts: string[] = [];
  if (lock.stays.length > 0) {
    const who = options.names ? ` (${names(lock.stays.map((s) => s.guestName))})` : '';
    parts.push(`${plural(lock.stays.length, 'stay')} would be left without a code${who}`);
  }
  if (lock.staff.length > 0) {
    const who = options.names
      ? names(lock.staff.map((s) => s.name))
      : lock.staff.length === 1
        ? '1 person'
        : `${lock.staff.length} people`;
    parts.push(`${who} would have no code for a window`);
  }
  if (lock.otherCodes > 0) parts.push(`${plural(lock.otherCodes, 'other code')} would wait`);
  if (lock.poolShort > 0) parts.push(`the backup pool would be ${lock.poolShort} short`);
  if (parts.length === 0) {
    parts.push(
      'codes would wait for a slot, though each reaches the lock before it opens the door',
    );
  }
  return parts;
}

/**
 * A short lock's forecast in one sentence: when it runs short (in its
 * property's zone) and who would be without a code. The alert says it so.
 */
export function shortageSentence(
  lock: Pick<
    LockSlotForecast,
    'name' | 'timeZone' | 'firstShortage' | 'stays' | 'staff' | 'otherCodes' | 'poolShort'
  >,
  now: Date,
): string {
  if (!lock.firstShortage) return `${lock.name} has enough code slots.`;
  return `${lock.name} runs out of code slots ${shortageWhen(lock, now)}: ${shortageParts(lock).join('; ')}.`;
}

/** "now", or "on Sat, 5 Dec 2026, 14:30 EST" in the lock's zone. */
export function shortageWhen(
  lock: Pick<LockSlotForecast, 'timeZone' | 'firstShortage'>,
  now: Date,
): string {
  const at = lock.firstShortage ? new Date(lock.firstShortage) : now;
  return at.getTime() <= now.getTime() ? 'now' : `on ${formatZoned(at, lock.timeZone)}`;
}
