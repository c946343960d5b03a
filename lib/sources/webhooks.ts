// A PMS's webhook delivery, taken: checked against the source's secret,
// read, taken once by its event id, and handed to the ingestion core. The
// signature is the only credential: no session, no API key.
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { reservationSources, sourceEvents } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { isId } from '@/lib/ids';
import { logger } from '@/lib/log';
import { verifyWebhook } from '@/lib/webhooks/signature';
import { type IngestOutcome, ingestBookings } from './ingest';
import { webhookSecretOf } from './sources';
import { parseWebhookEvent, type WebhookShape } from './webhook';

/** Largest body a delivery may have: one booking is a few kilobytes. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

export type WebhookReceipt = {
  eventId: string;
  /** `duplicate`: this event id was taken before; nothing changed. */
  outcome: IngestOutcome | 'duplicate';
  reservationId?: string;
  /** Why an event was not a stay (Guesty's inquiries). */
  reason?: string;
};

const REFUSALS = {
  missing_signature: 'The Keyhold-Signature header is missing.',
  bad_signature: 'The signature does not match this source’s secret.',
  stale_timestamp: 'The signature’s timestamp is more than 5 minutes from now; send it again.',
} as const;

/**
 * Take one delivery to source `sourceId`. Refused (and nothing written)
 * when the source is unknown (404), the signature does not match or is stale
 * (401), the body is not a known event (400) or its booking cannot be a stay
 * here (400, naming why). A second delivery of an event is answered as
 * before without changing anything; an event older than what the source
 * said since is taken and ignored (`stale`).
 */
export async function takeWebhook(
  db: Executor,
  sourceId: string,
  delivery: { rawBody: string; signature: string | null },
  now: Date,
  key?: Buffer,
): Promise<WebhookReceipt> {
  try {
    return await take(db, sourceId, delivery, now, key);
  } catch (error) {
    if (error instanceof AppError) {
      // Which source and why, never the body: it holds the guest's details.
      logger().warn(
        {
          sourceId: isId(sourceId) ? sourceId : null,
          code: error.code,
          field: error.options.field,
        },
        `webhook refused: ${error.message}`,
      );
    }
    throw error;
  }
}

async function take(
  db: Executor,
  sourceId: string,
  delivery: { rawBody: string; signature: string | null },
  now: Date,
  key?: Buffer,
): Promise<WebhookReceipt> {
  if (!isId(sourceId)) throw AppError.notFound('Source');
  const [source] = await db
    .select()
    .from(reservationSources)
    .where(and(eq(reservationSources.id, sourceId), eq(reservationSources.kind, 'webhook')));
  if (!source) throw AppError.notFound('Source');
  const secret = webhookSecretOf(source, key);
  if (!secret) {
    throw new AppError('unauthenticated', 'This source’s secret cannot be read by this server.', {
      internal: 'webhook secret does not open with this CREDENTIALS_KEY',
    });
  }
  const verified = verifyWebhook(secret, delivery.rawBody, delivery.signature, now);
  if (!verified.ok) {
    throw new AppError('unauthenticated', REFUSALS[verified.reason], {
      internal: `webhook ${verified.reason}`,
    });
  }
  let body: unknown;
  try {
    body = JSON.parse(delivery.rawBody);
  } catch {
    throw new AppError('invalid_input', 'The body is not JSON.', { field: 'body' });
  }
  const event = parseWebhookEvent(body, source.preset as WebhookShape);
  return db.transaction(async (tx) => {
    const [first] = await tx
      .insert(sourceEvents)
      .values({ sourceId: source.id, eventId: event.eventId, receivedAt: now })
      .onConflictDoNothing()
      .returning();
    if (!first) return { eventId: event.eventId, outcome: 'duplicate' as const };
    if (event.kind === 'ignored') {
      return { eventId: event.eventId, outcome: 'ignored' as const, reason: event.reason };
    }
    const { results } = await ingestBookings(tx, source, [event.booking], {
      now,
      snapshot: false,
    });
    const [result] = results;
    if (!result) throw new Error('a booking gave no result');
    if (result.outcome === 'error') {
      // Rolled back with the event's id, so a corrected delivery is taken.
      throw new AppError('invalid_input', result.message ?? 'The booking cannot be taken.', {
        field: result.field,
      });
    }
    return { eventId: event.eventId, outcome: result.outcome, reservationId: result.reservationId };
  });
}
