import { sql } from 'drizzle-orm';
import {
  boolean,
  index,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns';
import { devices } from './devices';
import { organizations } from './organizations';
import { properties } from './properties';

export const reservationStatus = pgEnum('reservation_status', ['confirmed', 'cancelled']);

export const reservations = pgTable(
  'reservations',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    propertyId: uuid('property_id')
      .notNull()
      .references(() => properties.id, { onDelete: 'restrict' }),
    guestName: text('guest_name').notNull(),
    guestEmail: text('guest_email'),
    /** E.164, e.g. +14155550123. */
    guestPhone: text('guest_phone'),
    startsAt: timestamp('starts_at', { withTimezone: true }).notNull(),
    endsAt: timestamp('ends_at', { withTimezone: true }).notNull(),
    status: reservationStatus('status').notNull().default('confirmed'),
    /** Where the stay came from: manual, api, or a channel manager's name. */
    source: text('source').notNull().default('manual'),
    /** The reservation source (lib/sources/) that made it; its bookings are linked in source_bookings. */
    sourceId: uuid('source_id'),
    /** The stay's id at its source, so an import updates instead of duplicating. */
    externalUid: text('external_uid'),
    notes: text('notes'),
    cancelledAt: timestamp('cancelled_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('reservations_starts_idx').on(t.organizationId, t.startsAt),
    index('reservations_ends_idx').on(t.organizationId, t.endsAt),
    index('reservations_guest_idx').on(t.organizationId, t.guestName),
    uniqueIndex('reservations_external_uid_key')
      .on(t.organizationId, t.source, t.externalUid)
      .where(sql`${t.externalUid} is not null`),
  ],
);

/** The locks a stay opens (a room, plus maybe a front gate). */
export const reservationDevices = pgTable(
  'reservation_devices',
  {
    reservationId: uuid('reservation_id')
      .notNull()
      .references(() => reservations.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id')
      .notNull()
      .references(() => devices.id, { onDelete: 'cascade' }),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    /**
     * Linked because the lock is a common door of the stay's property or of a
     * group holding one of its rooms, not chosen: follows the stay's rooms and
     * the door's marking, and is no double booking.
     */
    viaCommonDoor: boolean('via_common_door').notNull().default(false),
  },
  (t) => [
    primaryKey({ columns: [t.reservationId, t.deviceId] }),
    index('reservation_devices_device_idx').on(t.deviceId),
  ],
);

export type Reservation = typeof reservations.$inferSelect;
