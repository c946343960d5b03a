import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import pLimit from 'p-limit';
import { z } from 'zod';
import { type Db, type Executor, queryRows, sql } from '@/db/client';
import {
  type Message,
  type MessageChannel,
  type MessageKind,
  messageChannel,
  messageKind,
  messages,
} from '@/db/schema';
import { logger } from '@/lib/log';
import { parseInput } from '@/lib/validation';
import { escapeHtml, SMS_MAX_LENGTH } from './templates';
import { type OutgoingMessage, TransportError, type Transports } from './transport-types';

/**
 * The outbox (DESIGN.md "Guest messaging"). A message row is written in the
 * same transaction as the event that causes it, so a message exists exactly
 * when its cause committed; the tick delivers it later with retries. States:
 * queued → sending (leased) → sent | failed, and back to queued on a failure
 * that may pass.
 */

/** The longest subject and body a message may have. */
export const SUBJECT_MAX_LENGTH = 200;
export const BODY_MAX_LENGTH = 10_000;

export const queueMessageSchema = z
  .object({
    organizationId: z.uuid(),
    reservationId: z.uuid().nullish(),
    accessCodeId: z.uuid().nullish(),
    kind: z.enum(messageKind.enumValues),
    channel: z.enum(messageChannel.enumValues),
    /** For a `webhook` message: the endpoint it goes to (its delivery log). */
    webhookEndpointId: z.uuid().nullish(),
    /** The event a webhook delivery or staff notification carries. */
    eventId: z.uuid().nullish(),
    recipient: z
      .string({ error: 'Recipient is required.' })
      .trim()
      .min(1, 'Recipient is required.'),
    subject: z
      .string()
      .trim()
      .max(SUBJECT_MAX_LENGTH, `Subject must be at most ${SUBJECT_MAX_LENGTH} characters.`)
      .nullish(),
    body: z.string().min(1, 'Body is required.').max(BODY_MAX_LENGTH, 'Body is too long.'),
    /**
     * What caused the message, e.g. `${accessCodeId}:${revision}`: the same
     * cause queued twice is one message. Hashed before storing, so it may
     * contain a code.
     */
    cause: z.string().min(1, 'Cause is required.'),
    createdByUserId: z.uuid().nullish(),
    /** What the guest is told about the stay's codes; see `messages.codes_digest`. */
    codesDigest: z.string().min(1).nullish(),
    /** Not before this time (e.g. a set time before arrival); defaults to now. */
    notBefore: z.date().nullish(),
  })
  .superRefine((m, ctx) => {
    if (m.channel === 'email') {
      if (!z.email().safeParse(m.recipient).success) {
        ctx.addIssue({
          code: 'custom',
          path: ['recipient'],
          message: 'Recipient must be a valid email address.',
        });
      }
      if (!m.subject) {
        ctx.addIssue({ code: 'custom', path: ['subject'], message: 'An email needs a subject.' });
      }
    } else if (m.channel === 'webhook') {
      if (!m.webhookEndpointId) {
        ctx.addIssue({
          code: 'custom',
          path: ['webhookEndpointId'],
          message: 'A webhook delivery needs its endpoint.',
        });
      }
      if (!z.url({ protocol: /^https?$/ }).safeParse(m.recipient).success) {
        ctx.addIssue({
          code: 'custom',
          path: ['recipient'],
          message: 'Recipient must be an http or https URL.',
        });
      }
    } else {
      if (!/^\+[1-9]\d{6,14}$/.test(m.recipient)) {
        ctx.addIssue({
          code: 'custom',
          path: ['recipient'],
          message: 'Recipient must be a phone number in international form, like +14155550123.',
        });
      }
      if (m.body.length > SMS_MAX_LENGTH) {
        ctx.addIssue({
          code: 'custom',
          path: ['body'],
          message: `An SMS must be at most ${SMS_MAX_LENGTH} characters.`,
        });
      }
    }
  });
export type QueueMessageInput = z.input<typeof queueMessageSchema>;

/**
 * A stable key per (organization, kind, channel, cause). A hash, because the
 * cause may hold a PIN and the key travels as the email's Message-ID; a
 * dot-atom, because that is what a Message-ID may contain.
 */
export function idempotencyKeyFor(input: {
  organizationId: string;
  kind: MessageKind;
  channel: MessageChannel;
  cause: string;
}): string {
  const digest = createHash('sha256')
    .update([input.organizationId, input.kind, input.channel, input.cause].join('\n'))
    .digest('hex')
    .slice(0, 40);
  return `${input.kind.replace(/_/g, '-')}.${digest}`;
}

/**
 * Queue one message in the caller's transaction. Queueing the same cause again
 * writes nothing and returns the message already queued (or sent).
 */
export async function queueMessage(
  tx: Executor,
  input: QueueMessageInput,
  now: Date,
): Promise<{ message: Message; created: boolean }> {
  const row = messageRow(parseInput(queueMessageSchema, input), now);
  const [inserted] = await tx
    .insert(messages)
    .values(row)
    .onConflictDoNothing({ target: messages.idempotencyKey })
    .returning();
  if (inserted) return { message: inserted, created: true };
  const [existing] = await tx
    .select()
    .from(messages)
    .where(
      and(
        eq(messages.idempotencyKey, row.idempotencyKey),
        eq(messages.organizationId, row.organizationId),
      ),
    );
  if (!existing) throw new Error('queued message vanished between insert and select');
  return { message: existing, created: false };
}

/**
 * Queue many messages in one statement (e.g. a batch of events to every
 * webhook endpoint), each validated as queueMessage does; a cause already
 * queued is skipped. Returns how many were written now.
 */
export async function queueMessages(
  tx: Executor,
  inputs: QueueMessageInput[],
  now: Date,
): Promise<number> {
  const rows = inputs.map((input) => messageRow(parseInput(queueMessageSchema, input), now));
  let created = 0;
  // Bounded statements: Postgres takes at most 65,535 parameters in one.
  for (let i = 0; i < rows.length; i += 500) {
    const inserted = await tx
      .insert(messages)
      .values(rows.slice(i, i + 500))
      .onConflictDoNothing({ target: messages.idempotencyKey })
      .returning({ id: messages.id });
    created += inserted.length;
  }
  return created;
}

function messageRow(data: z.output<typeof queueMessageSchema>, now: Date) {
  return {
    organizationId: data.organizationId,
    reservationId: data.reservationId ?? null,
    accessCodeId: data.accessCodeId ?? null,
    kind: data.kind,
    channel: data.channel,
    recipient: data.recipient,
    // A webhook delivery's subject is the event type it carries (its header and delivery log).
    subject: data.channel === 'sms' ? null : (data.subject ?? null),
    body: data.body,
    status: 'queued' as const,
    attempts: 0,
    nextAttemptAt: data.notBefore ?? now,
    idempotencyKey: idempotencyKeyFor(data),
    codesDigest: data.codesDigest ?? null,
    createdByUserId: data.createdByUserId ?? null,
    webhookEndpointId: data.webhookEndpointId ?? null,
    eventId: data.eventId ?? null,
  };
}

export const MAX_ATTEMPTS = 8;

/** Why a message about a cancelled stay's codes was never sent. */
export const WITHDRAWN_ERROR = 'Not sent: the stay was cancelled first.';
const BACKOFF_BASE_MS = 60_000;
const BACKOFF_CAP_MS = 60 * 60_000;

/** 1, 2, 4 … minutes up to an hour, each scaled by 50–100 % so retries spread out. */
export function messageBackoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.5 + random() * 0.5));
}

export type DeliverOptions = {
  now: Date;
  transports: Transports;
  batchSize?: number;
  /**
   * How long a claimed message is ours. Longer than a send can take (SMTP
   * times out after 10 s per step), else another deliverer sends it too.
   */
  leaseMs?: number;
  maxAttempts?: number;
  /** Messages sent at once. */
  concurrency?: number;
  /** Stop claiming new batches after this long. */
  budgetMs?: number;
  /**
   * Only messages of these channels (all when unset): the tick sends guests'
   * and members' messages apart from webhook deliveries, so a receiver that
   * hangs never holds up a guest's code.
   */
  channels?: readonly MessageChannel[];
  random?: () => number;
};

export type DeliverStats = {
  claimed: number;
  sent: number;
  /** Failed this time and queued again. */
  retrying: number;
  /** Given up on. */
  failed: number;
};

type Claimed = {
  id: string;
  organization_id: string;
  kind: MessageKind;
  channel: MessageChannel;
  recipient: string;
  subject: string | null;
  body: string;
  attempts: number;
  idempotency_key: string;
  webhook_endpoint_id: string | null;
};

/**
 * Send the messages that are due. Claims (queued and due, or `sending` with an
 * expired lease, i.e. a deliverer died mid-send) with SKIP LOCKED and commits
 * the lease before any send, so concurrent deliverers take disjoint messages
 * and no transaction stays open across the network. Attempts count at claim,
 * so a message that keeps killing its deliverer still reaches the limit.
 */
export async function deliverDueMessages(db: Db, options: DeliverOptions): Promise<DeliverStats> {
  const started = performance.now();
  const batchSize = options.batchSize ?? 50;
  const budgetMs = options.budgetMs ?? 10_000;
  const stats: DeliverStats = { claimed: 0, sent: 0, retrying: 0, failed: 0 };
  const limit = pLimit(options.concurrency ?? 8);
  do {
    const { claimed, leaseUntil, abandoned } = await claimMessages(db, options, batchSize);
    stats.failed += abandoned;
    stats.claimed += claimed.length;
    const outcomes = await Promise.all(
      claimed.map((m) => limit(() => deliverOne(db, m, leaseUntil, options))),
    );
    for (const outcome of outcomes) if (outcome) stats[outcome]++;
    if (claimed.length < batchSize) break;
  } while (performance.now() - started < budgetMs);
  return stats;
}

async function claimMessages(
  db: Db,
  options: DeliverOptions,
  batchSize: number,
): Promise<{ claimed: Claimed[]; leaseUntil: Date; abandoned: number }> {
  const now = options.now.toISOString();
  const leaseUntil = new Date(options.now.getTime() + (options.leaseMs ?? 120_000));
  const maxAttempts = options.maxAttempts ?? MAX_ATTEMPTS;
  const ofChannels = options.channels
    ? sql`and channel = any(${`{${options.channels.join(',')}}`}::message_channel[])`
    : sql``;
  return db.transaction(async (tx) => {
    // Its last attempt died mid-send and it has no attempts left: it may or may
    // not have arrived, and trying again would exceed the limit.
    const abandoned = await queryRows<{ id: string }>(
      tx,
      sql`
        with picked as (
          select id from messages
          where status = 'sending' and lease_expires_at <= ${now}::timestamptz
            and attempts >= ${maxAttempts} ${ofChannels}
          for update skip locked
        )
        update messages m set status = 'failed', lease_expires_at = null, next_attempt_at = null,
          last_error = 'Gave up: the last attempt was interrupted before its outcome was recorded.',
          updated_at = ${now}::timestamptz
        from picked where m.id = picked.id
        returning m.id`,
    );
    // A code for a stay cancelled since it was queued (or while a send that
    // failed was in flight) must not reach the guest.
    await tx.execute(sql`
      update messages m set status = 'failed', lease_expires_at = null, next_attempt_at = null,
        last_error = ${WITHDRAWN_ERROR}, updated_at = ${now}::timestamptz
        from reservations r
       where r.id = m.reservation_id and r.organization_id = m.organization_id
         and r.status = 'cancelled'
         and m.kind in ('guest_code', 'code_changed', 'backup_code')
         and ((m.status = 'queued' and m.next_attempt_at <= ${now}::timestamptz)
              or (m.status = 'sending' and m.lease_expires_at <= ${now}::timestamptz))`);
    const claimed = await queryRows<Claimed>(
      tx,
      sql`
        with picked as (
          select id from messages
          where ((status = 'queued' and next_attempt_at <= ${now}::timestamptz)
                 or (status = 'sending' and lease_expires_at <= ${now}::timestamptz
                     and attempts < ${maxAttempts}))
            ${ofChannels}
          order by next_attempt_at
          limit ${batchSize}
          for update skip locked
        )
        update messages m set status = 'sending', attempts = m.attempts + 1,
          lease_expires_at = ${leaseUntil.toISOString()}::timestamptz,
          updated_at = ${now}::timestamptz
        from picked where m.id = picked.id
        returning m.id, m.organization_id, m.kind, m.channel, m.recipient, m.subject, m.body,
          m.attempts, m.idempotency_key, m.webhook_endpoint_id`,
    );
    return { claimed, leaseUntil, abandoned: abandoned.length };
  });
}

async function deliverOne(
  db: Db,
  m: Claimed,
  leaseUntil: Date,
  options: DeliverOptions,
): Promise<'sent' | 'retrying' | 'failed' | null> {
  const now = options.now;
  // Only the holder of this lease may record: if it expired and another
  // deliverer took the message, that one's outcome stands.
  const ours = and(
    eq(messages.id, m.id),
    eq(messages.status, 'sending'),
    eq(messages.leaseExpiresAt, leaseUntil),
  );
  let providerMessageId: string;
  try {
    const transport = options.transports[m.channel];
    if (!transport) throw new TransportError(`No ${m.channel} transport is configured.`);
    ({ providerMessageId } = await transport.send(toOutgoing(m)));
  } catch (error) {
    const failure =
      error instanceof TransportError
        ? error
        : // Unknown errors may carry anything; store only their kind.
          new TransportError(`Unexpected ${error instanceof Error ? error.name : 'error'}.`);
    const giveUp = failure.permanent || m.attempts >= (options.maxAttempts ?? MAX_ATTEMPTS);
    const updated = await db
      .update(messages)
      .set({
        status: giveUp ? 'failed' : 'queued',
        lastError: failure.message,
        leaseExpiresAt: null,
        nextAttemptAt: giveUp
          ? null
          : new Date(now.getTime() + messageBackoffMs(m.attempts, options.random)),
        updatedAt: now,
      })
      .where(ours)
      .returning({ id: messages.id });
    logger().warn(
      { event: 'message_failed', messageId: m.id, attempts: m.attempts, giveUp, err: failure },
      'sending a message failed',
    );
    if (updated.length === 0) return null;
    return giveUp ? 'failed' : 'retrying';
  }
  const updated = await db
    .update(messages)
    .set({
      status: 'sent',
      providerMessageId,
      sentAt: now,
      lastError: null,
      leaseExpiresAt: null,
      nextAttemptAt: null,
      updatedAt: now,
    })
    .where(ours)
    .returning({ id: messages.id });
  if (updated.length === 0) {
    logger().warn(
      { event: 'message_lease_lost', messageId: m.id },
      'a message was sent after its lease expired; another deliverer may send it again',
    );
    return null;
  }
  return 'sent';
}

function toOutgoing(m: Claimed): OutgoingMessage {
  return {
    id: m.id,
    organizationId: m.organization_id,
    kind: m.kind,
    channel: m.channel,
    recipient: m.recipient,
    subject: m.subject,
    text: m.body,
    html: m.channel === 'email' ? htmlFromText(m.body) : null,
    idempotencyKey: m.idempotency_key,
    webhookEndpointId: m.webhook_endpoint_id,
  };
}

/**
 * The stored body is rendered plain text; escaping all of it gives the same
 * HTML renderTemplate makes (a guest name like `<b>` stays text).
 */
export function htmlFromText(text: string): string {
  return text
    .split(/\n{2,}/)
    .map((paragraph) => `<p>${escapeHtml(paragraph).replace(/\n/g, '<br>')}</p>`)
    .join('\n');
}
