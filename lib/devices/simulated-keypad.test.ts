import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { devices, simulatedLockCodes, simulatedLockEvents, simulatedLocks } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { recordEvents } from '@/lib/events/store';
import { getLockDetail } from './lock-detail';
import {
  enterCodeAtSimulatedKeypad,
  setSimulatedReportsEntryCode,
  unlockSimulatedLockWithKey,
} from './simulated-controls';

// 07:00 in New York; the lock's timeline starts at local midnight.
const NOW = new Date('2026-11-26T12:00:00Z');
const LATER = new Date('2026-11-26T12:30:00Z');

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let owner: Actor;
let frontDesk: Actor;
let rivalAdmin: Actor;
let lockCount = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, {
    name: 'Harbor',
    roles: ['admin', 'owner', 'front_desk'],
  });
  const rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  owner = await actorFor(database.db, harbor, 'owner');
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
});
afterAll(async () => {
  await database?.close();
});

/** A simulated lock holding the digits 4821 as Keyhold's code, its events read later. */
async function lockWithCode() {
  lockCount += 1;
  const lock = await addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: harbor.property.id,
    room: String(300 + lockCount),
  });
  await database.db.update(devices).set({ nextEventsReadAt: LATER }).where(eq(devices.id, lock.id));
  await database.db
    .insert(simulatedLockCodes)
    .values({ lockId: lock.externalId, code: '4821', name: 'Guest' });
  return lock;
}

async function logOf(externalId: string) {
  return database.db
    .select({ kind: simulatedLockEvents.kind, method: simulatedLockEvents.method })
    .from(simulatedLockEvents)
    .where(eq(simulatedLockEvents.lockId, externalId));
}

async function nextReadOf(deviceId: string) {
  const [row] = await database.db
    .select({ at: devices.nextEventsReadAt })
    .from(devices)
    .where(eq(devices.id, deviceId));
  return row?.at;
}

describe('enterCodeAtSimulatedKeypad', () => {
  it('opens for a code the lock holds, refuses other digits, and asks the tick to read the log now', async () => {
    const lock = await lockWithCode();
    const opened = await enterCodeAtSimulatedKeypad(
      database.db,
      owner,
      { deviceId: lock.id, code: '4821' },
      NOW,
    );
    expect(opened.outcome).toBe('unlocked');
    const refusedAtLock = await enterCodeAtSimulatedKeypad(
      database.db,
      owner,
      { deviceId: lock.id, code: ' 1111 ' },
      NOW,
    );
    expect(refusedAtLock.outcome).toBe('access_denied');
    expect(await logOf(lock.externalId)).toEqual([
      { kind: 'unlocked', method: 'keycode' },
      { kind: 'access_denied', method: 'keycode' },
    ]);
    expect(await nextReadOf(lock.id)).toEqual(NOW);
  });

  it('refuses digits a keypad cannot take, naming the field, and logs nothing', async () => {
    const lock = await lockWithCode();
    for (const code of ['48a1', '12', '', '1234567890123']) {
      const error = await refused(
        () => logOf(lock.externalId),
        () => enterCodeAtSimulatedKeypad(database.db, owner, { deviceId: lock.id, code }, NOW),
      );
      expect(error).toMatchObject({ code: 'invalid_input', options: { field: 'code' } });
      expect(error.message).toMatch(/^Code /);
    }
    expect(await nextReadOf(lock.id)).toEqual(LATER);
  });

  it('is not for the front desk, nor for another organization', async () => {
    const lock = await lockWithCode();
    for (const actor of [frontDesk, rivalAdmin]) {
      const error = await refused(
        () => logOf(lock.externalId),
        () =>
          enterCodeAtSimulatedKeypad(database.db, actor, { deviceId: lock.id, code: '4821' }, NOW),
      );
      expect(error.code).toBe('not_found');
    }
  });
});

describe('unlockSimulatedLockWithKey', () => {
  it('logs a manual entry; the front desk may not do it', async () => {
    const lock = await lockWithCode();
    const error = await refused(() =>
      unlockSimulatedLockWithKey(database.db, frontDesk, { deviceId: lock.id }, NOW),
    );
    expect(error.code).toBe('not_found');
    await unlockSimulatedLockWithKey(database.db, owner, { deviceId: lock.id }, NOW);
    expect(await logOf(lock.externalId)).toEqual([{ kind: 'unlocked', method: 'manual' }]);
    expect(await nextReadOf(lock.id)).toEqual(NOW);
  });
});

describe('setSimulatedReportsEntryCode', () => {
  it('turns the knob, and the lock page shows it', async () => {
    const lock = await lockWithCode();
    await setSimulatedReportsEntryCode(
      database.db,
      owner,
      { deviceId: lock.id, reportsEntryCode: false },
      NOW,
    );
    const [hardware] = await database.db
      .select({ reports: simulatedLocks.reportsEntryCode })
      .from(simulatedLocks)
      .where(eq(simulatedLocks.id, lock.externalId));
    expect(hardware?.reports).toBe(false);
    const detail = await getLockDetail(database.db, owner, lock.id, NOW);
    expect(detail.simulated).toEqual({ answers: true, online: true, reportsEntryCode: false });

    const bad = await refused(() =>
      setSimulatedReportsEntryCode(
        database.db,
        owner,
        { deviceId: lock.id, reportsEntryCode: 'yes' as unknown as boolean },
        NOW,
      ),
    );
    expect(bad).toMatchObject({ code: 'invalid_input', options: { field: 'reportsEntryCode' } });
  });
});

describe('the lock page’s entries', () => {
  it('lists today’s entries as the timeline’s marks, unattributed ones as such', async () => {
    const lock = await lockWithCode();
    // 06:10 in New York, after the timeline's local midnight.
    await recordEvents(database.db, [
      {
        organizationId: harbor.org.id,
        eventType: 'lock.unlocked',
        occurredAt: new Date('2026-11-26T11:10:00Z'),
        deviceId: lock.id,
        method: 'keycode',
        dedupeKey: `lock:${lock.id}:1`,
      },
    ]);
    const detail = await getLockDetail(database.db, owner, lock.id, NOW);
    expect(detail.entries.map((e) => e.words)).toEqual([
      `Unlocked at the keypad, code unknown · 06:10 · Room ${300 + lockCount}`,
    ]);
  });
});
