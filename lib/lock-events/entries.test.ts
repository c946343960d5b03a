import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessCodes } from '@/db/schema';
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
import { createReservation } from '@/lib/reservations/operations';
import { getStayEntries, listFirstEntries, listLockEntries } from './entries';

// 07:00 in New York, where the test organizations' properties are.
const NOW = new Date('2026-11-26T12:00:00Z');
// The stay's check-in day: 15:42 and 18:05 in New York.
const ARRIVED = new Date('2026-11-26T20:42:00Z');
const LATER = new Date('2026-11-26T23:05:00Z');
const EVENING = new Date('2026-11-27T01:00:00Z');
// The next morning in New York.
const NEXT_DAY = new Date('2026-11-27T15:00:00Z');

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let frontDesk: Actor;
let rivalAdmin: Actor;
let rooms = 200;

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, { roles: ['front_desk'] });
  const rival = await createOrganization(database.db, { roles: ['admin'] });
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
});
afterAll(async () => {
  await database?.close();
});

/** A stay on a room of its own, with its guest code; answers the lock, the stay and the code. */
async function stayWithCode(guestName: string) {
  rooms += 1;
  const lock = await addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: harbor.property.id,
    room: String(rooms),
    name: `Room ${rooms}`,
  });
  const stay = await createReservation(
    database.db,
    frontDesk,
    {
      propertyId: harbor.property.id,
      guestName,
      checkInDate: '2026-11-26',
      checkOutDate: '2026-11-28',
      deviceIds: [lock.id],
    },
    NOW,
  );
  const [code] = await database.db
    .select()
    .from(accessCodes)
    .where(eq(accessCodes.reservationId, stay.id));
  if (!code) throw new Error('no guest code');
  return { lock, stay, code };
}

let seq = 0;
function entry(e: {
  at: Date;
  deviceId: string;
  accessCodeId?: string | null;
  reservationId?: string | null;
  method?: 'keycode' | 'manual' | 'unknown';
  detail?: Record<string, unknown>;
}) {
  seq += 1;
  return {
    organizationId: harbor.org.id,
    eventType: 'lock.unlocked' as const,
    occurredAt: e.at,
    deviceId: e.deviceId,
    accessCodeId: e.accessCodeId ?? null,
    reservationId: e.reservationId ?? null,
    method: e.method ?? 'keycode',
    detail: e.detail ?? {},
    dedupeKey: `lock:${e.deviceId}:${seq}`,
  };
}

describe('getStayEntries', () => {
  it('shows the first entry and the history in the property’s zone, ordered by when they happened', async () => {
    const { lock, stay, code } = await stayWithCode('Ada Lovelace');
    // Read out of order: the later entry arrived first.
    await recordEvents(database.db, [
      entry({ at: LATER, deviceId: lock.id, accessCodeId: code.id, reservationId: stay.id }),
      entry({ at: ARRIVED, deviceId: lock.id, accessCodeId: code.id, reservationId: stay.id }),
    ]);
    const seen = await getStayEntries(database.db, frontDesk, stay.id, NEXT_DAY);
    expect(seen.first?.words).toBe(`Arrived 26 Nov, 15:42 · Room ${rooms} · guest code`);
    expect(seen.entries.map((e) => e.words)).toEqual([
      `Entered 26 Nov, 18:05 · Room ${rooms} · guest code`,
      `Entered 26 Nov, 15:42 · Room ${rooms} · guest code`,
    ]);
    expect(seen.neededHelp).toBe(false);
    // On the day itself only the time is shown.
    const sameDay = await getStayEntries(database.db, frontDesk, stay.id, LATER);
    expect(sameDay.first?.words).toBe(`Arrived 15:42 · Room ${rooms} · guest code`);
  });

  it('has no entries for a stay nobody has entered, and never credits an unattributed one', async () => {
    const { lock, stay } = await stayWithCode('Grace Hopper');
    await recordEvents(database.db, [entry({ at: ARRIVED, deviceId: lock.id })]);
    const seen = await getStayEntries(database.db, frontDesk, stay.id, LATER);
    expect(seen).toMatchObject({ first: null, entries: [], neededHelp: false });
  });

  it('marks the stay and its original code as having needed a backup code', async () => {
    const { lock, stay, code } = await stayWithCode('Katherine Johnson');
    const [backup] = await database.db
      .insert(accessCodes)
      .values({
        organizationId: harbor.org.id,
        deviceId: lock.id,
        type: 'ongoing',
        code: '9182',
        status: 'set',
        isBackup: true,
        pulledAt: ARRIVED,
        pulledForReservationId: stay.id,
      })
      .returning();
    if (!backup) throw new Error('no backup');
    await database.db
      .update(accessCodes)
      .set({ pulledBackupAccessCodeId: backup.id })
      .where(eq(accessCodes.id, code.id));
    await recordEvents(database.db, [
      entry({
        at: LATER,
        deviceId: lock.id,
        accessCodeId: backup.id,
        reservationId: stay.id,
        detail: { is_backup_access_code: true },
      }),
    ]);
    const seen = await getStayEntries(database.db, frontDesk, stay.id, LATER);
    expect(seen.first?.words).toBe(`Arrived 18:05 · Room ${rooms} · backup code`);
    expect(seen.neededHelp).toBe(true);
    expect(seen.helpedCodeIds).toEqual([code.id]);
  });

  it('answers not found for another organization’s stay, and for an id that is not one', async () => {
    const { stay } = await stayWithCode('Mary Jackson');
    expect((await refused(() => getStayEntries(database.db, rivalAdmin, stay.id, NOW))).code).toBe(
      'not_found',
    );
    expect((await refused(() => getStayEntries(database.db, frontDesk, 'stay-1', NOW))).code).toBe(
      'not_found',
    );
  });
});

describe('listFirstEntries', () => {
  it('answers each stay’s first entry in one read, and nothing for stays of another organization', async () => {
    const a = await stayWithCode('Dorothy Vaughan');
    const b = await stayWithCode('Annie Easley');
    const c = await stayWithCode('Not Yet');
    await recordEvents(database.db, [
      entry({ at: LATER, deviceId: a.lock.id, accessCodeId: a.code.id, reservationId: a.stay.id }),
      entry({
        at: ARRIVED,
        deviceId: a.lock.id,
        accessCodeId: a.code.id,
        reservationId: a.stay.id,
      }),
      entry({ at: LATER, deviceId: b.lock.id, accessCodeId: b.code.id, reservationId: b.stay.id }),
    ]);
    const stays = [a, b, c].map((s) => ({
      reservationId: s.stay.id,
      timeZone: 'America/New_York',
    }));
    const firsts = await listFirstEntries(database.db, frontDesk, stays, LATER);
    expect(firsts.get(a.stay.id)?.entry.occurredAt).toBe(ARRIVED.toISOString());
    expect(firsts.get(b.stay.id)?.entry.words).toBe(
      `Arrived 18:05 · Room ${Number(rooms) - 1} · guest code`,
    );
    expect(firsts.has(c.stay.id)).toBe(false);
    expect((await listFirstEntries(database.db, rivalAdmin, stays, LATER)).size).toBe(0);
  });
});

describe('listLockEntries', () => {
  it('lists the lock’s entries in the range, guest, unattributed and key alike', async () => {
    const { lock, stay, code } = await stayWithCode('Evelyn Boyd');
    await recordEvents(database.db, [
      entry({ at: ARRIVED, deviceId: lock.id, accessCodeId: code.id, reservationId: stay.id }),
      entry({ at: LATER, deviceId: lock.id }),
      entry({ at: EVENING, deviceId: lock.id, method: 'manual' }),
      // Before the range.
      entry({ at: NOW, deviceId: lock.id, method: 'manual' }),
    ]);
    const range = {
      start: new Date('2026-11-26T15:00:00Z'),
      end: new Date('2026-12-10T05:00:00Z'),
    };
    const marks = await listLockEntries(
      database.db,
      frontDesk,
      lock.id,
      range,
      'America/New_York',
      LATER,
    );
    expect(marks.map((m) => [m.words, m.guestName])).toEqual([
      [`Entered 15:42 · Room ${rooms} · guest code`, 'Evelyn Boyd'],
      [`Unlocked at the keypad, code unknown · 18:05 · Room ${rooms}`, null],
      [`Opened with a key · 20:00 · Room ${rooms}`, null],
    ]);
    expect(
      await listLockEntries(database.db, rivalAdmin, lock.id, range, 'America/New_York', LATER),
    ).toEqual([]);
  });
});
