import { TZDate } from '@date-fns/tz';
import { addDays, format } from 'date-fns';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessCodes, adapterConnections, devices, zwaveCodeSlots } from '@/db/schema';
import { actorFor, createOrganization, createTestDatabase, type TestDatabase } from '@/db/testing';
import { createAccessCode } from '@/lib/access-codes/operations';
import type { Actor } from '@/lib/auth/actor';
import { firstEntriesFor } from '@/lib/lock-events/entries';
import { readDueLockEvents } from '@/lib/lock-events/read';
import type { AdapterResolver } from '@/lib/locks/adapter';
import { adapterResolver } from '@/lib/locks/registry';
import { closeZwaveClients } from '@/lib/locks/zwave/client';
import { startZwaveNetwork, type ZwaveNetwork } from '@/lib/locks/zwave/testing';
import { runTick } from '@/lib/reconciler/tick';
import { createReservation } from '@/lib/reservations/operations';

/**
 * The tick programs Z-Wave locks as it does simulated and Seam ones: guest
 * codes on before check-in, through a lock that stops answering and a Z-Wave
 * JS Server that restarts, and a keypad entry reaching the stay.
 */

const ZONE = 'America/New_York';
const ROOM = 2;
const BUSY_ROOM = 3;

let database: TestDatabase;
let network: ZwaveNetwork;
let org: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let connectionId: string;
let adapters: AdapterResolver;

beforeAll(async () => {
  [database, network] = await Promise.all([
    createTestDatabase(),
    startZwaveNetwork({
      locks: [
        { nodeId: ROOM, slots: 10 },
        { nodeId: BUSY_ROOM, slots: 20 },
      ],
    }),
  ]);
}, 120_000);
afterAll(async () => {
  closeZwaveClients();
  await network?.stop();
  await database?.close();
}, 60_000);

beforeEach(async () => {
  await database.truncate();
  org = await createOrganization(database.db, { roles: ['admin'] });
  admin = await actorFor(database.db, org, 'admin');
  const [connection] = await database.db
    .insert(adapterConnections)
    .values({ organizationId: org.org.id, adapter: 'zwave', name: 'Z-Wave', status: 'ok' })
    .returning();
  if (!connection) throw new Error('no connection');
  connectionId = connection.id;
  adapters = adapterResolver({
    simulated: database.db,
    db: database.db,
    seam: () => Promise.reject(new Error('no Seam here')),
    zwave: async () => ({ connectionId, url: network.url }),
  });
  for (const nodeId of [ROOM, BUSY_ROOM]) {
    const lock = network.lock(nodeId);
    lock.setDead(false);
    lock.dropWrites(false);
    for (const slot of lock.codes().keys()) lock.clearAtKeypad(slot);
  }
});

async function zwaveLock(nodeId: number, room: string) {
  const [device] = await database.db
    .insert(devices)
    .values({
      organizationId: org.org.id,
      propertyId: org.property.id,
      connectionId,
      adapter: 'zwave',
      externalId: network.lock(nodeId).externalId,
      name: `Room ${room}`,
      room,
      codeConstraints: { allowedLengths: [4, 5, 6, 7, 8, 9, 10], digitsOnly: true },
      slotLimit: 20,
      nextSyncAt: new Date(0),
      nextEventsReadAt: new Date(0),
    })
    .returning();
  if (!device) throw new Error('no device');
  return device;
}

/** Today in the property's zone, shifted by `days`. */
const localDate = (days: number) =>
  format(addDays(new TZDate(Date.now(), ZONE), days), 'yyyy-MM-dd');
/** 15:00 (check-in) or 11:00 (check-out) in the property's zone on that day. */
const localTime = (date: string, hour: number) => {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(new TZDate(y, m - 1, d, hour, 0, 0, ZONE).getTime());
};

async function stay(
  deviceId: string,
  checkIn: string,
  checkOut: string,
  guestName = 'Maria Lopez',
) {
  const reservation = await createReservation(
    database.db,
    admin,
    {
      propertyId: org.property.id,
      guestName,
      checkInDate: checkIn,
      checkOutDate: checkOut,
      deviceIds: [deviceId],
    },
    new Date(localTime(checkIn, 15).getTime() - 7 * 86_400_000),
  );
  const [code] = reservation.accessCodes;
  if (!code?.code) throw new Error('no guest code');
  return { reservation, code };
}

const tick = (now: Date) =>
  runTick(database.db, { now, adapters, random: () => 1, transports: {} });

async function statusOf(codeId: string) {
  const [row] = await database.db.select().from(accessCodes).where(eq(accessCodes.id, codeId));
  return row?.status;
}

describe('the tick with Z-Wave locks', () => {
  it('puts a guest code on before check-in and takes it off after check-out', async () => {
    const lock = await zwaveLock(ROOM, '204');
    const checkIn = localDate(1);
    const checkOut = localDate(3);
    const { code } = await stay(lock.id, checkIn, checkOut);

    // Within the 30-minute programming lead before check-in: on the lock, waiting for its window.
    await tick(new Date(localTime(checkIn, 15).getTime() - 20 * 60_000));
    expect([...network.lock(ROOM).codes().values()]).toEqual([code.code]);
    await tick(new Date(localTime(checkIn, 15).getTime() + 60_000));
    expect(await statusOf(code.id)).toBe('set');

    await tick(new Date(localTime(checkOut, 11).getTime() + 30 * 60_000));
    expect(await statusOf(code.id)).toBe('removed');
    expect(network.lock(ROOM).codes().size).toBe(0);
    const [slot] = await database.db
      .select()
      .from(zwaveCodeSlots)
      .where(eq(zwaveCodeSlots.keyholdCodeId, code.id));
    expect(slot?.releasedAt).not.toBeNull();
  });

  it('keeps the code coming when the lock stops answering across check-in, and sets it when it answers', async () => {
    const lock = await zwaveLock(ROOM, '204');
    const checkIn = localDate(1);
    const { code } = await stay(lock.id, checkIn, localDate(2));
    network.lock(ROOM).setDead(true);

    const before = new Date(localTime(checkIn, 15).getTime() - 20 * 60_000);
    await tick(before);
    expect(await statusOf(code.id)).not.toBe('set');
    const [away] = await database.db.select().from(devices).where(eq(devices.id, lock.id));
    expect(away?.online).toBe(false);
    expect(network.lock(ROOM).codes().size).toBe(0);

    network.lock(ROOM).setDead(false);
    // The guest arrives; the reconciler's back-off has passed.
    let now = new Date(localTime(checkIn, 15).getTime() + 5 * 60_000);
    for (let i = 0; i < 5 && (await statusOf(code.id)) !== 'set'; i++) {
      await tick(now);
      now = new Date(now.getTime() + 10 * 60_000);
    }
    expect(await statusOf(code.id)).toBe('set');
    expect([...network.lock(ROOM).codes().values()]).toEqual([code.code]);
    const [back] = await database.db.select().from(devices).where(eq(devices.id, lock.id));
    expect(back?.online).toBe(true);
  });

  it('loses nothing when Z-Wave JS Server restarts in the middle of a tick', async () => {
    const lock = await zwaveLock(BUSY_ROOM, '310');
    // Eight codes wanted at once (owner, cleaners, …): a tick with eight writes to make.
    const codes = [];
    for (let i = 0; i < 8; i++) {
      codes.push(
        await createAccessCode(
          database.db,
          admin,
          { deviceId: lock.id, name: `Staff ${i}` },
          new Date(),
        ),
      );
    }
    const now = new Date();
    let writes = 0;
    const mock = network.lock(BUSY_ROOM);
    mock.clearReceived();
    const restarted = (async () => {
      while (mock.received().filter((c) => c === 'UserCodeCCExtendedUserCodeSet').length < 3) {
        await new Promise((r) => setTimeout(r, 5));
      }
      await network.stopServer();
      await network.startServer();
    })();
    await tick(now);
    await restarted;
    writes = mock.received().filter((c) => c === 'UserCodeCCExtendedUserCodeSet').length;
    expect(writes).toBeGreaterThanOrEqual(3);
    const afterFirst = await Promise.all(codes.map((c) => statusOf(c.id)));
    expect(afterFirst.filter((s) => s === 'set').length).toBeLessThan(codes.length);

    let later = new Date(now.getTime() + 5 * 60_000);
    for (
      let i = 0;
      i < 6 && (await Promise.all(codes.map((c) => statusOf(c.id)))).some((s) => s !== 'set');
      i++
    ) {
      await new Promise((r) => setTimeout(r, 1_000));
      await tick(later);
      later = new Date(later.getTime() + 5 * 60_000);
    }
    expect(await Promise.all(codes.map((c) => statusOf(c.id)))).toEqual(codes.map(() => 'set'));
    // Each code once on the lock, each in its own slot.
    expect([...mock.codes().values()].sort()).toEqual(codes.map((c) => c.code).sort());
    const held = await database.db
      .select()
      .from(zwaveCodeSlots)
      .where(and(eq(zwaveCodeSlots.connectionId, connectionId), eq(zwaveCodeSlots.state, 'set')));
    expect(new Set(held.map((h) => h.slot)).size).toBe(codes.length);
  });

  it('brings a keypad entry to the stay through the events read', async () => {
    const lock = await zwaveLock(ROOM, '204');
    const { reservation, code } = await stay(lock.id, localDate(-1), localDate(1));
    await tick(new Date());
    expect(await statusOf(code.id)).toBe('set');
    const [slot] = await database.db
      .select()
      .from(zwaveCodeSlots)
      .where(eq(zwaveCodeSlots.keyholdCodeId, code.id));
    if (!slot) throw new Error('no slot');

    await readDueLockEvents(database.db, adapters, new Date());
    await network.lock(ROOM).enterCode(slot.slot);
    await database.db
      .update(devices)
      .set({ nextEventsReadAt: new Date(0) })
      .where(eq(devices.id, lock.id));
    await expect
      .poll(
        async () => {
          await database.db
            .update(devices)
            .set({ nextEventsReadAt: new Date(0) })
            .where(eq(devices.id, lock.id));
          await readDueLockEvents(database.db, adapters, new Date());
          const entries = await firstEntriesFor(
            database.db,
            org.org.id,
            [{ reservationId: reservation.id, timeZone: ZONE }],
            new Date(),
          );
          return entries.get(reservation.id)?.entry.accessCodeId ?? null;
        },
        { timeout: 10_000, interval: 300 },
      )
      .toBe(code.id);
  });
});
