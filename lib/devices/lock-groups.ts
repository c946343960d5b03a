// Lock groups: a named set of one property's locks ("Garden rooms", "2nd
// floor"). A common door can serve just a group's stays (./common-doors.ts),
// and staff are given groups of doors. Changing a group's locks changes which
// stays its doors serve, so the doors follow in the same transaction.
import { and, asc, eq, inArray, notInArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { devices, type LockGroup, lockGroupDevices, lockGroups, properties } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { findProperty } from '@/lib/properties';
import { forgetSlotForecast } from '@/lib/slots/shortages';
import { parseInput } from '@/lib/validation';
import { type DoorChanges, holdCommonDoors, syncCommonDoor } from './common-doors';

export const LOCK_GROUP_NAME_MAX_LENGTH = 60;
const MAX_GROUP_LOCKS = 500;

const groupId = z.uuid({ error: 'Choose a lock group.' });
const name = z
  .string({ error: 'Name is required.' })
  .trim()
  .min(1, 'Name is required.')
  .max(
    LOCK_GROUP_NAME_MAX_LENGTH,
    `Name must be at most ${LOCK_GROUP_NAME_MAX_LENGTH} characters.`,
  );
const deviceIds = z
  .array(z.uuid({ error: 'Each lock must be a lock id.' }), {
    error: 'Locks must be a list of locks.',
  })
  .max(MAX_GROUP_LOCKS, `A group holds at most ${MAX_GROUP_LOCKS} locks.`)
  .default([])
  .transform((ids) => [...new Set(ids)]);

export const createLockGroupSchema = z.object({
  propertyId: z.uuid({ error: 'Property is required.' }),
  name,
  deviceIds,
});
export const renameLockGroupSchema = z.object({ groupId, name });
export const setLockGroupLocksSchema = z.object({ groupId, deviceIds });
export const deleteLockGroupSchema = z.object({ groupId });

export type LockGroupSummary = {
  id: string;
  name: string;
  propertyId: string;
  propertyName: string;
  /** The group's active locks, by room and name. */
  locks: { id: string; name: string; room: string | null }[];
  /** Locks that are common doors of this group's stays. */
  commonDoors: { id: string; name: string }[];
};

/** The organization's lock groups (of one property, if given), with their locks and doors. */
export async function listLockGroups(
  db: Executor,
  actor: Actor,
  input: { propertyId?: string },
): Promise<LockGroupSummary[]> {
  assertCan(actor, 'locks.read');
  const propertyId = z.uuid().optional().safeParse(input.propertyId);
  const groups = await db
    .select({
      id: lockGroups.id,
      name: lockGroups.name,
      propertyId: lockGroups.propertyId,
      propertyName: properties.name,
    })
    .from(lockGroups)
    .innerJoin(
      properties,
      and(
        eq(properties.id, lockGroups.propertyId),
        eq(properties.organizationId, lockGroups.organizationId),
      ),
    )
    .where(
      and(
        eq(lockGroups.organizationId, actor.organizationId),
        propertyId.success && propertyId.data
          ? eq(lockGroups.propertyId, propertyId.data)
          : undefined,
      ),
    )
    .orderBy(asc(properties.name), asc(lockGroups.name), asc(lockGroups.id));
  if (groups.length === 0) return [];
  const ids = groups.map((g) => g.id);
  const [members, doors] = await Promise.all([
    db
      .select({
        groupId: lockGroupDevices.groupId,
        id: devices.id,
        name: devices.name,
        room: devices.room,
      })
      .from(lockGroupDevices)
      .innerJoin(
        devices,
        and(
          eq(devices.id, lockGroupDevices.deviceId),
          eq(devices.organizationId, lockGroupDevices.organizationId),
        ),
      )
      .where(and(inArray(lockGroupDevices.groupId, ids), eq(devices.status, 'active')))
      .orderBy(asc(devices.room), asc(devices.name), asc(devices.id)),
    db
      .select({ groupId: devices.commonDoorGroupId, id: devices.id, name: devices.name })
      .from(devices)
      .where(
        and(
          eq(devices.organizationId, actor.organizationId),
          inArray(devices.commonDoorGroupId, ids),
          eq(devices.commonDoor, true),
          eq(devices.status, 'active'),
        ),
      )
      .orderBy(asc(devices.name), asc(devices.id)),
  ]);
  return groups.map((g) => ({
    ...g,
    locks: members.filter((m) => m.groupId === g.id).map(({ groupId: _, ...lock }) => lock),
    commonDoors: doors.filter((d) => d.groupId === g.id).map(({ groupId: _, ...door }) => door),
  }));
}

export type GroupLockChoice = {
  id: string;
  name: string;
  room: string | null;
  commonDoor: boolean;
};

/**
 * What a group may hold, for the groups page: each property with its active
 * locks (common doors too: staff are given doors, and a group's door may be
 * one of its rooms' doors).
 */
export async function groupLockChoices(
  db: Executor,
  actor: Actor,
): Promise<{ id: string; name: string; locks: GroupLockChoice[] }[]> {
  assertCan(actor, 'locks.read');
  const [places, locks] = await Promise.all([
    db
      .select({ id: properties.id, name: properties.name })
      .from(properties)
      .where(eq(properties.organizationId, actor.organizationId))
      .orderBy(asc(properties.name), asc(properties.id)),
    db
      .select({
        propertyId: devices.propertyId,
        id: devices.id,
        name: devices.name,
        room: devices.room,
        commonDoor: devices.commonDoor,
      })
      .from(devices)
      .where(and(eq(devices.organizationId, actor.organizationId), eq(devices.status, 'active')))
      .orderBy(asc(devices.room), asc(devices.name), asc(devices.id)),
  ]);
  return places.map((p) => ({
    ...p,
    locks: locks.filter((l) => l.propertyId === p.id).map(({ propertyId: _, ...lock }) => lock),
  }));
}

/** One group of the actor's organization; another organization's is not found. */
async function findGroup(tx: Executor, actor: Actor, id: string): Promise<LockGroup> {
  const [group] = await tx
    .select()
    .from(lockGroups)
    .where(and(eq(lockGroups.id, id), eq(lockGroups.organizationId, actor.organizationId)));
  if (!group) throw AppError.notFound('LockGroup', { field: 'groupId' });
  return group;
}

/** Refuse a name another group at the property has, whatever its case. */
async function assertNameFree(
  tx: Executor,
  group: { organizationId: string; propertyId: string; name: string; id?: string },
): Promise<void> {
  const [taken] = await tx
    .select({ id: lockGroups.id })
    .from(lockGroups)
    .where(
      and(
        eq(lockGroups.organizationId, group.organizationId),
        eq(lockGroups.propertyId, group.propertyId),
        sql`lower(${lockGroups.name}) = lower(${group.name})`,
        group.id ? sql`${lockGroups.id} <> ${group.id}` : undefined,
      ),
    );
  if (taken) {
    throw new AppError(
      'invalid_input',
      `This property already has a group called “${group.name}”.`,
      {
        field: 'name',
      },
    );
  }
}

/**
 * The locks a group may hold: the organization's active locks at the group's
 * property. Another organization's lock is not found; one at another property
 * is named.
 */
async function groupLocks(
  tx: Executor,
  actor: Actor,
  property: { id: string; name: string },
  ids: string[],
): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await tx
    .select({ id: devices.id, name: devices.name, propertyId: devices.propertyId })
    .from(devices)
    .where(
      and(
        inArray(devices.id, ids),
        eq(devices.organizationId, actor.organizationId),
        eq(devices.status, 'active'),
      ),
    );
  if (rows.length !== ids.length) throw AppError.notFound('Device', { field: 'deviceIds' });
  const elsewhere = rows.find((r) => r.propertyId !== property.id);
  if (elsewhere) {
    throw new AppError('invalid_input', `${elsewhere.name} is not at ${property.name}.`, {
      field: 'deviceIds',
    });
  }
  return ids;
}

/** A new group of a property's locks. */
export async function createLockGroup(
  db: Executor,
  actor: Actor,
  input: z.input<typeof createLockGroupSchema>,
  _now: Date,
): Promise<LockGroup> {
  assertCan(actor, 'locks.manage', 'LockGroup');
  const data = parseInput(createLockGroupSchema, input);
  return db.transaction(async (tx) => {
    const property = await findProperty(tx, actor, data.propertyId);
    const locks = await groupLocks(tx, actor, property, data.deviceIds);
    await assertNameFree(tx, {
      organizationId: actor.organizationId,
      propertyId: property.id,
      name: data.name,
    });
    const [group] = await tx
      .insert(lockGroups)
      .values({ organizationId: actor.organizationId, propertyId: property.id, name: data.name })
      .returning();
    if (!group) throw new Error('lock group insert returned nothing');
    if (locks.length > 0) {
      await tx.insert(lockGroupDevices).values(
        locks.map((deviceId) => ({
          groupId: group.id,
          deviceId,
          organizationId: actor.organizationId,
        })),
      );
    }
    await recordAudit(tx, actor, {
      action: 'lock_group.created',
      targetType: 'lock_group',
      targetId: group.id,
      detail: { name: group.name, propertyId: property.id, locks: locks.length },
    });
    return group;
  });
}

export async function renameLockGroup(
  db: Executor,
  actor: Actor,
  input: z.input<typeof renameLockGroupSchema>,
  now: Date,
): Promise<LockGroup> {
  assertCan(actor, 'locks.manage', 'LockGroup');
  const data = parseInput(renameLockGroupSchema, input);
  return db.transaction(async (tx) => {
    const group = await findGroup(tx, actor, data.groupId);
    await assertNameFree(tx, { ...group, name: data.name });
    const [renamed] = await tx
      .update(lockGroups)
      .set({ name: data.name, updatedAt: now })
      .where(eq(lockGroups.id, group.id))
      .returning();
    if (!renamed) throw AppError.notFound('LockGroup', { field: 'groupId' });
    await recordAudit(tx, actor, {
      action: 'lock_group.renamed',
      targetType: 'lock_group',
      targetId: group.id,
      detail: { from: group.name, to: renamed.name },
    });
    return renamed;
  });
}

/** Every common door of the group, brought in line with the group's locks. */
async function syncGroupDoors(
  tx: Executor,
  actor: Actor,
  doorIds: string[],
  now: Date,
): Promise<DoorChanges> {
  const total: DoorChanges = { staysAdded: 0, staysRemoved: 0 };
  for (const id of doorIds) {
    const changes = await syncCommonDoor(tx, actor, id, now);
    total.staysAdded += changes.staysAdded;
    total.staysRemoved += changes.staysRemoved;
  }
  return total;
}

/** The group's common doors (active ones; a replaced door's marking went to its successor). */
async function doorsOf(tx: Executor, group: LockGroup): Promise<string[]> {
  const rows = await tx
    .select({ id: devices.id })
    .from(devices)
    .where(
      and(
        eq(devices.organizationId, group.organizationId),
        eq(devices.commonDoorGroupId, group.id),
        eq(devices.status, 'active'),
      ),
    )
    .orderBy(asc(devices.id));
  return rows.map((r) => r.id);
}

/**
 * Give a group exactly these locks. Its common doors follow at once: a stay
 * with a room that joined gets the door, one whose only room in the group
 * left loses it.
 */
export async function setLockGroupLocks(
  db: Executor,
  actor: Actor,
  input: z.input<typeof setLockGroupLocksSchema>,
  now: Date,
): Promise<DoorChanges> {
  assertCan(actor, 'locks.manage', 'LockGroup');
  const data = parseInput(setLockGroupLocksSchema, input);
  return db.transaction(async (tx) => {
    const group = await findGroup(tx, actor, data.groupId);
    await holdCommonDoors(tx, group.propertyId, 'marking');
    const property = await findProperty(tx, actor, group.propertyId);
    const locks = await groupLocks(tx, actor, property, data.deviceIds);
    await tx
      .delete(lockGroupDevices)
      .where(
        and(
          eq(lockGroupDevices.groupId, group.id),
          locks.length > 0 ? notInArray(lockGroupDevices.deviceId, locks) : undefined,
        ),
      );
    if (locks.length > 0) {
      await tx
        .insert(lockGroupDevices)
        .values(
          locks.map((deviceId) => ({
            groupId: group.id,
            deviceId,
            organizationId: actor.organizationId,
          })),
        )
        .onConflictDoNothing();
    }
    const changes = await syncGroupDoors(tx, actor, await doorsOf(tx, group), now);
    await tx.update(lockGroups).set({ updatedAt: now }).where(eq(lockGroups.id, group.id));
    // The tick looks at the slot forecast again at once: this changes what locks must hold.
    await forgetSlotForecast(tx, actor.organizationId);
    await recordAudit(tx, actor, {
      action: 'lock_group.locks_set',
      targetType: 'lock_group',
      targetId: group.id,
      detail: { locks: locks.length, ...changes },
    });
    return changes;
  });
}

/**
 * Delete a group. A door that served only this group's stays stops being a
 * common door (never widened to the whole property without anyone asking),
 * and comes off the stays not yet over that had it through the group.
 */
export async function deleteLockGroup(
  db: Executor,
  actor: Actor,
  input: z.input<typeof deleteLockGroupSchema>,
  now: Date,
): Promise<{ name: string; doorsUnmarked: number } & DoorChanges> {
  assertCan(actor, 'locks.manage', 'LockGroup');
  const data = parseInput(deleteLockGroupSchema, input);
  return db.transaction(async (tx) => {
    const group = await findGroup(tx, actor, data.groupId);
    await holdCommonDoors(tx, group.propertyId, 'marking');
    const doors = await tx
      .update(devices)
      .set({ commonDoor: false, commonDoorGroupId: null, updatedAt: now })
      .where(
        and(
          eq(devices.organizationId, actor.organizationId),
          eq(devices.commonDoorGroupId, group.id),
        ),
      )
      .returning({ id: devices.id });
    const changes = await syncGroupDoors(
      tx,
      actor,
      doors.map((d) => d.id),
      now,
    );
    await tx.delete(lockGroups).where(eq(lockGroups.id, group.id));
    // The tick looks at the slot forecast again at once: this changes what locks must hold.
    await forgetSlotForecast(tx, actor.organizationId);
    await recordAudit(tx, actor, {
      action: 'lock_group.deleted',
      targetType: 'lock_group',
      targetId: group.id,
      detail: { name: group.name, doorsUnmarked: doors.length, ...changes },
    });
    return { name: group.name, doorsUnmarked: doors.length, ...changes };
  });
}
