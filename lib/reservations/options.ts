import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { devices, lockGroups, properties } from '@/db/schema';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { isId } from '@/lib/ids';
import { localDateTimeParts, wallTimeInZone, zoneAbbreviation } from '@/lib/time';
import { parseInput } from '@/lib/validation';
import type { StayLock } from './list';

export type PropertyOption = {
  id: string;
  name: string;
  timeZone: string;
  zoneAbbreviation: string;
  /** "15:00": the property's default check-in and check-out times. */
  checkInTime: string;
  checkOutTime: string;
  /** The property's local date today and tomorrow: the new-stay form's default dates. */
  today: string;
  tomorrow: string;
};

export type StayOptions = {
  properties: PropertyOption[];
  /** The property whose locks are listed: the one asked for if it is the organization's, else the first. */
  propertyId: string | null;
  locks: StayLock[];
  /** That property's common doors, which a stay gets from its rooms (`group`: only rooms in it). */
  commonDoors: { id: string; name: string; group: string | null }[];
};

export const stayOptionsSchema = z.object({
  propertyId: z.uuid({ error: 'Property must be a property id.' }).optional(),
});

/** What the new-stay form offers: the organization's properties and one property's active locks. */
export async function listStayOptions(
  db: Executor,
  actor: Actor,
  input: z.input<typeof stayOptionsSchema>,
  now: Date,
): Promise<StayOptions> {
  assertCan(actor, 'reservations.manage');
  const { propertyId } = parseInput(stayOptionsSchema, input);
  const rows = await db
    .select({
      id: properties.id,
      name: properties.name,
      timeZone: properties.timeZone,
      checkInTime: properties.checkInTime,
      checkOutTime: properties.checkOutTime,
    })
    .from(properties)
    .where(eq(properties.organizationId, actor.organizationId))
    .orderBy(asc(properties.name), asc(properties.id));
  const chosen = rows.find((p) => p.id === propertyId) ?? rows[0];
  const [locks, commonDoors] = chosen
    ? await Promise.all([
        locksAtProperty(db, actor, chosen.id),
        db
          .select({ id: devices.id, name: devices.name, group: lockGroups.name })
          .from(devices)
          .leftJoin(
            lockGroups,
            and(
              eq(lockGroups.id, devices.commonDoorGroupId),
              eq(lockGroups.organizationId, devices.organizationId),
            ),
          )
          .where(
            and(
              eq(devices.organizationId, actor.organizationId),
              eq(devices.propertyId, chosen.id),
              eq(devices.status, 'active'),
              eq(devices.commonDoor, true),
            ),
          )
          .orderBy(asc(devices.name), asc(devices.id)),
      ])
    : [[], []];
  return {
    properties: rows.map((p) => ({
      id: p.id,
      name: p.name,
      timeZone: p.timeZone,
      zoneAbbreviation: zoneAbbreviation(now, p.timeZone),
      checkInTime: p.checkInTime.slice(0, 5),
      checkOutTime: p.checkOutTime.slice(0, 5),
      today: localDateTimeParts(now, p.timeZone).date,
      tomorrow: localDateTimeParts(wallTimeInZone(now, p.timeZone, 1, '12:00'), p.timeZone).date,
    })),
    propertyId: chosen?.id ?? null,
    locks,
    commonDoors,
  };
}

/**
 * A property's active locks a stay there may choose as its rooms. Common
 * doors are not offered: a stay gets them from its rooms
 * (../devices/common-doors.ts).
 */
export async function locksAtProperty(
  db: Executor,
  actor: Actor,
  propertyId: string,
): Promise<StayLock[]> {
  assertCan(actor, 'reservations.read');
  if (!isId(propertyId)) return [];
  return db
    .select({ id: devices.id, name: devices.name, room: devices.room, online: devices.online })
    .from(devices)
    .where(
      and(
        eq(devices.organizationId, actor.organizationId),
        eq(devices.propertyId, propertyId),
        eq(devices.status, 'active'),
        eq(devices.commonDoor, false),
      ),
    )
    .orderBy(asc(devices.room), asc(devices.name), asc(devices.id));
}

/** Every property's rooms (`locksAtProperty`) in one query, by property id: for forms that switch property. */
export async function locksByProperty(
  db: Executor,
  actor: Actor,
): Promise<Record<string, StayLock[]>> {
  assertCan(actor, 'reservations.read');
  const rows = await db
    .select({
      propertyId: devices.propertyId,
      id: devices.id,
      name: devices.name,
      room: devices.room,
      online: devices.online,
    })
    .from(devices)
    .where(
      and(
        eq(devices.organizationId, actor.organizationId),
        eq(devices.status, 'active'),
        eq(devices.commonDoor, false),
      ),
    )
    .orderBy(asc(devices.room), asc(devices.name), asc(devices.id));
  const byProperty: Record<string, StayLock[]> = {};
  for (const { propertyId, ...lock } of rows) {
    if (!propertyId) continue;
    const locks = byProperty[propertyId] ?? [];
    locks.push(lock);
    byProperty[propertyId] = locks;
  }
  return byProperty;
}
