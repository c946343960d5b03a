// What goes to each outbound webhook: one outbox message per (event,
// subscribed enabled endpoint), queued in the transaction that dispatches the
// event (lib/events/dispatch.ts), so a delivery exists exactly when its event
// was dispatched, and the outbox sends it with retries, never twice.
import { randomUUID } from 'node:crypto';
import { and, inArray, isNull } from 'drizzle-orm';
import type { Db, Executor } from '@/db/client';
import { type KeyholdEvent, type Message, webhookEndpoints } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { type QueueMessageInput, queueMessage, queueMessages } from '@/lib/messages/outbox';
import { toSeamEvent } from '@/lib/seam-api/shapes';
import { findWebhookEndpoint } from './endpoints';

/** The event type of "Send a test event": not one of Seam's, and marked as a test in the body. */
export const TEST_EVENT_TYPE = 'keyhold.test';

/**
 * The body of one delivery: the event itself, in Seam's shape (as Seam's own
 * webhooks carry it: `event_id`, `event_type`, `occurred_at`, `device_id`, …
 * at the top level), so an integrator reads Keyhold's deliveries with the
 * code that reads Seam's.
 */
export function webhookBody(event: KeyholdEvent): string {
  return JSON.stringify(toSeamEvent(event));
}

/**
 * Queue one outbox delivery per event and subscribed endpoint, in the
 * dispatching transaction. Returns the deliveries queued.
 */
export async function queueWebhookDeliveries(
  tx: Executor,
  batch: KeyholdEvent[],
  now: Date,
): Promise<number> {
  if (batch.length === 0) return 0;
  const organizationIds = [...new Set(batch.map((e) => e.organizationId))];
  const endpoints = await tx
    .select({
      id: webhookEndpoints.id,
      organizationId: webhookEndpoints.organizationId,
      url: webhookEndpoints.url,
      eventTypes: webhookEndpoints.eventTypes,
    })
    .from(webhookEndpoints)
    .where(
      and(
        inArray(webhookEndpoints.organizationId, organizationIds),
        isNull(webhookEndpoints.disabledAt),
      ),
    );
  if (endpoints.length === 0) return 0;
  const deliveries: QueueMessageInput[] = [];
  for (const event of batch) {
    for (const endpoint of endpoints) {
      if (endpoint.organizationId !== event.organizationId) continue;
      // An empty list subscribes to every type.
      if (endpoint.eventTypes.length > 0 && !endpoint.eventTypes.includes(event.eventType)) {
        continue;
      }
      deliveries.push({
        organizationId: event.organizationId,
        kind: 'webhook_event',
        channel: 'webhook',
        webhookEndpointId: endpoint.id,
        // No reservation on the row: a stay's message history and "guest message sent" read
        // messages by reservation, and a delivery is not a message to the guest. The event has it.
        eventId: event.id,
        recipient: endpoint.url,
        subject: event.eventType,
        body: webhookBody(event),
        cause: `${endpoint.id}:${event.id}`,
      });
    }
  }
  return queueMessages(tx, deliveries, now);
}

/**
 * "Send a test event": a signed delivery of type `keyhold.test`, queued now
 * for the next tick, so an admin can see their receiver verify a signature.
 * Each press is a new delivery.
 */
export async function sendTestEvent(
  db: Db,
  actor: Actor,
  endpointId: string,
  now: Date,
): Promise<Message> {
  assertCan(actor, 'settings.manage');
  return db.transaction(async (tx) => {
    const endpoint = await findWebhookEndpoint(tx, actor, endpointId);
    if (endpoint.disabledAt) {
      throw new AppError('conflict', 'This endpoint is disabled. Enable it to send a test event.');
    }
    const eventId = randomUUID();
    const { message } = await queueMessage(
      tx,
      {
        organizationId: actor.organizationId,
        kind: 'webhook_event',
        channel: 'webhook',
        webhookEndpointId: endpoint.id,
        recipient: endpoint.url,
        subject: TEST_EVENT_TYPE,
        body: JSON.stringify({
          event_id: eventId,
          event_type: TEST_EVENT_TYPE,
          is_test: true,
          message: 'A test event from Keyhold. Nothing happened at any lock.',
          workspace_id: actor.organizationId,
          occurred_at: now.toISOString(),
          created_at: now.toISOString(),
        }),
        cause: `${endpoint.id}:test:${eventId}`,
        createdByUserId: actor.userId,
      },
      now,
    );
    await recordAudit(tx, actor, {
      action: 'webhook_endpoint.test_sent',
      targetType: 'webhook_endpoint',
      targetId: endpoint.id,
    });
    return message;
  });
}
