import { sql } from 'drizzle-orm';
import {
  bigserial,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { accessCodes } from './access-codes';
import { createdAt, id, updatedAt } from './columns';
import { devices } from './devices';
import { events, webhookEndpoints } from './events';
import { organizations, users } from './organizations';
import { reservations } from './reservations';

export const alertSeverity = pgEnum('alert_severity', ['error', 'warning']);
export const alertStatus = pgEnum('alert_status', ['open', 'acknowledged', 'resolved']);

/** Open problems across the organization: codes, locks, pools. */
export const alerts = pgTable(
  'alerts',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'cascade' }),
    accessCodeId: uuid('access_code_id').references(() => accessCodes.id, {
      onDelete: 'cascade',
    }),
    reservationId: uuid('reservation_id').references(() => reservations.id, {
      onDelete: 'cascade',
    }),
    /** The Seam error or warning code it comes from, e.g. failed_to_set_on_device. */
    kind: text('kind').notNull(),
    severity: alertSeverity('severity').notNull(),
    message: text('message').notNull(),
    status: alertStatus('status').notNull().default('open'),
    /** One live alert per condition: e.g. `failed_to_set_on_device:<code id>`. */
    dedupeKey: text('dedupe_key').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    acknowledgedAt: timestamp('acknowledged_at', { withTimezone: true }),
    acknowledgedByUserId: uuid('acknowledged_by_user_id').references(() => users.id, {
      onDelete: 'set null',
    }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [
    index('alerts_organization_idx').on(t.organizationId, t.status, t.openedAt),
    uniqueIndex('alerts_live_key')
      .on(t.organizationId, t.dedupeKey)
      .where(sql`${t.status} <> 'resolved'`),
  ],
);

export const messageKind = pgEnum('message_kind', [
  'guest_code',
  'backup_code',
  'code_changed',
  'cancellation',
  /** A member told of something by email (lib/notifications/). */
  'staff_notification',
  'staff_digest',
  /** A staff member's (cleaner's, owner's) code, sent when given or rotated (lib/staff/). */
  'staff_code',
  /** An event delivered to an admin's outbound webhook (lib/webhooks/). */
  'webhook_event',
]);
export const messageChannel = pgEnum('message_channel', ['email', 'sms', 'webhook']);
export const messageStatus = pgEnum('message_status', ['queued', 'sending', 'sent', 'failed']);

export const messageTemplates = pgTable(
  'message_templates',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: messageKind('kind').notNull(),
    channel: messageChannel('channel').notNull(),
    subject: text('subject'),
    body: text('body').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('message_templates_kind_key').on(t.organizationId, t.kind, t.channel)],
);

/** The outbox: written with the event that causes it, delivered by the tick. */
export const messages = pgTable(
  'messages',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    reservationId: uuid('reservation_id').references(() => reservations.id, {
      onDelete: 'set null',
    }),
    accessCodeId: uuid('access_code_id').references(() => accessCodes.id, {
      onDelete: 'set null',
    }),
    kind: messageKind('kind').notNull(),
    channel: messageChannel('channel').notNull(),
    /** An email address, a phone number, or for a webhook the endpoint's URL. */
    recipient: text('recipient').notNull(),
    /** The outbound webhook a `webhook` message goes to: its delivery log. */
    webhookEndpointId: uuid('webhook_endpoint_id').references(() => webhookEndpoints.id, {
      onDelete: 'cascade',
    }),
    /** The event a webhook delivery or staff notification carries. */
    eventId: uuid('event_id').references(() => events.id, { onDelete: 'set null' }),
    subject: text('subject'),
    body: text('body').notNull(),
    status: messageStatus('status').notNull().default('queued'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).defaultNow(),
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    /** Sent to the provider so a retry after a crash is not delivered twice. */
    idempotencyKey: text('idempotency_key').notNull(),
    providerMessageId: text('provider_message_id'),
    /**
     * For guest-code messages and corrections: a digest of the stay's codes
     * (lock, digits, window) the message told the guest, so the tick can tell
     * when they changed and a correction is due.
     */
    codesDigest: text('codes_digest'),
    lastError: text('last_error'),
    sentAt: timestamp('sent_at', { withTimezone: true }),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, {
      onDelete: 'set null',
    }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('messages_idempotency_key').on(t.idempotencyKey),
    index('messages_due_idx').on(t.nextAttemptAt).where(sql`${t.status} in ('queued', 'sending')`),
    index('messages_reservation_idx').on(t.reservationId, t.createdAt),
    // The alerts' scan of recent failures.
    index('messages_webhook_endpoint_idx')
      .on(t.webhookEndpointId, t.createdAt)
      .where(sql`${t.webhookEndpointId} is not null`),
    index('messages_failed_idx').on(t.updatedAt).where(sql`${t.status} = 'failed'`),
    // Whether anything got through to a member's address or a webhook since it failed.
    index('messages_recipient_sent_idx')
      .on(t.organizationId, t.recipient, t.sentAt)
      .where(sql`${t.status} = 'sent'`),
  ],
);

/** Who did what. Written in the same transaction as the change; never holds a PIN, key or password. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    actorApiKeyId: uuid('actor_api_key_id').references(() => apiKeys.id, { onDelete: 'set null' }),
    /** e.g. reservation.created, backup_code.pulled, device.replaced. */
    action: text('action').notNull(),
    targetType: text('target_type'),
    targetId: text('target_id'),
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    requestId: text('request_id'),
    createdAt: createdAt(),
  },
  (t) => [
    index('audit_log_organization_idx').on(t.organizationId, t.createdAt),
    index('audit_log_target_idx').on(t.organizationId, t.targetType, t.targetId),
  ],
);

/** Keys for the Seam-style API. Only a SHA-256 of the key is kept. */
export const apiKeys = pgTable(
  'api_keys',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    /** The first characters, shown in Settings to tell keys apart. */
    keyPrefix: text('key_prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, {
      onDelete: 'set null',
    }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('api_keys_hash_key').on(t.keyHash),
    index('api_keys_organization_idx').on(t.organizationId),
  ],
);

/** Process-wide facts shared by every instance, e.g. when the last tick ran. */
export const systemState = pgTable('system_state', {
  key: text('key').primaryKey(),
  value: jsonb('value').$type<Record<string, unknown>>().notNull(),
  updatedAt: updatedAt(),
});

export type Alert = typeof alerts.$inferSelect;
export type Message = typeof messages.$inferSelect;
export type MessageKind = (typeof messageKind.enumValues)[number];
export type MessageChannel = (typeof messageChannel.enumValues)[number];
/** The messages a guest gets, each with a template per channel. */
export const GUEST_MESSAGE_KINDS = [
  'guest_code',
  'backup_code',
  'code_changed',
  'cancellation',
] as const satisfies readonly MessageKind[];
export type GuestMessageKind = (typeof GUEST_MESSAGE_KINDS)[number];
/** The channels that reach a guest (and a member): not webhooks. */
export type PersonChannel = Extract<MessageChannel, 'email' | 'sms'>;
export type AuditEntry = typeof auditLog.$inferSelect;
export type ApiKey = typeof apiKeys.$inferSelect;

/**
 * What the Seam-style API answers for create, update and delete: Keyhold
 * records the change at once, so every attempt is born finished.
 */
export const actionAttempts = pgTable(
  'action_attempts',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** e.g. CREATE_ACCESS_CODE, UPDATE_ACCESS_CODE, DELETE_ACCESS_CODE. */
    actionType: text('action_type').notNull(),
    status: text('status').notNull(),
    result: jsonb('result').$type<Record<string, unknown>>(),
    error: jsonb('error').$type<{ type: string; message: string }>(),
    createdAt: createdAt(),
  },
  (t) => [index('action_attempts_organization_idx').on(t.organizationId, t.createdAt)],
);

export type ActionAttempt = typeof actionAttempts.$inferSelect;
