import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  type AccessCodeStatus,
  accessCodeEvents,
  accessCodes,
  adapterConnections,
  devices,
  type Issue,
  organizations,
  reservations,
  simulatedLocks,
  users,
} from '@/db/schema';
import {
  type CodeStatusRow,
  type CodeStatusWords,
  codeStatusColumns,
  codeStatusOf,
} from '@/lib/access-codes/code-status';
import {
  isAvailableBackup,
  isLive,
  isTracked,
  shownStatus,
  takesSlot,
} from '@/lib/access-codes/predicates';
import { hidesDigitsSql } from '@/lib/access-codes/reads';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { poolSizeSql } from '@/lib/backup-pools/pool-size';
import { readyBackupsColumn } from '@/lib/backup-pools/ready';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { codeOfEvent } from '@/lib/joins';
import { type Entry, listLockEntries } from '@/lib/lock-events/entries';
import { SimulatedAdapter } from '@/lib/locks/simulated/adapter';
import { type StaffWithAccess, staffWithAccess } from '@/lib/staff/people';
import { toIso } from '@/lib/time';
import { getLock, type LockSummary } from './locks';
import { timelineRange } from './timeline';

/**
 * Everything the lock page shows, read in two round trips whatever the
 * number of codes. Times are ISO strings: the same shape reaches the page
 * from the server render and from the JSON route that keeps it live.
 */

export const RECENT_EVENTS = 25;
/** More codes than any lock holds in two weeks; a guard, not a page size. */
const MAX_CODES = 300;

export type LockDetailCode = {
  id: string;
  name: string | null;
  type: 'time_bound' | 'ongoing';
  status: AccessCodeStatus;
  startsAt: string | null;
  endsAt: string | null;
  errors: Issue[];
  warnings: Issue[];
  isBackup: boolean;
  isPermanentBackup: boolean;
  /** A backup handed to a guest: it has a window and digits a member may see. */
  pulled: boolean;
  isScheduledOnDevice: boolean;
  /** Keyhold believes it occupies a slot on the lock now. */
  onLock: boolean;
  /** Where the code stands, in the words every page uses. */
  state: CodeStatusWords;
  /** Deleted, and waiting to come off the lock. */
  deleted: boolean;
  reservationId: string | null;
  /** The stay's guest: of the reservation, or the one a backup was pulled for. */
  guestName: string | null;
  /** The person a staff code opens the door for (lib/staff); null for other codes. */
  staffMemberId: string | null;
  /**
   * Null for unpulled backup codes and permanent backup codes (nobody sees
   * those digits), and for staff codes to a member who does not manage staff.
   */
  code: string | null;
};

export type LockDetailEvent = {
  id: number;
  occurredAt: string;
  eventType: string;
  statusFrom: AccessCodeStatus | null;
  statusTo: AccessCodeStatus | null;
  accessCodeId: string;
  codeName: string | null;
  guestName: string | null;
  isBackup: boolean;
  /** The member who did it; null when Keyhold itself (the tick) did. */
  actorName: string | null;
  /** `removed` or `modified`, for changes made at the lock. */
  changeType: string | null;
};

export type LockPool = {
  enabled: boolean;
  /** The organization's pool size. */
  target: number;
  /** On the lock, healthy, not pulled: what a guest could be given now. */
  available: number;
  /** Made but not yet ready (waiting, being programmed, or with an error). */
  notReady: number;
  /** Handed to guests and still live. */
  pulled: number;
};

/** The lock-service account a lock is reached through, as its last call found it. */
export type LockConnection = {
  name: string;
  status: 'ok' | 'error' | 'unchecked';
  errors: Issue[];
  lastCheckedAt: string | null;
};

export type LockDetail = {
  lock: LockSummary & {
    status: 'active' | 'replaced' | 'removed';
    errors: Issue[];
    warnings: Issue[];
  };
  /** The property's zone, or the organization's for a lock not placed yet. */
  timeZone: string;
  now: string;
  range: { start: string; end: string };
  codes: LockDetailCode[];
  pool: LockPool;
  events: LockDetailEvent[];
  /** Entries since the timeline's start (today, local midnight), oldest first: its marks. */
  entries: Entry[];
  /**
   * What the simulated hardware itself says; null for other adapters.
   * `reportsEntryCode`: its log names the code that opened it.
   */
  simulated: { answers: boolean; online: boolean; reportsEntryCode: boolean } | null;
  /** The connection (a Seam workspace) the lock is reached through; null for simulated locks. */
  connection: LockConnection | null;
  /** Who else may open the lock, and when (cleaners, maintenance, owners): never their digits. */
  staff: StaffWithAccess[];
};

/**
 * The lock page of one lock of the actor's organization: the lock, its codes
 * over the coming two weeks (plus ongoing codes and anything still on the
 * lock), its backup pool as counts, and its recent history. Another
 * organization's lock is not found. `hardware` is the connection the
 * simulated adapter's tables use.
 */
export async function getLockDetail(
  db: Executor,
  actor: Actor,
  deviceId: string,
  now: Date,
  hardware: Executor = db,
): Promise<LockDetail> {
  assertCan(actor, 'locks.read', 'Device');
  assertCan(actor, 'codes.read', 'Device');
  // Checked before any query: the two reads below start together.
  parseId('Device', deviceId);
  const [lock, [extra]] = await Promise.all([
    getLock(db, actor, deviceId, now),
    db
      .select({
        status: devices.status,
        externalId: devices.externalId,
        errors: devices.errors,
        warnings: devices.warnings,
        poolEnabled: devices.backupPoolEnabled,
        poolSize: poolSizeSql(),
        leadMinutes: organizations.programmingLeadMinutes,
        organizationZone: organizations.timeZone,
        connectionName: adapterConnections.name,
        connectionStatus: adapterConnections.status,
        connectionErrors: adapterConnections.errors,
        connectionCheckedAt: adapterConnections.lastCheckedAt,
        available: readyBackupsColumn(now),
        notReady: sql<number>`(select count(*)::int from access_codes b
          where b.device_id = devices.id and b.is_backup and b.pulled_at is null
            and ${isLive.sql({ table: 'b' })} and not ${isAvailableBackup.sql({ table: 'b' })})`,
        pulled: sql<number>`(select count(*)::int from access_codes p
          where p.device_id = devices.id and p.is_backup and p.pulled_at is not null
            and ${isLive.sql({ table: 'p' })})`,
      })
      .from(devices)
      .innerJoin(organizations, eq(organizations.id, devices.organizationId))
      // Never the credentials: only the health, and only the actor's organization's.
      .leftJoin(
        adapterConnections,
        and(
          eq(adapterConnections.id, devices.connectionId),
          eq(adapterConnections.organizationId, actor.organizationId),
        ),
      )
      .where(and(eq(devices.id, deviceId), eq(devices.organizationId, actor.organizationId))),
  ]);
  // getLock has already answered not found for a foreign or unknown lock.
  if (!extra) throw AppError.notFound('Device');

  const timeZone = lock.timeZone ?? extra.organizationZone;
  const range = timelineRange(now, timeZone);
  const [codes, events, entries, simulated, staff] = await Promise.all([
    listDetailCodes(db, actor, lock.id, range, now, (row) =>
      codeStatusOf(row, extra.leadMinutes, timeZone, now),
    ),
    listRecentEvents(db, actor.organizationId, lock.id),
    listLockEntries(db, actor, lock.id, range, timeZone, now),
    lock.adapter === 'simulated'
      ? simulatedState(hardware, actor.organizationId, extra.externalId)
      : Promise.resolve(null),
    staffWithAccess(db, actor, lock.id),
  ]);

  return {
    lock: { ...lock, status: extra.status, errors: extra.errors, warnings: extra.warnings },
    timeZone,
    now: now.toISOString(),
    range: { start: range.start.toISOString(), end: range.end.toISOString() },
    codes,
    pool: {
      enabled: extra.poolEnabled,
      target: extra.poolEnabled ? extra.poolSize : 0,
      available: extra.available,
      notReady: extra.notReady,
      pulled: extra.pulled,
    },
    events,
    entries,
    simulated,
    staff,
    connection:
      extra.connectionName === null || extra.connectionStatus === null
        ? null
        : {
            name: extra.connectionName,
            status: extra.connectionStatus,
            errors: extra.connectionErrors ?? [],
            lastCheckedAt: toIso(extra.connectionCheckedAt),
          },
  };
}

/** The simulated hardware as its adapter answers, and its knob for naming codes in its log. */
async function simulatedState(
  hardware: Executor,
  organizationId: string,
  externalId: string,
): Promise<LockDetail['simulated']> {
  const [device, [knobs]] = await Promise.all([
    new SimulatedAdapter(hardware, organizationId).getDevice(externalId),
    hardware
      .select({ reportsEntryCode: simulatedLocks.reportsEntryCode })
      .from(simulatedLocks)
      .where(
        and(eq(simulatedLocks.id, externalId), eq(simulatedLocks.organizationId, organizationId)),
      ),
  ]);
  return {
    answers: device !== null,
    online: device?.online ?? false,
    reportsEntryCode: knobs?.reportsEntryCode ?? false,
  };
}

async function listDetailCodes(
  db: Executor,
  actor: Actor,
  deviceId: string,
  range: { start: Date; end: Date },
  now: Date,
  stateOf: (row: CodeStatusRow) => CodeStatusWords,
): Promise<LockDetailCode[]> {
  const onLock = sql<boolean>`${takesSlot.sql()}`;
  const rows = await db
    .select({
      ...codeStatusColumns,
      id: accessCodes.id,
      name: accessCodes.name,
      isBackup: accessCodes.isBackup,
      isPermanentBackup: accessCodes.isPermanentBackup,
      pulledAt: accessCodes.pulledAt,
      onLock,
      reservationId: accessCodes.reservationId,
      staffMemberId: accessCodes.staffMemberId,
      guestName: reservations.guestName,
      // Decided in the query, so secret digits never leave the database.
      code: sql<
        string | null
      >`case when ${hidesDigitsSql(actor)} then null else ${accessCodes.code} end`,
    })
    .from(accessCodes)
    .innerJoin(devices, eq(devices.id, accessCodes.deviceId))
    .leftJoin(
      reservations,
      and(
        // A pulled backup belongs to the stay it was pulled for.
        eq(
          reservations.id,
          sql`coalesce(${accessCodes.reservationId}, ${accessCodes.pulledForReservationId})`,
        ),
        eq(reservations.organizationId, accessCodes.organizationId),
      ),
    )
    .where(
      and(
        eq(accessCodes.organizationId, actor.organizationId),
        eq(accessCodes.deviceId, deviceId),
        isTracked.sql(),
        // A deleted code that never reached the lock is gone as far as anyone can tell.
        sql`(${accessCodes.deletedAt} is null or ${onLock} or ${accessCodes.status} = 'setting')`,
        // In the fortnight, ongoing, or still on the lock (a code left after its
        // stay is exactly what the page must not hide).
        sql`(${accessCodes.type} = 'ongoing' or ${onLock}
          or (${accessCodes.endsAt} > ${range.start.toISOString()}::timestamptz
            and ${accessCodes.startsAt} < ${range.end.toISOString()}::timestamptz))`,
      ),
    )
    .orderBy(
      sql`${accessCodes.startsAt} asc nulls first`,
      accessCodes.isBackup,
      accessCodes.createdAt,
      accessCodes.id,
    )
    .limit(MAX_CODES);
  return rows.map((row) => ({
    id: row.id,
    name: row.name,
    type: row.type,
    status: shownStatus.test(row, now),
    startsAt: toIso(row.startsAt),
    endsAt: toIso(row.endsAt),
    errors: row.errors,
    warnings: row.warnings,
    isBackup: row.isBackup,
    isPermanentBackup: row.isPermanentBackup,
    pulled: row.pulledAt !== null,
    isScheduledOnDevice: row.isScheduledOnDevice,
    onLock: row.onLock,
    state: stateOf(row),
    deleted: row.deletedAt !== null,
    reservationId: row.reservationId,
    staffMemberId: row.staffMemberId,
    guestName: row.guestName,
    code: row.code,
  }));
}

async function listRecentEvents(
  db: Executor,
  organizationId: string,
  deviceId: string,
): Promise<LockDetailEvent[]> {
  const rows = await db
    .select({
      id: accessCodeEvents.id,
      occurredAt: accessCodeEvents.occurredAt,
      eventType: accessCodeEvents.eventType,
      statusFrom: accessCodeEvents.statusFrom,
      statusTo: accessCodeEvents.statusTo,
      accessCodeId: accessCodeEvents.accessCodeId,
      codeName: accessCodes.name,
      isBackup: accessCodes.isBackup,
      guestName: reservations.guestName,
      actorName: users.name,
      // Only this one field: details are never meant to hold a PIN, and the page needs no more.
      changeType: sql<string | null>`${accessCodeEvents.detail} ->> 'change_type'`,
    })
    .from(accessCodeEvents)
    .innerJoin(accessCodes, codeOfEvent)
    .leftJoin(
      reservations,
      and(
        eq(
          reservations.id,
          sql`coalesce(${accessCodes.reservationId}, ${accessCodes.pulledForReservationId})`,
        ),
        eq(reservations.organizationId, accessCodes.organizationId),
      ),
    )
    .leftJoin(users, eq(users.id, accessCodeEvents.actorUserId))
    .where(
      and(
        eq(accessCodeEvents.organizationId, organizationId),
        eq(accessCodeEvents.deviceId, deviceId),
      ),
    )
    .orderBy(desc(accessCodeEvents.occurredAt), desc(accessCodeEvents.id))
    .limit(RECENT_EVENTS);
  return rows.map((row) => ({ ...row, occurredAt: toIso(row.occurredAt) }));
}
