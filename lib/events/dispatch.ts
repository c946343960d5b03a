import { inArray } from 'drizzle-orm';
import { type Db, queryRows, sql } from '@/db/client';
import type { KeyholdEvent } from '@/db/schema';
import { events } from '@/db/schema';
import { notifyForEvents } from '@/lib/notifications/events';
import { queueWebhookDeliveries } from '@/lib/webhooks/deliveries';

export type DispatchStats = { events: number; deliveries: number; notifications: number };

/**
 * Hand new events to outbound webhooks and staff notifications, each once
 * (DESIGN.md "Staff notifications and outbound webhooks"). A batch is claimed
 * with SKIP LOCKED, its deliveries and notifications are written to the
 * outbox and the batch marked dispatched in one transaction: a tick killed
 * midway leaves the batch for the next, and several instances take disjoint
 * batches.
 */
export async function dispatchEvents(
  db: Db,
  now: Date,
  options: { batchSize?: number; budgetMs?: number } = {},
): Promise<DispatchStats> {
  const batchSize = options.batchSize ?? 500;
  const budgetMs = options.budgetMs ?? 5_000;
  const started = performance.now();
  const stats: DispatchStats = { events: 0, deliveries: 0, notifications: 0 };
  for (;;) {
    const taken = await db.transaction(async (tx) => {
      const ids = await queryRows<{ id: string }>(
        tx,
        sql`select id from events where dispatched_at is null
             order by created_at limit ${batchSize} for update skip locked`,
      );
      if (ids.length === 0) return 0;
      const batch: KeyholdEvent[] = await tx
        .select()
        .from(events)
        .where(
          inArray(
            events.id,
            ids.map((r) => r.id),
          ),
        )
        .orderBy(events.occurredAt);
      stats.deliveries += await queueWebhookDeliveries(tx, batch, now);
      stats.notifications += await notifyForEvents(tx, batch, now);
      await tx
        .update(events)
        .set({ dispatchedAt: now })
        .where(
          inArray(
            events.id,
            ids.map((r) => r.id),
          ),
        );
      return ids.length;
    });
    stats.events += taken;
    if (taken < batchSize || performance.now() - started > budgetMs) break;
  }
  return stats;
}
