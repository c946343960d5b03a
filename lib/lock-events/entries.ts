import { and, asc, desc, eq, gte, inArray, lt, sql } from 'drizzle-orm';
import { type Executor, inIds } from '@/db/client';
import { accessCodes, devices, events, properties, reservations } from '@/db/schema';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { codeOfHappening, deviceOfHappening, reservationOfHappening } from '@/lib/joins';
import { toIso } from '@/lib/time';
import { describeEntry, type EntryFacts } from './describe';

/**
 * Who came in: the entries (`lock.unlocked` events) of a stay, of many stays
 * at once for Arrivals, and of a lock over a range for its timeline. Every
 * read is scoped by the actor's organization; the words come from
 * ./describe.ts. Times are ISO strings: the same shape reaches a page from
 * the server render and from the JSON route that keeps it live.
 */

/** An entry is a `lock.unlocked` event; refused codes and locking are not entries. */
export const ENTRY_EVENT_TYPE = 'lock.unlocked';
/** More than any stay's history; a guard, not a page size. */
export const MAX_STAY_ENTRIES = 200;
/** Marks on a lock's two-week timeline. */
export const MAX_LOCK_ENTRIES = 500;

export type Entry = {
  id: string;
  occurredAt: string;
  deviceId: string | null;
  reservationId: string | null;
  accessCodeId: string | null;
  method: string | null;
  /** The lock named the code that opened it. */
  attributed: boolean;
  isBackup: boolean;
  afterCheckOut: boolean;
  /** The stay's guest, when the code belongs to a stay. */
  guestName: string | null;
  /** "Arrived 15:42 · Room 204 · guest code", in the property's zone. */
  words: string;
};

export type FirstEntry = {
  entry: Entry;
  /** The guest got in with a backup code at least once. */
  neededHelp: boolean;
};

export type StayEntries = {
  timeZone: string;
  first: Entry | null;
  /** Newest first. */
  entries: Entry[];
  /** The guest got in with a backup code: the stay needed help. */
  neededHelp: boolean;
  /** The stay's own codes whose pulled backup let the guest in. */
  helpedCodeIds: string[];
};

const entryColumns = {
  id: events.id,
  occurredAt: events.occurredAt,
  deviceId: events.deviceId,
  reservationId: events.reservationId,
  accessCodeId: events.accessCodeId,
  method: events.method,
  lockName: devices.name,
  room: devices.room,
  codeName: accessCodes.name,
  isPermanentBackup: sql<boolean>`coalesce(${accessCodes.isPermanentBackup}, false)`,
  // What the reader recorded at the time wins; the code's row may be gone since.
  isBackup: sql<boolean>`coalesce((${events.detail} ->> 'is_backup_access_code')::boolean, ${accessCodes.isBackup}, false)`,
  afterCheckOut: sql<boolean>`coalesce((${events.detail} ->> 'after_check_out')::boolean, false)`,
  guestName: reservations.guestName,
};

type EntryRow = {
  id: string;
  occurredAt: Date;
  deviceId: string | null;
  reservationId: string | null;
  accessCodeId: string | null;
  method: string | null;
  lockName: string | null;
  room: string | null;
  codeName: string | null;
  isPermanentBackup: boolean;
  isBackup: boolean;
  afterCheckOut: boolean;
  guestName: string | null;
};

/** The events joined to their lock, code and stay, each of the same organization. */
function entriesFrom(db: Executor) {
  return {
    select() {
      return db
        .select(entryColumns)
        .from(events)
        .leftJoin(devices, deviceOfHappening)
        .leftJoin(accessCodes, codeOfHappening)
        .leftJoin(reservations, reservationOfHappening);
    },
  };
}

function toEntry(row: EntryRow, zone: string, now: Date, first = false): Entry {
  const facts: EntryFacts = { ...row, isBackup: Boolean(row.isBackup) };
  return {
    id: row.id,
    occurredAt: toIso(row.occurredAt),
    deviceId: row.deviceId,
    reservationId: row.reservationId,
    accessCodeId: row.accessCodeId,
    method: row.method,
    attributed: row.accessCodeId !== null,
    isBackup: facts.isBackup,
    afterCheckOut: Boolean(row.afterCheckOut),
    guestName: row.accessCodeId === null ? null : row.guestName,
    words: describeEntry(facts, zone, now, { first }),
  };
}

/**
 * A stay's entries, its first one and whether its guest needed a backup
 * code. Another organization's stay is not found.
 */
export async function getStayEntries(
  db: Executor,
  actor: Actor,
  reservationId: string,
  now: Date,
): Promise<StayEntries> {
  assertCan(actor, 'reservations.read', 'Reservation');
  parseId('Reservation', reservationId);
  const [stay] = await db
    .select({ id: reservations.id, timeZone: properties.timeZone })
    .from(reservations)
    .innerJoin(properties, eq(properties.id, reservations.propertyId))
    .where(
      and(
        eq(reservations.id, reservationId),
        eq(reservations.organizationId, actor.organizationId),
      ),
    );
  if (!stay) throw AppError.notFound('Reservation');

  const rows = await entriesFrom(db)
    .select()
    .where(
      and(
        eq(events.organizationId, actor.organizationId),
        eq(events.reservationId, stay.id),
        eq(events.eventType, ENTRY_EVENT_TYPE),
      ),
    )
    .orderBy(desc(events.occurredAt), desc(events.id))
    .limit(MAX_STAY_ENTRIES);
  const firsts = await listFirstEntries(
    db,
    actor,
    [{ reservationId: stay.id, timeZone: stay.timeZone }],
    now,
  );
  const first = firsts.get(stay.id) ?? null;

  const backupIds = [
    ...new Set(rows.filter((r) => r.isBackup && r.accessCodeId).map((r) => r.accessCodeId)),
  ].filter((id): id is string => id !== null);
  const helped =
    backupIds.length === 0
      ? []
      : await db
          .select({ id: accessCodes.id })
          .from(accessCodes)
          .where(
            and(
              eq(accessCodes.organizationId, actor.organizationId),
              inArray(accessCodes.pulledBackupAccessCodeId, backupIds),
            ),
          );

  return {
    timeZone: stay.timeZone,
    first: first?.entry ?? null,
    entries: rows.map((row) => toEntry(row, stay.timeZone, now)),
    neededHelp: first?.neededHelp ?? false,
    helpedCodeIds: helped.map((h) => h.id),
  };
}

/**
 * The first entry of each stay, and whether its guest ever needed a backup
 * code, in one query whatever the number of stays (Arrivals). Stays with no
 * entry are absent from the map.
 */
export async function listFirstEntries(
  db: Executor,
  actor: Actor,
  stays: readonly { reservationId: string; timeZone: string }[],
  now: Date,
): Promise<Map<string, FirstEntry>> {
  assertCan(actor, 'reservations.read', 'Reservation');
  return firstEntriesFor(db, actor.organizationId, stays, now);
}

/** listFirstEntries for a caller that scoped the organization itself (Arrivals' actor-free assessment). */
export async function firstEntriesFor(
  db: Executor,
  organizationId: string,
  stays: readonly { reservationId: string; timeZone: string }[],
  now: Date,
): Promise<Map<string, FirstEntry>> {
  const found = new Map<string, FirstEntry>();
  if (stays.length === 0) return found;
  const zoneOf = new Map(stays.map((s) => [s.reservationId, s.timeZone]));
  const rows = await db
    .selectDistinctOn([events.reservationId], {
      ...entryColumns,
      // Over every entry of the stay, before DISTINCT ON keeps the first.
      neededHelp: sql<boolean>`bool_or(coalesce((${events.detail} ->> 'is_backup_access_code')::boolean, ${accessCodes.isBackup}, false)) over (partition by ${events.reservationId})`,
    })
    .from(events)
    .leftJoin(devices, deviceOfHappening)
    .leftJoin(accessCodes, codeOfHappening)
    .leftJoin(reservations, reservationOfHappening)
    .where(
      and(
        eq(events.organizationId, organizationId),
        inIds(events.reservationId, [...zoneOf.keys()]),
        eq(events.eventType, ENTRY_EVENT_TYPE),
      ),
    )
    .orderBy(events.reservationId, asc(events.occurredAt), asc(events.id));
  for (const row of rows) {
    if (!row.reservationId) continue;
    const zone = zoneOf.get(row.reservationId) ?? 'UTC';
    found.set(row.reservationId, {
      entry: toEntry(row, zone, now, true),
      neededHelp: Boolean(row.neededHelp),
    });
  }
  return found;
}

/**
 * A lock's entries from `range.start` up to (not including) `range.end`,
 * oldest first, attributed or not: the marks on its timeline. A lock of
 * another organization has none.
 */
export async function listLockEntries(
  db: Executor,
  actor: Actor,
  deviceId: string,
  range: { start: Date; end: Date },
  zone: string,
  now: Date,
): Promise<Entry[]> {
  assertCan(actor, 'locks.read', 'Device');
  parseId('Device', deviceId);
  const rows = await entriesFrom(db)
    .select()
    .where(
      and(
        eq(events.organizationId, actor.organizationId),
        eq(events.deviceId, deviceId),
        eq(events.eventType, ENTRY_EVENT_TYPE),
        gte(events.occurredAt, range.start),
        lt(events.occurredAt, range.end),
      ),
    )
    .orderBy(asc(events.occurredAt), asc(events.id))
    .limit(MAX_LOCK_ENTRIES);
  return rows.map((row) => toEntry(row, zone, now));
}

/** The most entries a person's page shows. */
export const MAX_STAFF_ENTRIES = 20;

/**
 * A staff member's last entries, newest first: the entries made with one of
 * their codes (`access_codes.staff_member_id`), each in its door's property
 * zone. The caller has checked that the actor may read the person.
 */
export async function listStaffEntries(
  db: Executor,
  organizationId: string,
  staffMemberId: string,
  now: Date,
  limit = MAX_STAFF_ENTRIES,
): Promise<Entry[]> {
  const rows = await db
    .select({ ...entryColumns, timeZone: properties.timeZone })
    .from(events)
    .innerJoin(accessCodes, codeOfHappening)
    .leftJoin(devices, deviceOfHappening)
    .leftJoin(reservations, reservationOfHappening)
    .leftJoin(
      properties,
      and(
        eq(properties.id, devices.propertyId),
        eq(properties.organizationId, devices.organizationId),
      ),
    )
    .where(
      and(
        eq(events.organizationId, organizationId),
        eq(accessCodes.staffMemberId, staffMemberId),
        eq(events.eventType, ENTRY_EVENT_TYPE),
      ),
    )
    .orderBy(desc(events.occurredAt), desc(events.id))
    .limit(limit);
  return rows.map((row) => toEntry(row, row.timeZone ?? 'UTC', now));
}
