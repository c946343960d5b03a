import { sql } from 'drizzle-orm';
import { type Executor, inIds, queryRows } from '@/db/client';
import type { Issue } from '@/db/schema';
import { isAvailableBackup } from '@/lib/access-codes/predicates';
import { type LockFacts, lockTrouble, offlineSince } from '@/lib/devices/predicates';
import { formatZoned } from '@/lib/time';

/**
 * May a backup code be pulled for a guest's code now? The one rule the pull
 * itself, the front desk, Arrivals and the Seam-style API all ask. A pulled
 * backup works from the moment it is pulled (it is already on the lock), so
 * it is handed out only when that cannot open the door for the wrong person
 * or at the wrong time, and only from a lock that can still honour it.
 */

/** What the rule reads about one guest code, its stay and its lock. */
export type PullFacts = {
  guestName: string;
  /** The code's window: the stay's check-in and check-out. */
  startsAt: Date | null;
  endsAt: Date | null;
  lockName: string;
  lock: LockFacts;
  /** The property's zone, for the times the desk reads. */
  timeZone: string;
  earlyArrivalMinutes: number;
  /** The organization's words for when no code can work (Settings). */
  fallbackText: string;
  /** Healthy backup codes on the lock, whatever the lock's state. */
  readyBackups: number;
  /** Another confirmed stay holding this lock now (matters before this stay begins). */
  occupant: { guestName: string; endsAt: Date } | null;
};

export type PullRefusal = {
  ok: false;
  /** lock: nothing pulled from this lock can work; the others pass with time. */
  kind: 'lock' | 'not_started' | 'occupied' | 'over';
  /** What the desk reads: why, and what to do. */
  reason: string;
  /** When a pull becomes possible, if it will. */
  possibleFrom: Date | null;
};

export type Pullability = { ok: true } | PullRefusal;

const MINUTE = 60_000;

/** Why a pull would be refused, or ok. Pure: the facts come from `loadPullFacts`. */
export function pullability(facts: PullFacts, now: Date): Pullability {
  const { lockName, fallbackText: fallback } = facts;
  const when = (at: Date) => formatZoned(at, facts.timeZone);
  const trouble = lockTrouble(facts.lock, now);
  if (trouble) {
    const what = {
      reset: `${lockName} was reset and has no codes`,
      replaced: `${lockName} was replaced and takes no codes`,
      retired: `${lockName} was retired and takes no codes`,
      offline:
        trouble.kind === 'offline' && trouble.since
          ? `${lockName} has been offline since ${when(trouble.since)}: no code can be trusted to reach it`
          : `${lockName} is offline: no code can be trusted to reach it`,
    }[trouble.kind];
    return { ok: false, kind: 'lock', reason: `${what} — ${fallback}`, possibleFrom: null };
  }
  // Offline within the grace, its codes still work; but nothing can reach it to refill an empty pool.
  if (!facts.lock.online && facts.readyBackups === 0) {
    const since = offlineSince(facts.lock);
    return {
      ok: false,
      kind: 'lock',
      reason: `${lockName} is offline${since ? ` since ${when(since)}` : ''} and has no backup code on it — ${fallback}`,
      possibleFrom: null,
    };
  }
  if (facts.endsAt && facts.endsAt <= now) {
    return {
      ok: false,
      kind: 'over',
      reason: `${facts.guestName}’s stay ended ${when(facts.endsAt)}: no backup code is pulled for it.`,
      possibleFrom: null,
    };
  }
  const early = facts.earlyArrivalMinutes;
  const from = facts.startsAt ? new Date(facts.startsAt.getTime() - early * MINUTE) : null;
  if (from && now < from) {
    const start = early > 0 ? `${early} minutes before check-in` : 'check-in';
    return {
      ok: false,
      kind: 'not_started',
      reason: `Backup codes for ${facts.guestName} work from ${start}: pull one from ${when(from)}.`,
      possibleFrom: from,
    };
  }
  // Early, within the allowance: the room may still be the last guest's. Once the stay has
  // begun, a guest sharing the lock (a front gate, a booking confirmed as a double) holds
  // a code to it anyway, and refusing would only lock this one out.
  if (facts.occupant && facts.startsAt && now < facts.startsAt) {
    const until = facts.occupant.endsAt;
    return {
      ok: false,
      kind: 'occupied',
      reason: `${lockName} is ${facts.occupant.guestName}’s until ${when(until)}: a backup code would open it for ${facts.guestName} too. Pull one from then.`,
      possibleFrom: until,
    };
  }
  return { ok: true };
}

type FactsRow = {
  id: string;
  guest_name: string;
  starts_at: string | Date | null;
  ends_at: string | Date | null;
  lock_name: string;
  status: LockFacts['status'];
  online: boolean;
  errors: Issue[];
  time_zone: string;
  early_arrival_minutes: number;
  desk_fallback_text: string;
  ready_backups: number;
  occupant_name: string | null;
  occupant_until: string | Date | null;
};

const date = (at: string | Date | null) => (at === null ? null : new Date(at));

/**
 * The facts `pullability` reads for each of these guest codes, by code id:
 * its stay, its lock, and any other confirmed stay holding that lock now.
 * One query whatever the number of codes; codes of another organization are
 * left out.
 */
export async function loadPullFacts(
  db: Executor,
  organizationId: string,
  accessCodeIds: string[],
  now: Date,
): Promise<Map<string, PullFacts>> {
  if (accessCodeIds.length === 0) return new Map();
  const at = sql`${now.toISOString()}::timestamptz`;
  const rows = await queryRows<FactsRow>(
    db,
    sql`select c.id, coalesce(r.guest_name, c.name, 'the guest') as guest_name,
          c.starts_at, c.ends_at, d.name as lock_name, d.status, d.online, d.errors,
          coalesce(p.time_zone, o.time_zone) as time_zone,
          o.early_arrival_minutes, o.desk_fallback_text,
          (select count(*)::int from access_codes b
            where b.device_id = d.id and ${isAvailableBackup.sql({ table: 'b' })}) as ready_backups,
          occ.guest_name as occupant_name, occ.ends_at as occupant_until
        from access_codes c
        join devices d on d.id = c.device_id and d.organization_id = c.organization_id
        join organizations o on o.id = c.organization_id
        left join reservations r on r.id = c.reservation_id and r.organization_id = c.organization_id
        left join properties p on p.id = coalesce(r.property_id, d.property_id)
          and p.organization_id = c.organization_id
        left join lateral (
          select r2.guest_name, r2.ends_at
            from reservation_devices rd
            join reservations r2 on r2.id = rd.reservation_id
           where rd.device_id = c.device_id and r2.organization_id = c.organization_id
             and not rd.via_common_door
             and r2.status = 'confirmed' and r2.id is distinct from c.reservation_id
             and r2.starts_at <= ${at} and r2.ends_at > ${at}
           order by r2.ends_at desc
           limit 1) occ on true
        where c.organization_id = ${organizationId}
          and ${inIds(sql`c.id`, accessCodeIds)}`,
  );
  return new Map(
    rows.map((row) => [
      row.id,
      {
        guestName: row.guest_name,
        startsAt: date(row.starts_at),
        endsAt: date(row.ends_at),
        lockName: row.lock_name,
        lock: { status: row.status, online: row.online, errors: row.errors },
        timeZone: row.time_zone,
        earlyArrivalMinutes: row.early_arrival_minutes,
        fallbackText: row.desk_fallback_text,
        readyBackups: row.ready_backups,
        occupant:
          row.occupant_name && row.occupant_until
            ? { guestName: row.occupant_name, endsAt: new Date(row.occupant_until) }
            : null,
      },
    ]),
  );
}

/** Pullability as JSON carries it to a live page (times as ISO strings). */
export type PullabilityJson =
  | { ok: true }
  | (Omit<PullRefusal, 'possibleFrom'> & { possibleFrom: string | null });

export function pullabilityJson(p: Pullability): PullabilityJson {
  return p.ok ? p : { ...p, possibleFrom: p.possibleFrom?.toISOString() ?? null };
}
