import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type AccessCode,
  accessCodeEvents,
  accessCodes,
  auditLog,
  devices,
  simulatedLockCodes,
} from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { createApiKey } from '@/lib/api-keys';
import type { Actor } from '@/lib/auth/actor';
import { defaultAdapters } from '@/lib/devices/connections';
import { runTick } from '@/lib/reconciler/tick';
import {
  cancelReservation,
  createReservation,
  updateReservation,
} from '@/lib/reservations/operations';
import { handleSeamRequest } from '@/lib/seam-api/handler';
import { pullBackupAccessCode } from './pools';

// A pulled backup follows its original (issue 17, case 2): deleted or
// cancelled with it, its window moved with it — read off the simulated lock.

/** 09:00 in the property's zone (America/New_York), mid-stay. */
const T0 = new Date('2026-11-26T14:00:00Z');
const seconds = (n: number) => n * 1000;
const hours = (n: number) => n * 3_600_000;
const at = (ms: number) => new Date(T0.getTime() + ms);
/** The stay: Nov 25 15:00 to Nov 27 11:00 local (16:00Z), booked two days ahead. */
const STAY_END = new Date('2026-11-27T16:00:00Z');

let database: TestDatabase;
let admin: Actor;
let frontDesk: Actor;
let organizationId: string;
let propertyId: string;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await database.truncate();
  const org = await createOrganization(database.db, { roles: ['admin', 'front_desk'] });
  organizationId = org.org.id;
  propertyId = org.property.id;
  admin = await actorFor(database.db, org, 'admin');
  frontDesk = await actorFor(database.db, org, 'front_desk');
});

const tick = (now: Date) =>
  runTick(database.db, { now, adapters: defaultAdapters(database.db), random: () => 1 });

/** An in-house stay on a pool lock whose guest asked for a backup an hour ago. */
async function stayWithPulledBackup() {
  const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
  await database.db.update(devices).set({ backupPoolEnabled: true }).where(eq(devices.id, lock.id));
  const stay = await createReservation(
    database.db,
    frontDesk,
    {
      propertyId,
      guestName: 'Grace Hopper',
      checkInDate: '2026-11-25',
      checkInTime: '15:00',
      checkOutDate: '2026-11-27',
      checkOutTime: '11:00',
      deviceIds: [lock.id],
    },
    at(-hours(48)),
  );
  const [guest] = stay.accessCodes;
  if (!guest) throw new Error('no guest code');
  await tick(T0);
  const backup = await pullBackupAccessCode(database.db, frontDesk, guest.id, at(hours(1)));
  expect(backup.endsAt).toEqual(STAY_END);
  expect(await onLock(backup)).toBe(true);
  return { lock, stay, guest, backup };
}

async function onLock(code: Pick<AccessCode, 'id'>): Promise<boolean> {
  const held = await database.db
    .select({ id: simulatedLockCodes.keyholdCodeId })
    .from(simulatedLockCodes)
    .where(eq(simulatedLockCodes.keyholdCodeId, code.id));
  return held.length > 0;
}

async function row(id: string): Promise<AccessCode> {
  const [found] = await database.db.select().from(accessCodes).where(eq(accessCodes.id, id));
  if (!found) throw new Error('no such code');
  return found;
}

async function eventsOf(id: string) {
  return database.db
    .select()
    .from(accessCodeEvents)
    .where(eq(accessCodeEvents.accessCodeId, id))
    .orderBy(asc(accessCodeEvents.id));
}

/** Nothing written about the change spells the backup's digits. */
async function expectNoDigits(backup: AccessCode) {
  const written = JSON.stringify([
    await database.db.select().from(auditLog),
    await database.db.select().from(accessCodeEvents),
  ]);
  expect(backup.code).toMatch(/^\d+$/);
  expect(written).not.toContain(`"${backup.code}"`);
}

async function seam(path: string, body: Record<string, unknown>, now: Date) {
  const { apiKey } = await createApiKey(database.db, admin, { name: 'Channel manager' });
  const response = await handleSeamRequest(
    new Request(`http://localhost/api/seam/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    path,
    { getDb: async () => database.db, now: () => now },
  );
  expect(response.status).toBe(200);
}

describe('a pulled backup follows its original', () => {
  it('leaves the lock within one tick when its stay is cancelled', async () => {
    const { stay, guest, backup } = await stayWithPulledBackup();

    await cancelReservation(database.db, frontDesk, stay.id, at(hours(2)));
    expect((await row(backup.id)).deletedAt).toEqual(at(hours(2)));
    await tick(at(hours(2) + seconds(15)));
    expect(await onLock(guest)).toBe(false);
    expect(await onLock(backup)).toBe(false);

    const deleted = (await eventsOf(backup.id)).find((e) => e.eventType === 'deleted');
    expect(deleted?.detail).toMatchObject({ original_access_code_id: guest.id });
    await expectNoDigits(backup);
  });

  it('leaves the lock within one tick when its original is deleted through the API', async () => {
    const { guest, backup } = await stayWithPulledBackup();

    await seam('access_codes/delete', { access_code_id: guest.id }, at(hours(2)));
    await tick(at(hours(2) + seconds(15)));
    expect(await onLock(backup)).toBe(false);
    expect((await row(backup.id)).deletedAt).not.toBeNull();
    await expectNoDigits(backup);
  });

  it('ends when a shortened stay now ends, and not before', async () => {
    const { stay, backup } = await stayWithPulledBackup();

    // Check-out moved to 12:00 local today, three hours after T0.
    await updateReservation(
      database.db,
      frontDesk,
      stay.id,
      { checkOutDate: '2026-11-26', checkOutTime: '12:00' },
      at(hours(2)),
    );
    const moved = await row(backup.id);
    expect(moved.endsAt).toEqual(at(hours(3)));
    // Never before its pull, though the stay began the day before.
    expect(moved.startsAt).toEqual(at(hours(1)));
    const change = (await eventsOf(backup.id)).find((e) => e.eventType === 'time_frame_changed');
    expect(change?.detail).toMatchObject({ original_access_code_id: stay.accessCodes[0]?.id });

    await tick(at(hours(2) + seconds(15)));
    expect(await onLock(backup)).toBe(true);
    await tick(at(hours(3)));
    expect(await onLock(backup)).toBe(false);
    await expectNoDigits(backup);
  });

  it('stays on for an extended stay, past the old check-out', async () => {
    const { stay, backup } = await stayWithPulledBackup();

    await updateReservation(
      database.db,
      frontDesk,
      stay.id,
      { checkOutDate: '2026-11-28', checkOutTime: '11:00' },
      at(hours(2)),
    );
    const extended = new Date('2026-11-28T16:00:00Z');
    expect((await row(backup.id)).endsAt).toEqual(extended);

    await tick(STAY_END);
    expect(await onLock(backup)).toBe(true);
    await tick(extended);
    expect(await onLock(backup)).toBe(false);
  });

  it('moves with its original’s window changed through the API', async () => {
    const { guest, backup } = await stayWithPulledBackup();

    await seam(
      'access_codes/update',
      {
        access_code_id: guest.id,
        starts_at: guest.startsAt?.toISOString(),
        ends_at: at(hours(4)).toISOString(),
      },
      at(hours(2)),
    );
    expect((await row(backup.id)).endsAt).toEqual(at(hours(4)));
    await tick(at(hours(4)));
    expect(await onLock(backup)).toBe(false);
    const live = await database.db
      .select()
      .from(accessCodes)
      .where(and(eq(accessCodes.id, backup.id), eq(accessCodes.status, 'removed')));
    expect(live).toHaveLength(1);
  });
});
