import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  bigserial,
  boolean,
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
import { createdAt, id, issues, updatedAt } from './columns';
import { devices } from './devices';
import { organizations, users } from './organizations';
import { reservations } from './reservations';
import { staffMembers } from './staff';

export const accessCodeType = pgEnum('access_code_type', ['time_bound', 'ongoing']);

/**
 * Seam's statuses, plus `removed`: a deleted code stays as a row for its
 * history once it is off the lock, but no list or API shows it.
 */
export const accessCodeStatus = pgEnum('access_code_status', [
  'unset',
  'setting',
  'set',
  'removing',
  'removed',
]);

/** Where the reconciler wants the code: on the lock, or off it. */
export const desiredState = pgEnum('desired_state', ['present', 'absent']);

export const accessCodes = pgTable(
  'access_codes',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    /** The stay this guest code belongs to; null for backup and hand-made codes. */
    reservationId: uuid('reservation_id').references(() => reservations.id, {
      onDelete: 'set null',
    }),
    /**
     * The person (cleaner, maintenance, owner) this code opens the lock for,
     * for one of their windows (lib/staff); null for guest, backup and hand-made codes.
     */
    staffMemberId: uuid('staff_member_id').references(() => staffMembers.id, {
      onDelete: 'set null',
    }),
    type: accessCodeType('type').notNull(),
    code: text('code'),
    name: text('name'),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    status: accessCodeStatus('status').notNull().default('unset'),
    errors: issues('errors'),
    warnings: issues('warnings'),
    isBackup: boolean('is_backup').notNull().default(false),
    /**
     * An owner's hand-made ongoing backup code (the guide's "permanent
     * workflow"): its digits are shown once, at creation, and never again.
     */
    isPermanentBackup: boolean('is_permanent_backup').notNull().default(false),
    /** On an original code: the backup pulled for it. */
    pulledBackupAccessCodeId: uuid('pulled_backup_access_code_id').references(
      (): AnyPgColumn => accessCodes.id,
      { onDelete: 'set null' },
    ),
    /** On a backup code: when, by whom and for which reservation it was pulled. */
    pulledAt: timestamp('pulled_at', { withTimezone: true }),
    pulledByUserId: uuid('pulled_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    pulledForReservationId: uuid('pulled_for_reservation_id').references(() => reservations.id, {
      onDelete: 'set null',
    }),
    isScheduledOnDevice: boolean('is_scheduled_on_device').notNull().default(false),
    /** The code's reference at the lock, once set. */
    externalRef: text('external_ref'),
    /**
     * The last reference it had on this lock, kept after it comes off: a lock
     * (Seam) that names a code by its reference may report an entry late, or
     * one made after Keyhold removed it when the lock ignored the removal.
     */
    lastExternalRef: text('last_external_ref'),
    // What the reconciler needs.
    desiredState: desiredState('desired_state').notNull().default('present'),
    attempts: integer('attempts').notNull().default(0),
    /**
     * Bumped by every edit a person or the API makes. A tick that worked from
     * an older revision records only what the lock did and looks again.
     */
    revision: integer('revision').notNull().default(0),
    /** When the tick should next look at this code; null when nothing is due. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).defaultNow(),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true }),
    setOnDeviceAt: timestamp('set_on_device_at', { withTimezone: true }),
    removedFromDeviceAt: timestamp('removed_from_device_at', { withTimezone: true }),
    deletedAt: timestamp('deleted_at', { withTimezone: true }),
    createdByUserId: uuid('created_by_user_id').references(() => users.id, {
      onDelete: 'set null',
    }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    // The tick's claim: due codes in time order.
    index('access_codes_due_idx').on(t.nextAttemptAt).where(sql`${t.nextAttemptAt} is not null`),
    index('access_codes_device_idx').on(t.deviceId, t.status),
    index('access_codes_organization_idx').on(t.organizationId, t.createdAt),
    index('access_codes_reservation_idx').on(t.reservationId),
    index('access_codes_staff_idx')
      .on(t.staffMemberId, t.deviceId)
      .where(sql`${t.staffMemberId} is not null`),
    index('access_codes_backup_pool_idx')
      .on(t.deviceId)
      .where(sql`${t.isBackup} and ${t.pulledAt} is null and ${t.deletedAt} is null`),
    uniqueIndex('access_codes_pulled_backup_key')
      .on(t.pulledBackupAccessCodeId)
      .where(sql`${t.pulledBackupAccessCodeId} is not null`),
  ],
);

/** A code's history, written in the same transaction as the change it records. */
export const accessCodeEvents = pgTable(
  'access_code_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    accessCodeId: uuid('access_code_id')
      .notNull()
      .references(() => accessCodes.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    /** e.g. created, updated, set, removed, error_raised, error_cleared, pulled. */
    eventType: text('event_type').notNull(),
    statusFrom: accessCodeStatus('status_from'),
    statusTo: accessCodeStatus('status_to'),
    /** Never holds a PIN. */
    detail: jsonb('detail').$type<Record<string, unknown>>(),
    actorUserId: uuid('actor_user_id').references(() => users.id, { onDelete: 'set null' }),
    occurredAt: timestamp('occurred_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('access_code_events_code_idx').on(t.accessCodeId, t.occurredAt),
    index('access_code_events_device_idx').on(t.deviceId, t.occurredAt),
  ],
);

export type AccessCode = typeof accessCodes.$inferSelect;
export type AccessCodeEvent = typeof accessCodeEvents.$inferSelect;
export type AccessCodeStatus = (typeof accessCodeStatus.enumValues)[number];
