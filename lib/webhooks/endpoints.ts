// Outbound webhooks as admins manage them: add an endpoint (its signing
// secret answered this once), list, disable or enable, remove, and read one
// endpoint's delivery log. Deliveries themselves are ./deliveries.ts (what is
// queued) and ./transport.ts (how it is sent).
import { randomUUID } from 'node:crypto';
import { and, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { type Message, messages, type WebhookEndpoint, webhookEndpoints } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { credentialsKeyFromEnv } from '@/lib/env';
import { AppError } from '@/lib/errors';
import { EVENT_TYPES, type EventType } from '@/lib/events/types';
import { parseId } from '@/lib/ids';
import { open, seal } from '@/lib/secret-box';
import { parseInput } from '@/lib/validation';
import { newWebhookSecret } from './signature';

export const WEBHOOK_URL_MAX_LENGTH = 2000;

/** At most this many endpoints per organization: each event is one delivery per endpoint. */
export const MAX_WEBHOOK_ENDPOINTS = 20;

const EVENT_TYPE_SET = new Set<string>(EVENT_TYPES);

export const createWebhookEndpointSchema = z
  .object({
    url: z
      .string({ error: 'URL is required.' })
      .trim()
      .min(1, 'URL is required.')
      .max(WEBHOOK_URL_MAX_LENGTH, `URL must be at most ${WEBHOOK_URL_MAX_LENGTH} characters.`)
      .refine((url) => z.url({ protocol: /^https?$/ }).safeParse(url).success, {
        message: 'URL must be an http:// or https:// address.',
      }),
    /**
     * `all`: every event type (`eventTypes` ignored); `some`: only `eventTypes`,
     * at least one. Unset: `some` when types are given, else `all`.
     */
    scope: z.enum(['all', 'some'], { error: 'Scope must be all or some.' }).optional(),
    /** Empty: every event type. */
    eventTypes: z
      .array(z.string(), { error: 'Event types must be a list.' })
      .default([])
      .refine((types) => types.every((t) => EVENT_TYPE_SET.has(t)), {
        message: 'Choose event types from the list.',
      })
      .transform((types) => [...new Set(types)].sort() as EventType[]),
  })
  // "Only these" with none chosen must not turn into every event (an empty list's meaning).
  .refine((input) => input.scope !== 'some' || input.eventTypes.length > 0, {
    path: ['eventTypes'],
    message: 'Choose at least one event type, or All events.',
  })
  .transform(({ scope, eventTypes, ...rest }) => ({
    ...rest,
    eventTypes: scope === 'all' ? [] : eventTypes,
  }));
export type CreateWebhookEndpointInput = z.input<typeof createWebhookEndpointSchema>;

/** An endpoint as staff see it: never its secret. */
export type WebhookEndpointSummary = {
  id: string;
  url: string;
  /** Empty: every event type. */
  eventTypes: string[];
  disabledAt: Date | null;
  createdAt: Date;
};

function summary(row: WebhookEndpoint): WebhookEndpointSummary {
  return {
    id: row.id,
    url: row.url,
    eventTypes: row.eventTypes,
    disabledAt: row.disabledAt,
    createdAt: row.createdAt,
  };
}

/** The sealed secret opens only on its own row. */
const sealContext = (endpoint: Pick<WebhookEndpoint, 'organizationId' | 'id'>) =>
  `webhook_endpoint:${endpoint.organizationId}:${endpoint.id}:secret`;

/** The URL's scheme, host and port, for audit entries: a path or query may carry a token. */
function urlOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return 'invalid';
  }
}

/** Add an endpoint; its signing secret is returned this once and is never readable again. */
export async function createWebhookEndpoint(
  db: Executor,
  actor: Actor,
  input: CreateWebhookEndpointInput,
  key: Buffer = credentialsKeyFromEnv(),
): Promise<{ endpoint: WebhookEndpointSummary; secret: string }> {
  assertCan(actor, 'settings.manage');
  const data = parseInput(createWebhookEndpointSchema, input);
  const secret = newWebhookSecret();
  const id = randomUUID();
  return db.transaction(async (tx) => {
    const [{ n } = { n: 0 }] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(webhookEndpoints)
      .where(eq(webhookEndpoints.organizationId, actor.organizationId));
    if (n >= MAX_WEBHOOK_ENDPOINTS) {
      throw new AppError(
        'conflict',
        `An organization can have at most ${MAX_WEBHOOK_ENDPOINTS} webhook endpoints. Remove one first.`,
      );
    }
    const [row] = await tx
      .insert(webhookEndpoints)
      .values({
        id,
        organizationId: actor.organizationId,
        url: data.url,
        secretSealed: seal(secret, key, sealContext({ organizationId: actor.organizationId, id })),
        eventTypes: data.eventTypes,
        createdByUserId: actor.userId,
      })
      .returning();
    if (!row) throw new Error('webhook endpoint insert returned nothing');
    await recordAudit(tx, actor, {
      action: 'webhook_endpoint.created',
      targetType: 'webhook_endpoint',
      targetId: row.id,
      detail: { origin: urlOrigin(row.url), eventTypes: row.eventTypes },
    });
    return { endpoint: summary(row), secret };
  });
}

export async function listWebhookEndpoints(
  db: Executor,
  actor: Actor,
): Promise<WebhookEndpointSummary[]> {
  assertCan(actor, 'settings.manage');
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.organizationId, actor.organizationId))
    .orderBy(desc(webhookEndpoints.createdAt), desc(webhookEndpoints.id));
  return rows.map(summary);
}

/** The organization's endpoint (row lock when `forUpdate`), or not found. No permission check. */
export async function findWebhookEndpoint(
  tx: Executor,
  actor: Actor,
  endpointId: string,
  forUpdate = false,
): Promise<WebhookEndpoint> {
  parseId('WebhookEndpoint', endpointId);
  const query = tx
    .select()
    .from(webhookEndpoints)
    .where(
      and(
        eq(webhookEndpoints.id, endpointId),
        eq(webhookEndpoints.organizationId, actor.organizationId),
      ),
    );
  const [row] = forUpdate ? await query.for('update') : await query;
  if (!row) throw AppError.notFound('WebhookEndpoint');
  return row;
}

export async function getWebhookEndpoint(
  db: Executor,
  actor: Actor,
  endpointId: string,
): Promise<WebhookEndpointSummary> {
  assertCan(actor, 'settings.manage');
  return summary(await findWebhookEndpoint(db, actor, endpointId));
}

/**
 * Disable (nothing more is queued for it, and queued deliveries fail instead
 * of being sent) or enable again. Doing what is already done is harmless.
 */
export async function setWebhookEndpointDisabled(
  db: Executor,
  actor: Actor,
  endpointId: string,
  disabled: boolean,
  now: Date,
): Promise<WebhookEndpointSummary> {
  assertCan(actor, 'settings.manage');
  return db.transaction(async (tx) => {
    const row = await findWebhookEndpoint(tx, actor, endpointId, true);
    if ((row.disabledAt !== null) === disabled) return summary(row);
    const [updated] = await tx
      .update(webhookEndpoints)
      .set({ disabledAt: disabled ? now : null, updatedAt: now })
      .where(eq(webhookEndpoints.id, row.id))
      .returning();
    await recordAudit(tx, actor, {
      action: disabled ? 'webhook_endpoint.disabled' : 'webhook_endpoint.enabled',
      targetType: 'webhook_endpoint',
      targetId: row.id,
      detail: { origin: urlOrigin(row.url) },
    });
    return summary(updated ?? row);
  });
}

/** Remove an endpoint and its delivery log; nothing more is sent to it. */
export async function deleteWebhookEndpoint(
  db: Executor,
  actor: Actor,
  endpointId: string,
): Promise<void> {
  assertCan(actor, 'settings.manage');
  await db.transaction(async (tx) => {
    const row = await findWebhookEndpoint(tx, actor, endpointId, true);
    await tx.delete(webhookEndpoints).where(eq(webhookEndpoints.id, row.id));
    await recordAudit(tx, actor, {
      action: 'webhook_endpoint.deleted',
      targetType: 'webhook_endpoint',
      targetId: row.id,
      detail: { origin: urlOrigin(row.url) },
    });
  });
}

/** One delivery as the log shows it: never the body (it may be large) or the secret. */
export type WebhookDelivery = Pick<
  Message,
  'id' | 'status' | 'attempts' | 'lastError' | 'createdAt' | 'sentAt' | 'nextAttemptAt'
> & {
  eventType: string;
  /** What the endpoint answered a delivered attempt, e.g. `HTTP 200`. */
  response: string | null;
};

export const WEBHOOK_DELIVERY_LOG_LIMIT = 50;

/** The endpoint's latest deliveries, newest first. */
export async function listWebhookDeliveries(
  db: Executor,
  actor: Actor,
  endpointId: string,
  options: { limit?: number } = {},
): Promise<WebhookDelivery[]> {
  assertCan(actor, 'settings.manage');
  const endpoint = await findWebhookEndpoint(db, actor, endpointId);
  const rows = await db
    .select({
      id: messages.id,
      status: messages.status,
      attempts: messages.attempts,
      lastError: messages.lastError,
      createdAt: messages.createdAt,
      sentAt: messages.sentAt,
      nextAttemptAt: messages.nextAttemptAt,
      subject: messages.subject,
      providerMessageId: messages.providerMessageId,
    })
    .from(messages)
    .where(
      and(
        eq(messages.organizationId, actor.organizationId),
        eq(messages.webhookEndpointId, endpoint.id),
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(Math.min(options.limit ?? WEBHOOK_DELIVERY_LOG_LIMIT, 200));
  return rows.map(({ subject, providerMessageId, ...row }) => ({
    ...row,
    eventType: subject ?? 'unknown',
    response: providerMessageId,
  }));
}

/**
 * What a delivery needs to go out, for the transport (no actor: the tick
 * sends what members queued): null when the endpoint was removed.
 */
export async function endpointForDelivery(
  db: Executor,
  organizationId: string,
  endpointId: string,
  key: Buffer = credentialsKeyFromEnv(),
): Promise<{ url: string; secret: string | null; disabled: boolean } | null> {
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(
      and(eq(webhookEndpoints.id, endpointId), eq(webhookEndpoints.organizationId, organizationId)),
    );
  if (!row) return null;
  return {
    url: row.url,
    secret: open(row.secretSealed, key, sealContext(row)),
    disabled: row.disabledAt !== null,
  };
}
