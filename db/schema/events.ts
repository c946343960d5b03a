import { sql } from 'drizzle-orm';
import {
  bigserial,
  boolean,
  index,
  jsonb,
  pgTable,
  primaryKey,
  text,
  time,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { accessCodes } from './access-codes';
import { createdAt, id, updatedAt } from './columns';
import { devices, simulatedLocks } from './devices';
import { organizations, users } from './organizations';
import { reservations } from './reservations';

/**
 * What happened, under Seam's event names (`lock.unlocked`,
 * `access_code.set_on_device`, `device.disconnected`, …): entries and other
 * reports a lock made (read through its adapter), and Keyhold's own events on
 * codes and devices, written in the transaction that caused them. The tick
 * hands each to outbound webhooks and staff notifications once
 * (`dispatched_at`); `events/list` reads them. Never holds a PIN.
 */
export const events = pgTable(
  'events',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** Seam's name for it, e.g. lock.unlocked (lib/events/types.ts). */
    eventType: text('event_type').notNull(),
    /** When it happened at the lock (or in Keyhold); entries are ordered by it, not by arrival. */
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'cascade' }),
    /** The code the lock named for an entry, or the code the event is about. Null when the lock did not say. */
    accessCodeId: uuid('access_code_id').references(() => accessCodes.id, { onDelete: 'set null' }),
    /** The stay whose code it was (for a pulled backup code: the stay it was pulled for). */
    reservationId: uuid('reservation_id').references(() => reservations.id, {
      onDelete: 'set null',
    }),
    /**
     * For entries, how the door was opened, in Seam's words: `keycode`,
     * `manual` (key or thumb-turn), `unknown`. Null for other events.
     */
    method: text('method'),
    /** Extra Seam-shaped fields (e.g. the lock's slot, `is_backup_code`, `after_check_out`). Never a PIN. */
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default(sql`'{}'::jsonb`),
    /**
     * One row per happening: `lock:<device id>:<the lock's own event id>` for a
     * lock's report, `<event type>:<cause>` for Keyhold's own.
     */
    dedupeKey: text('dedupe_key').notNull(),
    createdAt: createdAt(),
    /** When the tick handed it to webhooks and notifications; null until then. */
    dispatchedAt: timestamp('dispatched_at', { withTimezone: true }),
  },
  (t) => [
    uniqueIndex('events_dedupe_key').on(t.organizationId, t.dedupeKey),
    index('events_organization_idx').on(t.organizationId, t.occurredAt),
    // events/list: an organization's events by when they were stored, newest first.
    index('events_organization_created_idx').on(t.organizationId, t.createdAt),
    index('events_device_idx').on(t.deviceId, t.occurredAt),
    index('events_access_code_idx').on(t.accessCodeId, t.occurredAt),
    index('events_reservation_idx')
      .on(t.reservationId, t.occurredAt)
      .where(sql`${t.reservationId} is not null`),
    index('events_undispatched_idx').on(t.createdAt).where(sql`${t.dispatchedAt} is null`),
    // The entry-after-check-out alert looks at these on every tick: few rows, found at once.
    index('events_entry_after_check_out_idx')
      .on(t.occurredAt)
      .where(sql`${t.eventType} = 'lock.unlocked' and ${t.detail}->>'after_check_out' = 'true'`),
  ],
);

/**
 * The simulated lock's own event log, as hardware keeps one: a keypad entry,
 * a key turned, a code refused. The adapter reads it with a cursor (`seq`).
 */
export const simulatedLockEvents = pgTable(
  'simulated_lock_events',
  {
    seq: bigserial('seq', { mode: 'number' }).primaryKey(),
    lockId: text('lock_id')
      .notNull()
      .references(() => simulatedLocks.id, { onDelete: 'cascade' }),
    /** unlocked | locked | access_denied | tamper | jammed | low_battery */
    kind: text('kind').notNull(),
    /** keycode | manual | unknown (unlocked and access_denied only). */
    method: text('method'),
    /** The code's row on the lock (simulated_lock_codes.id) when the lock names it. */
    codeRef: text('code_ref'),
    /** Keyhold's code id as the lock stored it, when the lock names the code. */
    keyholdCodeId: uuid('keyhold_code_id'),
    occurredAt: timestamp('occurred_at', { withTimezone: true, precision: 3 }).notNull(),
  },
  (t) => [index('simulated_lock_events_lock_idx').on(t.lockId, t.seq)],
);

/**
 * What a member wants to be told by email without watching a screen
 * (lib/notifications/). No row: nothing is sent.
 */
export const notificationPreferences = pgTable(
  'notification_preferences',
  {
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    /** The notification kinds chosen (lib/notifications/kinds.ts). */
    kinds: text('kinds').array().notNull().default(sql`'{}'::text[]`),
    /** Held until the end of quiet hours, in the organization's zone; both or neither. */
    quietFrom: time('quiet_from'),
    quietUntil: time('quiet_until'),
    /** One email a day instead of one per notification. */
    dailyDigest: boolean('daily_digest').notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.userId] })],
);

/**
 * Each thing a member was told (or will be, in the digest), once per cause.
 * The email goes through the outbox; the digest gathers the undigested ones.
 */
export const staffNotifications = pgTable(
  'staff_notifications',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    kind: text('kind').notNull(),
    subject: text('subject').notNull(),
    body: text('body').notNull(),
    reservationId: uuid('reservation_id').references(() => reservations.id, {
      onDelete: 'set null',
    }),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'set null' }),
    /** What caused it, e.g. `arrival_at_risk:<stay>:early`: the same cause tells a member once. */
    cause: text('cause').notNull(),
    /** When the member was told: by its own email at once, or by the daily digest that carried it. */
    digestedAt: timestamp('digested_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [
    uniqueIndex('staff_notifications_cause_key').on(t.organizationId, t.userId, t.cause),
    index('staff_notifications_digest_idx')
      .on(t.organizationId, t.userId, t.createdAt)
      .where(sql`${t.digestedAt} is null`),
  ],
);

/**
 * An admin's outbound webhook: Keyhold signs every delivery with the secret
 * (shown once) and sends events under Seam's names through the outbox.
 */
export const webhookEndpoints = pgTable(
  'webhook_endpoints',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    url: text('url').notNull(),
    /** The signing secret, sealed (lib/secret-box.ts). */
    secretSealed: text('secret_sealed').notNull(),
    /** Event types sent; empty sends every type. */
    eventTypes: text('event_types').array().notNull().default(sql`'{}'::text[]`),
    disabledAt: timestamp('disabled_at', { withTimezone: true }),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, {
      onDelete: 'set null',
    }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('webhook_endpoints_organization_idx').on(t.organizationId)],
);

export type KeyholdEvent = typeof events.$inferSelect;
export type NotificationPreference = typeof notificationPreferences.$inferSelect;
export type StaffNotification = typeof staffNotifications.$inferSelect;
export type WebhookEndpoint = typeof webhookEndpoints.$inferSelect;
