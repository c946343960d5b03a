import { isNull } from 'drizzle-orm';
import { type Db, type Executor, inIds, queryRows, sql } from '@/db/client';
import type { KeyholdEvent } from '@/db/schema';
import { events } from '@/db/schema';
import { logger } from '@/lib/log';
import { notifyForEvents } from '@/lib/notifications/events';
import { queueWebhookDeliveries } from '@/lib/webhooks/deliveries';

export type DispatchStats = {
  events: number;
  deliveries: number;
  notifications: number;
  /** Events that could not be handed on even alone: marked dispatched and logged, so they block nothing. */
  dropped: number;
};

/**
 * Hand new events to outbound webhooks and staff notifications, each once
 * (DESIGN.md "Staff notifications and outbound webhooks"). A batch is claimed
 * with SKIP LOCKED, its deliveries and notifications are written to the
 * outbox and the batch marked dispatched in one transaction: a tick killed
 * midway leaves the batch for the next, and several instances take disjoint
 * batches. A batch that fails is handed on one event at a time, so one bad
 * event (a bug, a row the outbox refuses) never holds up the others for
 * every organization; an event that fails alone is logged and let go.
 */
export async function dispatchEvents(
  db: Db,
  now: Date,
  options: { batchSize?: number; budgetMs?: number } = {},
): Promise<DispatchStats> {
  const batchSize = options.batchSize ?? 500;
  const budgetMs = options.budgetMs ?? 5_000;
  const started = performance.now();
  const stats: DispatchStats = { events: 0, deliveries: 0, notifications: 0, dropped: 0 };
  for (;;) {
    let taken: number;
    try {
      taken = await db.transaction((tx) => dispatchBatch(tx, batchSize, now, stats));
    } catch (error) {
      logger().warn(
        { err: error },
        'dispatching a batch of events failed; handing them on one by one',
      );
      taken = await dispatchOneByOne(db, batchSize, now, stats);
    }
    stats.events += taken;
    if (taken < batchSize || performance.now() - started > budgetMs) break;
  }
  return stats;
}

/** Claim up to `limit` undispatched events, hand them on, mark them; the caller's transaction. */
async function dispatchBatch(
  tx: Executor,
  limit: number,
  now: Date,
  stats: DispatchStats,
): Promise<number> {
  // The claim reads the rows themselves: one statement, not ids then rows.
  const batch: KeyholdEvent[] = await tx
    .select()
    .from(events)
    .where(isNull(events.dispatchedAt))
    .orderBy(events.createdAt)
    .limit(limit)
    .for('update', { skipLocked: true });
  if (batch.length === 0) return 0;
  // Handed on in the order they happened.
  batch.sort((a, b) => a.occurredAt.getTime() - b.occurredAt.getTime());
  const ids = batch.map((e) => e.id);
  const deliveries = await queueWebhookDeliveries(tx, batch, now);
  const notifications = await notifyForEvents(tx, batch, now);
  await tx.update(events).set({ dispatchedAt: now }).where(inIds(events.id, ids));
  // Counted only once the transaction's work is done: a rolled-back batch counts nothing.
  stats.deliveries += deliveries;
  stats.notifications += notifications;
  return ids.length;
}

async function dispatchOneByOne(
  db: Db,
  limit: number,
  now: Date,
  stats: DispatchStats,
): Promise<number> {
  let handed = 0;
  for (let tried = 0; tried < limit; tried++) {
    try {
      if ((await db.transaction((tx) => dispatchBatch(tx, 1, now, stats))) === 0) break;
      handed++;
    } catch (error) {
      // The oldest undispatched event fails alone: let it go, or it blocks every later one.
      const [stuck] = await queryRows<{ id: string; event_type: string }>(
        db,
        sql`update events set dispatched_at = ${now.toISOString()}::timestamptz
             where id = (select id from events where dispatched_at is null
                          order by created_at limit 1 for update skip locked)
             returning id, event_type`,
      );
      if (!stuck) break;
      stats.dropped++;
      logger().error(
        { err: error, eventId: stuck.id, eventType: stuck.event_type },
        'an event could not be handed to webhooks and notifications; it was let go',
      );
    }
  }
  return handed;
}
