import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  accessCodes,
  auditLog,
  devices,
  lockGroupDevices,
  properties,
  reservationDevices,
  simulatedLockCodes,
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
import { listArrivals } from '@/lib/arrivals/arrivals';
import type { Actor } from '@/lib/auth/actor';
import { factoryResetLock, setSimulatedLockKnobs } from '@/lib/locks/simulated/controls';
import { logTransport } from '@/lib/messages/transports';
import { runTick } from '@/lib/reconciler/tick';
import { getReservationDetail } from '@/lib/reservations/detail';
import { listReservations } from '@/lib/reservations/list';
import {
  cancelReservation,
  createReservation,
  updateReservation,
} from '@/lib/reservations/operations';
import { listStayOptions, locksAtProperty } from '@/lib/reservations/options';
import { findOverlaps, findOverlapsOfStays } from '@/lib/reservations/overlap';
import type { CreateReservationInput } from '@/lib/reservations/stay-input';
import { deriveKey } from '@/lib/secret-box';
import { ingestBookings } from '@/lib/sources/ingest';
import { createCalendarSource } from '@/lib/sources/sources';
import { commonDoorChoice, setCommonDoor } from './common-doors';
import { defaultAdapters } from './connections';
import { DISCOVERY_INTERVAL_MS } from './discovery';
import { createLockGroup, deleteLockGroup, setLockGroupLocks } from './lock-groups';
import { replaceDevice } from './replace';
import { retireDevice } from './retire';
import { undoReplacement } from './undo-replacement';

// Thursday 2026-11-26, 09:00 in New York, where the test property is.
const T0 = new Date('2026-11-26T14:00:00Z');
const DAY = 86_400_000;
const minutes = (n: number) => n * 60_000;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
const dateIn = (days: number) => new Date(T0.getTime() + days * DAY).toISOString().slice(0, 10);

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let owner: Actor;
let frontDesk: Actor;
let rivalAdmin: Actor;
let rival: Awaited<ReturnType<typeof createOrganization>>;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});
beforeEach(async () => {
  await database.truncate();
  harbor = await createOrganization(database.db, {
    name: 'Harbor',
    roles: ['admin', 'owner', 'front_desk'],
  });
  rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  admin = await actorFor(database.db, harbor, 'admin');
  owner = await actorFor(database.db, harbor, 'owner');
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
});

const quietLog = { info() {}, warn() {}, error() {} } as never;
const tick = (now: Date) =>
  runTick(database.db, {
    now,
    adapters: defaultAdapters(database.db),
    transports: { email: logTransport({ log: quietLog }), sms: logTransport({ log: quietLog }) },
    random: () => 1,
  });

const addLock = (name: string, options: { allowedLengths?: number[]; propertyId?: string } = {}) =>
  addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: options.propertyId ?? harbor.property.id,
    name,
    room: name.replace(/^Room /, ''),
    allowedLengths: options.allowedLengths,
  });

/** A lock marked a common door of the whole property (or of `groupId`'s rooms). */
async function addEntrance(
  name = 'Entrance',
  options: { allowedLengths?: number[]; groupId?: string } = {},
) {
  const lock = await addLock(name, options);
  await setCommonDoor(
    database.db,
    owner,
    { deviceId: lock.id, commonDoor: true, groupId: options.groupId ?? null },
    T0,
  );
  return lock;
}

/** A stay checking in `inDays` days from T0 at the property's 15:00, for `nights` nights. */
function stay(
  rooms: string[],
  inDays: number,
  nights = 2,
  guestName = 'Ana Guest',
  overrides: Partial<CreateReservationInput> = {},
  now = T0,
) {
  return createReservation(
    database.db,
    frontDesk,
    {
      propertyId: harbor.property.id,
      guestName,
      guestEmail: `${guestName.toLowerCase().replace(/\W+/g, '.')}@guest.example`,
      checkInDate: dateIn(inDays),
      checkOutDate: dateIn(inDays + nights),
      deviceIds: rooms,
      ...overrides,
    },
    now,
  );
}

async function linksOf(reservationId: string) {
  const rows = await database.db
    .select({ deviceId: reservationDevices.deviceId, via: reservationDevices.viaCommonDoor })
    .from(reservationDevices)
    .where(eq(reservationDevices.reservationId, reservationId));
  return new Map(rows.map((r) => [r.deviceId, r.via]));
}

/** The stay's codes not deleted, by lock. */
async function codesOf(reservationId: string) {
  const rows = await database.db
    .select()
    .from(accessCodes)
    .where(and(eq(accessCodes.reservationId, reservationId), isNull(accessCodes.deletedAt)));
  return new Map(rows.map((r) => [r.deviceId, r]));
}

async function onLock(externalId: string) {
  const rows = await database.db
    .select({ code: simulatedLockCodes.code })
    .from(simulatedLockCodes)
    .where(eq(simulatedLockCodes.lockId, externalId));
  return rows.map((r) => r.code).sort();
}

describe('a stay and its common door', () => {
  it('puts the stay’s code on its room and on the entrance, and takes it off both at check-out', async () => {
    const room = await addLock('Room 101');
    const entrance = await addEntrance();
    const created = await stay([room.id], 1);
    expect(created.deviceIds).toEqual([room.id]);
    expect(created.commonDoorIds).toEqual([entrance.id]);
    expect(await linksOf(created.id)).toEqual(
      new Map([
        [room.id, false],
        [entrance.id, true],
      ]),
    );
    const codes = await codesOf(created.id);
    const digits = codes.get(room.id)?.code;
    expect(digits).toMatch(/^\d{4,6}$/);
    // One PIN for the guest: the entrance takes the room's digits.
    expect(codes.get(entrance.id)?.code).toBe(digits);
    expect(codes.get(entrance.id)).toMatchObject({ type: 'time_bound', name: 'Ana Guest' });

    // Ten minutes before check-in both locks hold it; a minute after check-out neither does.
    await tick(at(created.startsAt, -minutes(10)));
    expect(await onLock(room.externalId)).toEqual([digits]);
    expect(await onLock(entrance.externalId)).toEqual([digits]);
    await tick(at(created.endsAt, minutes(1)));
    expect(await onLock(room.externalId)).toEqual([]);
    expect(await onLock(entrance.externalId)).toEqual([]);
  });

  it('shares a 4-digit code between a 4-digit entrance and a room that takes 4 or 6, and gives a 6-only room its own', async () => {
    const flexible = await addLock('Room 101', { allowedLengths: [4, 6] });
    const sixOnly = await addLock('Room 102', { allowedLengths: [6] });
    const entrance = await addEntrance('Entrance', { allowedLengths: [4] });

    const shared = await codesOf((await stay([flexible.id], 1)).id);
    expect(shared.get(flexible.id)?.code).toMatch(/^\d{4}$/);
    expect(shared.get(entrance.id)?.code).toBe(shared.get(flexible.id)?.code);

    const apart = await codesOf((await stay([sixOnly.id], 1, 2, 'Ben Guest')).id);
    expect(apart.get(sixOnly.id)?.code).toMatch(/^\d{6}$/);
    expect(apart.get(entrance.id)?.code).toMatch(/^\d{4}$/);
  });

  it('is no double booking: two stays at the same time on different rooms both get the entrance', async () => {
    const [r101, r102] = [await addLock('Room 101'), await addLock('Room 102')];
    const entrance = await addEntrance();
    const ana = await stay([r101.id], 1);
    // Refused as a double booking if the entrance counted: no allowOverlap here.
    const ben = await stay([r102.id], 1, 3, 'Ben Guest');
    expect((await linksOf(ben.id)).get(entrance.id)).toBe(true);
    const overlaps = await findOverlaps(database.db, harbor.org.id, [
      {
        reservationId: ana.id,
        startsAt: ana.startsAt,
        endsAt: ana.endsAt,
        deviceIds: [r101.id, entrance.id],
      },
      {
        reservationId: ben.id,
        startsAt: ben.startsAt,
        endsAt: ben.endsAt,
        deviceIds: [r102.id, entrance.id],
      },
    ]);
    expect(overlaps).toEqual([[], []]);
    // Arrivals asks by the stays' ids, with the rule in SQL: no clash either.
    expect(await findOverlapsOfStays(database.db, harbor.org.id, [ana.id, ben.id])).toEqual(
      new Map(),
    );
    // Moving Ben a day earlier is no double booking either.
    await updateReservation(database.db, frontDesk, ben.id, { checkInDate: dateIn(0) }, T0);
    // Booking Ana's own room at the same time still is one.
    const error = await refused(() => stay([r101.id], 1, 1, 'Cy Guest'));
    expect(error).toMatchObject({ code: 'conflict', options: { field: 'allowOverlap' } });
  });

  it('moves the entrance code with the stay’s dates and removes it when the stay is cancelled', async () => {
    const room = await addLock('Room 101');
    const entrance = await addEntrance();
    const created = await stay([room.id], 3);
    const moved = await updateReservation(
      database.db,
      frontDesk,
      created.id,
      { checkInDate: dateIn(4), checkOutDate: dateIn(6) },
      T0,
    );
    const codes = await codesOf(created.id);
    expect(codes.get(entrance.id)?.startsAt).toEqual(moved.startsAt);
    expect(codes.get(entrance.id)?.endsAt).toEqual(moved.endsAt);
    await cancelReservation(database.db, frontDesk, created.id, T0);
    expect((await codesOf(created.id)).size).toBe(0);
  });

  it('is given back, with the stay’s digits, by any edit of a stay that lacks it', async () => {
    const room = await addLock('Room 101');
    const entrance = await addEntrance();
    const created = await stay([room.id], 1);
    const digits = created.accessCodes.find((c) => c.deviceId === room.id)?.code;
    // As if the stay had been written before the entrance was marked, and the backfill missed it.
    await database.db
      .delete(reservationDevices)
      .where(
        and(
          eq(reservationDevices.reservationId, created.id),
          eq(reservationDevices.deviceId, entrance.id),
        ),
      );
    await database.db.delete(accessCodes).where(eq(accessCodes.deviceId, entrance.id));
    await updateReservation(database.db, frontDesk, created.id, { guestName: 'Ana Guest-Lee' }, T0);
    expect((await linksOf(created.id)).get(entrance.id)).toBe(true);
    expect((await codesOf(created.id)).get(entrance.id)?.code).toBe(digits);
  });

  it('is not offered as a room, and the stay’s page shows it as the common door', async () => {
    const room = await addLock('Room 101');
    const entrance = await addEntrance();
    const offered = await locksAtProperty(database.db, frontDesk, harbor.property.id);
    expect(offered.map((l) => l.name)).toEqual(['Room 101']);
    // The new-stay form says which doors come with the rooms.
    const options = await listStayOptions(database.db, frontDesk, {}, T0);
    expect(options.locks.map((l) => l.name)).toEqual(['Room 101']);
    expect(options.commonDoors).toEqual([{ id: entrance.id, name: 'Entrance', group: null }]);
    const created = await stay([room.id], 1);
    const detail = await getReservationDetail(database.db, frontDesk, created.id, T0);
    expect(detail.locks.map((l) => l.name)).toEqual(['Room 101']);
    expect(detail.commonDoors.map((l) => l.name)).toEqual(['Entrance']);
    expect(detail.codes.map((c) => c.lockName).sort()).toEqual(['Entrance', 'Room 101']);
    // Choosing the entrance as a room anyway gives it once, as the common door.
    const both = await stay([room.id, entrance.id], 5, 1, 'Ben Guest');
    expect(both.deviceIds).toEqual([room.id]);
    expect(await linksOf(both.id)).toEqual(
      new Map([
        [room.id, false],
        [entrance.id, true],
      ]),
    );
  });
});

describe('marking a lock a common door', () => {
  it('gives every current and upcoming stay at the property its code there, and unmarking takes it off', async () => {
    const [r101, r102] = [await addLock('Room 101'), await addLock('Room 102')];
    const lobby = await addLock('Lobby door');
    const ended = await stay([r101.id], -6, 2, 'Ended Ed', {}, at(T0, -8 * DAY));
    const inHouse = await stay([r101.id], -1, 3, 'Ina House');
    const coming = await stay([r102.id], 2, 2, 'Cy Coming');
    const cancelled = await stay([r102.id], 10, 2, 'Cancelled Cal');
    await cancelReservation(database.db, frontDesk, cancelled.id, T0);
    const annex = await database.db
      .insert(properties)
      .values({ organizationId: harbor.org.id, name: 'Annex', timeZone: 'America/New_York' })
      .returning();
    const annexRoom = await addLock('Annex 1', { propertyId: annex[0]?.id });
    const elsewhere = await stay([annexRoom.id], 2, 2, 'Annie Annex', {
      propertyId: annex[0]?.id,
    });

    const choice = await commonDoorChoice(database.db, owner, lobby.id, T0);
    expect(choice).toMatchObject({
      commonDoor: false,
      groupId: null,
      propertyName: 'Harbor Inn',
      upcomingStays: 2,
    });

    const marked = await setCommonDoor(
      database.db,
      owner,
      { deviceId: lobby.id, commonDoor: true, groupId: null },
      T0,
    );
    expect(marked).toMatchObject({
      commonDoor: true,
      groupId: null,
      staysAdded: 2,
      staysRemoved: 0,
    });
    for (const served of [inHouse, coming]) {
      expect((await linksOf(served.id)).get(lobby.id)).toBe(true);
      const codes = await codesOf(served.id);
      // The stay's own digits: the lobby takes the same lengths as the rooms.
      expect(codes.get(lobby.id)?.code).toBe(served.accessCodes[0]?.code);
      expect(codes.get(lobby.id)).toMatchObject({
        startsAt: served.startsAt,
        endsAt: served.endsAt,
        type: 'time_bound',
      });
    }
    for (const untouched of [ended, cancelled, elsewhere]) {
      expect((await linksOf(untouched.id)).has(lobby.id)).toBe(false);
    }
    // Marking again changes nothing.
    expect(
      await setCommonDoor(database.db, owner, { deviceId: lobby.id, commonDoor: true }, T0),
    ).toMatchObject({ staysAdded: 0, staysRemoved: 0 });

    const lobbyCodes = [...(await codesOf(inHouse.id)).values()].filter(
      (c) => c.deviceId === lobby.id,
    );
    const unmarked = await setCommonDoor(
      database.db,
      owner,
      { deviceId: lobby.id, commonDoor: false },
      at(T0, minutes(5)),
    );
    expect(unmarked).toMatchObject({ commonDoor: false, staysAdded: 0, staysRemoved: 2 });
    for (const served of [inHouse, coming]) {
      expect((await linksOf(served.id)).has(lobby.id)).toBe(false);
      expect((await codesOf(served.id)).has(lobby.id)).toBe(false);
      // The room keeps its code.
      expect((await codesOf(served.id)).has(served.deviceIds[0] ?? '')).toBe(true);
    }
    const [gone] = await database.db
      .select()
      .from(accessCodes)
      .where(eq(accessCodes.id, lobbyCodes[0]?.id ?? ''));
    expect(gone).toMatchObject({ desiredState: 'absent' });
    expect(gone?.deletedAt).not.toBeNull();

    const audit = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'device.common_door_set'), eq(auditLog.targetId, lobby.id)));
    expect(audit.map((a) => a.detail)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ commonDoor: true, staysAdded: 2 }),
        expect.objectContaining({ commonDoor: false, staysRemoved: 2 }),
      ]),
    );
    expect(JSON.stringify(audit)).not.toContain(inHouse.accessCodes[0]?.code ?? '-');
  });

  it('gives a stay digits of its own on the door where its digits are taken there', async () => {
    const room = await addLock('Room 101');
    const lobby = await addLock('Lobby door');
    const ana = await stay([room.id], 1);
    const digits = ana.accessCodes[0]?.code ?? '';
    // Someone's hand-made code on the lobby holds Ana's digits over her stay.
    await createAccessCode(
      database.db,
      owner,
      {
        deviceId: lobby.id,
        name: 'Plumber',
        code: digits,
        startsAt: ana.startsAt,
        endsAt: ana.endsAt,
      },
      T0,
    );
    await setCommonDoor(database.db, owner, { deviceId: lobby.id, commonDoor: true }, T0);
    const codes = await codesOf(ana.id);
    expect(codes.get(lobby.id)?.code).toMatch(/^\d{4,6}$/);
    expect(codes.get(lobby.id)?.code).not.toBe(digits);
    expect(codes.get(room.id)?.code).toBe(digits);
  });

  it('answers not found for another organization’s lock or group, and refuses the front desk', async () => {
    const lobby = await addLock('Lobby door');
    const rivalLock = await addSimulatedLock(database.db, {
      organizationId: rival.org.id,
      propertyId: rival.property.id,
      name: 'Rival gate',
    });
    const rivalGroup = await createLockGroup(
      database.db,
      rivalAdmin,
      { propertyId: rival.property.id, name: 'Rival wing', deviceIds: [] },
      T0,
    );
    const snapshot = () => database.db.select().from(devices).orderBy(devices.id);
    expect(
      await refused(snapshot, () =>
        setCommonDoor(database.db, admin, { deviceId: rivalLock.id, commonDoor: true }, T0),
      ),
    ).toMatchObject({ code: 'not_found', resource: 'Device' });
    expect(
      await refused(snapshot, () =>
        setCommonDoor(
          database.db,
          admin,
          { deviceId: lobby.id, commonDoor: true, groupId: rivalGroup.id },
          T0,
        ),
      ),
    ).toMatchObject({ code: 'not_found', resource: 'LockGroup' });
    expect(
      await refused(snapshot, () =>
        setCommonDoor(database.db, frontDesk, { deviceId: lobby.id, commonDoor: true }, T0),
      ),
    ).toMatchObject({ code: 'not_found' });
    expect(
      await refused(() => commonDoorChoice(database.db, rivalAdmin, lobby.id, T0)),
    ).toMatchObject({ code: 'not_found' });
    // The front desk sees the marking.
    expect(await commonDoorChoice(database.db, frontDesk, lobby.id, T0)).toMatchObject({
      commonDoor: false,
    });
  });

  it('refuses a group of another property, and a lock placed nowhere', async () => {
    const lobby = await addLock('Lobby door');
    const [annex] = await database.db
      .insert(properties)
      .values({ organizationId: harbor.org.id, name: 'Annex', timeZone: 'America/New_York' })
      .returning();
    const annexGroup = await createLockGroup(
      database.db,
      owner,
      { propertyId: annex?.id ?? '', name: 'Annex wing', deviceIds: [] },
      T0,
    );
    expect(
      await refused(() =>
        setCommonDoor(
          database.db,
          owner,
          { deviceId: lobby.id, commonDoor: true, groupId: annexGroup.id },
          T0,
        ),
      ),
    ).toMatchObject({ code: 'invalid_input', options: { field: 'groupId' } });
    await database.db.update(devices).set({ propertyId: null }).where(eq(devices.id, lobby.id));
    expect(
      await refused(() =>
        setCommonDoor(database.db, owner, { deviceId: lobby.id, commonDoor: true }, T0),
      ),
    ).toMatchObject({ code: 'invalid_input', options: { field: 'deviceId' } });
  });
});

describe('a common door of a lock group', () => {
  it('serves only stays with a room in the group, and follows a stay’s rooms in and out of it', async () => {
    const [g1, g2, r3] = [
      await addLock('Room 1'),
      await addLock('Room 2'),
      await addLock('Room 3'),
    ];
    const garden = await createLockGroup(
      database.db,
      owner,
      { propertyId: harbor.property.id, name: 'Garden rooms', deviceIds: [g1.id, g2.id] },
      T0,
    );
    const gate = await addEntrance('Garden gate', { groupId: garden.id });
    const inGarden = await stay([g1.id], 1, 2, 'Gia Garden');
    const outside = await stay([r3.id], 1, 2, 'Otto Outside');
    expect((await linksOf(inGarden.id)).get(gate.id)).toBe(true);
    expect((await linksOf(outside.id)).has(gate.id)).toBe(false);
    // The form counts, for each choice, the stays it would reach.
    expect(await commonDoorChoice(database.db, owner, gate.id, T0)).toMatchObject({
      commonDoor: true,
      groupId: garden.id,
      upcomingStays: 2,
      groups: [{ groupId: garden.id, name: 'Garden rooms', stays: 1 }],
    });

    // Otto adds a garden room: the gate comes with it, with Otto's digits.
    await updateReservation(database.db, frontDesk, outside.id, { deviceIds: [r3.id, g2.id] }, T0);
    expect((await linksOf(outside.id)).get(gate.id)).toBe(true);
    expect((await codesOf(outside.id)).get(gate.id)?.code).toBe(outside.accessCodes[0]?.code);
    // And gives it up again: the gate goes.
    await updateReservation(database.db, frontDesk, outside.id, { deviceIds: [r3.id] }, T0);
    expect((await linksOf(outside.id)).has(gate.id)).toBe(false);
    expect((await codesOf(outside.id)).has(gate.id)).toBe(false);

    // Room 3 joins the garden: Otto's stay gets the gate; Room 1 leaves: Gia's loses it.
    const changed = await setLockGroupLocks(
      database.db,
      owner,
      { groupId: garden.id, deviceIds: [g2.id, r3.id] },
      T0,
    );
    expect(changed).toMatchObject({ staysAdded: 1, staysRemoved: 1 });
    expect((await linksOf(outside.id)).get(gate.id)).toBe(true);
    expect((await linksOf(inGarden.id)).has(gate.id)).toBe(false);
  });

  it('when its group is deleted, stops being a common door rather than serving the whole property', async () => {
    const [g1, r2] = [await addLock('Room 1'), await addLock('Room 2')];
    const garden = await createLockGroup(
      database.db,
      owner,
      { propertyId: harbor.property.id, name: 'Garden rooms', deviceIds: [g1.id] },
      T0,
    );
    const gate = await addEntrance('Garden gate', { groupId: garden.id });
    const inGarden = await stay([g1.id], 1);
    const deleted = await deleteLockGroup(database.db, owner, { groupId: garden.id }, T0);
    expect(deleted).toMatchObject({ name: 'Garden rooms', doorsUnmarked: 1, staysRemoved: 1 });
    const [door] = await database.db.select().from(devices).where(eq(devices.id, gate.id));
    expect(door).toMatchObject({ commonDoor: false, commonDoorGroupId: null });
    expect((await linksOf(inGarden.id)).has(gate.id)).toBe(false);
    expect((await codesOf(inGarden.id)).has(gate.id)).toBe(false);
    const later = await stay([r2.id], 4, 1, 'Lee Later');
    expect((await linksOf(later.id)).has(gate.id)).toBe(false);
  });
});

describe('a source’s stays and the common door', () => {
  it('keeps the entrance when a feed updates the stay, and knows a typed stay with the entrance as the same stay', async () => {
    const room = await addLock('Room 204');
    const entrance = await addEntrance();
    const source = await createCalendarSource(
      database.db,
      admin,
      {
        name: 'Airbnb',
        propertyId: harbor.property.id,
        deviceIds: [room.id],
        url: 'https://www.airbnb.com/calendar/ical/123.ics?s=secret',
        preset: 'airbnb',
      },
      deriveKey('test key for sealing feed urls and secrets'),
    );
    const booking = {
      externalId: 'uid-1@airbnb.com',
      guestName: 'Airbnb guest',
      checkIn: { date: dateIn(3) },
      checkOut: { date: dateIn(5) },
      status: 'confirmed' as const,
    };
    const first = await ingestBookings(database.db, source, [booking], { now: T0, snapshot: true });
    const stayId = first.results[0]?.reservationId ?? '';
    expect(first.results[0]?.outcome).toBe('created');
    expect((await linksOf(stayId)).get(entrance.id)).toBe(true);

    const renamed = await ingestBookings(
      database.db,
      source,
      [{ ...booking, guestName: 'Airbnb guest (2 guests)' }],
      { now: T0, snapshot: true },
    );
    expect(renamed.results[0]?.outcome).toBe('updated');
    expect((await linksOf(stayId)).get(entrance.id)).toBe(true);
    expect((await codesOf(stayId)).has(entrance.id)).toBe(true);

    // Staff typed the next stay before the feed listed it: the feed's booking is that stay.
    const typed = await stay([room.id], 8, 2, 'Typed Tess');
    const linked = await ingestBookings(
      database.db,
      source,
      [
        { ...booking, guestName: 'Airbnb guest (2 guests)' },
        {
          externalId: 'uid-2@airbnb.com',
          guestName: 'Tess',
          checkIn: { date: dateIn(8) },
          checkOut: { date: dateIn(10) },
          status: 'confirmed',
        },
      ],
      { now: T0, snapshot: true },
    );
    expect(linked.results.find((r) => r.externalId === 'uid-2@airbnb.com')).toMatchObject({
      outcome: 'linked',
      reservationId: typed.id,
    });
  });
});

describe('replacing or retiring a common door', () => {
  it('moves the entrance’s codes, marking and groups to the new lock, and a new stay gets the new lock', async () => {
    const [r101, r102] = [await addLock('Room 101'), await addLock('Room 102')];
    const entrance = await addEntrance();
    const staff = await createLockGroup(
      database.db,
      owner,
      { propertyId: harbor.property.id, name: 'Cleaners', deviceIds: [entrance.id, r101.id] },
      T0,
    );
    const ana = await stay([r101.id], 0, 2, 'Ana Guest', { checkInTime: '09:20' });
    const ben = await stay([r102.id], 0, 3, 'Ben Guest', { checkInTime: '09:20' });
    await tick(at(T0, minutes(1)));
    const digits = [ana.accessCodes[0]?.code, ben.accessCodes[0]?.code].sort();
    expect(await onLock(entrance.externalId)).toEqual(digits);

    const newId = await factoryResetLock(
      database.db,
      harbor.org.id,
      entrance.externalId,
      at(T0, minutes(2)),
    );
    await tick(at(T0, minutes(3) + DISCOVERY_INTERVAL_MS));
    const [found] = await database.db
      .select()
      .from(devices)
      .where(and(eq(devices.organizationId, harbor.org.id), eq(devices.externalId, newId)));
    if (!found) throw new Error('the reset entrance was not discovered');
    const when = at(T0, minutes(10) + DISCOVERY_INTERVAL_MS);
    await replaceDevice(
      database.db,
      admin,
      { oldDeviceId: entrance.id, newDeviceId: found.id },
      when,
    );
    for (let i = 1; i <= 3; i++) await tick(at(when, minutes(i)));

    expect(await onLock(newId)).toEqual(digits);
    const [fresh] = await database.db.select().from(devices).where(eq(devices.id, found.id));
    expect(fresh).toMatchObject({ commonDoor: true, commonDoorGroupId: null });
    const [old] = await database.db.select().from(devices).where(eq(devices.id, entrance.id));
    expect(old).toMatchObject({ status: 'replaced', commonDoor: false });
    const members = await database.db
      .select({ deviceId: lockGroupDevices.deviceId })
      .from(lockGroupDevices)
      .where(eq(lockGroupDevices.groupId, staff.id));
    expect(members.map((m) => m.deviceId).sort()).toEqual([found.id, r101.id].sort());

    const cy = await stay([r101.id], 5, 1, 'Cy Guest', {}, when);
    expect(await linksOf(cy.id)).toEqual(
      new Map([
        [r101.id, false],
        [found.id, true],
      ]),
    );
  });

  it('undoing the replacement gives the marking and groups back to the old lock', async () => {
    const room = await addLock('Room 101');
    const [r2] = [await addLock('Room 2')];
    const wing = await createLockGroup(
      database.db,
      owner,
      { propertyId: harbor.property.id, name: 'Wing', deviceIds: [room.id] },
      T0,
    );
    const gate = await addEntrance('Wing gate', { groupId: wing.id });
    await createLockGroup(
      database.db,
      owner,
      { propertyId: harbor.property.id, name: 'Doors', deviceIds: [gate.id, r2.id] },
      T0,
    );
    const fresh = await addLock('New gate');
    await database.db
      .update(devices)
      .set({ propertyId: null, needsPlacement: true })
      .where(eq(devices.id, fresh.id));
    await stay([room.id], 2);
    await replaceDevice(database.db, admin, { oldDeviceId: gate.id, newDeviceId: fresh.id }, T0);
    const [moved] = await database.db.select().from(devices).where(eq(devices.id, fresh.id));
    expect(moved).toMatchObject({ commonDoor: true, commonDoorGroupId: wing.id });

    await undoReplacement(database.db, admin, { newDeviceId: fresh.id }, at(T0, minutes(1)));
    const [back] = await database.db.select().from(devices).where(eq(devices.id, gate.id));
    expect(back).toMatchObject({ status: 'active', commonDoor: true, commonDoorGroupId: wing.id });
    const [waiting] = await database.db.select().from(devices).where(eq(devices.id, fresh.id));
    expect(waiting).toMatchObject({ commonDoor: false, commonDoorGroupId: null });
    const groupsOfGate = await database.db
      .select({ groupId: lockGroupDevices.groupId })
      .from(lockGroupDevices)
      .where(eq(lockGroupDevices.deviceId, gate.id));
    expect(groupsOfGate).toHaveLength(1);
    const onFresh = await database.db
      .select()
      .from(lockGroupDevices)
      .where(eq(lockGroupDevices.deviceId, fresh.id));
    expect(onFresh).toEqual([]);
    const later = await stay([room.id], 6, 1, 'Lee Later', {}, at(T0, minutes(2)));
    expect((await linksOf(later.id)).get(gate.id)).toBe(true);
  });

  it('refuses to retire an entrance stays still need, naming the way out', async () => {
    const room = await addLock('Room 101');
    const entrance = await addEntrance();
    await stay([room.id], 1);
    const error = await refused(() =>
      retireDevice(database.db, admin, { deviceId: entrance.id }, T0),
    );
    expect(error.message).toMatch(/common door/i);
  });
});

describe('arrivals and the common door', () => {
  it('a stay is not ready while its code is not on the entrance, and is once it is', async () => {
    const room = await addLock('Room 101');
    const entrance = await addEntrance();
    const created = await stay([room.id], 0, 2, 'Ana Guest', { checkInTime: '09:20' });
    // The entrance does not answer: the tick cannot put the code on it.
    await setSimulatedLockKnobs(database.db, harbor.org.id, entrance.externalId, { online: false });
    await tick(at(T0, minutes(1)));
    const before = await listArrivals(database.db, frontDesk, {}, at(T0, minutes(2)));
    const arriving = before.arrivals.find((a) => a.reservationId === created.id);
    expect(arriving?.readiness.verdict).not.toBe('ready');
    expect(arriving?.readiness.locks.find((l) => l.deviceId === entrance.id)?.code).not.toBe('set');
    expect(arriving?.readiness.locks.find((l) => l.deviceId === room.id)?.code).toBe('set');

    await setSimulatedLockKnobs(database.db, harbor.org.id, entrance.externalId, { online: true });
    for (let i = 3; i <= 12; i++) await tick(at(T0, minutes(i)));
    const after = await listArrivals(database.db, frontDesk, {}, at(T0, minutes(13)));
    const ready = after.arrivals.find((a) => a.reservationId === created.id);
    expect(ready?.readiness.locks.map((l) => [l.name, l.code]).sort()).toEqual([
      ['Entrance', 'set'],
      ['Room 101', 'set'],
    ]);
    expect(ready?.readiness.verdict).toBe('ready');
  });
});

describe('listing stays', () => {
  it('names the rooms, not the common door, and finds no stay by the entrance’s name', async () => {
    const room = await addLock('Room 101');
    await addEntrance();
    await stay([room.id], 1);
    const page = await listReservations(database.db, frontDesk, {}, T0);
    expect(page.reservations.map((r) => r.locks.map((l) => l.name))).toEqual([['Room 101']]);
    const search = await listReservations(database.db, frontDesk, { search: 'Entrance' }, T0);
    expect(search.reservations).toEqual([]);
  });
});

describe('a lock a stay booked that later becomes a common door', () => {
  /** Apt A: two bedrooms in the group 'Apt A rooms', its entrance and a bike shed outside it. */
  async function aptA() {
    const [bed1, bed2] = [await addLock('Apt A bedroom 1'), await addLock('Apt A bedroom 2')];
    const entrance = await addLock('Apt A entrance');
    const shed = await addLock('Bike shed');
    const group = await createLockGroup(
      database.db,
      owner,
      { propertyId: harbor.property.id, name: 'Apt A rooms', deviceIds: [bed1.id, bed2.id] },
      T0,
    );
    return { bed1, bed2, entrance, shed, group };
  }
  const markEntrance = (entranceId: string, groupId: string | null) =>
    setCommonDoor(database.db, owner, { deviceId: entranceId, commonDoor: true, groupId }, T0);
  const fixPhone = (reservationId: string, deviceIds?: string[]) =>
    updateReservation(
      database.db,
      frontDesk,
      reservationId,
      { guestPhone: '+1 415 555 0123', ...(deviceIds ? { deviceIds } : {}) },
      at(T0, minutes(5)),
    );

  it('keeps the entrance, and the guest’s code there, when the desk edits a stay with other rooms', async () => {
    const { entrance, shed, group } = await aptA();
    const whole = await stay([entrance.id, shed.id], 1, 2, 'Wanda Whole');
    const entranceCode = (await codesOf(whole.id)).get(entrance.id);
    expect(await markEntrance(entrance.id, group.id)).toMatchObject({ staysAdded: 0 });
    expect((await linksOf(whole.id)).get(entrance.id)).toBe(false);

    // The edit form cannot offer a common door: it sends the rooms it shows.
    const edited = await fixPhone(whole.id, [shed.id]);
    expect(edited.guestPhone).toBe('+14155550123');
    expect(edited.deviceIds.sort()).toEqual([entrance.id, shed.id].sort());
    expect((await linksOf(whole.id)).get(entrance.id)).toBe(false);
    expect((await codesOf(whole.id)).get(entrance.id)?.id).toBe(entranceCode?.id);
  });

  it('lets the desk edit a stay whose only lock is the entrance, and the stay page shows it as its lock', async () => {
    const { entrance, bed1, group } = await aptA();
    const whole = await stay([entrance.id], 1, 2, 'Wanda Whole');
    await markEntrance(entrance.id, group.id);
    const detail = await getReservationDetail(database.db, frontDesk, whole.id, T0);
    // The edit form lists and checks the stay's locks (reservation-view.tsx `lockChoices`).
    expect(detail.locks.map((l) => l.name)).toEqual(['Apt A entrance']);
    // Checked and fixed there: unchecking it could not take it off.
    expect(detail.keptLockIds).toEqual([entrance.id]);

    const edited = await fixPhone(whole.id, []);
    expect(edited.guestPhone).toBe('+14155550123');
    expect(edited.deviceIds).toEqual([entrance.id]);
    expect((await linksOf(whole.id)).get(entrance.id)).toBe(false);
    expect((await codesOf(whole.id)).has(entrance.id)).toBe(true);

    // A stay with nothing to keep still needs a lock.
    const bedroom = await stay([bed1.id], 4, 1, 'Ben Bedroom');
    const error = await refused(() => fixPhone(bedroom.id, []));
    expect(error.message).toBe('Choose at least one lock.');
    expect(error.options.field).toBe('deviceIds');
  });

  it('does not turn the booked lock into the stay’s common door, so unmarking the door leaves the guest’s code', async () => {
    const { entrance, shed } = await aptA();
    const whole = await stay([entrance.id], 1, 2, 'Wanda Whole');
    const withShed = await stay([entrance.id, shed.id], 4, 1, 'Sid Shed');
    const roomOnly = await stay([shed.id], 8, 1, 'Ros Room');
    // The door of the whole property.
    expect(await markEntrance(entrance.id, null)).toMatchObject({ staysAdded: 1 });

    await fixPhone(whole.id);
    await fixPhone(withShed.id, [shed.id]);
    for (const booked of [whole, withShed]) {
      expect((await linksOf(booked.id)).get(entrance.id)).toBe(false);
    }
    const unmarked = await setCommonDoor(
      database.db,
      owner,
      { deviceId: entrance.id, commonDoor: false },
      at(T0, minutes(10)),
    );
    // Only the stay that got the entrance as its common door loses it.
    expect(unmarked).toMatchObject({ staysRemoved: 1 });
    expect((await codesOf(roomOnly.id)).has(entrance.id)).toBe(false);
    for (const booked of [whole, withShed]) {
      expect((await linksOf(booked.id)).get(entrance.id)).toBe(false);
      expect((await codesOf(booked.id)).has(entrance.id)).toBe(true);
    }
  });
});
