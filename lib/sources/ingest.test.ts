import { randomBytes } from 'node:crypto';
import { and, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  accessCodes,
  organizations,
  type ReservationSource,
  reservations,
  sourceBookings,
} from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { isLive } from '@/lib/access-codes/predicates';
import { listArrivals } from '@/lib/arrivals/arrivals';
import type { Actor } from '@/lib/auth/actor';
import { getReservationDetail } from '@/lib/reservations/detail';
import {
  cancelReservation,
  createReservation,
  updateReservation,
} from '@/lib/reservations/operations';
import { deriveKey } from '@/lib/secret-box';
import type { NormalizedBooking } from './booking';
import { ingestBookings } from './ingest';
import { createCalendarSource, createWebhookSource } from './sources';

const NOW = new Date('2026-12-05T12:00:00Z');
const KEY = deriveKey('test key for sealing feed urls and secrets');

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let lockA: { id: string; name: string };
let lockB: { id: string; name: string };

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, { name: 'Harbor', roles: ['admin'] });
  admin = await actorFor(database.db, harbor, 'admin');
  lockA = await addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: harbor.property.id,
    name: 'Room 204',
    room: '204',
  });
  lockB = await addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: harbor.property.id,
    name: 'Room 205',
    room: '205',
  });
});
afterAll(() => database.close());

async function feed(name = `Feed ${randomBytes(2).toString('hex')}`): Promise<ReservationSource> {
  return createCalendarSource(
    database.db,
    admin,
    {
      name,
      propertyId: harbor.property.id,
      deviceIds: [lockA.id],
      url: 'https://www.airbnb.com/calendar/ical/123.ics?s=secret',
      preset: 'airbnb',
    },
    KEY,
  );
}

let uid = 0;
/** A day of its own for each booking, so no two tests' stays share dates (that would make them one stay). */
const dayOf = (n: number) =>
  new Date(Date.UTC(2027, 1, 1) + n * 86_400_000).toISOString().slice(0, 10);

function booking(overrides: Partial<NormalizedBooking> = {}): NormalizedBooking {
  uid++;
  return {
    externalId: `uid-${uid}@airbnb.com`,
    guestName: `Airbnb guest HM${uid}`,
    checkIn: { date: dayOf(uid * 3) },
    checkOut: { date: dayOf(uid * 3 + 2) },
    status: 'confirmed',
    ...overrides,
  };
}

const snapshot = { now: NOW, snapshot: true } as const;

async function stayOf(source: ReservationSource, externalId: string) {
  const [link] = await database.db
    .select()
    .from(sourceBookings)
    .where(and(eq(sourceBookings.sourceId, source.id), eq(sourceBookings.externalId, externalId)));
  if (!link?.reservationId) return null;
  const [stay] = await database.db
    .select()
    .from(reservations)
    .where(eq(reservations.id, link.reservationId));
  const codes = await database.db
    .select()
    .from(accessCodes)
    .where(and(eq(accessCodes.reservationId, link.reservationId), isLive.sql()));
  return { link, stay, codes };
}

async function stayCount() {
  const [row] = await database.db
    .select({ n: count() })
    .from(reservations)
    .where(eq(reservations.organizationId, harbor.org.id));
  return row?.n ?? 0;
}

async function setPolicy(policy: 'random' | 'phone_last_4' | 'phone_last_6') {
  await database.db
    .update(organizations)
    .set({ importedCodePolicy: policy })
    .where(eq(organizations.id, harbor.org.id));
}

describe('the ingestion core', () => {
  beforeEach(() => setPolicy('random'));

  it('makes a booking a stay with a code on its lock, at the property’s check-in and check-out times', async () => {
    const source = await feed();
    const b = booking({ checkIn: { date: '2026-12-20' }, checkOut: { date: '2026-12-23' } });
    const summary = await ingestBookings(database.db, source, [b], snapshot);
    expect(summary.counts.created).toBe(1);
    const found = await stayOf(source, b.externalId);
    // Harbor Inn is in New York: 15:00 and 11:00 local.
    expect(found?.stay?.startsAt.toISOString()).toBe('2026-12-20T20:00:00.000Z');
    expect(found?.stay?.endsAt.toISOString()).toBe('2026-12-23T16:00:00.000Z');
    expect(found?.stay?.source).toBe(source.name);
    expect(found?.stay?.sourceId).toBe(source.id);
    expect(found?.codes.map((c) => c.deviceId)).toEqual([lockA.id]);
    expect(found?.codes[0]?.code).toMatch(/^\d{4,6}$/);
  });

  it('takes the same booking twice as one stay, writing nothing the second time', async () => {
    const source = await feed();
    const b = booking();
    await ingestBookings(database.db, source, [b], snapshot);
    const before = await stayCount();
    const [link] = await database.db
      .select({ updatedAt: sourceBookings.updatedAt })
      .from(sourceBookings)
      .where(eq(sourceBookings.externalId, b.externalId));
    const again = await ingestBookings(database.db, source, [b], snapshot);
    expect(again.counts).toMatchObject({ unchanged: 1, created: 0, updated: 0 });
    expect(await stayCount()).toBe(before);
    const [after] = await database.db
      .select({ updatedAt: sourceBookings.updatedAt })
      .from(sourceBookings)
      .where(eq(sourceBookings.externalId, b.externalId));
    expect(after?.updatedAt).toEqual(link?.updatedAt);
  });

  it('moves the stay and its code when the booking’s dates change', async () => {
    const source = await feed();
    const b = booking({ checkIn: { date: '2026-12-24' }, checkOut: { date: '2026-12-25' } });
    await ingestBookings(database.db, source, [b], snapshot);
    const moved = { ...b, checkOut: { date: '2026-12-26' } };
    const summary = await ingestBookings(database.db, source, [moved], snapshot);
    expect(summary.results[0]).toMatchObject({ outcome: 'updated', message: 'dates' });
    const found = await stayOf(source, b.externalId);
    expect(found?.stay?.endsAt.toISOString()).toBe('2026-12-26T16:00:00.000Z');
    expect(found?.codes[0]?.endsAt?.toISOString()).toBe('2026-12-26T16:00:00.000Z');
  });

  it('cancels the stay and removes its code when the source cancels the booking', async () => {
    const source = await createWebhookSource(
      database.db,
      admin,
      { name: 'Guesty', propertyId: harbor.property.id, deviceIds: [lockA.id] },
      KEY,
    );
    const b = booking();
    await ingestBookings(database.db, source.source, [b], { now: NOW, snapshot: false });
    const summary = await ingestBookings(
      database.db,
      source.source,
      [{ ...b, status: 'cancelled' }],
      { now: NOW, snapshot: false },
    );
    expect(summary.counts.cancelled).toBe(1);
    const found = await stayOf(source.source, b.externalId);
    expect(found?.stay?.status).toBe('cancelled');
    expect(found?.codes).toEqual([]);
  });

  describe('the safety net: a feed that fails, empties or shrinks cancels nothing', () => {
    it('keeps every stay when the feed comes back empty', async () => {
      const source = await feed();
      const listed = [booking(), booking(), booking()];
      await ingestBookings(database.db, source, listed, snapshot);
      for (let read = 0; read < 3; read++) {
        const summary = await ingestBookings(database.db, source, [], snapshot);
        expect(summary.distrusted).toMatch(/listed no bookings/);
      }
      for (const b of listed) {
        expect((await stayOf(source, b.externalId))?.stay?.status).toBe('confirmed');
      }
    });

    it('keeps every stay when the feed suddenly lists far fewer bookings', async () => {
      const source = await feed();
      const listed = Array.from({ length: 8 }, () => booking());
      await ingestBookings(database.db, source, listed, snapshot);
      for (let read = 0; read < 3; read++) {
        const summary = await ingestBookings(database.db, source, listed.slice(0, 2), snapshot);
        expect(summary.distrusted).toMatch(/listed 2 bookings where Keyhold has 8 upcoming/);
      }
      const missing = await stayOf(source, listed[7]?.externalId ?? '');
      expect(missing?.stay?.status).toBe('confirmed');
      expect(missing?.link.missingReads).toBe(0);
    });

    it('marks a booking missing once as pending cancellation and keeps it when it comes back', async () => {
      const source = await feed();
      const [kept, flaky] = [booking(), booking()];
      await ingestBookings(database.db, source, [kept, flaky], snapshot);
      const once = await ingestBookings(database.db, source, [kept], snapshot);
      expect(once.pendingCancellation).toBe(1);
      expect((await stayOf(source, flaky.externalId))?.link.missingReads).toBe(1);
      const back = await ingestBookings(database.db, source, [kept, flaky], snapshot);
      expect(back.pendingCancellation).toBe(0);
      const found = await stayOf(source, flaky.externalId);
      expect(found?.link.missingReads).toBe(0);
      expect(found?.stay?.status).toBe('confirmed');
      expect(found?.codes).toHaveLength(1);
    });

    it('shows a booking missing once as pending cancellation on Arrivals and on the stay, with its source', async () => {
      const source = await feed('Airbnb Beach');
      const soon = booking({ checkIn: { date: '2026-12-06' }, checkOut: { date: '2026-12-08' } });
      const other = booking();
      await ingestBookings(database.db, source, [soon, other], snapshot);
      const arrivalOf = async () =>
        (await listArrivals(database.db, admin, {}, NOW)).arrivals.find(
          (a) => a.guestName === soon.guestName,
        );
      expect((await arrivalOf())?.source).toBe('Airbnb Beach');
      expect((await arrivalOf())?.readiness.problems.map((p) => p.check)).not.toContain('source');

      await ingestBookings(database.db, source, [other], snapshot);
      const arrival = await arrivalOf();
      const problem = arrival?.readiness.problems.find((p) => p.check === 'source');
      expect(problem?.message).toBe(
        'Pending cancellation: “Airbnb Beach” no longer lists this booking. It is cancelled if the next read still leaves it out; if the guest is still coming, check the booking at the channel.',
      );
      expect(arrival?.readiness.verdict).not.toBe('ready');
      const stayId = (await stayOf(source, soon.externalId))?.stay?.id ?? '';
      const detail = await getReservationDetail(database.db, admin, stayId, NOW);
      expect(detail.source).toBe('Airbnb Beach');
      expect(detail.pendingCancellation).toBe(problem?.message);
    });

    it('cancels a booking missing from two clean reads, and removes its code', async () => {
      const source = await feed();
      const [kept, gone] = [booking(), booking()];
      await ingestBookings(database.db, source, [kept, gone], snapshot);
      await ingestBookings(database.db, source, [kept], snapshot);
      const second = await ingestBookings(database.db, source, [kept], snapshot);
      expect(second.cancelledMissing).toBe(1);
      const found = await stayOf(source, gone.externalId);
      expect(found?.stay?.status).toBe('cancelled');
      expect(found?.codes).toEqual([]);
      expect((await stayOf(source, kept.externalId))?.stay?.status).toBe('confirmed');
    });

    it('lets a stay that checked out leave the feed without cancelling it', async () => {
      const source = await feed();
      const past = booking({ checkIn: { date: '2026-12-01' }, checkOut: { date: '2026-12-06' } });
      const other = booking();
      await ingestBookings(database.db, source, [past, other], snapshot);
      const later = new Date('2026-12-07T12:00:00Z');
      await ingestBookings(database.db, source, [other], { now: later, snapshot: true });
      await ingestBookings(database.db, source, [other], { now: later, snapshot: true });
      const found = await stayOf(source, past.externalId);
      expect(found?.link.status).toBe('ended');
      expect(found?.stay?.status).toBe('confirmed');
    });
  });

  describe('the same stay from two sources', () => {
    it('recognises a feed’s booking and a PMS’s by their confirmation code', async () => {
      const airbnb = await feed();
      const pms = (
        await createWebhookSource(
          database.db,
          admin,
          { name: 'PMS', propertyId: harbor.property.id, deviceIds: [lockA.id] },
          KEY,
        )
      ).source;
      const fromFeed = booking({ confirmationCode: 'HMCONFIRM1' });
      await ingestBookings(database.db, airbnb, [fromFeed], snapshot);
      const before = await stayCount();
      const fromPms = {
        ...fromFeed,
        externalId: 'pms-confirm-1',
        guestName: 'Grace Hopper',
        checkIn: { date: (fromFeed.checkIn as { date: string }).date, time: '16:00' },
      };
      const summary = await ingestBookings(database.db, pms, [fromPms], {
        now: NOW,
        snapshot: false,
      });
      expect(summary.counts.linked).toBe(1);
      expect(await stayCount()).toBe(before);
      expect((await stayOf(pms, fromPms.externalId))?.stay?.id).toBe(
        (await stayOf(airbnb, fromFeed.externalId))?.stay?.id,
      );
    });

    it('recognises a stay with the same dates and locks, typed by staff before the feed was added', async () => {
      const typed = await createReservation(
        database.db,
        admin,
        {
          propertyId: harbor.property.id,
          guestName: 'Walk-in',
          checkInDate: '2027-01-10',
          checkOutDate: '2027-01-12',
          deviceIds: [lockB.id],
        },
        NOW,
      );
      const source = await createCalendarSource(
        database.db,
        admin,
        {
          name: 'VRBO',
          propertyId: harbor.property.id,
          deviceIds: [lockB.id],
          url: 'https://vrbo.example/a.ics',
        },
        KEY,
      );
      const b = booking({ checkIn: { date: '2027-01-10' }, checkOut: { date: '2027-01-12' } });
      const summary = await ingestBookings(database.db, source, [b], snapshot);
      expect(summary.counts).toMatchObject({ linked: 1, created: 0 });
      expect((await stayOf(source, b.externalId))?.stay?.id).toBe(typed.id);
    });

    it('keeps a stay one source drops while the other still lists it', async () => {
      const airbnb = await feed();
      const pms = (
        await createWebhookSource(
          database.db,
          admin,
          { name: 'PMS 2', propertyId: harbor.property.id, deviceIds: [lockA.id] },
          KEY,
        )
      ).source;
      const other = booking();
      const shared = booking({ confirmationCode: 'HMSHARED22' });
      await ingestBookings(database.db, airbnb, [other, shared], snapshot);
      await ingestBookings(database.db, pms, [{ ...shared, externalId: 'pms-1' }], {
        now: NOW,
        snapshot: false,
      });
      // The PMS cancels it (or drops it); the channel still has the guest.
      await ingestBookings(
        database.db,
        pms,
        [{ ...shared, externalId: 'pms-1', status: 'cancelled' }],
        {
          now: NOW,
          snapshot: false,
        },
      );
      expect((await stayOf(airbnb, shared.externalId))?.stay?.status).toBe('confirmed');
    });
  });

  describe('staff edits and the source', () => {
    it('keeps staff’s edit of a field the source repeats, and takes a change the source makes', async () => {
      const source = await feed();
      const b = booking({
        guestName: 'Airbnb guest HMEDIT',
        checkIn: { date: '2027-01-20' },
        checkOut: { date: '2027-01-22' },
      });
      await ingestBookings(database.db, source, [b], snapshot);
      const stayId = (await stayOf(source, b.externalId))?.stay?.id ?? '';
      await updateReservation(database.db, admin, stayId, { guestName: 'Ada Lovelace' }, NOW);
      // The feed says the same again (a date changed elsewhere): the name staff typed stays.
      await ingestBookings(
        database.db,
        source,
        [{ ...b, checkOut: { date: dayOf(uid * 3 + 4) } }],
        snapshot,
      );
      expect((await stayOf(source, b.externalId))?.stay?.guestName).toBe('Ada Lovelace');
      // The source changes the name itself: its change wins.
      await ingestBookings(
        database.db,
        source,
        [{ ...b, checkOut: { date: '2027-01-23' }, guestName: 'Ada King' }],
        snapshot,
      );
      expect((await stayOf(source, b.externalId))?.stay?.guestName).toBe('Ada King');
    });

    it('leaves a stay staff cancelled cancelled', async () => {
      const source = await feed();
      const b = booking();
      await ingestBookings(database.db, source, [b], snapshot);
      const stayId = (await stayOf(source, b.externalId))?.stay?.id ?? '';
      await cancelReservation(database.db, admin, stayId, NOW);
      const summary = await ingestBookings(
        database.db,
        source,
        [{ ...b, checkOut: { date: dayOf(uid * 3 + 4) } }],
        snapshot,
      );
      expect(summary.counts.kept_cancelled).toBe(1);
      expect((await stayOf(source, b.externalId))?.stay?.status).toBe('cancelled');
    });
  });

  it('never lets an older event overwrite a newer one', async () => {
    const { source } = await createWebhookSource(
      database.db,
      admin,
      { name: 'Ordered', propertyId: harbor.property.id, deviceIds: [lockA.id] },
      KEY,
    );
    const b = booking({
      checkIn: { date: '2027-01-01' },
      checkOut: { date: '2027-01-03' },
      updatedAt: new Date('2026-12-05T10:00:00Z'),
    });
    const newer = {
      ...b,
      checkOut: { date: '2027-01-05' },
      updatedAt: new Date('2026-12-05T11:00:00Z'),
    };
    const older = {
      ...b,
      checkOut: { date: '2027-01-02' },
      updatedAt: new Date('2026-12-05T10:30:00Z'),
    };
    await ingestBookings(database.db, source, [b], { now: NOW, snapshot: false });
    await ingestBookings(database.db, source, [newer], { now: NOW, snapshot: false });
    const late = await ingestBookings(database.db, source, [older], { now: NOW, snapshot: false });
    expect(late.counts.stale).toBe(1);
    expect((await stayOf(source, b.externalId))?.stay?.endsAt.toISOString()).toBe(
      '2027-01-05T16:00:00.000Z',
    );
  });

  it('reports a booking it cannot take and takes the others', async () => {
    const source = await feed();
    const good = booking();
    const noRoom = booking({ room: 'Penthouse' });
    const backwards = booking({
      checkIn: { date: '2026-12-23' },
      checkOut: { date: '2026-12-20' },
    });
    const summary = await ingestBookings(database.db, source, [noRoom, good, backwards], snapshot);
    expect(summary.counts).toMatchObject({ created: 1, error: 2 });
    expect(summary.results[0]).toMatchObject({ outcome: 'error', field: 'room' });
    expect(summary.results[0]?.message).toMatch(/No lock at Harbor Inn is called “Penthouse”/);
    expect(summary.results[2]).toMatchObject({ outcome: 'error', field: 'checkOut' });
    expect(await stayOf(source, noRoom.externalId)).toBeNull();
  });

  it('opens the room a booking names instead of the source’s locks', async () => {
    const source = await feed();
    const b = booking({ room: '205' });
    await ingestBookings(database.db, source, [b], snapshot);
    expect((await stayOf(source, b.externalId))?.codes.map((c) => c.deviceId)).toEqual([lockB.id]);
  });

  it('shows what it would do on a dry run, and writes nothing', async () => {
    const source = await feed();
    const before = await stayCount();
    const summary = await ingestBookings(database.db, source, [booking(), booking()], {
      ...snapshot,
      dryRun: true,
    });
    expect(summary.counts.created).toBe(2);
    expect(await stayCount()).toBe(before);
    const [links] = await database.db
      .select({ n: count() })
      .from(sourceBookings)
      .where(eq(sourceBookings.sourceId, source.id));
    expect(links?.n).toBe(0);
  });

  describe('the code policy', () => {
    it('gives the guest their phone’s last 4 digits when the organization promises that', async () => {
      await setPolicy('phone_last_4');
      const source = await feed();
      const b = booking({ phoneLastDigits: '4821' });
      await ingestBookings(database.db, source, [b], snapshot);
      expect((await stayOf(source, b.externalId))?.codes[0]?.code).toBe('4821');
    });

    it('gives random digits when the phone’s are a guessable code', async () => {
      await setPolicy('phone_last_4');
      const source = await feed();
      const b = booking({ guestPhone: '+1 415 555 1234' });
      await ingestBookings(database.db, source, [b], snapshot);
      expect((await stayOf(source, b.externalId))?.codes[0]?.code).not.toBe('1234');
    });

    it('gives random digits when another live code on the lock holds the phone’s, a backup code included', async () => {
      await setPolicy('phone_last_4');
      const source = await feed();
      const [backup] = await database.db
        .insert(accessCodes)
        .values({
          organizationId: harbor.org.id,
          deviceId: lockA.id,
          type: 'ongoing',
          code: '7391',
          name: 'Backup',
          isBackup: true,
        })
        .returning();
      const b = booking({ phoneLastDigits: '7391' });
      await ingestBookings(database.db, source, [b], snapshot);
      const code = (await stayOf(source, b.externalId))?.codes[0]?.code;
      expect(code).toMatch(/^\d{4,6}$/);
      expect(code).not.toBe('7391');
      // The backup code was not retired to make room: its digits are not the guest's to learn.
      const [still] = await database.db
        .select({ deletedAt: accessCodes.deletedAt })
        .from(accessCodes)
        .where(eq(accessCodes.id, backup?.id ?? ''));
      expect(still?.deletedAt).toBeNull();
    });

    it('never changes a code on a re-import once it is made, even if the phone changes', async () => {
      await setPolicy('phone_last_4');
      const source = await feed();
      const b = booking({ phoneLastDigits: '5820' });
      await ingestBookings(database.db, source, [b], snapshot);
      await ingestBookings(database.db, source, [{ ...b, phoneLastDigits: '6931' }], snapshot);
      expect((await stayOf(source, b.externalId))?.codes[0]?.code).toBe('5820');
    });
  });
});
