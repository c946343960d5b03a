// Common doors (DESIGN.md "Common doors and staff codes"): a building
// entrance, a gate or a gym door every stay at its property needs, or every
// stay with a room in one lock group. The stay's rooms are what staff (or a
// source) chose; the doors follow from them here, in one place, for creating
// a stay, changing its rooms and marking a door alike. A door's codes are the
// stay's ordinary time-bound guest codes, so the tick, cancelling, moving
// dates and replacing a lock treat them like any other.
import {
  type AnyColumn,
  and,
  asc,
  count,
  eq,
  exists,
  gt,
  inArray,
  isNull,
  ne,
  not,
  or,
  type SQL,
  type SQLWrapper,
  sql,
} from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import {
  accessCodes,
  devices,
  lockGroupDevices,
  lockGroups,
  organizations,
  properties,
  reservationDevices,
  reservations,
} from '@/db/schema';
import { markDeleted } from '@/lib/access-codes/operations';
import { isLive } from '@/lib/access-codes/predicates';
import { codeProblem } from '@/lib/access-codes/rules';
import {
  clashOn,
  firstAttemptAt,
  type HeldCode,
  insertCodes,
  type LockForCodes,
  liveCodesOn,
  lockCodeChanges,
  lockForCodesColumns,
  pickCode,
  policyFor,
} from '@/lib/access-codes/store';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { forgetSlotForecast } from '@/lib/slots/shortages';
import { parseInput } from '@/lib/validation';

/**
 * Serialize what decides a property's common doors (a door's marking, a
 * group's locks) against stays being written there: a stay written while a
 * door is marked either sees the mark or is seen by the mark's backfill,
 * never neither. Stay writes share the hold; marking takes it alone. Taken
 * before any lock's code lock, so the order is always property, then locks.
 */
export async function holdCommonDoors(
  tx: Executor,
  propertyId: string,
  mode: 'stay' | 'marking',
): Promise<void> {
  const key = `common-doors:${propertyId}`;
  await tx.execute(
    mode === 'marking'
      ? sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`
      : sql`select pg_advisory_xact_lock_shared(hashtextextended(${key}, 0))`,
  );
}

const room = alias(devices, 'room');

/**
 * The rule, in one place: one of a stay's rooms (`rooms`: ids, or a subquery
 * of them) is in the group. A room that is itself a common door never puts a
 * stay in a group. A door with no group serves every stay at its property.
 */
function roomInGroup(
  tx: Executor,
  groupId: AnyColumn | string,
  rooms: readonly string[] | SQLWrapper,
): SQL {
  if (Array.isArray(rooms) && rooms.length === 0) return sql`false`;
  return exists(
    tx
      .select({ one: sql`1` })
      .from(lockGroupDevices)
      .innerJoin(
        room,
        and(
          eq(room.id, lockGroupDevices.deviceId),
          eq(room.organizationId, lockGroupDevices.organizationId),
        ),
      )
      .where(
        and(
          eq(lockGroupDevices.groupId, groupId),
          inArray(lockGroupDevices.deviceId, rooms as string[] | SQLWrapper),
          eq(room.commonDoor, false),
        ),
      ),
  );
}

/** The rooms of the stay in the outer query (`reservations`): the locks it chose. */
const roomsOfStay = (tx: Executor) =>
  tx
    .select({ id: reservationDevices.deviceId })
    .from(reservationDevices)
    .where(
      and(
        eq(reservationDevices.reservationId, reservations.id),
        eq(reservationDevices.organizationId, reservations.organizationId),
        eq(reservationDevices.viaCommonDoor, false),
      ),
    );

/**
 * The other half of the rule: a stay that has a lock as one of its own rooms
 * (it chose it, maybe before the lock became a common door) keeps it as
 * chosen, never gets it as a common door. Marking the lock leaves such a stay
 * alone, unmarking it takes nothing from it, and an edit of the stay keeps it
 * (`keptRooms`): the forms offer no common door to choose again.
 */
function chosenAsRoom(
  tx: Executor,
  reservationId: AnyColumn | string,
  deviceId: AnyColumn | string,
) {
  return exists(
    tx
      .select({ one: sql`1` })
      .from(reservationDevices)
      .where(
        and(
          eq(reservationDevices.reservationId, reservationId),
          eq(reservationDevices.deviceId, deviceId),
          eq(reservationDevices.viaCommonDoor, false),
        ),
      ),
  );
}

/**
 * A stay's rooms that are common doors now (`chosenAsRoom`): an edit keeps
 * them whatever rooms it names, since no form can offer them.
 */
export async function keptRooms(tx: Executor, reservationId: string): Promise<string[]> {
  const rows = await tx
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.commonDoor, true), chosenAsRoom(tx, reservationId, devices.id)))
    .orderBy(asc(devices.id));
  return rows.map((r) => r.id);
}

/**
 * The common doors a stay at `propertyId` with these rooms gets: the
 * property's, and each group's door whose group holds one of them
 * (`roomInGroup`), but none the stay (`reservationId`, when it exists) has
 * as a room (`chosenAsRoom`). The doors come back with their codes locked
 * for this transaction (`lockCodeChanges`), ready for digits to be picked.
 */
export async function commonDoorsFor(
  tx: Executor,
  organizationId: string,
  propertyId: string,
  roomDeviceIds: readonly string[],
  reservationId: string | null = null,
): Promise<LockForCodes[]> {
  const rooms = [...new Set(roomDeviceIds)];
  const doors = await tx
    .select(lockForCodesColumns)
    .from(devices)
    .innerJoin(organizations, eq(organizations.id, devices.organizationId))
    .where(
      and(
        eq(devices.organizationId, organizationId),
        eq(devices.propertyId, propertyId),
        eq(devices.status, 'active'),
        eq(devices.commonDoor, true),
        or(isNull(devices.commonDoorGroupId), roomInGroup(tx, devices.commonDoorGroupId, rooms)),
        reservationId === null ? undefined : not(chosenAsRoom(tx, reservationId, devices.id)),
      ),
    )
    .orderBy(asc(devices.name), asc(devices.id));
  await lockCodeChanges(
    tx,
    doors.map((d) => d.id),
  );
  return doors;
}

/**
 * The digits a stay's code on a common door gets: the stay's own where the
 * door takes them and nothing there holds them at the time (a hidden code
 * holding them is stepped around, never retired: nobody typed these digits
 * for this door), else digits of its own, of the same length where it can.
 */
export function doorDigits(
  door: LockForCodes,
  stayDigits: string | null | undefined,
  window: { startsAt: Date; endsAt: Date },
  live: HeldCode[],
): string {
  if (
    stayDigits &&
    codeProblem(stayDigits, door.codeConstraints) === null &&
    !clashOn(door, stayDigits, window, live)
  ) {
    return stayDigits;
  }
  return pickCode([door], window, live, stayDigits?.length);
}

/**
 * Stays a door serves now: confirmed, at its property, not yet checked out;
 * for a group's door, only those with a room in the group. A stay that chose
 * the door as one of its own locks keeps it as chosen (`chosenAsRoom`).
 */
function servedStays(
  tx: Executor,
  door: { id: string; organizationId: string; propertyId: string; groupId: string | null },
  now: Date,
) {
  return and(
    eq(reservations.organizationId, door.organizationId),
    eq(reservations.propertyId, door.propertyId),
    eq(reservations.status, 'confirmed'),
    gt(reservations.endsAt, now),
    not(chosenAsRoom(tx, reservations.id, door.id)),
    door.groupId === null ? undefined : roomInGroup(tx, door.groupId, roomsOfStay(tx)),
  );
}

export type DoorChanges = { staysAdded: number; staysRemoved: number };

/**
 * Bring a door's links in line with its marking: every stay it serves and
 * lacks it gets the link and a guest code there (the stay's digits where the
 * door allows them); every stay not yet over that it no longer serves loses
 * the link and its code there. Stays already over keep theirs, as history.
 * The caller holds the property (`holdCommonDoors`, 'marking').
 */
export async function syncCommonDoor(
  tx: Executor,
  actor: Actor,
  deviceId: string,
  now: Date,
): Promise<DoorChanges> {
  const [door] = await tx
    .select({
      id: devices.id,
      name: devices.name,
      status: devices.status,
      commonDoor: devices.commonDoor,
      groupId: devices.commonDoorGroupId,
      codeConstraints: devices.codeConstraints,
      supportsNativeScheduling: devices.supportsNativeScheduling,
      organizationId: devices.organizationId,
      propertyId: devices.propertyId,
      leadMinutes: organizations.programmingLeadMinutes,
    })
    .from(devices)
    .innerJoin(organizations, eq(organizations.id, devices.organizationId))
    .where(and(eq(devices.id, deviceId), eq(devices.organizationId, actor.organizationId)));
  if (!door) throw AppError.notFound('Device');
  await lockCodeChanges(tx, [door.id]);
  const { propertyId } = door;
  const serving = door.status === 'active' && door.commonDoor && propertyId !== null;
  const wanted = serving
    ? await tx
        .select({
          id: reservations.id,
          guestName: reservations.guestName,
          startsAt: reservations.startsAt,
          endsAt: reservations.endsAt,
        })
        .from(reservations)
        .where(servedStays(tx, { ...door, propertyId }, now))
        .orderBy(asc(reservations.startsAt), asc(reservations.id))
    : [];
  const linked = await tx
    .select({ reservationId: reservationDevices.reservationId })
    .from(reservationDevices)
    .innerJoin(
      reservations,
      and(
        eq(reservations.id, reservationDevices.reservationId),
        eq(reservations.organizationId, reservationDevices.organizationId),
      ),
    )
    .where(
      and(
        eq(reservationDevices.organizationId, actor.organizationId),
        eq(reservationDevices.deviceId, door.id),
        eq(reservationDevices.viaCommonDoor, true),
        eq(reservations.status, 'confirmed'),
        gt(reservations.endsAt, now),
      ),
    );
  const has = new Set(linked.map((l) => l.reservationId));
  const wants = new Set(wanted.map((s) => s.id));
  const adding = wanted.filter((s) => !has.has(s.id));
  const removing = [...has].filter((id) => !wants.has(id));

  if (removing.length > 0) {
    await tx
      .delete(reservationDevices)
      .where(
        and(
          eq(reservationDevices.deviceId, door.id),
          eq(reservationDevices.viaCommonDoor, true),
          inArray(reservationDevices.reservationId, removing),
        ),
      );
    const codes = await tx
      .select()
      .from(accessCodes)
      .where(
        and(
          eq(accessCodes.deviceId, door.id),
          inArray(accessCodes.reservationId, removing),
          isLive.sql(),
        ),
      );
    await markDeleted(tx, codes, actor.userId, now, { reason: 'common_door_changed' });
  }

  if (adding.length > 0) {
    await tx.insert(reservationDevices).values(
      adding.map((s) => ({
        reservationId: s.id,
        deviceId: door.id,
        organizationId: actor.organizationId,
        viaCommonDoor: true,
      })),
    );
    const roomCodes = await tx
      .select({ reservationId: accessCodes.reservationId, code: accessCodes.code })
      .from(accessCodes)
      .where(
        and(
          eq(accessCodes.organizationId, actor.organizationId),
          inArray(
            accessCodes.reservationId,
            adding.map((s) => s.id),
          ),
          ne(accessCodes.deviceId, door.id),
          eq(accessCodes.isBackup, false),
          isLive.sql(),
        ),
      )
      .orderBy(asc(accessCodes.createdAt), asc(accessCodes.id));
    const digitsOf = new Map<string, string>();
    for (const c of roomCodes) {
      if (c.reservationId && c.code && !digitsOf.has(c.reservationId)) {
        digitsOf.set(c.reservationId, c.code);
      }
    }
    const taken: HeldCode[] = await liveCodesOn(tx, [door.id]);
    const policy = policyFor(door, door.leadMinutes);
    const codes = adding.map((s) => {
      const window = { startsAt: s.startsAt, endsAt: s.endsAt };
      const code = doorDigits(door, digitsOf.get(s.id), window, taken);
      // Two stays backfilled at once never get the same digits on the door at the same time.
      taken.push({
        id: `planned:${s.id}`,
        deviceId: door.id,
        code,
        type: 'time_bound',
        reservationId: s.id,
        ...window,
      });
      return {
        organizationId: actor.organizationId,
        deviceId: door.id,
        reservationId: s.id,
        type: 'time_bound' as const,
        code,
        name: s.guestName,
        ...window,
        nextAttemptAt: firstAttemptAt({ type: 'time_bound', startsAt: s.startsAt }, policy, now),
        createdByUserId: actor.userId,
      };
    });
    await insertCodes(tx, codes, actor.userId);
  }
  return { staysAdded: adding.length, staysRemoved: removing.length };
}

export const setCommonDoorSchema = z.object({
  deviceId: z.uuid({ error: 'Choose a lock.' }),
  commonDoor: z.boolean({ error: 'Say whether the lock is a common door.' }),
  /** The group whose stays it serves; none: every stay at its property. */
  groupId: z
    .uuid({ error: 'Choose a lock group.' })
    .nullish()
    .transform((v) => v ?? null),
});
export type SetCommonDoorInput = z.input<typeof setCommonDoorSchema>;

export type CommonDoorResult = DoorChanges & {
  deviceId: string;
  name: string;
  commonDoor: boolean;
  groupId: string | null;
};

/**
 * Mark a lock a common door of its property (or of one of its lock groups),
 * or unmark it, and at once give it to the stays it now serves and take it
 * from the ones it no longer does (`syncCommonDoor`).
 */
export async function setCommonDoor(
  db: Executor,
  actor: Actor,
  input: SetCommonDoorInput,
  now: Date,
): Promise<CommonDoorResult> {
  assertCan(actor, 'locks.manage', 'Device');
  const data = parseInput(setCommonDoorSchema, input);
  return db.transaction(async (tx) => {
    const placed = await propertyOf(tx, actor, data.deviceId);
    if (placed) await holdCommonDoors(tx, placed, 'marking');
    const [lock] = await tx
      .select({ id: devices.id, name: devices.name, propertyId: devices.propertyId })
      .from(devices)
      .where(
        and(
          eq(devices.id, data.deviceId),
          eq(devices.organizationId, actor.organizationId),
          eq(devices.status, 'active'),
        ),
      )
      .for('update');
    if (!lock) throw AppError.notFound('Device', { field: 'deviceId' });
    if (data.commonDoor && lock.propertyId === null) {
      throw new AppError(
        'invalid_input',
        `Place ${lock.name} at a property before making it a common door.`,
        { field: 'deviceId' },
      );
    }
    const groupId = data.commonDoor ? data.groupId : null;
    if (groupId) {
      const [group] = await tx
        .select({ propertyId: lockGroups.propertyId })
        .from(lockGroups)
        .where(
          and(eq(lockGroups.id, groupId), eq(lockGroups.organizationId, actor.organizationId)),
        );
      if (!group) throw AppError.notFound('LockGroup', { field: 'groupId' });
      if (group.propertyId !== lock.propertyId) {
        throw new AppError('invalid_input', `That group is not at ${lock.name}’s property.`, {
          field: 'groupId',
        });
      }
    }
    await tx
      .update(devices)
      .set({ commonDoor: data.commonDoor, commonDoorGroupId: groupId, updatedAt: now })
      .where(eq(devices.id, lock.id));
    const changes = await syncCommonDoor(tx, actor, lock.id, now);
    // The tick looks at the slot forecast again at once: this changes what locks must hold.
    await forgetSlotForecast(tx, actor.organizationId);
    await recordAudit(tx, actor, {
      action: 'device.common_door_set',
      targetType: 'device',
      targetId: lock.id,
      detail: { commonDoor: data.commonDoor, groupId, ...changes },
    });
    return { deviceId: lock.id, name: lock.name, commonDoor: data.commonDoor, groupId, ...changes };
  });
}

/** The property an organization's lock is at (null: nowhere yet); another organization's is not found. */
async function propertyOf(tx: Executor, actor: Actor, deviceId: string): Promise<string | null> {
  const [row] = await tx
    .select({ propertyId: devices.propertyId })
    .from(devices)
    .where(and(eq(devices.id, deviceId), eq(devices.organizationId, actor.organizationId)));
  if (!row) throw AppError.notFound('Device', { field: 'deviceId' });
  return row.propertyId;
}

export type CommonDoorScope = {
  /** Null: every stay at the property. */
  groupId: string | null;
  name: string;
  /** Current and upcoming stays this scope serves. */
  stays: number;
};

export type CommonDoorChoice = {
  deviceId: string;
  commonDoor: boolean;
  groupId: string | null;
  propertyId: string | null;
  propertyName: string | null;
  /** Current and upcoming stays at the property: what marking it for all of them reaches now. */
  upcomingStays: number;
  /** The property's lock groups, each with the stays a door of that group would serve. */
  groups: CommonDoorScope[];
};

/**
 * What the lock page's common-door form shows: how the lock is marked, and
 * for each choice how many current and upcoming stays it would reach now.
 */
export async function commonDoorChoice(
  db: Executor,
  actor: Actor,
  deviceId: string,
  now: Date,
): Promise<CommonDoorChoice> {
  assertCan(actor, 'locks.read', 'Device');
  parseId('Device', deviceId);
  const [lock] = await db
    .select({
      id: devices.id,
      commonDoor: devices.commonDoor,
      groupId: devices.commonDoorGroupId,
      propertyId: devices.propertyId,
      propertyName: properties.name,
    })
    .from(devices)
    .leftJoin(
      properties,
      and(
        eq(properties.id, devices.propertyId),
        eq(properties.organizationId, devices.organizationId),
      ),
    )
    .where(and(eq(devices.id, deviceId), eq(devices.organizationId, actor.organizationId)));
  if (!lock) throw AppError.notFound('Device');
  const base = {
    deviceId: lock.id,
    commonDoor: lock.commonDoor,
    groupId: lock.groupId,
    propertyId: lock.propertyId,
    propertyName: lock.propertyName,
  };
  if (!lock.propertyId) return { ...base, upcomingStays: 0, groups: [] };
  const stillComing = and(
    eq(reservations.organizationId, actor.organizationId),
    eq(reservations.propertyId, lock.propertyId),
    eq(reservations.status, 'confirmed'),
    gt(reservations.endsAt, now),
  );
  const [[all], groups] = await Promise.all([
    db.select({ n: count() }).from(reservations).where(stillComing),
    db
      .select({
        id: lockGroups.id,
        name: lockGroups.name,
        stays: db.$count(
          reservations,
          and(stillComing, roomInGroup(db, lockGroups.id, roomsOfStay(db))),
        ),
      })
      .from(lockGroups)
      .where(
        and(
          eq(lockGroups.organizationId, actor.organizationId),
          eq(lockGroups.propertyId, lock.propertyId),
        ),
      )
      .orderBy(asc(lockGroups.name), asc(lockGroups.id)),
  ]);
  return {
    ...base,
    upcomingStays: all?.n ?? 0,
    groups: groups.map((g) => ({ groupId: g.id, name: g.name, stays: g.stays })),
  };
}
