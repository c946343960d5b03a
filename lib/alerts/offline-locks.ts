import { type SQL, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '@/db/client';
import {
  inBackupPool,
  isConfirmedOnLock,
  isFinished,
  isLive,
  isTracked,
} from '@/lib/access-codes/predicates';
import { PHASE_ISSUES } from '@/lib/access-codes/state';
import { LOCK_UNREACHABLE } from '@/lib/reconciler/record';
import { formatInZone, localDateTimeParts } from '@/lib/time';

/**
 * One alert per lock problem: while a lock cannot be reached, every code on it
 * is late for the same reason, so their delays and failures are folded into
 * the lock's own alert ("Room 204 offline since 09:11 — 1 arrival and 5 backup
 * codes waiting") instead of an alert per code. The lock's pool signals go
 * into it too: an offline lock's pool cannot fill. Problems a code has of its
 * own (digits changed at the lock, a code still on it after check-out) stay
 * alerts of their own.
 */

/** A code's issues that an offline lock explains. */
export const FOLDED_CODE_ISSUES: readonly string[] = Object.values(PHASE_ISSUES).flatMap((p) => [
  p.delay,
  p.failed,
]);

/** A lock's issues that an offline lock explains. */
export const FOLDED_LOCK_ISSUES: readonly string[] = [
  'empty_backup_access_code_pool',
  'partial_backup_access_code_pool',
];

/** The lock (a raw query's `devices` row, by its name) carries Keyhold's offline issue. */
export const isUnreachable = (table: string): SQL =>
  sql`${sql.identifier(table)}.errors @> ${JSON.stringify([{ code: LOCK_UNREACHABLE }])}::jsonb`;

const hasIssue = (column: 'errors' | 'warnings', code: string) =>
  sql`c.${sql.identifier(column)} @> ${JSON.stringify([{ code }])}::jsonb`;

type OfflineLockRow = {
  device_id: string;
  name: string;
  zone: string;
  since: string | null;
  arrivals: number;
  backups: number;
  others: number;
  removals: number;
};

/** Every unreachable active lock with the message its alert carries now. */
export async function offlineLockAlerts(
  db: Executor,
  now: Date,
): Promise<{ device_id: string; message: string }[]> {
  const { set, remove } = PHASE_ISSUES;
  // Waiting to go on: wanted there, not confirmed, and tried (or being tried) in vain.
  const toGoOn = sql`${isLive.sql({ table: 'c' })} and not ${isFinished.sql({ table: 'c', now })}
    and not ${isConfirmedOnLock.sql({ table: 'c' })}
    and (c.status = 'setting' or ${hasIssue('warnings', set.delay)} or ${hasIssue('errors', set.failed)})`;
  const toComeOff = sql`c.status = 'removing'`;
  const rows = await queryRows<OfflineLockRow>(
    db,
    sql`select d.id as device_id, d.name, coalesce(p.time_zone, o.time_zone) as zone,
          (select e->>'createdAt' from jsonb_array_elements(d.errors) e
            where e->>'code' = ${LOCK_UNREACHABLE} limit 1) as since,
          count(c.id) filter (where ${toGoOn} and not ${inBackupPool.sql({ table: 'c' })}
            and (c.reservation_id is not null or c.pulled_at is not null))::int as arrivals,
          count(c.id) filter (where ${toGoOn} and ${inBackupPool.sql({ table: 'c' })})::int as backups,
          count(c.id) filter (where ${toGoOn} and not ${inBackupPool.sql({ table: 'c' })}
            and c.reservation_id is null and c.pulled_at is null)::int as others,
          count(c.id) filter (where ${toComeOff}
            or ${hasIssue('warnings', remove.delay)} or ${hasIssue('errors', remove.failed)})::int as removals
        from devices d
        join organizations o on o.id = d.organization_id
        left join properties p on p.id = d.property_id and p.organization_id = d.organization_id
        left join access_codes c on c.device_id = d.id and ${isTracked.sql({ table: 'c' })}
        where d.status = 'active' and ${isUnreachable('d')}
        group by d.id, d.name, p.time_zone, o.time_zone`,
  );
  return rows.map((row) => ({ device_id: row.device_id, message: offlineLockMessage(row, now) }));
}

const counted = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "Room 204 offline since 09:11 — 1 arrival and 5 backup codes waiting", in the property's zone. */
export function offlineLockMessage(
  lock: Pick<
    OfflineLockRow,
    'name' | 'zone' | 'since' | 'arrivals' | 'backups' | 'others' | 'removals'
  >,
  now: Date,
): string {
  let text = `${lock.name} offline`;
  if (lock.since) {
    const since = new Date(lock.since);
    const sameDay =
      localDateTimeParts(since, lock.zone).date === localDateTimeParts(now, lock.zone).date;
    text += ` since ${sameDay ? localDateTimeParts(since, lock.zone).time : formatInZone(since, lock.zone)}`;
  }
  const waiting = [
    lock.arrivals > 0 ? counted(lock.arrivals, 'arrival', 'arrivals') : null,
    lock.backups > 0 ? counted(lock.backups, 'backup code', 'backup codes') : null,
    lock.others > 0 ? counted(lock.others, 'other code', 'other codes') : null,
    lock.removals > 0 ? counted(lock.removals, 'code to remove', 'codes to remove') : null,
  ].filter((part): part is string => part !== null);
  if (waiting.length === 0) return text;
  const list =
    waiting.length === 1
      ? waiting[0]
      : `${waiting.slice(0, -1).join(', ')} and ${waiting[waiting.length - 1]}`;
  return `${text} — ${list} waiting`;
}
