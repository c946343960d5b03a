import { type SQL, sql } from 'drizzle-orm';
import type { Issue } from '@/db/schema';

/**
 * A code changed or removed at the lock, outside Keyhold. Keyhold puts it
 * back (conflicting_external_modification until it is), and afterwards the
 * code and its lock keep a warning for a day, so a desk sees that someone is
 * working the keypad; the second time within that day on one lock is an alert
 * on the lock. Seam's current names describe the change while it is being
 * fought (`conflicting_external_modification`) or honoured
 * (`external_modification_in_effect`); for "was changed outside, and put
 * back" its own name is the older warning `code_modified_external_to_seam`.
 */
export const EXTERNAL_CHANGE_WARNING = 'code_modified_external_to_seam';

/** The events the sync writes when it finds a code changed or gone at the lock. */
export const EXTERNAL_CHANGE_EVENTS = ['deleted_external_to_seam', 'modified_external_to_seam'];

/** How long a change at the lock stays a warning on the code and the lock. */
export const EXTERNAL_CHANGE_WARNING_HOURS = 24;

/** Changes at one lock within the warning's window that make an alert on the lock. */
export const REPEATED_EXTERNAL_CHANGES = 2;

const windowStart = (now: Date) =>
  new Date(now.getTime() - EXTERNAL_CHANGE_WARNING_HOURS * 3_600_000);

/** The warning on a code is over: no change at the lock for a whole window. */
export const isExpiredChangeWarning = (issue: Issue, now: Date): boolean =>
  issue.code === EXTERNAL_CHANGE_WARNING && new Date(issue.createdAt) <= windowStart(now);

/**
 * A lock's changes at the lock within the window, from its events: `count`
 * and the latest `last_at`, as a lateral subquery over the lock id `deviceId`.
 */
export const recentExternalChanges = (deviceId: SQL, now: Date): SQL => sql`
  select count(*)::int as count, max(e.occurred_at) as last_at
    from access_code_events e
   where e.device_id = ${deviceId}
     and e.event_type = any(${`{${EXTERNAL_CHANGE_EVENTS.join(',')}}`}::text[])
     and e.occurred_at > ${windowStart(now).toISOString()}::timestamptz`;

/** The lock's warning for `count` changes at it within the window, the latest at `lastAt`. */
export function lockChangeWarning(count: number, lastAt: Date): Issue {
  return {
    code: EXTERNAL_CHANGE_WARNING,
    message:
      count === 1
        ? `A code was changed or removed at this lock in the last ${EXTERNAL_CHANGE_WARNING_HOURS} hours; Keyhold put it back.`
        : `Codes were changed or removed at this lock ${count} times in the last ${EXTERNAL_CHANGE_WARNING_HOURS} hours; Keyhold put them back.`,
    createdAt: lastAt.toISOString(),
    detail: { count },
  };
}
