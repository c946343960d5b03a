import { sql } from 'drizzle-orm';
import {
  index,
  integer,
  jsonb,
  pgEnum,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns';
import { organizations } from './organizations';
import { properties } from './properties';
import { reservations } from './reservations';

export const reservationSourceKind = pgEnum('reservation_source_kind', ['ical', 'webhook', 'csv']);

/**
 * Where stays come from without anyone typing them (lib/sources/): an iCal
 * feed, a PMS's signed webhook, or CSV files uploaded by staff. Each belongs
 * to one property; its bookings open its locks unless a booking names a room.
 */
export const reservationSources = pgTable(
  'reservation_sources',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    kind: reservationSourceKind('kind').notNull(),
    name: text('name').notNull(),
    propertyId: uuid('property_id')
      .notNull()
      .references(() => properties.id, { onDelete: 'restrict' }),
    /** The locks a booking opens when it names no room. */
    deviceIds: uuid('device_ids').array().notNull().default(sql`'{}'::uuid[]`),
    /** How the source's bookings read: airbnb, vrbo, booking, generic (feeds); generic, guesty (webhooks). */
    preset: text('preset').notNull().default('generic'),
    /** A feed's URL, sealed (lib/secret-box.ts): Airbnb's carry a secret token. */
    urlSealed: text('url_sealed'),
    /** Host and path, cut short: what pages show of the URL. */
    urlLabel: text('url_label'),
    /** A webhook's signing secret, sealed; shown once when made. */
    secretSealed: text('secret_sealed'),
    /** Null until staff applied the first import they were shown (a feed's preview). */
    approvedAt: timestamp('approved_at', { withTimezone: true }),
    etag: text('etag'),
    lastModified: text('last_modified'),
    /** SHA-256 of the last body read, so an unchanged feed is not parsed again. */
    bodyHash: text('body_hash'),
    nextReadAt: timestamp('next_read_at', { withTimezone: true }),
    /** A tick reading the feed holds it until then; another instance skips it. */
    leasedUntil: timestamp('leased_until', { withTimezone: true }),
    lastReadAt: timestamp('last_read_at', { withTimezone: true }),
    lastSuccessAt: timestamp('last_success_at', { withTimezone: true }),
    lastError: text('last_error'),
    /** Reads failed in a row (back-off grows with it). */
    failures: integer('failures').notNull().default(0),
    /** Bookings in the last clean read: a much smaller read cancels nothing. */
    lastBookingCount: integer('last_booking_count'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('reservation_sources_organization_idx').on(t.organizationId, t.name),
    index('reservation_sources_due_idx').on(t.nextReadAt),
  ],
);

export const sourceBookingStatus = pgEnum('source_booking_status', ['live', 'cancelled', 'ended']);

/** What the source last said of a synced field: a field it changes overwrites staff's edit; one it repeats does not. */
export type SyncedFields = {
  propertyId: string;
  guestName: string;
  guestEmail: string | null;
  guestPhone: string | null;
  startsAt: string;
  endsAt: string;
  deviceIds: string[];
};

/**
 * One booking as one source knows it, and the stay it became. Keyed by
 * (source, external id): the same booking seen twice is one stay. Several
 * sources' bookings may point at one stay (a feed and a PMS); the stay is
 * cancelled only when none of them still has it.
 */
export const sourceBookings = pgTable(
  'source_bookings',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    sourceId: uuid('source_id')
      .notNull()
      .references(() => reservationSources.id, { onDelete: 'cascade' }),
    externalId: text('external_id').notNull(),
    reservationId: uuid('reservation_id').references(() => reservations.id, {
      onDelete: 'set null',
    }),
    confirmationCode: text('confirmation_code'),
    status: sourceBookingStatus('status').notNull().default('live'),
    /** SHA-256 of the booking as last read: the same again writes nothing. */
    fingerprint: text('fingerprint').notNull(),
    synced: jsonb('synced').$type<SyncedFields>(),
    /** The booking's own updated-at at its source: an older event never overwrites a newer one. */
    sourceUpdatedAt: timestamp('source_updated_at', { withTimezone: true, precision: 3 }),
    /** Clean reads of a feed in a row that did not list it; cancelled at MISSING_READS_TO_CANCEL. */
    missingReads: integer('missing_reads').notNull().default(0),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull(),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    uniqueIndex('source_bookings_external_key').on(t.sourceId, t.externalId),
    index('source_bookings_reservation_idx').on(t.reservationId),
    index('source_bookings_confirmation_idx')
      .on(t.organizationId, t.confirmationCode)
      .where(sql`${t.confirmationCode} is not null`),
  ],
);

/** Webhook events already taken, so a second delivery of one changes nothing. */
export const sourceEvents = pgTable(
  'source_events',
  {
    sourceId: uuid('source_id')
      .notNull()
      .references(() => reservationSources.id, { onDelete: 'cascade' }),
    eventId: text('event_id').notNull(),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    primaryKey({ columns: [t.sourceId, t.eventId] }),
    index('source_events_received_idx').on(t.receivedAt),
  ],
);

export type ReservationSource = typeof reservationSources.$inferSelect;
export type SourceBooking = typeof sourceBookings.$inferSelect;
