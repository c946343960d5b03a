import { randomUUID } from 'node:crypto';
import { and, asc, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessCodeEvents,
  accessCodes,
  auditLog,
  properties,
  reservationDevices,
  reservations,
} from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import { createAccessCode } from '@/lib/access-codes/operations';
import { listAccessCodes } from '@/lib/access-codes/reads';
import type { Actor } from '@/lib/auth/actor';
import { InvalidInputError } from '@/lib/validation';
import {
  cancelReservation,
  createReservation,
  getReservation,
  updateReservation,
} from './operations';
import {
  type CreateReservationInput,
  GUEST_NAME_MAX_LENGTH,
  type UpdateReservationInput,
} from './stay-input';

const NOW = new Date('2026-11-26T12:00:00Z');
const ZONE = 'America/New_York';

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let rival: Awaited<ReturnType<typeof createOrganization>>;
let annexId: string;
let frontDesk: Actor;
let rivalAdmin: Actor;
let rivalLock: Awaited<ReturnType<typeof addSimulatedLock>>;
let lockCount = 0;

/** A fresh lock at Harbor Inn (or another Harbor property). */
async function newLock(options: { propertyId?: string; allowedLengths?: number[] } = {}) {
  lockCount += 1;
  return addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: options.propertyId ?? harbor.property.id,
    name: `Room ${300 + lockCount}`,
    room: String(300 + lockCount),
    allowedLengths: options.allowedLengths,
  });
}

function stay(overrides: Partial<CreateReservationInput> = {}): CreateReservationInput {
  return {
    propertyId: harbor.property.id,
    guestName: 'Ada Lovelace',
    guestEmail: 'ada@example.com',
    guestPhone: '+14155550123',
    checkInDate: '2026-12-10',
    checkOutDate: '2026-12-13',
    deviceIds: [],
    ...overrides,
  };
}

async function rowCounts() {
  const tables = { reservations, reservationDevices, accessCodes, accessCodeEvents, auditLog };
  const counts: Record<string, number | undefined> = {};
  for (const [name, table] of Object.entries(tables)) {
    const [row] = await database.db.select({ n: count() }).from(table);
    counts[name] = row?.n;
  }
  return counts;
}

async function eventTypesOf(accessCodeId: string) {
  const rows = await database.db
    .select()
    .from(accessCodeEvents)
    .where(eq(accessCodeEvents.accessCodeId, accessCodeId))
    .orderBy(asc(accessCodeEvents.id));
  return rows.map((r) => r.eventType);
}

const byDevice = <T extends { deviceId: string }>(rows: T[]) =>
  new Map(rows.map((r) => [r.deviceId, r]));

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, {
    name: 'Harbor',
    roles: ['admin', 'front_desk'],
  });
  rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
  const [annex] = await database.db
    .insert(properties)
    .values({
      organizationId: harbor.org.id,
      name: 'Harbor Annex',
      timeZone: ZONE,
      checkInTime: '16:00',
      checkOutTime: '10:30',
    })
    .returning();
  if (!annex) throw new Error('no annex');
  annexId = annex.id;
  rivalLock = await addSimulatedLock(database.db, {
    organizationId: rival.org.id,
    propertyId: rival.property.id,
    name: 'Rival Penthouse Secret',
  });
});
afterAll(async () => {
  await database?.close();
});

describe('createReservation', () => {
  it('gives each lock one time-bound guest code, same digits, for exactly the stay', async () => {
    const room = await newLock();
    const gate = await newLock();
    const created = await createReservation(
      database.db,
      frontDesk,
      stay({
        checkInDate: '2027-03-14',
        checkInTime: '15:00',
        checkOutDate: '2027-03-16',
        checkOutTime: '11:00',
        deviceIds: [room.id, gate.id],
      }),
      NOW,
    );
    // 2027-03-14 is the Sunday US daylight time starts: 15:00 that afternoon is EDT (UTC-4).
    expect(created.startsAt).toEqual(new Date('2027-03-14T19:00:00Z'));
    expect(created.endsAt).toEqual(new Date('2027-03-16T15:00:00Z'));
    expect(created.status).toBe('confirmed');
    expect([...created.deviceIds].sort()).toEqual([room.id, gate.id].sort());

    expect(created.accessCodes).toHaveLength(2);
    const codes = byDevice(created.accessCodes);
    const digits = codes.get(room.id)?.code;
    expect(digits).toMatch(/^\d{6}$/);
    for (const lock of [room, gate]) {
      const code = codes.get(lock.id);
      expect(code).toMatchObject({
        type: 'time_bound',
        code: digits,
        name: 'Ada Lovelace',
        reservationId: created.id,
        status: 'unset',
        createdByUserId: frontDesk.userId,
      });
      expect(code?.startsAt).toEqual(created.startsAt);
      expect(code?.endsAt).toEqual(created.endsAt);
      expect(await eventTypesOf(code?.id ?? '')).toEqual(['created']);
    }

    const read = await getReservation(database.db, frontDesk, created.id);
    expect(read.accessCodes.map((c) => c.id).sort()).toEqual(
      created.accessCodes.map((c) => c.id).sort(),
    );
    expect(read).toMatchObject({ guestEmail: 'ada@example.com', guestPhone: '+14155550123' });
  });

  it('converts local times in the property’s zone on both sides of the DST change', async () => {
    // The premise: New York clocks jump from 02:00 EST to 03:00 EDT on Sunday 2027-03-14.
    const zoneName = (iso: string) =>
      new Intl.DateTimeFormat('en-US', { timeZone: ZONE, timeZoneName: 'short', weekday: 'long' })
        .formatToParts(new Date(iso))
        .filter((p) => p.type === 'weekday' || p.type === 'timeZoneName')
        .map((p) => p.value);
    expect(zoneName('2027-03-14T06:59:00Z')).toEqual(['Sunday', 'EST']);
    expect(zoneName('2027-03-14T07:00:00Z')).toEqual(['Sunday', 'EDT']);

    const room = await newLock();
    const created = await createReservation(
      database.db,
      frontDesk,
      stay({
        checkInDate: '2027-03-13',
        checkInTime: '15:00',
        checkOutDate: '2027-03-15',
        checkOutTime: '11:00',
        deviceIds: [room.id],
      }),
      NOW,
    );
    expect(created.startsAt).toEqual(new Date('2027-03-13T20:00:00Z'));
    expect(created.endsAt).toEqual(new Date('2027-03-15T15:00:00Z'));
    expect(created.accessCodes[0]?.startsAt).toEqual(new Date('2027-03-13T20:00:00Z'));
    expect(created.accessCodes[0]?.endsAt).toEqual(new Date('2027-03-15T15:00:00Z'));
  });

  it('uses the property’s check-in and check-out times when none are given', async () => {
    const room = await newLock();
    const inn = await createReservation(
      database.db,
      frontDesk,
      stay({ checkInDate: '2026-12-10', checkOutDate: '2026-12-13', deviceIds: [room.id] }),
      NOW,
    );
    // Harbor Inn: 15:00 and 11:00, Eastern Standard Time (UTC-5) in December.
    expect(inn.startsAt).toEqual(new Date('2026-12-10T20:00:00Z'));
    expect(inn.endsAt).toEqual(new Date('2026-12-13T16:00:00Z'));

    const annexRoom = await newLock({ propertyId: annexId });
    const annex = await createReservation(
      database.db,
      frontDesk,
      stay({
        propertyId: annexId,
        checkInDate: '2026-12-10',
        checkOutDate: '2026-12-13',
        deviceIds: [annexRoom.id],
      }),
      NOW,
    );
    // Harbor Annex: 16:00 and 10:30.
    expect(annex.startsAt).toEqual(new Date('2026-12-10T21:00:00Z'));
    expect(annex.endsAt).toEqual(new Date('2026-12-13T15:30:00Z'));
    expect(annex.accessCodes[0]?.startsAt).toEqual(annex.startsAt);
    expect(annex.accessCodes[0]?.endsAt).toEqual(annex.endsAt);
  });
});

describe('createReservation refuses bad input and changes nothing', () => {
  it('refuses a check-out that is not after check-in, or already past', async () => {
    const room = await newLock();
    const cases: [Partial<CreateReservationInput>, RegExp][] = [
      [
        {
          checkInDate: '2026-12-10',
          checkInTime: '15:00',
          checkOutDate: '2026-12-10',
          checkOutTime: '15:00',
        },
        /^Check-out must be after check-in\.$/,
      ],
      [{ checkInDate: '2026-12-13', checkOutDate: '2026-12-10' }, /after check-in/],
      [{ checkInDate: '2026-11-20', checkOutDate: '2026-11-25' }, /future/],
    ];
    for (const [dates, message] of cases) {
      const error = await refused(rowCounts, () =>
        createReservation(database.db, frontDesk, stay({ ...dates, deviceIds: [room.id] }), NOW),
      );
      expect(error.code).toBe('invalid_input');
      expect(error.options.field).toBe('checkOutDate');
      expect(error.message).toMatch(message);
    }
  });

  it('refuses a check-in years ahead (a year typed wrong), naming the limit on check-in', async () => {
    const room = await newLock();
    for (const dates of [
      { checkInDate: '9999-12-01', checkOutDate: '9999-12-03' },
      { checkInDate: '2028-12-01', checkOutDate: '2028-12-03' },
    ]) {
      const error = await refused(rowCounts, () =>
        createReservation(database.db, frontDesk, stay({ ...dates, deviceIds: [room.id] }), NOW),
      );
      expect(error.code).toBe('invalid_input');
      expect(error.options.field).toBe('checkInDate');
      expect(error.message).toBe('Check-in must be within 2 years.');
    }
    // Inside the limit is a stay like any other.
    await createReservation(
      database.db,
      frontDesk,
      stay({ checkInDate: '2028-11-01', checkOutDate: '2028-11-03', deviceIds: [room.id] }),
      NOW,
    );
  });

  it('answers not found for a property that does not exist or is another organization’s', async () => {
    const room = await newLock();
    for (const propertyId of [randomUUID(), rival.property.id]) {
      const error = await refused(rowCounts, () =>
        createReservation(database.db, frontDesk, stay({ propertyId, deviceIds: [room.id] }), NOW),
      );
      expect(error.code).toBe('not_found');
      expect(error.message).toBe('Property not found.');
    }
  });

  it('refuses a lock of another property or another organization, naming deviceIds', async () => {
    const room = await newLock();
    const annexRoom = await newLock({ propertyId: annexId });
    const elsewhere = await refused(rowCounts, () =>
      createReservation(database.db, frontDesk, stay({ deviceIds: [room.id, annexRoom.id] }), NOW),
    );
    expect(elsewhere.code).toBe('invalid_input');
    expect(elsewhere.options.field).toBe('deviceIds');
    expect(elsewhere.message).toBe(`${annexRoom.name} is not at this property.`);

    for (const foreign of [rivalLock.id, randomUUID()]) {
      const error = await refused(rowCounts, () =>
        createReservation(database.db, frontDesk, stay({ deviceIds: [room.id, foreign] }), NOW),
      );
      expect(error.code).toBe('invalid_input');
      expect(error.options.field).toBe('deviceIds');
      expect(error.message).not.toContain(rivalLock.name);
    }
    expect(
      (await listAccessCodes(database.db, rivalAdmin, { deviceId: rivalLock.id }, NOW)).accessCodes,
    ).toEqual([]);
  });

  it('reports every problem at once: a check-out before check-in together with a bad email', async () => {
    const room = await newLock();
    const error = await refused(() =>
      createReservation(
        database.db,
        frontDesk,
        stay({
          guestName: ' ',
          guestEmail: 'ada-at-example.com',
          checkInDate: '2026-12-13',
          checkOutDate: '2026-12-10',
          deviceIds: [room.id],
        }),
        NOW,
      ),
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).fieldErrors).toEqual({
      guestName: 'Guest name is required.',
      guestEmail: 'Guest email must be a valid email address.',
      checkOutDate: 'Check-out must be after check-in.',
    });
    // The API answers one problem: the first, named as before.
    expect(error.code).toBe('invalid_input');
    expect(error.options.field).toBe('guestName');
  });

  it('refuses a guest name over the limit, naming the limit, rather than cutting it', async () => {
    const room = await newLock();
    const error = await refused(() =>
      createReservation(
        database.db,
        frontDesk,
        stay({ guestName: 'A'.repeat(GUEST_NAME_MAX_LENGTH + 1), deviceIds: [room.id] }),
        NOW,
      ),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.options.field).toBe('guestName');
    expect(error.message).toBe(`Guest name must be at most ${GUEST_NAME_MAX_LENGTH} characters.`);

    // At the limit, the name is kept whole, on the stay and on its code.
    const longest = 'B'.repeat(GUEST_NAME_MAX_LENGTH);
    const kept = await createReservation(
      database.db,
      frontDesk,
      stay({ guestName: longest, deviceIds: [room.id] }),
      NOW,
    );
    expect(kept.guestName).toBe(longest);
    expect(kept.accessCodes[0]?.name).toBe(longest);
  });

  it('refuses a stay with no locks', async () => {
    const error = await refused(rowCounts, () =>
      createReservation(database.db, frontDesk, stay({ deviceIds: [] }), NOW),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.options.field).toBe('deviceIds');
    expect(error.message).toMatch(/at least one lock/);
  });

  it('refuses a bad phone number or email, naming the field', async () => {
    const room = await newLock();
    const phone = await refused(rowCounts, () =>
      createReservation(
        database.db,
        frontDesk,
        stay({ guestPhone: '555-0123', deviceIds: [room.id] }),
        NOW,
      ),
    );
    expect(phone.code).toBe('invalid_input');
    expect(phone.options.field).toBe('guestPhone');
    expect(phone.message).toMatch(/international form/);

    // Typed the way people write numbers, it is kept in the form SMS providers take.
    const typed = await createReservation(
      database.db,
      frontDesk,
      stay({ guestPhone: '+1 (415) 555-0123', deviceIds: [room.id] }),
      NOW,
    );
    expect(typed.guestPhone).toBe('+14155550123');

    const email = await refused(rowCounts, () =>
      createReservation(
        database.db,
        frontDesk,
        stay({ guestEmail: 'ada-at-example.com', deviceIds: [room.id] }),
        NOW,
      ),
    );
    expect(email.code).toBe('invalid_input');
    expect(email.options.field).toBe('guestEmail');
    expect(email.message).toMatch(/email/);
  });
});

describe('updateReservation', () => {
  it('moves every guest code’s window with the stay’s dates', async () => {
    const room = await newLock();
    const gate = await newLock();
    const created = await createReservation(
      database.db,
      frontDesk,
      stay({ deviceIds: [room.id, gate.id] }),
      NOW,
    );
    const digits = created.accessCodes[0]?.code;

    // Only the dates move: check-in keeps 15:00, check-out gets a late 12:00.
    const updated = await updateReservation(
      database.db,
      frontDesk,
      created.id,
      { checkInDate: '2026-12-11', checkOutDate: '2026-12-14', checkOutTime: '12:00' },
      NOW,
    );
    const startsAt = new Date('2026-12-11T20:00:00Z');
    const endsAt = new Date('2026-12-14T17:00:00Z');
    expect(updated.startsAt).toEqual(startsAt);
    expect(updated.endsAt).toEqual(endsAt);

    const read = await getReservation(database.db, frontDesk, created.id);
    expect(read.startsAt).toEqual(startsAt);
    expect(read.accessCodes.map((c) => c.id).sort()).toEqual(
      created.accessCodes.map((c) => c.id).sort(),
    );
    expect(read.accessCodes).toHaveLength(2);
    for (const code of read.accessCodes) {
      expect(code.startsAt).toEqual(startsAt);
      expect(code.endsAt).toEqual(endsAt);
      expect(code.code).toBe(digits);
      expect(await eventTypesOf(code.id)).toEqual(['created', 'time_frame_changed']);
    }
    const [moved] = await database.db
      .select()
      .from(accessCodeEvents)
      .where(
        and(
          eq(accessCodeEvents.accessCodeId, read.accessCodes[0]?.id ?? ''),
          eq(accessCodeEvents.eventType, 'time_frame_changed'),
        ),
      );
    expect(moved?.detail).toEqual({
      starts_at: startsAt.toISOString(),
      ends_at: endsAt.toISOString(),
    });
  });

  it('deletes the code of a lock taken off the stay', async () => {
    const room = await newLock();
    const gate = await newLock();
    const created = await createReservation(
      database.db,
      frontDesk,
      stay({ deviceIds: [room.id, gate.id] }),
      NOW,
    );
    const gateCode = byDevice(created.accessCodes).get(gate.id);
    if (!gateCode) throw new Error('no gate code');

    const updated = await updateReservation(
      database.db,
      frontDesk,
      created.id,
      { deviceIds: [room.id] },
      NOW,
    );
    expect(updated.deviceIds).toEqual([room.id]);
    const read = await getReservation(database.db, frontDesk, created.id);
    expect(read.deviceIds).toEqual([room.id]);
    expect(read.accessCodes.map((c) => c.deviceId)).toEqual([room.id]);
    expect(
      (await listAccessCodes(database.db, frontDesk, { deviceId: gate.id }, NOW)).accessCodes,
    ).toEqual([]);
    const [gateRow] = await database.db
      .select()
      .from(accessCodes)
      .where(eq(accessCodes.id, gateCode.id));
    expect(gateRow).toMatchObject({ desiredState: 'absent', deletedAt: NOW });
    expect(await eventTypesOf(gateCode.id)).toEqual(['created', 'deleted']);
  });

  it('gives a lock added to the stay a code with the stay’s digits and window', async () => {
    const room = await newLock();
    const created = await createReservation(
      database.db,
      frontDesk,
      stay({ deviceIds: [room.id] }),
      NOW,
    );
    const digits = created.accessCodes[0]?.code;
    const pool = await newLock();
    const updated = await updateReservation(
      database.db,
      frontDesk,
      created.id,
      { deviceIds: [room.id, pool.id] },
      NOW,
    );
    expect([...updated.deviceIds].sort()).toEqual([room.id, pool.id].sort());
    const read = await getReservation(database.db, frontDesk, created.id);
    const poolCode = byDevice(read.accessCodes).get(pool.id);
    expect(poolCode).toMatchObject({
      code: digits,
      type: 'time_bound',
      reservationId: created.id,
      name: 'Ada Lovelace',
    });
    expect(poolCode?.startsAt).toEqual(created.startsAt);
    expect(poolCode?.endsAt).toEqual(created.endsAt);
    expect(byDevice(read.accessCodes).get(room.id)?.id).toBe(created.accessCodes[0]?.id);
  });

  it('gives an added lock other digits when the stay’s are taken there at that time', async () => {
    const room = await newLock();
    const created = await createReservation(
      database.db,
      frontDesk,
      stay({ deviceIds: [room.id] }),
      NOW,
    );
    const digits = created.accessCodes[0]?.code ?? '';
    const gym = await newLock();
    await createAccessCode(database.db, frontDesk, { deviceId: gym.id, code: digits }, NOW);
    await updateReservation(
      database.db,
      frontDesk,
      created.id,
      { deviceIds: [room.id, gym.id] },
      NOW,
    );
    const gymCodes = (await listAccessCodes(database.db, frontDesk, { deviceId: gym.id }, NOW))
      .accessCodes;
    expect(gymCodes).toHaveLength(2);
    const guest = gymCodes.find((c) => c.reservationId === created.id);
    expect(guest?.code).toMatch(/^\d{6}$/);
    expect(guest?.code).not.toBe(digits);
  });

  it('gives the stay new digits when its new dates would put them on the lock while another code holds them', async () => {
    // Issue 17 case 1: a lock holds each code once, from its programming time
    // (here 30 minutes before check-in) until check-out. Moving a stay must not
    // be refused for digits staff never chose; the guest gets new ones and a
    // correction once they are on the lock.
    const room = await newLock();
    const created = await createReservation(
      database.db,
      frontDesk,
      stay({ deviceIds: [room.id], checkInDate: '2026-12-10', checkOutDate: '2026-12-12' }),
      NOW,
    );
    const guestCode = created.accessCodes[0];
    const digits = guestCode?.code ?? '';
    // A hand-made code with the same digits from the afternoon of the 12th.
    await createAccessCode(
      database.db,
      frontDesk,
      {
        deviceId: room.id,
        code: digits,
        startsAt: new Date('2026-12-12T20:00:00Z'),
        endsAt: new Date('2026-12-13T16:00:00Z'),
      },
      NOW,
    );
    const moved = await updateReservation(
      database.db,
      frontDesk,
      created.id,
      { checkOutDate: '2026-12-13' },
      NOW,
    );
    const code = moved.accessCodes.find((c) => c.id === guestCode?.id);
    expect(code?.endsAt?.toISOString()).toBe('2026-12-13T16:00:00.000Z');
    expect(code?.code).toMatch(/^\d{6}$/);
    expect(code?.code).not.toBe(digits);
    expect(await eventTypesOf(guestCode?.id ?? '')).toContain('code_changed');
  });

  it('refuses a foreign lock or a backwards stay and changes nothing', async () => {
    const room = await newLock();
    const created = await createReservation(
      database.db,
      frontDesk,
      stay({ deviceIds: [room.id] }),
      NOW,
    );
    const foreign = await refused(rowCounts, () =>
      updateReservation(
        database.db,
        frontDesk,
        created.id,
        { deviceIds: [room.id, rivalLock.id], guestName: 'Changed' },
        NOW,
      ),
    );
    expect(foreign.code).toBe('invalid_input');
    expect(foreign.options.field).toBe('deviceIds');

    const backwards = await refused(rowCounts, () =>
      updateReservation(database.db, frontDesk, created.id, { checkOutDate: '2026-12-09' }, NOW),
    );
    expect(backwards.code).toBe('invalid_input');
    expect(backwards.options.field).toBe('checkOutDate');

    const read = await getReservation(database.db, frontDesk, created.id);
    expect(read).toMatchObject({ guestName: 'Ada Lovelace', deviceIds: [room.id] });
    expect(read.endsAt).toEqual(created.endsAt);
    expect(read.accessCodes[0]?.endsAt).toEqual(created.endsAt);
  });

  it('refuses an edit with several problems all at once, and a name over the limit, changing nothing', async () => {
    const room = await newLock();
    const created = await createReservation(
      database.db,
      frontDesk,
      stay({ deviceIds: [room.id] }),
      NOW,
    );
    const several = await refused(() =>
      updateReservation(
        database.db,
        frontDesk,
        created.id,
        { guestEmail: 'not an email', guestPhone: '555-0123', checkOutDate: '2026-12-09' },
        NOW,
      ),
    );
    expect((several as InvalidInputError).fieldErrors).toEqual({
      guestEmail: 'Guest email must be a valid email address.',
      guestPhone:
        'Guest phone must be in international form with its country code, like +1 415 555 0123.',
      checkOutDate: 'Check-out must be after check-in.',
    });

    const tooLong = await refused(() =>
      updateReservation(
        database.db,
        frontDesk,
        created.id,
        { guestName: `${'C'.repeat(GUEST_NAME_MAX_LENGTH)}D` },
        NOW,
      ),
    );
    expect(tooLong.options.field).toBe('guestName');
    expect(tooLong.message).toBe(`Guest name must be at most ${GUEST_NAME_MAX_LENGTH} characters.`);

    const read = await getReservation(database.db, frontDesk, created.id);
    expect(read).toMatchObject({ guestName: 'Ada Lovelace', guestEmail: 'ada@example.com' });
    expect(read.endsAt).toEqual(created.endsAt);
    expect(read.accessCodes[0]?.name).toBe('Ada Lovelace');
  });

  it('answers not found to another organization', async () => {
    const room = await newLock();
    const created = await createReservation(
      database.db,
      frontDesk,
      stay({ deviceIds: [room.id] }),
      NOW,
    );
    const calls = [
      () => getReservation(database.db, rivalAdmin, created.id),
      () => updateReservation(database.db, rivalAdmin, created.id, { guestName: 'Mallory' }, NOW),
      () => cancelReservation(database.db, rivalAdmin, created.id, NOW),
    ];
    for (const call of calls) {
      const error = await refused(rowCounts, call);
      expect(error.code).toBe('not_found');
    }
    const read = await getReservation(database.db, frontDesk, created.id);
    expect(read).toMatchObject({ guestName: 'Ada Lovelace', status: 'confirmed' });
    expect(read.accessCodes).toHaveLength(1);
  });
});

describe('cancelReservation', () => {
  it('deletes every code of the stay; cancelling again is harmless; updating it is a conflict', async () => {
    const room = await newLock();
    const gate = await newLock();
    const created = await createReservation(
      database.db,
      frontDesk,
      stay({ deviceIds: [room.id, gate.id] }),
      NOW,
    );
    const cancelled = await cancelReservation(database.db, frontDesk, created.id, NOW);
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelledAt: NOW });

    const read = await getReservation(database.db, frontDesk, created.id);
    expect(read.status).toBe('cancelled');
    expect(read.accessCodes).toEqual([]);
    for (const lock of [room, gate]) {
      expect(
        (await listAccessCodes(database.db, frontDesk, { deviceId: lock.id }, NOW)).accessCodes,
      ).toEqual([]);
    }
    expect(created.accessCodes).toHaveLength(2);
    for (const code of created.accessCodes) {
      expect(await eventTypesOf(code.id)).toEqual(['created', 'deleted']);
    }

    const before = await rowCounts();
    const again = await cancelReservation(database.db, frontDesk, created.id, NOW);
    expect(again).toMatchObject({ id: created.id, status: 'cancelled', cancelledAt: NOW });
    expect(await rowCounts()).toEqual(before);

    const conflict = await refused(rowCounts, () =>
      updateReservation(
        database.db,
        frontDesk,
        created.id,
        { checkOutDate: '2026-12-15', deviceIds: [room.id, gate.id] },
        NOW,
      ),
    );
    expect(conflict.code).toBe('conflict');
    expect((await getReservation(database.db, frontDesk, created.id)).endsAt).toEqual(
      created.endsAt,
    );
  });
});

describe('audit log', () => {
  it('records created, updated and cancelled, by whom, with no PIN in the detail', async () => {
    const room = await newLock();
    const gate = await newLock();
    const created = await createReservation(
      database.db,
      frontDesk,
      stay({ deviceIds: [room.id] }),
      NOW,
    );
    const digits = created.accessCodes[0]?.code ?? '';
    expect(digits).toMatch(/^\d{6}$/);
    await updateReservation(
      database.db,
      frontDesk,
      created.id,
      { checkOutDate: '2026-12-14', deviceIds: [room.id, gate.id] },
      NOW,
    );
    await cancelReservation(database.db, frontDesk, created.id, NOW);

    const entries = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetType, 'reservation'), eq(auditLog.targetId, created.id)))
      .orderBy(asc(auditLog.id));
    expect(entries.map((e) => e.action)).toEqual([
      'reservation.created',
      'reservation.updated',
      'reservation.cancelled',
    ]);
    for (const entry of entries) {
      expect(entry.organizationId).toBe(harbor.org.id);
      expect(entry.actorUserId).toBe(frontDesk.userId);
      expect(JSON.stringify(entry.detail ?? {})).not.toContain(digits);
    }
    expect(entries[0]?.detail).toEqual({ locks: 1 });
    expect(entries[1]?.detail).toEqual({ datesChanged: true, locksAdded: 1, locksRemoved: 0 });
  });
});

describe('double bookings', () => {
  // Maya holds the lock until Sun 6 Dec 11:00 EST.
  const maya = (lockId: string) =>
    createReservation(
      database.db,
      frontDesk,
      stay({
        guestName: 'Maya Lindqvist',
        checkInDate: '2026-12-04',
        checkOutDate: '2026-12-06',
        deviceIds: [lockId],
      }),
      NOW,
    );
  const booker = (lockId: string, overrides: Partial<CreateReservationInput> = {}) =>
    stay({
      guestName: 'Double Booker',
      checkInDate: '2026-12-05',
      checkOutDate: '2026-12-07',
      deviceIds: [lockId],
      ...overrides,
    });

  it('refuses a stay overlapping another on its lock, naming the lock, the guest and until when, and writes nothing', async () => {
    const room = await newLock();
    const gate = await newLock();
    await maya(room.id);
    const error = await refused(rowCounts, () =>
      createReservation(
        database.db,
        frontDesk,
        booker(room.id, { deviceIds: [gate.id, room.id] }),
        NOW,
      ),
    );
    expect(error.code).toBe('conflict');
    expect(error.options.field).toBe('allowOverlap');
    expect(error.message).toBe(
      `${room.name} is booked by Maya Lindqvist until Sun, 6 Dec 2026, 11:00 EST — book anyway?`,
    );
  });

  it('saves the overlap once confirmed, and the audit says with whom', async () => {
    const room = await newLock();
    const first = await maya(room.id);
    const second = await createReservation(
      database.db,
      frontDesk,
      booker(room.id, { allowOverlap: true }),
      NOW,
    );
    expect(second.status).toBe('confirmed');
    expect(second.accessCodes).toHaveLength(1);
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'reservation.created'), eq(auditLog.targetId, second.id)));
    expect(entry?.detail).toEqual({ locks: 1, overlapsConfirmed: [first.id] });
  });

  it('allows a stay that begins exactly when the other ends', async () => {
    const room = await newLock();
    await maya(room.id);
    const next = await createReservation(
      database.db,
      frontDesk,
      booker(room.id, { checkInDate: '2026-12-06', checkInTime: '11:00' }),
      NOW,
    );
    expect(next.deviceIds).toEqual([room.id]);
    // And one that ends exactly when the other begins (Maya arrives 4 Dec 15:00).
    await createReservation(
      database.db,
      frontDesk,
      booker(room.id, {
        checkInDate: '2026-12-02',
        checkOutDate: '2026-12-04',
        checkOutTime: '15:00',
      }),
      NOW,
    );
  });

  it('never counts a cancelled stay', async () => {
    const room = await newLock();
    const cancelled = await maya(room.id);
    await cancelReservation(database.db, frontDesk, cancelled.id, NOW);
    const created = await createReservation(database.db, frontDesk, booker(room.id), NOW);
    expect(created.status).toBe('confirmed');
  });

  it('never counts another organization’s stay, even one linked to this organization’s lock', async () => {
    const room = await newLock();
    // A rival's stay tied to Harbor's lock: only a broken row could say so, and it must not leak.
    const [foreign] = await database.db
      .insert(reservations)
      .values({
        organizationId: rival.org.id,
        propertyId: rival.property.id,
        guestName: 'Rival Secret Guest',
        startsAt: new Date('2026-12-04T20:00:00Z'),
        endsAt: new Date('2026-12-06T16:00:00Z'),
      })
      .returning();
    if (!foreign) throw new Error('no rival stay');
    await database.db
      .insert(reservationDevices)
      .values({ reservationId: foreign.id, deviceId: room.id, organizationId: rival.org.id });
    const created = await createReservation(database.db, frontDesk, booker(room.id), NOW);
    expect(created.status).toBe('confirmed');
  });

  it('refuses an edit that makes an overlap, by new dates or an added lock, until it is confirmed', async () => {
    const room = await newLock();
    const gate = await newLock();
    await maya(room.id);
    const after = { checkInDate: '2026-12-06', checkOutDate: '2026-12-08' };
    const later = await createReservation(database.db, frontDesk, booker(room.id, after), NOW);
    const elsewhere = await createReservation(
      database.db,
      frontDesk,
      booker(gate.id, { checkOutDate: '2026-12-06' }),
      NOW,
    );
    const edits: [string, UpdateReservationInput][] = [
      [later.id, { checkInDate: '2026-12-05' }],
      [elsewhere.id, { deviceIds: [gate.id, room.id] }],
    ];
    for (const [id, change] of edits) {
      const error = await refused(rowCounts, () =>
        updateReservation(database.db, frontDesk, id, change, NOW),
      );
      expect(error.code).toBe('conflict');
      expect(error.options.field).toBe('allowOverlap');
      expect(error.message).toBe(
        `${room.name} is booked by Maya Lindqvist until Sun, 6 Dec 2026, 11:00 EST — book anyway?`,
      );
    }
    const moved = await updateReservation(
      database.db,
      frontDesk,
      elsewhere.id,
      { deviceIds: [gate.id, room.id], allowOverlap: true },
      NOW,
    );
    expect(moved.deviceIds).toEqual([gate.id, room.id]);
    // Confirmed once: changing the guest's name does not ask again.
    const renamed = await updateReservation(
      database.db,
      frontDesk,
      elsewhere.id,
      { guestName: 'Double Booker Jr' },
      NOW,
    );
    expect(renamed.guestName).toBe('Double Booker Jr');
  });
});
