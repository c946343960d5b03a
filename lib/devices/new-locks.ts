import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { devices, organizations, properties } from '@/db/schema';
import { withoutIssues } from '@/lib/access-codes/state';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { findProperty } from '@/lib/properties';
import { formatZoned } from '@/lib/time';
import { parseInput } from '@/lib/validation';
import { DEVICE_REMOVED, NEW_LOCK_FOUND } from './discovery';

/** A reset lock's new id appears within this long of the old one last answering, or it is no likely pair. */
export const REPLACEMENT_PAIR_HOURS = 24;

export type NewLock = {
  id: string;
  name: string;
  adapter: string;
  firstSeenAt: Date;
  /** When it was found, in the organization's zone. */
  firstSeenLabel: string;
  online: boolean;
  /** The lock it most likely replaces: offline or gone, same adapter account, last seen just before. */
  suggestedReplaces: {
    id: string;
    name: string;
    room: string | null;
    propertyName: string | null;
  } | null;
};

/**
 * Locks discovery found that nobody has placed yet, newest first, each with
 * the lock it most likely replaces (DESIGN.md "Factory-reset locks").
 */
export async function listNewLocks(db: Executor, actor: Actor): Promise<NewLock[]> {
  assertCan(actor, 'locks.read', 'Device');
  const found = await db
    .select({
      id: devices.id,
      name: devices.name,
      adapter: devices.adapter,
      connectionId: devices.connectionId,
      firstSeenAt: devices.firstSeenAt,
      online: devices.online,
    })
    .from(devices)
    .where(
      and(
        eq(devices.organizationId, actor.organizationId),
        eq(devices.status, 'active'),
        eq(devices.needsPlacement, true),
      ),
    )
    .orderBy(desc(devices.firstSeenAt));
  if (found.length === 0) return [];
  const [org] = await db
    .select({ timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, actor.organizationId));
  const candidates = await replaceableLocks(db, actor);
  const taken = new Set<string>();
  return found.map((lock) => {
    const window = REPLACEMENT_PAIR_HOURS * 3_600_000;
    const gap = (c: (typeof candidates)[number]) =>
      Math.abs(lock.firstSeenAt.getTime() - c.lastSeenAt.getTime());
    // With several locks reset at once, the likeliest pair keeps its name (a
    // reset lock comes back under it), then went quiet closest to when this appeared.
    const [pair] = candidates
      .filter(
        (c) =>
          !taken.has(c.id) &&
          // A lock still answering is no reset lock.
          (c.removed || !c.online) &&
          c.adapter === lock.adapter &&
          c.connectionId === lock.connectionId &&
          gap(c) <= window,
      )
      .sort(
        (a, b) => Number(b.name === lock.name) - Number(a.name === lock.name) || gap(a) - gap(b),
      );
    if (pair) taken.add(pair.id);
    const { connectionId: _connection, ...rest } = lock;
    return {
      ...rest,
      firstSeenLabel: formatZoned(lock.firstSeenAt, org?.timeZone ?? 'UTC'),
      suggestedReplaces: pair
        ? { id: pair.id, name: pair.name, room: pair.room, propertyName: pair.propertyName }
        : null,
    };
  });
}

/** What the replacement wizard offers: the new locks, and the placed locks one of them may replace. */
export type ReplacementChoices = {
  /** Newest first, each with the lock it most likely replaces. */
  found: Pick<NewLock, 'id' | 'name' | 'online' | 'firstSeenLabel' | 'suggestedReplaces'>[];
  /** The gone and the offline first. */
  replaceable: {
    id: string;
    name: string;
    propertyName: string | null;
    online: boolean;
    /** Gone from its account: likely factory reset. */
    removed: boolean;
  }[];
};

/** The replacement wizard's choices, in the shape its page and JSON route share (no dates). */
export async function listReplacementChoices(
  db: Executor,
  actor: Actor,
): Promise<ReplacementChoices> {
  assertCan(actor, 'devices.replace', 'Device');
  const [found, replaceable] = await Promise.all([
    listNewLocks(db, actor),
    replaceableLocks(db, actor),
  ]);
  return {
    found: found.map(({ id, name, online, firstSeenLabel, suggestedReplaces }) => ({
      id,
      name,
      online,
      firstSeenLabel,
      suggestedReplaces,
    })),
    replaceable: replaceable.map(({ id, name, propertyName, online, removed }) => ({
      id,
      name,
      propertyName,
      online,
      removed,
    })),
  };
}

/** Placed, active locks an admin may replace: the gone and the offline first, then the rest by name. */
export async function replaceableLocks(db: Executor, actor: Actor) {
  assertCan(actor, 'locks.read', 'Device');
  return db
    .select({
      id: devices.id,
      name: devices.name,
      room: devices.room,
      adapter: devices.adapter,
      connectionId: devices.connectionId,
      online: devices.online,
      lastSeenAt: devices.lastSeenAt,
      removed: sql<boolean>`${devices.errors} @> ${JSON.stringify([{ code: DEVICE_REMOVED }])}::jsonb`,
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
    .where(
      and(
        eq(devices.organizationId, actor.organizationId),
        eq(devices.status, 'active'),
        eq(devices.needsPlacement, false),
      ),
    )
    .orderBy(
      desc(sql`${devices.errors} @> ${JSON.stringify([{ code: DEVICE_REMOVED }])}::jsonb`),
      asc(devices.online),
      desc(devices.lastSeenAt),
      asc(devices.name),
    );
}

export const placeDeviceSchema = z.object({
  deviceId: z.uuid({ error: 'Choose a lock.' }),
  propertyId: z.uuid({ error: 'Choose a property.' }),
  name: z
    .string({ error: 'Name is required.' })
    .trim()
    .min(1, 'Name is required.')
    .max(100, 'Name must be at most 100 characters.'),
  room: z
    .string()
    .trim()
    .max(50, 'Room must be at most 50 characters.')
    .nullish()
    .transform((v) => v || null),
});

/** A new lock that replaces nothing: give it a property, a name and a room. */
export async function placeDevice(
  db: Executor,
  actor: Actor,
  input: z.input<typeof placeDeviceSchema>,
  now: Date,
): Promise<void> {
  assertCan(actor, 'devices.replace', 'Device');
  const data = parseInput(placeDeviceSchema, input);
  await db.transaction(async (tx) => {
    const [lock] = await tx
      .select({
        id: devices.id,
        needsPlacement: devices.needsPlacement,
        warnings: devices.warnings,
      })
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
    if (!lock.needsPlacement) {
      throw new AppError('conflict', 'This lock is already placed.', { field: 'deviceId' });
    }
    const property = await findProperty(tx, actor, data.propertyId);
    await tx
      .update(devices)
      .set({
        propertyId: property.id,
        name: data.name,
        room: data.room,
        needsPlacement: false,
        warnings: withoutIssues(lock.warnings, [NEW_LOCK_FOUND]),
        updatedAt: now,
      })
      .where(eq(devices.id, lock.id));
    await recordAudit(tx, actor, {
      action: 'device.placed',
      targetType: 'device',
      targetId: lock.id,
      detail: { propertyId: property.id, name: data.name, room: data.room },
    });
  });
}
