import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
import { windowsOverlap } from './overlap';
import type { CreateReservationInput } from './stay-input';

// 07:00 in New York, where the test organization's property is.
const NOW = new Date('2026-11-26T12:00:00Z');

describe('windowsOverlap', () => {
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
  ])('%s', (_, a, b, expected) => {
    expect(windowsOverlap(a, b)).toBe(expected);
    expect(windowsOverlap(b, a)).toBe(expected);
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
