import { type Executor, queryRows, sql } from '@/db/client';

/** Rows deleted per statement, so a tick after a long pause does not hold a table for long. */
const PRUNE_BATCH = 5_000;
/** Statements per table per run at most; the rest goes at the next run. */
const PRUNE_ROUNDS = 20;
/** How often the history is pruned: its scans need not run every tick. */
export const PRUNE_INTERVAL_MINUTES = 10;

/**
 * Keep each organization's history of happenings to its retention setting
 * (`lock_event_retention_days`): events (what locks reported and Keyhold's
 * own) stored longer ago than that, once webhooks and notifications have had
 * them; the webhook deliveries that carried them (sent or given up on); and
 * the simulated locks' own logs. By when Keyhold stored an event, not when it
 * happened: a lock read late keeps its entries for the whole period. Each
 * organization's rows are found through its own indexes; the whole runs at
 * most every PRUNE_INTERVAL_MINUTES, on one instance. Returns how many rows
 * were deleted.
 */
export async function pruneLockEvents(db: Executor, now: Date): Promise<number> {
  const at = now.toISOString();
  // One instance per interval: whoever moves the mark prunes.
  const due = await queryRows<{ key: string }>(
    db,
    sql`insert into system_state (key, value) values ('events_pruned', jsonb_build_object('at', ${at}::text))
        on conflict (key) do update set value = excluded.value, updated_at = now()
          where (system_state.value->>'at')::timestamptz
                <= ${at}::timestamptz - make_interval(mins => ${PRUNE_INTERVAL_MINUTES})
        returning key`,
  );
  if (due.length === 0) return 0;
  const cutoff = sql`${at}::timestamptz - make_interval(days => o.lock_event_retention_days)`;
  const tables = [
    sql`delete from events where id in (
          select e.id from organizations o cross join lateral (
            select id from events e
             where e.organization_id = o.id and e.created_at < ${cutoff}
               and e.dispatched_at is not null
             limit ${PRUNE_BATCH}) e
          limit ${PRUNE_BATCH})`,
    sql`delete from messages where id in (
          select m.id from organizations o
            join webhook_endpoints w on w.organization_id = o.id
            cross join lateral (
              select id from messages m
               where m.webhook_endpoint_id = w.id and m.created_at < ${cutoff}
                 and m.status in ('sent', 'failed')
               limit ${PRUNE_BATCH}) m
          limit ${PRUNE_BATCH})`,
    sql`delete from simulated_lock_events where seq in (
          select x.seq from organizations o
            join simulated_locks l on l.organization_id = o.id
            cross join lateral (
              select seq from simulated_lock_events x
               where x.lock_id = l.id and x.occurred_at < ${cutoff}
               limit ${PRUNE_BATCH}) x
          limit ${PRUNE_BATCH})`,
  ];
  let deleted = 0;
  for (const remove of tables) {
    for (let round = 0; round < PRUNE_ROUNDS; round++) {
      const [row] = await queryRows<{ n: number }>(
        db,
        sql`with gone as (${remove} returning 1) select count(*)::int as n from gone`,
      );
      const n = row?.n ?? 0;
      deleted += n;
      if (n < PRUNE_BATCH) break;
    }
  }
  return deleted;
}
