import { sql } from 'drizzle-orm';
import {
  type AnyPgColumn,
  boolean,
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  real,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, issues, updatedAt } from './columns';
import { organizations } from './organizations';
import { properties } from './properties';

export const lockAdapter = pgEnum('lock_adapter', ['simulated', 'seam', 'zwave']);
export const deviceStatus = pgEnum('device_status', ['active', 'replaced', 'removed']);
export const connectionStatus = pgEnum('connection_status', ['ok', 'error', 'unchecked']);

/** What a lock accepts as a code, as its adapter reports it. */
export type CodeConstraints = {
  /** Allowed code lengths, e.g. [4, 6]. */
  allowedLengths: number[];
  digitsOnly: boolean;
};

/** An organization's account at an adapter (a Seam workspace); credentials encrypted at rest. */
export const adapterConnections = pgTable(
  'adapter_connections',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    adapter: lockAdapter('adapter').notNull(),
    name: text('name').notNull(),
    credentialsEncrypted: text('credentials_encrypted'),
    status: connectionStatus('status').notNull().default('unchecked'),
    errors: issues('errors'),
    lastCheckedAt: timestamp('last_checked_at', { withTimezone: true }),
    lastDiscoveredAt: timestamp('last_discovered_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('adapter_connections_organization_idx').on(t.organizationId)],
);

export const devices = pgTable(
  'devices',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /** Null for a lock found by discovery that nobody has placed yet. */
    propertyId: uuid('property_id').references(() => properties.id, { onDelete: 'set null' }),
    connectionId: uuid('connection_id').references(() => adapterConnections.id, {
      onDelete: 'set null',
    }),
    adapter: lockAdapter('adapter').notNull(),
    /** The device's id at its adapter. */
    externalId: text('external_id').notNull(),
    name: text('name').notNull(),
    /** Room or location, e.g. "204" or "Pool gate". */
    room: text('room'),
    manufacturer: text('manufacturer'),
    model: text('model'),
    online: boolean('online').notNull().default(true),
    /** 0..1, null when the lock does not report it. */
    batteryLevel: real('battery_level'),
    codeConstraints: jsonb('code_constraints')
      .$type<CodeConstraints>()
      .notNull()
      .default(sql`'{"allowedLengths":[4,5,6,7,8],"digitsOnly":true}'::jsonb`),
    /** Max codes the lock holds; null when unknown. */
    slotLimit: integer('slot_limit'),
    supportsNativeScheduling: boolean('supports_native_scheduling').notNull().default(false),
    status: deviceStatus('status').notNull().default('active'),
    replacedByDeviceId: uuid('replaced_by_device_id').references((): AnyPgColumn => devices.id, {
      onDelete: 'set null',
    }),
    replacedAt: timestamp('replaced_at', { withTimezone: true }),
    backupPoolEnabled: boolean('backup_pool_enabled').notNull().default(false),
    /** This lock's pool size when it differs from the organization's (a small lock, a busy entrance); null: the organization's. */
    backupPoolSize: integer('backup_pool_size'),
    /**
     * A door every stay of its property needs (a building entrance, a gate, a
     * gym): each stay's guest code goes on it too (DESIGN.md "Common doors").
     * With `common_door_group_id`, only stays in that group's rooms.
     */
    commonDoor: boolean('common_door').notNull().default(false),
    commonDoorGroupId: uuid('common_door_group_id').references((): AnyPgColumn => lockGroups.id, {
      onDelete: 'set null',
    }),
    errors: issues('errors'),
    warnings: issues('warnings'),
    /** Discovery: when the adapter first and last reported this device. */
    firstSeenAt: timestamp('first_seen_at', { withTimezone: true }).notNull().defaultNow(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    /** A device discovery found that nobody has confirmed as new or as a replacement. */
    needsPlacement: boolean('needs_placement').notNull().default(false),
    /**
     * A tick working on this lock holds it until then, so the lock gets one
     * operation at a time even with several app instances ticking.
     */
    leaseExpiresAt: timestamp('lease_expires_at', { withTimezone: true }),
    leaseOwner: text('lease_owner'),
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true }),
    /** Where reading the lock's events goes on from: the adapter's cursor, opaque to Keyhold. */
    eventsCursor: text('events_cursor'),
    /** When the tick next reads the lock's events (adapters that report them); doubles as the read's lease. */
    nextEventsReadAt: timestamp('next_events_read_at', { withTimezone: true }).defaultNow(),
    /** When the tick next reads the lock's codes back; a new lock is read at once. */
    nextSyncAt: timestamp('next_sync_at', { withTimezone: true }).defaultNow(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('devices_adapter_external_key').on(t.organizationId, t.adapter, t.externalId),
    index('devices_organization_idx').on(t.organizationId, t.status, t.name),
    index('devices_property_idx').on(t.propertyId),
    index('devices_next_sync_idx').on(t.nextSyncAt).where(sql`${t.status} = 'active'`),
    index('devices_next_events_idx').on(t.nextEventsReadAt).where(sql`${t.status} = 'active'`),
  ],
);

/**
 * A named set of a property's locks ("2nd floor", "Garden rooms"): a common
 * door can serve just a group, and staff are given groups of doors.
 */
export const lockGroups = pgTable(
  'lock_groups',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    propertyId: uuid('property_id')
      .notNull()
      .references(() => properties.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [uniqueIndex('lock_groups_name_key').on(t.organizationId, t.propertyId, t.name)],
);

export const lockGroupDevices = pgTable(
  'lock_group_devices',
  {
    groupId: uuid('group_id')
      .notNull()
      .references(() => lockGroups.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
  },
  (t) => [
    primaryKey({ columns: [t.groupId, t.deviceId] }),
    index('lock_group_devices_device_idx').on(t.deviceId),
  ],
);

/**
 * The simulated adapter's hardware. It lives in Postgres so every app instance
 * sees the same lock; Keyhold reaches it only through lib/locks/simulated.
 */
export const simulatedLocks = pgTable(
  'simulated_locks',
  {
    /** The device id the adapter reports (devices.external_id). */
    id: text('id').primaryKey(),
    /** The account the lock belongs to: the organization that owns it. */
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    online: boolean('online').notNull().default(true),
    batteryLevel: real('battery_level').notNull().default(1),
    latencyMs: integer('latency_ms').notNull().default(0),
    slotLimit: integer('slot_limit').notNull().default(20),
    failureRate: real('failure_rate').notNull().default(0),
    supportsNativeScheduling: boolean('supports_native_scheduling').notNull().default(false),
    /** Whether an entry by code names the code (some locks report only "unlocked at the keypad"). */
    reportsEntryCode: boolean('reports_entry_code').notNull().default(true),
    allowedLengths: integer('allowed_lengths')
      .array()
      .notNull()
      .default(sql`'{4,5,6,7,8}'::integer[]`),
    /** Set when the lock was factory reset: it answers as a new device from then on. */
    resetAt: timestamp('reset_at', { withTimezone: true }),
    createdAt: createdAt(),
  },
  (t) => [index('simulated_locks_organization_idx').on(t.organizationId)],
);

export const simulatedLockCodes = pgTable(
  'simulated_lock_codes',
  {
    id: id(),
    lockId: text('lock_id')
      .notNull()
      .references(() => simulatedLocks.id, { onDelete: 'cascade' }),
    code: text('code').notNull(),
    name: text('name'),
    startsAt: timestamp('starts_at', { withTimezone: true }),
    endsAt: timestamp('ends_at', { withTimezone: true }),
    /** Keyhold's access code id: a retried set finds this row instead of adding a second. */
    keyholdCodeId: uuid('keyhold_code_id'),
    createdAt: createdAt(),
  },
  (t) => [
    index('simulated_lock_codes_lock_idx').on(t.lockId),
    uniqueIndex('simulated_lock_codes_keyhold_key').on(t.lockId, t.keyholdCodeId),
  ],
);

export type Device = typeof devices.$inferSelect;
export type LockGroup = typeof lockGroups.$inferSelect;
export type AdapterConnection = typeof adapterConnections.$inferSelect;
export type LockAdapter = (typeof lockAdapter.enumValues)[number];
