import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessCodes, devices, simulatedLockCodes } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { createAccessCode, deleteAccessCode } from '@/lib/access-codes/operations';
import { defaultAdapters } from '@/lib/devices/connections';
import { runTick } from './tick';

/**
 * A full lock with a backup pool: a guest code waiting for a slot gets the
 * next one that frees, nearest arrival first, and the pool makes, re-makes and
 * places nothing there while it waits (issue 17 case 3).
 */

const T0 = new Date('2026-12-05T14:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

describe('a freed slot on a full lock', () => {
  it('goes to the waiting guest codes, nearest arrival first, before any pool code; then the pool refills', async () => {
    const db = database.db;
    const org = await createOrganization(db, { roles: ['admin'] });
    const actor = await actorFor(db, org, 'admin');
    const lock = await addSimulatedLock(db, {
      organizationId: org.org.id,
      propertyId: org.property.id,
      slotLimit: 4,
    });
    await db.update(devices).set({ backupPoolEnabled: true }).where(eq(devices.id, lock.id));
    const tick = (seconds: number) =>
      runTick(db, { now: at(seconds), adapters: defaultAdapters(db), random: () => 1 });
    const stay = (name: string, fromSeconds: number, toSeconds: number) =>
      createAccessCode(
        db,
        actor,
        { deviceId: lock.id, name, startsAt: at(fromSeconds), endsAt: at(toSeconds) },
        at(-3600),
      );
    const onLock = async () =>
      new Set(
        (
          await db
            .select({ id: simulatedLockCodes.keyholdCodeId })
            .from(simulatedLockCodes)
            .where(eq(simulatedLockCodes.lockId, lock.externalId))
        ).map((r) => r.id),
      );
    const backupIds = async () =>
      (
        await db
          .select({ id: accessCodes.id, isBackup: accessCodes.isBackup })
          .from(accessCodes)
          .where(eq(accessCodes.deviceId, lock.id))
      )
        .filter((c) => c.isBackup)
        .map((c) => c.id);

    // Two guests in house, the pool fills the last two slots: the lock is full.
    const inHouse = await stay('In house', -3600, 48 * 3600);
    const leaving = await stay('Leaving', -3600, 120);
    await tick(0);
    const pool = await backupIds();
    expect(pool).toHaveLength(5);
    expect((await onLock()).size).toBe(4);

    // Two arrivals within the lead time find no slot.
    const later = await stay('Later arrival', 20 * 60, 48 * 3600);
    const nearer = await stay('Nearer arrival', 10 * 60, 48 * 3600);
    await tick(15);
    for (const waiting of [nearer, later]) {
      const [row] = await db.select().from(accessCodes).where(eq(accessCodes.id, waiting.id));
      expect(row?.errors.map((e) => e.code)).toContain('no_space_for_access_code_on_device');
    }
    const placedBackups = [...(await onLock())].filter((id) => id && pool.includes(id));
    expect(placedBackups).toHaveLength(2);

    // The in-house guest's code is deleted: one slot frees, and goes to the nearer arrival.
    await deleteAccessCode(db, actor, inHouse.id, at(20));
    await tick(30);
    let codes = await onLock();
    expect(codes.has(inHouse.id)).toBe(false);
    expect(codes.has(nearer.id), 'the nearer arrival has the freed slot').toBe(true);
    expect(codes.has(later.id)).toBe(false);
    // The pool neither made a code nor placed one while a guest waits.
    expect(await backupIds()).toEqual(pool);
    expect([...codes].filter((id) => id && pool.includes(id))).toEqual(placedBackups);

    // Ticks go by with the lock full: still nothing made, retired or placed by the pool.
    for (let second = 45; second < 120; second += 15) {
      await tick(second);
      expect(await backupIds()).toEqual(pool);
      codes = await onLock();
      expect([...codes].filter((id) => id && pool.includes(id))).toEqual(placedBackups);
    }

    // A stay ends: its slot goes to the other waiting guest in the same tick.
    await tick(120);
    codes = await onLock();
    expect(codes.has(leaving.id)).toBe(false);
    expect(codes.has(later.id), 'the later arrival has the slot the stay freed').toBe(true);
    expect(await backupIds()).toEqual(pool);

    // Every guest is on: the next freed slot goes back to the pool.
    await deleteAccessCode(db, actor, later.id, at(130));
    await tick(135);
    codes = await onLock();
    expect(codes.size).toBe(4);
    expect([...codes].filter((id) => id && pool.includes(id))).toHaveLength(3);
  });
});
