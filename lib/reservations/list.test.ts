import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { accessCodes, properties, reservationDevices, reservations } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { formatZoned } from '@/lib/time';
import { getReservationDetail } from './detail';
import { type ListReservationsInput, listReservations, RESERVATIONS_PAGE_SIZE } from './list';
import { cancelReservation, createReservation } from './operations';
import { listStayOptions } from './options';

// Noon in New York on a Thursday; every Harbor stay is in New York's zone.
const NOW = new Date('2026-11-26T17:00:00Z');
const ZONE = 'America/New_York';

let database: TestDatabase;
let harborAdmin: Actor;
let rivalAdmin: Actor;
let busyAdmin: Actor;
let harborPropertyId: string;
let rivalPropertyId: string;
const ids: Record<string, string> = {};
let room101: string;
let gate: string;
let room102: string;

const list = (actor: Actor, input: ListReservationsInput, now = NOW) =>
  listReservations(database.db, actor, input, now);
const names = (page: Awaited<ReturnType<typeof list>>) => page.reservations.map((r) => r.guestName);

beforeAll(async () => {
  database = await createTestDatabase();
  const db = database.db;
  const harbor = await createOrganization(db, { name: 'Harbor', roles: ['admin'] });
  const rival = await createOrganization(db, { name: 'Rival', roles: ['admin'] });
  const busy = await createOrganization(db, { name: 'Busy', roles: ['admin'] });
  harborAdmin = await actorFor(database.db, harbor, 'admin');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
  busyAdmin = await actorFor(database.db, busy, 'admin');
  harborPropertyId = harbor.property.id;
  rivalPropertyId = rival.property.id;

  const at = (name: string, room: string | undefined, org = harbor) =>
    addSimulatedLock(db, {
      organizationId: org.org.id,
      propertyId: org.property.id,
      name,
      room,
    });
  room101 = (await at('Room 101', '101')).id;
  room102 = (await at('Room 102', '102')).id;
  gate = (await at('Pool gate', undefined)).id;
  const rivalLock = (await at('Rival 101', '101', rival)).id;
  const busyLock = (await at('Busy 1', '1', busy)).id;

  const stay = async (
    actor: Actor,
    key: string,
    input: {
      guestName: string;
      checkInDate: string;
      checkOutDate: string;
      deviceIds: string[];
      propertyId?: string;
    },
    now = NOW,
  ) => {
    const created = await createReservation(
      db,
      actor,
      { propertyId: harborPropertyId, ...input },
      now,
    );
    ids[key] = created.id;
  };
  // In-house since yesterday, on a room and the pool gate.
  await stay(harborAdmin, 'ada', {
    guestName: 'Ada Lovelace',
    checkInDate: '2026-11-25',
    checkOutDate: '2026-11-28',
    deviceIds: [room101, gate],
  });
  await stay(harborAdmin, 'grace', {
    guestName: 'Grace Hopper',
    checkInDate: '2026-12-01',
    checkOutDate: '2026-12-03',
    deviceIds: [room102],
  });
  // Made before it happened, so its check-out can be in the past now.
  await stay(
    harborAdmin,
    'alan',
    {
      guestName: 'Alan Turing',
      checkInDate: '2026-11-10',
      checkOutDate: '2026-11-12',
      deviceIds: [room102],
    },
    new Date('2026-11-01T12:00:00Z'),
  );
  await stay(harborAdmin, 'carl', {
    guestName: 'Carl Cancelled',
    checkInDate: '2026-12-05',
    checkOutDate: '2026-12-07',
    deviceIds: [room101],
  });
  await cancelReservation(db, harborAdmin, ids.carl ?? '', NOW);
  // Another organization's guest with the very same name, in the same room number.
  await stay(rivalAdmin, 'rivalAda', {
    guestName: 'Ada Lovelace',
    propertyId: rivalPropertyId,
    checkInDate: '2026-11-25',
    checkOutDate: '2026-11-28',
    deviceIds: [rivalLock],
  });
  // Paging needs many stays, not their codes: written directly, which is much quicker.
  const busyStays = await db
    .insert(reservations)
    .values(
      Array.from({ length: 30 }, (_, i) => ({
        organizationId: busy.org.id,
        propertyId: busy.property.id,
        guestName: `Guest ${String(i + 1).padStart(2, '0')}`,
        startsAt: new Date('2026-12-10T20:00:00Z'),
        endsAt: new Date('2026-12-12T16:00:00Z'),
      })),
    )
    .returning({ id: reservations.id });
  await db.insert(reservationDevices).values(
    busyStays.map((r) => ({
      reservationId: r.id,
      deviceId: busyLock,
      organizationId: busy.org.id,
    })),
  );
  // As a tick would leave them: Ada's room code is on the lock, the gate's is failing.
  const adaCodes = await db
    .select()
    .from(accessCodes)
    .where(eq(accessCodes.reservationId, ids.ada ?? ''));
  const onRoom = adaCodes.find((c) => c.deviceId === room101);
  const onGate = adaCodes.find((c) => c.deviceId === gate);
  await db
    .update(accessCodes)
    .set({ status: 'set', externalRef: 'ref-1' })
    .where(eq(accessCodes.id, onRoom?.id ?? ''));
  const issue = (code: string) => ({ code, message: code, createdAt: NOW.toISOString() });
  await db
    .update(accessCodes)
    .set({
      status: 'setting',
      errors: [issue('failed_to_set_on_device')],
      warnings: [issue('delay_in_setting_on_device')],
    })
    .where(eq(accessCodes.id, onGate?.id ?? ''));
});
afterAll(async () => {
  await database?.close();
});

describe('listReservations', () => {
  it('lists in-house and upcoming stays by default, soonest first, each with its stage', async () => {
    const page = await list(harborAdmin, {});
    expect(page.filter).toBe('current');
    expect(names(page)).toEqual(['Ada Lovelace', 'Grace Hopper']);
    expect(page.reservations.map((r) => r.stage)).toEqual(['in_house', 'upcoming']);
    expect(page.total).toBe(2);
  });

  it.each([
    ['in_house', ['Ada Lovelace']],
    ['upcoming', ['Grace Hopper']],
    ['past', ['Alan Turing']],
    ['cancelled', ['Carl Cancelled']],
    ['all', ['Carl Cancelled', 'Grace Hopper', 'Ada Lovelace', 'Alan Turing']],
  ] as const)('filter %s shows %j', async (filter, expected) => {
    const page = await list(harborAdmin, { filter });
    expect(names(page)).toEqual(expected);
    expect(page.total).toBe(expected.length);
  });

  it('never lists another organization’s stays, even under the same guest name', async () => {
    const harbor = await list(harborAdmin, { filter: 'all', search: 'Ada' });
    expect(harbor.reservations.map((r) => r.id)).toEqual([ids.ada]);
    const rival = await list(rivalAdmin, { filter: 'all' });
    expect(rival.reservations.map((r) => r.id)).toEqual([ids.rivalAda]);
    expect(rival.total).toBe(1);
    // The rival's room 101 does not turn up Harbor's stays either.
    const byRoom = await list(rivalAdmin, { filter: 'all', search: '101' });
    expect(byRoom.reservations.map((r) => r.id)).toEqual([ids.rivalAda]);
  });

  it.each([
    ['lovelace', ['Ada Lovelace']],
    ['  GRACE ', ['Grace Hopper']],
    ['102', ['Grace Hopper', 'Alan Turing']],
    ['pool', ['Ada Lovelace']],
    ['101', ['Carl Cancelled', 'Ada Lovelace']],
    ['%', []],
    ['_', []],
  ])('search %j finds %j by guest name, room or lock', async (search, expected) => {
    const page = await list(harborAdmin, { filter: 'all', search });
    expect(names(page)).toEqual(expected);
  });

  it('summarizes each stay’s locks and guest codes, errors in plain words', async () => {
    const page = await list(harborAdmin, { filter: 'in_house' });
    const ada = page.reservations[0];
    expect(ada?.propertyName).toBe('Harbor Inn');
    expect(ada?.timeZone).toBe(ZONE);
    expect(ada?.locks.map((l) => l.name)).toEqual(['Room 101', 'Pool gate']);
    // The code that is not on its lock leads, in the words the stay's own page uses.
    expect(ada?.codes.total).toBe(2);
    expect(ada?.codes.summary).toMatchObject({
      condition: 'failed',
      title: 'Not on the lock · 1 of 2 locks',
      tone: 'error',
    });
    expect(ada?.problems).toEqual([{ code: 'failed_to_set_on_device', title: 'Not on the lock' }]);
    expect(ada?.checkInLabel).toBe('Wed, 25 Nov 2026, 15:00 EST');
    expect(ada?.checkOutLabel).toBe('Sat, 28 Nov 2026, 11:00 EST');

    // A cancelled stay's codes are gone from the counts.
    const carl = (await list(harborAdmin, { filter: 'cancelled' })).reservations[0];
    expect(carl?.codes).toEqual({ total: 0, summary: null });
    expect(carl?.stage).toBe('cancelled');
  });

  it('pages through the stays without repeats, with the total on every page', async () => {
    const first = await list(busyAdmin, { filter: 'all' });
    const second = await list(busyAdmin, { filter: 'all', page: '2' });
    expect(first.reservations).toHaveLength(RESERVATIONS_PAGE_SIZE);
    expect(second.reservations).toHaveLength(30 - RESERVATIONS_PAGE_SIZE);
    expect([first.total, second.total]).toEqual([30, 30]);
    const all = [...names(first), ...names(second)];
    expect(new Set(all).size).toBe(30);
    expect(all[0]).toBe('Guest 01');
    expect(all[29]).toBe('Guest 30');
    // Past the end: nothing, but still the total so the pager can step back.
    const beyond = await list(busyAdmin, { filter: 'all', page: 9 });
    expect(beyond.reservations).toEqual([]);
    expect(beyond.total).toBe(30);
  });

  it('reads a page in one statement, however many stays it holds', async () => {
    let statements = 0;
    const counting = new Proxy(database.db, {
      get(target, property, receiver) {
        if (property === 'select' || property === 'execute' || property === '$count') {
          statements += 1;
        }
        return Reflect.get(target, property, receiver);
      },
    }) as Db;
    const page = await listReservations(counting, busyAdmin, { filter: 'all' }, NOW);
    expect(page.reservations).toHaveLength(RESERVATIONS_PAGE_SIZE);
    expect(statements).toBe(1);
  });

  it.each([
    [{ filter: 'soon' }, 'filter', /Filter must be one of/],
    [{ page: '0' }, 'page', /Page must be 1 or more/],
    [{ page: 'two' }, 'page', /Page must be a number/],
    [{ search: 'x'.repeat(101) }, 'search', /at most 100/],
  ])('refuses %j naming the field %s', async (input, field, message) => {
    const error = await refused(() => list(harborAdmin, input as ListReservationsInput));
    expect(error.code).toBe('invalid_input');
    expect(error.options.field).toBe(field);
    expect(error.message).toMatch(message);
  });
});

describe('getReservationDetail', () => {
  it('answers not found for another organization’s stay and for ids that are not ids', async () => {
    for (const id of [ids.rivalAda ?? '', 'not-a-uuid', '00000000-0000-4000-8000-000000000000']) {
      const error = await refused(() => getReservationDetail(database.db, harborAdmin, id, NOW));
      expect(error.code).toBe('not_found');
    }
  });

  it('shows an upcoming stay in its property’s zone and says when its code goes on', async () => {
    const grace = await getReservationDetail(database.db, harborAdmin, ids.grace ?? '', NOW);
    expect(grace).toMatchObject({
      guestName: 'Grace Hopper',
      stage: 'upcoming',
      propertyName: 'Harbor Inn',
      timeZone: ZONE,
      zoneAbbreviation: 'EST',
      checkIn: { date: '2026-12-01', time: '15:00' },
      checkOut: { date: '2026-12-03', time: '11:00' },
      checkInLabel: 'Tue, 1 Dec 2026, 15:00 EST',
    });
    expect(grace.locks.map((l) => l.name)).toEqual(['Room 102']);
    const [code] = grace.codes;
    expect(code).toMatchObject({
      lockName: 'Room 102',
      status: 'unset',
      state: expect.objectContaining({ condition: 'not_yet_due', title: 'Not on the lock yet' }),
      live: true,
      errors: [],
    });
    expect(code?.digits).toMatch(/^\d{4,6}$/);
    // The organization's 30-minute lead, in New York time.
    const setBy = formatZoned(new Date('2026-12-01T19:30:00Z'), ZONE);
    expect(setBy).toBe('Tue, 1 Dec 2026, 14:30 EST');
    expect(grace.effect).toEqual([`The code will be set on Room 102 by ${setBy}.`]);
    expect(code?.next).toBe(`Set on Room 102 by ${setBy}, before check-in.`);
    expect(grace.history.map((h) => h.text)).toEqual(['Code created']);
    expect(grace.history[0]?.by).toBe(harborAdmin.name);
  });

  it('tells each code’s status, errors, warnings and history in plain words', async () => {
    const ada = await getReservationDetail(database.db, harborAdmin, ids.ada ?? '', NOW);
    expect(ada.stage).toBe('in_house');
    const room = ada.codes.find((c) => c.lockName === 'Room 101');
    const poolGate = ada.codes.find((c) => c.lockName === 'Pool gate');
    expect(room).toMatchObject({
      status: 'set',
      state: expect.objectContaining({ condition: 'set', title: 'Set on the lock', tone: 'ok' }),
    });
    expect(room?.next).toBe('On Room 101 until Sat, 28 Nov 2026, 11:00 EST.');
    // An error wins over the status: the desk reads what is wrong and what to do.
    expect(poolGate).toMatchObject({
      status: 'setting',
      state: expect.objectContaining({
        condition: 'failed',
        title: 'Not on the lock',
        tone: 'error',
        action: 'Give the guest a backup code.',
      }),
    });
    expect(poolGate?.errors).toEqual([
      expect.objectContaining({
        code: 'failed_to_set_on_device',
        title: 'Not on the lock',
        tone: 'error',
        sinceLabel: 'Thu, 26 Nov 2026, 12:00 EST',
      }),
    ]);
    expect(poolGate?.warnings.map((w) => [w.code, w.title])).toEqual([
      ['delay_in_setting_on_device', 'Programming delayed'],
    ]);
    expect(ada.effect).toEqual([
      'The code is on Room 101 until Sat, 28 Nov 2026, 11:00 EST.',
      'The code is being set on Pool gate now.',
    ]);
  });

  it('after a cancel, lists only codes that may still be on a lock, and says so', async () => {
    const carl = await getReservationDetail(database.db, harborAdmin, ids.carl ?? '', NOW);
    expect(carl.status).toBe('cancelled');
    expect(carl.cancelledAtLabel).toBe('Thu, 26 Nov 2026, 12:00 EST');
    expect(carl.codes).toEqual([]);
    expect(carl.effect).toEqual(['The stay is cancelled; none of its codes is on a lock.']);
    expect(carl.history.map((h) => h.text)).toEqual([
      'Code cancelled; it comes off the lock',
      'Code created',
    ]);
  });
});

describe('listStayOptions', () => {
  it('offers the organization’s own properties and the chosen one’s locks only', async () => {
    const [annex] = await database.db
      .insert(properties)
      .values({
        organizationId: harborAdmin.organizationId,
        name: 'Harbor Annex',
        timeZone: 'Europe/Paris',
        checkInTime: '16:00',
        checkOutTime: '10:30',
      })
      .returning();
    const options = await listStayOptions(database.db, harborAdmin, {}, NOW);
    expect(options.properties.map((p) => p.name)).toEqual(['Harbor Annex', 'Harbor Inn']);
    expect(options.propertyId).toBe(annex?.id);
    expect(options.locks).toEqual([]);
    expect(options.properties[0]).toMatchObject({
      zoneAbbreviation: 'CET',
      checkInTime: '16:00',
      checkOutTime: '10:30',
      today: '2026-11-26',
      tomorrow: '2026-11-27',
    });

    const inn = await listStayOptions(
      database.db,
      harborAdmin,
      { propertyId: harborPropertyId },
      NOW,
    );
    expect(inn.locks.map((l) => l.name)).toEqual(['Room 101', 'Room 102', 'Pool gate']);
    // Another organization's property is not offered, nor are its locks.
    const foreign = await listStayOptions(
      database.db,
      harborAdmin,
      { propertyId: rivalPropertyId },
      NOW,
    );
    expect(foreign.propertyId).toBe(annex?.id);
    expect(foreign.locks).toEqual([]);

    const error = await refused(() =>
      listStayOptions(database.db, harborAdmin, { propertyId: 'nope' }, NOW),
    );
    expect(error.options.field).toBe('propertyId');
  });
});
