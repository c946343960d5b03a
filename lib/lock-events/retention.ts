import { type Executor, queryRows, sql } from '@/db/client';

/** Events deleted per statement, so a tick after a long pause does not hold the table for long. */
const PRUNE_BATCH = 5_000;
/** Statements per tick at most; the rest goes at the next tick. */
const PRUNE_ROUNDS = 20;

/**
 * Delete events (what locks reported, and Keyhold's own on codes and
 * devices) older than each organization's retention setting, once webhooks
 * and notifications have had them, so the table holds a bounded history.
 * Returns how many were deleted.
 */
export async function pruneLockEvents(db: Executor, now: Date): Promise<number> {
  let deleted = 0;
  for (let round = 0; round < PRUNE_ROUNDS; round++) {
    const [row] = await queryRows<{ n: number }>(
      db,
      sql`
        with gone as (
          delete from events where id in (
            select e.id from events e
              join organizations o on o.id = e.organization_id
             where e.dispatched_at is not null
               and e.occurred_at < ${now.toISOString()}::timestamptz
                                   - make_interval(days => o.lock_event_retention_days)
             limit ${PRUNE_BATCH})
          returning 1
        )
        select count(*)::int as n from gone`,
    );
    const n = row?.n ?? 0;
    deleted += n;
    if (n < PRUNE_BATCH) break;
  }
  return deleted;
}
