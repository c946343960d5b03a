import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessCodes, devices, simulatedLockCodes, simulatedLocks } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import {
  factoryResetSimulatedLock,
  removeAccessCodeAtSimulatedLock,
  setSimulatedLockOnline,
} from './simulated-controls';

const NOW = new Date('2026-11-26T12:00:00Z');
const LATER = new Date('2026-11-26T12:30:00Z');

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let owner: Actor;
let frontDesk: Actor;
let rivalAdmin: Actor;
let lockCount = 0;

async function newLock() {
  lockCount += 1;
  const lock = await addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: harbor.property.id,
    room: String(100 + lockCount),
  });
  // As after a sync: nothing due until later.
  await database.db.update(devices).set({ nextSyncAt: LATER }).where(eq(devices.id, lock.id));
  return lock;
}

async function hardwareOf(externalId: string) {
  const [row] = await database.db
    .select()
    .from(simulatedLocks)
    .where(eq(simulatedLocks.id, externalId));
  return row;
}

async function nextSyncOf(deviceId: string) {
  const [row] = await database.db
    .select({ at: devices.nextSyncAt })
    .from(devices)
    .where(eq(devices.id, deviceId));
  return row?.at;
}

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, {
    name: 'Harbor',
    roles: ['admin', 'owner', 'front_desk'],
  });
  const rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  admin = await actorFor(database.db, harbor, 'admin');
  owner = await actorFor(database.db, harbor, 'owner');
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
});
afterAll(async () => {
  await database?.close();
});

describe('setSimulatedLockOnline', () => {
  it('unplugs and reconnects the lock, and asks the tick to look at it now', async () => {
    const lock = await newLock();
    await setSimulatedLockOnline(database.db, owner, { deviceId: lock.id, online: false }, NOW);
    expect((await hardwareOf(lock.externalId))?.online).toBe(false);
    expect(await nextSyncOf(lock.id)).toEqual(NOW);
    await setSimulatedLockOnline(database.db, owner, { deviceId: lock.id, online: true }, NOW);
    expect((await hardwareOf(lock.externalId))?.online).toBe(true);
  });

  it('is not for the front desk, nor for another organization', async () => {
    const lock = await newLock();
    for (const actor of [frontDesk, rivalAdmin]) {
      const error = await refused(() =>
        setSimulatedLockOnline(database.db, actor, { deviceId: lock.id, online: false }, NOW),
      );
      expect(error.code).toBe('not_found');
    }
    expect((await hardwareOf(lock.externalId))?.online).toBe(true);
    expect(await nextSyncOf(lock.id)).toEqual(LATER);
  });

  it('names the field it cannot read', async () => {
    const lock = await newLock();
    const badId = await refused(() =>
      setSimulatedLockOnline(database.db, owner, { deviceId: 'room-101', online: false }, NOW),
    );
    expect(badId).toMatchObject({ code: 'invalid_input', options: { field: 'device_id' } });
    const badFlag = await refused(() =>
      setSimulatedLockOnline(
        database.db,
        owner,
        { deviceId: lock.id, online: 'no' as unknown as boolean },
        NOW,
      ),
    );
    expect(badFlag).toMatchObject({ code: 'invalid_input', options: { field: 'online' } });
  });
});

describe('removeAccessCodeAtSimulatedLock', () => {
  it('deletes Keyhold’s code at the keypad and leaves Keyhold’s record to the tick', async () => {
    const lock = await newLock();
    const [code] = await database.db
      .insert(accessCodes)
      .values({
        organizationId: harbor.org.id,
        deviceId: lock.id,
        type: 'ongoing',
        code: '4821',
        status: 'set',
        externalRef: 'ref',
      })
      .returning();
    if (!code) throw new Error('no code');
    await database.db
      .insert(simulatedLockCodes)
      .values({ lockId: lock.externalId, code: '4821', keyholdCodeId: code.id });

    await removeAccessCodeAtSimulatedLock(
      database.db,
      admin,
      { deviceId: lock.id, accessCodeId: code.id },
      NOW,
    );
    const left = await database.db
      .select()
      .from(simulatedLockCodes)
      .where(
        and(
          eq(simulatedLockCodes.lockId, lock.externalId),
          eq(simulatedLockCodes.keyholdCodeId, code.id),
        ),
      );
    expect(left).toEqual([]);
    const [row] = await database.db.select().from(accessCodes).where(eq(accessCodes.id, code.id));
    expect(row?.status).toBe('set');
    expect(await nextSyncOf(lock.id)).toEqual(NOW);
  });

  it('answers not found for a code of another lock', async () => {
    const lock = await newLock();
    const other = await newLock();
    const [code] = await database.db
      .insert(accessCodes)
      .values({ organizationId: harbor.org.id, deviceId: other.id, type: 'ongoing', code: '4821' })
      .returning();
    const error = await refused(() =>
      removeAccessCodeAtSimulatedLock(
        database.db,
        admin,
        { deviceId: lock.id, accessCodeId: code?.id ?? '' },
        NOW,
      ),
    );
    expect(error.code).toBe('not_found');
  });
});

describe('factoryResetSimulatedLock', () => {
  it('is refused to owners (replacing locks is an admin’s job) and done for admins', async () => {
    const lock = await newLock();
    const ownerTried = await refused(() =>
      factoryResetSimulatedLock(database.db, owner, { deviceId: lock.id }, NOW),
    );
    expect(ownerTried.code).toBe('not_found');
    expect((await hardwareOf(lock.externalId))?.resetAt).toBeNull();

    const reset = await factoryResetSimulatedLock(database.db, admin, { deviceId: lock.id }, NOW);
    expect(reset.newExternalId).not.toBe(lock.externalId);
    expect(await hardwareOf(lock.externalId)).toMatchObject({ online: false, resetAt: NOW });
    expect((await hardwareOf(reset.newExternalId))?.online).toBe(true);
    expect(await nextSyncOf(lock.id)).toEqual(NOW);

    const again = await refused(() =>
      factoryResetSimulatedLock(database.db, admin, { deviceId: lock.id }, NOW),
    );
    expect(again.code).toBe('conflict');
  });
});
