import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { listArrivals } from '@/lib/arrivals/arrivals';
import type { Actor } from '@/lib/auth/actor';
import { listDeskStays } from './desk';
import { cancelReservation, createReservation } from './operations';
import { findOverlaps, findOverlapsOfStays, windowsOverlap, windowsOverlapSql } from './overlap';
import type { CreateReservationInput } from './stay-input';

// 07:00 in New York, where the test organization's property is.
const NOW = new Date('2026-11-26T12:00:00Z');

describe('windowsOverlap', () => {
  let sqlDatabase: TestDatabase;
  beforeAll(async () => {
    sqlDatabase = await createTestDatabase();
  });
  afterAll(async () => {
    await sqlDatabase?.close();
  });
  const at = (hour: number) => new Date(Date.UTC(2026, 11, 1, hour));
  const stay = (from: number, to: number) => ({ startsAt: at(from), endsAt: at(to) });
  it.each([
    ['the same window', stay(10, 20), stay(10, 20), true],
    ['one inside the other', stay(10, 20), stay(12, 14), true],
    ['one starting before the other ends', stay(10, 20), stay(19, 22), true],
    ['one ending after the other starts', stay(10, 20), stay(5, 11), true],
    ['one ending exactly as the next starts', stay(10, 20), stay(20, 22), false],
    ['one starting exactly as the other ended', stay(10, 20), stay(5, 10), false],
    ['apart', stay(10, 20), stay(21, 22), false],
  ])('%s', async (_, a, b, expected) => {
    expect(windowsOverlap(a, b)).toBe(expected);
    expect(windowsOverlap(b, a)).toBe(expected);
    // The SQL face answers the same, both ways round.
    const window = (w: typeof a) => ({
      startsAt: sql`${w.startsAt.toISOString()}::timestamptz`,
      endsAt: sql`${w.endsAt.toISOString()}::timestamptz`,
    });
    const [row] = await queryRows<{ ab: boolean; ba: boolean }>(
      sqlDatabase.db,
      sql`select ${windowsOverlapSql(window(a), window(b))} as ab, ${windowsOverlapSql(window(b), window(a))} as ba`,
    );
    expect(row).toEqual({ ab: expected, ba: expected });
  });
});

describe('a confirmed double booking', () => {
  let database: TestDatabase;
  let frontDesk: Actor;
  let harbor: Awaited<ReturnType<typeof createOrganization>>;

  beforeAll(async () => {
    database = await createTestDatabase();
    harbor = await createOrganization(database.db, { roles: ['front_desk'] });
    frontDesk = await actorFor(database.db, harbor, 'front_desk');
  });
  afterAll(async () => {
    await database?.close();
  });

  const book = (input: Partial<CreateReservationInput> & { guestName: string; deviceId: string }) =>
    createReservation(
      database.db,
      frontDesk,
      {
        propertyId: harbor.property.id,
        checkInDate: '2026-11-26',
        checkOutDate: '2026-11-27',
        ...input,
        deviceIds: [input.deviceId],
      },
      NOW,
    );

  it('gives a stay on several rooms each clash once per room, by check-in and then room, wherever it was found', async () => {
    const room = (n: string) =>
      addSimulatedLock(database.db, {
        organizationId: harbor.org.id,
        propertyId: harbor.property.id,
        room: n,
        name: `Room ${n}`,
      });
    const [r201, r202, r203] = [await room('201'), await room('202'), await room('203')];
    const stay = (guestName: string, from: string, to: string, deviceIds: string[]) =>
      createReservation(
        database.db,
        frontDesk,
        {
          propertyId: harbor.property.id,
          guestName,
          checkInDate: from,
          checkOutDate: to,
          deviceIds,
          allowOverlap: true,
        },
        NOW,
      );
    await stay('Late Lou', '2026-11-27', '2026-11-29', [r201.id]);
    await stay('Early Eda', '2026-11-24', '2026-11-27', [r202.id]);
    await stay('Both Bo', '2026-11-26', '2026-11-28', [r202.id, r201.id]);
    await stay('Elsewhere Eli', '2026-11-26', '2026-11-28', [r203.id]);
    const mine = await stay('Suite Sam', '2026-11-26', '2026-11-28', [r202.id, r201.id]);

    const [found, alone] = await findOverlaps(database.db, harbor.org.id, [
      // A room named twice is still looked at once.
      { ...mine, reservationId: mine.id, deviceIds: [r202.id, r201.id, r202.id] },
      {
        startsAt: new Date('2026-12-10T00:00:00Z'),
        endsAt: new Date('2026-12-11T00:00:00Z'),
        deviceIds: [r201.id],
      },
    ]);
    expect(found?.map((o) => `${o.guestName} · ${o.lockName}`)).toEqual([
      'Early Eda · Room 202',
      'Both Bo · Room 201',
      'Both Bo · Room 202',
      'Late Lou · Room 201',
    ]);
    expect(alone).toEqual([]);
    // Found by the stays' ids with the rule in SQL (as Arrivals does): the same clashes.
    const byId = await findOverlapsOfStays(database.db, harbor.org.id, [mine.id]);
    expect(byId.get(mine.id)).toEqual(found);
  });

  it('is flagged on Arrivals and at the desk with the other guest, until the other stay is cancelled', async () => {
    const room = await addSimulatedLock(database.db, {
      organizationId: harbor.org.id,
      propertyId: harbor.property.id,
      room: '101',
      name: 'Room 101',
    });
    const maya = await book({
      guestName: 'Maya Lindqvist',
      checkInDate: '2026-11-25',
      deviceId: room.id,
    });
    const booker = await book({
      guestName: 'Double Booker',
      deviceId: room.id,
      allowOverlap: true,
    });

    const board = await listArrivals(database.db, frontDesk, {}, NOW);
    const arrival = board.arrivals.find((a) => a.reservationId === booker.id);
    expect(arrival?.readiness.problems).toContainEqual(
      expect.objectContaining({
        check: 'overlap',
        severity: 'warning',
        deviceId: room.id,
        message: 'Room 101 is also booked by Maya Lindqvist until Fri, 27 Nov 2026, 11:00 EST.',
      }),
    );

    const desk = await listDeskStays(database.db, frontDesk, {}, NOW);
    const alsoBooked = (id: string) =>
      desk.find((s) => s.reservationId === id)?.codes.map((c) => c.alsoBooked);
    expect(alsoBooked(booker.id)).toEqual([
      'Also booked: Maya Lindqvist until Fri, 27 Nov 2026, 11:00 EST',
    ]);
    expect(alsoBooked(maya.id)).toEqual([
      'Also booked: Double Booker until Fri, 27 Nov 2026, 11:00 EST',
    ]);

    await cancelReservation(database.db, frontDesk, maya.id, NOW);
    const after = await listArrivals(database.db, frontDesk, {}, NOW);
    expect(
      after.arrivals
        .find((a) => a.reservationId === booker.id)
        ?.readiness.problems.map((p) => p.check),
    ).not.toContain('overlap');
    const deskAfter = await listDeskStays(database.db, frontDesk, {}, NOW);
    expect(deskAfter.find((s) => s.reservationId === booker.id)?.codes[0]?.alsoBooked).toBeNull();
  });
});
