import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessCodes, devices, type Issue, organizations } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { listLocks } from '@/lib/devices/locks';
import { OFFLINE_GRACE_MS } from '@/lib/devices/predicates';
import { pullBackupCodeForGuest } from '@/lib/messages/guest';
import { createReservation } from '@/lib/reservations/operations';
import { pullBackupAccessCode } from './pools';

// Saturday 5 Dec 2026, 12:00 in New York (the property's zone). Noor Haddad is
// in Room 301 until Monday 11:00; Next Guest checks in there Monday 15:00.
const NOW = new Date('2026-12-05T17:00:00Z');
const MONDAY = (time: string) => new Date(`2026-12-07T${time}:00-05:00`);
const minutes = (n: number, from = NOW) => new Date(from.getTime() + n * 60_000);
const FALLBACK = 'Let the guest in with a key, or call maintenance.';

let database: TestDatabase;
let organizationId: string;
let propertyId: string;
let owner: Actor;
let frontDesk: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await database.truncate();
  const org = await createOrganization(database.db, { roles: ['owner', 'front_desk'] });
  organizationId = org.org.id;
  propertyId = org.property.id;
  owner = await actorFor(database.db, org, 'owner');
  frontDesk = await actorFor(database.db, org, 'front_desk');
});

/** Room 301 with one backup code ready on it, and the two stays of the issue. */
async function room301() {
  const lock = await addSimulatedLock(database.db, { organizationId, propertyId, room: '301' });
  await database.db.update(devices).set({ backupPoolEnabled: true }).where(eq(devices.id, lock.id));
  await database.db.insert(accessCodes).values({
    organizationId,
    deviceId: lock.id,
    type: 'ongoing',
    code: '730301',
    isBackup: true,
    status: 'set',
    externalRef: 'sim_ref',
  });
  const stay = (guestName: string, checkInDate: string, checkOutDate: string) =>
    createReservation(
      database.db,
      owner,
      { propertyId, guestName, checkInDate, checkOutDate, deviceIds: [lock.id] },
      minutes(-7 * 24 * 60),
    );
  const noor = await stay('Noor Haddad', '2026-12-04', '2026-12-07');
  const next = await stay('Next Guest', '2026-12-07', '2026-12-09');
  const code = (s: typeof noor) => s.accessCodes[0]?.id ?? '';
  return { lock, noorCode: code(noor), nextCode: code(next) };
}

const pull = (accessCodeId: string, now: Date) =>
  pullBackupAccessCode(database.db, frontDesk, accessCodeId, now);

async function backupStillInPool(deviceId: string) {
  const ready = await database.db
    .select({ id: accessCodes.id })
    .from(accessCodes)
    .where(
      and(
        eq(accessCodes.deviceId, deviceId),
        eq(accessCodes.isBackup, true),
        isNull(accessCodes.pulledAt),
      ),
    );
  return ready.length;
}

const setLock = (id: string, values: Partial<typeof devices.$inferInsert>) =>
  database.db.update(devices).set(values).where(eq(devices.id, id));
const disconnected = (since: Date): Issue[] => [
  { code: 'device_disconnected', message: 'Room 301 is offline.', createdAt: since.toISOString() },
];

describe('a pulled backup code is valid only for its stay', () => {
  it('is refused before the stay starts, saying from when, and nothing leaves the pool', async () => {
    const { lock, nextCode } = await room301();
    const error = await refused(() => pull(nextCode, NOW));
    expect(error).toMatchObject({ code: 'conflict' });
    expect(error.message).toBe(
      'Backup codes for Next Guest work from check-in: pull one from Mon, 7 Dec 2026, 15:00 EST.',
    );
    expect(await backupStillInPool(lock.id)).toBe(1);
  });

  it('counts the organization’s early-arrival allowance', async () => {
    const { nextCode } = await room301();
    await database.db
      .update(organizations)
      .set({ earlyArrivalMinutes: 180 })
      .where(eq(organizations.id, organizationId));
    const error = await refused(() => pull(nextCode, MONDAY('11:30')));
    expect(error.message).toBe(
      'Backup codes for Next Guest work from 180 minutes before check-in: pull one from Mon, 7 Dec 2026, 12:00 EST.',
    );
    const pulled = await pull(nextCode, MONDAY('12:00'));
    expect(pulled.startsAt).toEqual(MONDAY('12:00'));
  });

  it('is refused while another guest holds the room, naming them and until when', async () => {
    const { noorCode, nextCode } = await room301();
    await database.db
      .update(organizations)
      .set({ earlyArrivalMinutes: 300 })
      .where(eq(organizations.id, organizationId));
    const error = await refused(() => pull(nextCode, MONDAY('10:30')));
    expect(error.message).toMatch(
      /^Room 301 is Noor Haddad’s until Mon, 7 Dec 2026, 11:00 EST: a backup code would open it for Next Guest too\./,
    );
    // Noor's own pull is fine: it is her room.
    expect((await pull(noorCode, MONDAY('10:30'))).code).toBe('730301');
  });

  it('is not refused for a guest in house on a lock another in-house guest shares (a front gate)', async () => {
    const { lock, nextCode } = await room301();
    await createReservation(
      database.db,
      owner,
      {
        propertyId,
        guestName: 'Gate Sharer',
        checkInDate: '2026-12-06',
        checkOutDate: '2026-12-10',
        deviceIds: [lock.id],
        // A lock every guest shares is a double booking someone confirms.
        allowOverlap: true,
      },
      minutes(-7 * 24 * 60),
    );
    expect((await pull(nextCode, MONDAY('16:00'))).code).toBe('730301');
  });

  it('works from the pull to check-out, and the guest’s message says so', async () => {
    const { nextCode } = await room301();
    const at = MONDAY('15:20');
    const { backup, message } = await pullBackupCodeForGuest(database.db, frontDesk, nextCode, at);
    expect(backup.startsAt).toEqual(at);
    expect(backup.endsAt).toEqual(new Date('2026-12-09T11:00:00-05:00'));
    expect(message.text).toContain(
      'It works from 2026-12-07 15:20 (America/New_York) until 2026-12-09 11:00 (America/New_York).',
    );
  });
});

describe('no pull from a lock that cannot honour it', () => {
  const inStay = MONDAY('16:00');

  it('pulls from a lock offline within the grace: its codes are still on it', async () => {
    const { lock, nextCode } = await room301();
    await setLock(lock.id, { online: false, errors: disconnected(minutes(-5, inStay)) });
    expect((await pull(nextCode, inStay)).code).toBe('730301');
  });

  it('refuses a lock offline within the grace that has no backup code on it: nothing can refill it', async () => {
    const { lock, nextCode } = await room301();
    await database.db
      .update(accessCodes)
      .set({ status: 'setting' })
      .where(eq(accessCodes.deviceId, lock.id));
    await setLock(lock.id, { online: false, errors: disconnected(minutes(-5, inStay)) });
    const error = await refused(() => pull(nextCode, inStay));
    expect(error.message).toBe(
      `Room 301 is offline since Mon, 7 Dec 2026, 15:55 EST and has no backup code on it — ${FALLBACK}`,
    );
  });

  it.each([
    [
      'offline past the grace',
      { online: false, errors: disconnected(minutes(-OFFLINE_GRACE_MS / 60_000, MONDAY('16:00'))) },
      `Room 301 has been offline since Mon, 7 Dec 2026, 15:50 EST: no code can be trusted to reach it — ${FALLBACK}`,
    ],
    [
      'offline since Keyhold does not know when',
      { online: false, errors: [] },
      `Room 301 is offline: no code can be trusted to reach it — ${FALLBACK}`,
    ],
    [
      'factory reset (gone from its account)',
      {
        online: false,
        errors: [{ code: 'device_removed', message: 'gone', createdAt: NOW.toISOString() }],
      },
      `Room 301 was reset and has no codes — ${FALLBACK}`,
    ],
    [
      'replaced',
      { status: 'replaced' as const },
      `Room 301 was replaced and takes no codes — ${FALLBACK}`,
    ],
    [
      'retired',
      { status: 'removed' as const },
      `Room 301 was retired and takes no codes — ${FALLBACK}`,
    ],
  ])(
    'refuses a lock %s, with why and the fallback, and its pool reads 0 ready',
    async (_, state, reason) => {
      const { lock, nextCode } = await room301();
      const before = await listLocks(database.db, frontDesk, { search: '301' }, inStay);
      expect(before.locks[0]?.availableBackups).toBe(1);
      await setLock(lock.id, state);
      const error = await refused(() => pull(nextCode, inStay));
      expect(error).toMatchObject({ code: 'conflict', message: reason });
      expect(await backupStillInPool(lock.id)).toBe(1);
      if (!('status' in state)) {
        // Locks lists active locks only; a replaced or retired one is not there to count.
        const after = await listLocks(database.db, frontDesk, { search: '301' }, inStay);
        expect(after.locks[0]?.availableBackups).toBe(0);
      }
    },
  );

  it('uses the organization’s own fallback words', async () => {
    const { lock, nextCode } = await room301();
    await database.db
      .update(organizations)
      .set({ deskFallbackText: 'Call Sam on 555-0100 for the master key.' })
      .where(eq(organizations.id, organizationId));
    await setLock(lock.id, { status: 'removed' });
    const error = await refused(() => pull(nextCode, inStay));
    expect(error.message).toBe(
      'Room 301 was retired and takes no codes — Call Sam on 555-0100 for the master key.',
    );
  });
});
