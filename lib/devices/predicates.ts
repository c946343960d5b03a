import { type SQL, sql } from 'drizzle-orm';
import { type Device, devices, type Issue } from '@/db/schema';
import { DEVICE_REMOVED } from './discovery';

/**
 * Can a lock honour the codes Keyhold believes are on it? One rule, with a
 * TypeScript form over a row (`lockTrouble`, `canHonourCodes.test`) and a SQL
 * form for queries on `devices` (`canHonourCodes.sql()`), which
 * `predicates.test.ts` holds in agreement. A backup code is ready for a guest
 * only on a lock that can (lib/backup-pools), and the desk and Arrivals say
 * why when it cannot.
 */

/**
 * A lock out of touch for this long may have been reset, had its batteries
 * run out or been swapped: nobody can say its codes still work. Shorter than
 * that is a blip (a hub restarting), and the codes on the lock still open it.
 */
export const OFFLINE_GRACE_MS = 10 * 60_000;

const DISCONNECTED = 'device_disconnected';

/** The columns the rule reads. */
export type LockFacts = Pick<Device, 'status' | 'online' | 'errors'>;

/** Why a lock cannot honour codes; null when it can. */
export type LockTrouble =
  | { kind: 'reset' }
  | { kind: 'replaced' }
  | { kind: 'retired' }
  /** `since` is when Keyhold noticed, null when it never recorded it. */
  | { kind: 'offline'; since: Date | null };

/** When Keyhold first saw the lock disconnected (the device_disconnected error's time). */
export function offlineSince(lock: Pick<Device, 'online' | 'errors'>): Date | null {
  if (lock.online) return null;
  const issue = lock.errors.find((i: Issue) => i.code === DISCONNECTED);
  return issue ? new Date(issue.createdAt) : null;
}

export function lockTrouble(lock: LockFacts, now: Date): LockTrouble | null {
  if (lock.status === 'replaced') return { kind: 'replaced' };
  if (lock.status === 'removed') return { kind: 'retired' };
  // A factory reset or a lock gone from its account: it answers under no id we know.
  if (lock.errors.some((i) => i.code === DEVICE_REMOVED)) return { kind: 'reset' };
  if (!lock.online) {
    const since = offlineSince(lock);
    // Offline since an unknown time counts as past the grace: nobody can vouch for it.
    if (!since || now.getTime() - since.getTime() >= OFFLINE_GRACE_MS) {
      return { kind: 'offline', since };
    }
  }
  return null;
}

/** The lock can honour its codes now: active, not reset, and not offline past the grace. */
export const canHonourCodes = {
  test: (lock: LockFacts, now: Date): boolean => lockTrouble(lock, now) === null,
  /**
   * On `devices` through drizzle's columns, or on a raw query's name for the
   * table (`{ table: 'd' }`). `now` may be a placeholder for a prepared statement.
   */
  sql(options: { table?: string; now: Date | SQL }): SQL {
    const col = (name: keyof LockFacts) =>
      options.table
        ? sql`${sql.identifier(options.table)}.${sql.identifier(devices[name].name)}`
        : sql`${devices[name]}`;
    const now =
      options.now instanceof Date
        ? sql`${options.now.toISOString()}::timestamptz`
        : sql`(${options.now})::timestamptz`;
    const grace = `${OFFLINE_GRACE_MS / 1000} seconds`;
    return sql`(${col('status')} = 'active'
      and not (${col('errors')} @> ${JSON.stringify([{ code: DEVICE_REMOVED }])}::jsonb)
      and (${col('online')} or exists (
        select 1 from jsonb_array_elements(${col('errors')}) e
        where e->>'code' = ${DISCONNECTED}
          and (e->>'createdAt')::timestamptz > ${now} - ${grace}::interval
        limit 1)))`;
  },
};
