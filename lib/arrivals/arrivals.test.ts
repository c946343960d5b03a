import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessCodes, devices, organizations, reservationDevices, reservations } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import type { AppError } from '@/lib/errors';
import { recordEvents } from '@/lib/events/store';
import { createReservation } from '@/lib/reservations/operations';
import { listArrivals } from './arrivals';

// 07:00 in New York, where the test organizations' properties are.
const NOW = new Date('2026-11-26T12:00:00Z');
const HOUR = 3_600_000;

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let frontDesk: Actor;
let rivalOwner: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, { roles: ['front_desk'] });
  const rival = await createOrganization(database.db, { roles: ['owner'] });
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  rivalOwner = await actorFor(database.db, rival, 'owner');
});
afterAll(async () => {
  await database?.close();
});

const lockIn = (org: typeof harbor, room: string) =>
  addSimulatedLock(database.db, {
    organizationId: org.org.id,
    propertyId: org.property.id,
    room,
    name: `Room ${room}`,
  });

describe('listArrivals', () => {
  it('lists today’s and the next 72 hours’ arrivals, an offline lock first, and today’s departures with codes left on a lock', async () => {
    const [r101, r102, r103, r104] = [
      await lockIn(harbor, '101'),
      await lockIn(harbor, '102'),
      await lockIn(harbor, '103'),
      await lockIn(harbor, '104'),
    ];
    const stay = (guestName: string, checkInDate: string, checkOutDate: string, ids: string[]) =>
      createReservation(
        database.db,
        frontDesk,
        { propertyId: harbor.property.id, guestName, checkInDate, checkOutDate, deviceIds: ids },
        NOW,
      );
    // No two stays share a lock at the same time: that would be a double booking.
    await stay('Later Larry', '2026-11-28', '2026-11-30', [r103?.id ?? '']);
    const atRisk = await stay('Offline Olga', '2026-11-27', '2026-11-29', [
      r101?.id ?? '',
      r102?.id ?? '',
    ]);
    await stay('Next Week Nina', '2026-12-02', '2026-12-04', [r103?.id ?? '']);
    await stay('In-house Ian', '2026-11-25', '2026-11-28', [r104?.id ?? '']);
    // Checked in at 06:00, an hour ago, and may not have reached the door yet.
    await createReservation(
      database.db,
      frontDesk,
      {
        propertyId: harbor.property.id,
        guestName: 'Early Eve',
        checkInDate: '2026-11-26',
        checkInTime: '06:00',
        checkOutDate: '2026-11-27',
        deviceIds: [r103?.id ?? ''],
      },
      NOW,
    );
    await database.db
      .update(devices)
      .set({ online: false })
      .where(eq(devices.id, r102?.id ?? ''));

    // Left at 06:00 this morning, an hour ago; its code is still on Room 103.
    const [gone] = await database.db
      .insert(reservations)
      .values({
        organizationId: harbor.org.id,
        propertyId: harbor.property.id,
        guestName: 'Departed Dev',
        startsAt: new Date(NOW.getTime() - 48 * HOUR),
        endsAt: new Date(NOW.getTime() - HOUR),
      })
      .returning();
    await database.db.insert(reservationDevices).values({
      reservationId: gone?.id ?? '',
      deviceId: r103?.id ?? '',
      organizationId: harbor.org.id,
    });
    await database.db.insert(accessCodes).values({
      organizationId: harbor.org.id,
      deviceId: r103?.id ?? '',
      reservationId: gone?.id,
      type: 'time_bound',
      code: '927461',
      startsAt: gone?.startsAt,
      endsAt: gone?.endsAt,
      status: 'set',
    });

    const board = await listArrivals(database.db, frontDesk, {}, NOW);
    expect(board.arrivals.map((a) => a.guestName)).toEqual([
      'Offline Olga',
      'Early Eve',
      'Later Larry',
    ]);
    const [olga, , larry] = board.arrivals;
    expect(olga?.readiness.verdict).toBe('at_risk');
    expect(olga?.readiness.problems).toContainEqual(
      expect.objectContaining({ check: 'online', deviceId: r102?.id, severity: 'error' }),
    );
    expect(olga?.readiness.locks.map((l) => [l.name, l.code])).toEqual([
      ['Room 101', 'pending'],
      ['Room 102', 'pending'],
    ]);
    expect(larry?.readiness.verdict).not.toBe('at_risk');
    expect(olga?.reservationId).toBe(atRisk.id);

    expect(board.departures).toEqual([
      expect.objectContaining({
        guestName: 'Departed Dev',
        stillOnLocks: [{ deviceId: r103?.id, name: 'Room 103', room: '103' }],
      }),
    ]);

    const theirs = await listArrivals(database.db, rivalOwner, {}, NOW);
    expect(theirs).toMatchObject({ arrivals: [], departures: [], matching: 0 });
  });

  it('counts every arrival by verdict, narrows to one verdict, and pages', async () => {
    const all = await listArrivals(database.db, frontDesk, {}, NOW);
    expect(all.counts.at_risk).toBe(1);
    expect(Object.values(all.counts).reduce((a, b) => a + b)).toBe(all.matching);
    const risky = await listArrivals(database.db, frontDesk, { verdict: 'at_risk' }, NOW);
    expect(risky.arrivals.map((a) => a.guestName)).toEqual(['Offline Olga']);
    expect(risky.counts).toEqual(all.counts);
    const beyond = await listArrivals(database.db, frontDesk, { page: 2 }, NOW);
    expect(beyond.arrivals).toEqual([]);
    const error = await listArrivals(database.db, frontDesk, { page: 0 }, NOW).catch(
      (e: unknown) => e,
    );
    expect((error as AppError).options.field).toBe('page');
  });

  it('marks who has arrived (with the time) and, past the organization’s alert time, who has not', async () => {
    const inn = await createOrganization(database.db, { roles: ['front_desk'] });
    const desk = await actorFor(database.db, inn, 'front_desk');
    const [r201, r202] = [await lockIn(inn, '201'), await lockIn(inn, '202')];
    const stayOn = (guestName: string, deviceId: string) =>
      createReservation(
        database.db,
        desk,
        {
          propertyId: inn.property.id,
          guestName,
          checkInDate: '2026-11-26',
          checkInTime: '15:00',
          checkOutDate: '2026-11-28',
          deviceIds: [deviceId],
        },
        NOW,
      );
    const came = await stayOn('Came Carla', r201?.id ?? '');
    await stayOn('Missing Mo', r202?.id ?? '');
    const [code] = await database.db
      .select({ id: accessCodes.id })
      .from(accessCodes)
      .where(eq(accessCodes.reservationId, came.id));
    await recordEvents(database.db, [
      {
        organizationId: inn.org.id,
        eventType: 'lock.unlocked',
        // 15:42 in New York.
        occurredAt: new Date('2026-11-26T20:42:00Z'),
        deviceId: r201?.id,
        accessCodeId: code?.id,
        reservationId: came.id,
        method: 'keycode',
        dedupeKey: 'lock:r201:1',
      },
    ]);
    // 22:30 in New York, the evening of check-in.
    const evening = new Date('2026-11-27T03:30:00Z');
    const byGuest = async () =>
      new Map(
        (await listArrivals(database.db, desk, {}, evening)).arrivals.map((a) => [a.guestName, a]),
      );

    let board = await byGuest();
    expect(board.get('Came Carla')?.firstEntry?.words).toBe(
      'Arrived 15:42 · Room 201 · guest code',
    );
    expect(board.get('Missing Mo')?.firstEntry).toBeNull();
    // Off by default: not arriving is not yet a problem.
    expect(board.get('Missing Mo')?.readiness.problems.map((p) => p.check)).not.toContain('entry');

    await database.db
      .update(organizations)
      .set({ noEntryAlertTime: '22:00' })
      .where(eq(organizations.id, inn.org.id));
    board = await byGuest();
    expect(board.get('Missing Mo')?.readiness.problems).toContainEqual(
      expect.objectContaining({
        check: 'entry',
        message: "Not yet arrived: nobody has come in with Missing Mo's codes by 22:00.",
      }),
    );
    expect(board.get('Came Carla')?.readiness.problems.map((p) => p.check)).not.toContain('entry');
  });
});
