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
import { ARRIVALS_PAGE_SIZE, assessArrivals, listArrivals } from './arrivals';

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

  it('ranks, counts and pages every stay as assessing each one in full does, with only the page in words', async () => {
    // Thirty stays on thirty rooms, five of each kind below: more than a page,
    // with every verdict and the problems whose words take times or a pull.
    const inn = await createOrganization(database.db, { roles: ['front_desk'] });
    const desk = await actorFor(database.db, inn, 'front_desk');
    const failed = { code: 'failed_to_set_on_device', message: 'Not on the lock.', createdAt: '' };
    const offline = {
      code: 'device_disconnected',
      message: 'offline',
      createdAt: new Date(NOW.getTime() - 5 * HOUR).toISOString(),
    };
    const kinds = ['ready', 'on track', 'low battery', 'offline', 'failed code', 'double booked'];
    for (let i = 0; i < 30; i++) {
      const kind = kinds[i % kinds.length];
      const room = await lockIn(inn, String(300 + i));
      const book = (guestName: string, checkInDate: string, checkOutDate: string) =>
        createReservation(
          database.db,
          desk,
          {
            propertyId: inn.property.id,
            guestName,
            guestEmail: `guest${i}@example.com`,
            checkInDate,
            checkOutDate,
            deviceIds: [room?.id ?? ''],
            allowOverlap: true,
          },
          NOW,
        );
      // Check-ins over three days, so the order within a verdict is by check-in;
      // a ready guest's code is not due to be sent yet.
      const day = kind === 'ready' ? 8 : 6 + (i % 3);
      const stay = await book(`${kind} ${i}`, `2026-11-2${day}`, '2026-11-30');
      if (kind === 'double booked') await book(`Staying ${i}`, '2026-11-25', '2026-11-29');
      const code = eq(accessCodes.reservationId, stay.id);
      if (kind === 'ready' || kind === 'low battery') {
        await database.db
          .update(accessCodes)
          .set({ status: 'set', externalRef: `r${i}` })
          .where(code);
      }
      if (kind === 'failed code')
        await database.db
          .update(accessCodes)
          .set({ errors: [failed] })
          .where(code);
      const device = eq(devices.id, room?.id ?? '');
      if (kind === 'low battery')
        await database.db.update(devices).set({ batteryLevel: 0.05 }).where(device);
      if (kind === 'offline') {
        await database.db
          .update(devices)
          .set({ online: false, errors: [offline] })
          .where(device);
      }
    }

    const full = await assessArrivals(database.db, inn.org.id, NOW);
    const verdicts = full.arrivals.map((a) => a.readiness.verdict);
    for (const verdict of ['at_risk', 'needs_attention', 'on_track', 'ready'] as const) {
      expect(verdicts).toContain(verdict);
    }
    const checks = full.arrivals.flatMap((a) => a.readiness.problems.map((p) => p.check));
    for (const check of ['battery', 'code', 'online', 'overlap'] as const)
      expect(checks).toContain(check);
    for (const verdict of [undefined, 'at_risk', 'needs_attention', 'on_track', 'ready'] as const) {
      const matching = full.arrivals.filter((a) => !verdict || a.readiness.verdict === verdict);
      for (const page of [1, 2, 3]) {
        const board = await listArrivals(database.db, desk, { verdict, page }, NOW);
        const start = (page - 1) * ARRIVALS_PAGE_SIZE;
        expect(board.arrivals).toEqual(matching.slice(start, start + ARRIVALS_PAGE_SIZE));
        expect(board.matching).toBe(matching.length);
        expect(board.counts).toEqual({
          at_risk: verdicts.filter((v) => v === 'at_risk').length,
          needs_attention: verdicts.filter((v) => v === 'needs_attention').length,
          on_track: verdicts.filter((v) => v === 'on_track').length,
          ready: verdicts.filter((v) => v === 'ready').length,
        });
      }
    }
    // The page is in words: each code's state, and the other guest's check-out.
    const page = await listArrivals(database.db, desk, {}, NOW);
    expect(page.arrivals.every((a) => a.readiness.locks.every((l) => l.state !== null))).toBe(true);
    expect(page.arrivals.flatMap((a) => a.readiness.problems.map((p) => p.message))).not.toContain(
      '',
    );
  });
});
