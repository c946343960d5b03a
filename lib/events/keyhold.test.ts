import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { devices, events } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { createAccessCode } from '@/lib/access-codes/operations';
import type { Actor } from '@/lib/auth/actor';
import { pullBackupAccessCode } from '@/lib/backup-pools/pools';
import { defaultAdapters } from '@/lib/devices/connections';
import { DISCOVERY_INTERVAL_MS, discoverDevices } from '@/lib/devices/discovery';
import {
  factoryResetLock,
  removeCodeAtLock,
  setSimulatedLockKnobs,
} from '@/lib/locks/simulated/controls';
import { runTick } from '@/lib/reconciler/tick';
import { createReservation } from '@/lib/reservations/operations';

// Keyhold's own events (access_code.*, device.*), written by the tick, the
// pull and discovery in the transaction that makes them true: what an
// integrator's webhook and events/list see, once per happening.

// Thursday 2026-11-26, 09:00 in New York.
const T0 = new Date('2026-11-26T14:00:00Z');
const minutes = (n: number) => n * 60_000;
const hours = (n: number) => n * 3_600_000;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

let database: TestDatabase;
let actor: Actor;
let frontDesk: Actor;
let organizationId: string;
let propertyId: string;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await database.truncate();
  const org = await createOrganization(database.db, { roles: ['admin', 'front_desk'] });
  organizationId = org.org.id;
  propertyId = org.property.id;
  actor = await actorFor(database.db, org, 'admin');
  frontDesk = await actorFor(database.db, org, 'front_desk');
});

const tick = (now: Date) =>
  runTick(database.db, { now, adapters: defaultAdapters(database.db), random: () => 1 });

async function eventsOf(type: string) {
  return database.db
    .select()
    .from(events)
    .where(eq(events.eventType, type))
    .orderBy(asc(events.occurredAt));
}

async function stay(lockId: string, inDays: number, nights = 2) {
  const date = (d: number) => new Date(T0.getTime() + d * 86_400_000).toISOString().slice(0, 10);
  const reservation = await createReservation(
    database.db,
    actor,
    {
      propertyId,
      guestName: 'Ana Guest',
      checkInDate: date(inDays),
      checkOutDate: date(inDays + nights),
      deviceIds: [lockId],
    },
    T0,
  );
  const [code] = reservation.accessCodes;
  if (!code) throw new Error('no guest code');
  return { reservation, code };
}

describe('codes on locks', () => {
  it('writes set_on_device once when a guest code becomes set at check-in, and removed_from_device at check-out', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    const { reservation, code } = await stay(lock.id, 1);

    // On the lock 29 minutes early, but not `set` until check-in: no event yet.
    await tick(at(reservation.startsAt, -minutes(29)));
    expect(await eventsOf('access_code.set_on_device')).toEqual([]);

    await tick(reservation.startsAt);
    const [set, ...more] = await eventsOf('access_code.set_on_device');
    expect(more).toEqual([]);
    expect(set).toMatchObject({
      organizationId,
      accessCodeId: code.id,
      deviceId: lock.id,
      reservationId: reservation.id,
      occurredAt: reservation.startsAt,
      detail: { is_backup_access_code: false },
    });

    // Later ticks (a sync that finds it there included) add nothing.
    await tick(at(reservation.startsAt, minutes(10)));
    await tick(at(reservation.startsAt, hours(1)));
    expect(await eventsOf('access_code.set_on_device')).toHaveLength(1);
    expect(await eventsOf('access_code.removed_from_device')).toEqual([]);

    await tick(reservation.endsAt);
    const removed = await eventsOf('access_code.removed_from_device');
    expect(removed).toHaveLength(1);
    expect(removed[0]).toMatchObject({
      accessCodeId: code.id,
      deviceId: lock.id,
      reservationId: reservation.id,
      occurredAt: reservation.endsAt,
    });
    await tick(at(reservation.endsAt, minutes(10)));
    expect(await eventsOf('access_code.removed_from_device')).toHaveLength(1);
    // No digits anywhere in what was written.
    const all = await database.db.select().from(events);
    expect(JSON.stringify(all)).not.toContain(code.code);
  });

  it('writes a new set_on_device when a code removed at the lock is set again', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    const ongoing = await createAccessCode(
      database.db,
      actor,
      { deviceId: lock.id, name: 'Housekeeping' },
      T0,
    );
    await tick(T0);
    expect(await eventsOf('access_code.set_on_device')).toHaveLength(1);
    await removeCodeAtLock(database.db, organizationId, lock.externalId, ongoing.id);
    // The next sync (five minutes on) finds it gone and puts it back.
    await tick(at(T0, minutes(6)));
    await tick(at(T0, minutes(8)));
    const sets = await eventsOf('access_code.set_on_device');
    expect(sets.map((e) => e.accessCodeId)).toEqual([ongoing.id, ongoing.id]);
    expect(sets.map((e) => e.occurredAt.getTime())).not.toEqual([T0.getTime(), T0.getTime()]);
  });

  it('writes set_on_device once when a tick dies before its commit and the next one redoes the work', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    const code = await createAccessCode(database.db, actor, { deviceId: lock.id }, T0);
    await runTick(database.db, {
      now: T0,
      adapters: defaultAdapters(database.db),
      random: () => 1,
      beforeCommit: () => {
        throw new Error('process killed');
      },
    });
    expect(await eventsOf('access_code.set_on_device')).toEqual([]);
    // After the lease runs out, the code is recorded set, and its event with it.
    await tick(at(T0, minutes(3)));
    await tick(at(T0, minutes(4)));
    const sets = await eventsOf('access_code.set_on_device');
    expect(sets.map((e) => [e.accessCodeId, e.occurredAt])).toEqual([
      [code.id, at(T0, minutes(3))],
    ]);
  });

  it('writes failed_to_set_on_device once while the tick keeps retrying, with why', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId, online: false });
    const { reservation, code } = await stay(lock.id, 1);
    await tick(at(reservation.startsAt, -minutes(30)));
    // A delay is not a failure.
    expect(await eventsOf('access_code.failed_to_set_on_device')).toEqual([]);

    await tick(reservation.startsAt);
    await tick(at(reservation.startsAt, minutes(5)));
    await tick(at(reservation.startsAt, minutes(12)));
    const failed = await eventsOf('access_code.failed_to_set_on_device');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({
      accessCodeId: code.id,
      deviceId: lock.id,
      reservationId: reservation.id,
      occurredAt: reservation.startsAt,
      detail: { is_backup_access_code: false, error_code: 'failed_to_set_on_device' },
    });

    // Back online: set once, and the failure is not written again.
    await setSimulatedLockKnobs(database.db, organizationId, lock.externalId, { online: true });
    await tick(at(reservation.startsAt, minutes(20)));
    await tick(at(reservation.startsAt, minutes(40)));
    expect(await eventsOf('access_code.set_on_device')).toHaveLength(1);
    expect(await eventsOf('access_code.failed_to_set_on_device')).toHaveLength(1);
  });

  it('names the full lock as the reason a code failed to set', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId, slotLimit: 1 });
    await createAccessCode(database.db, actor, { deviceId: lock.id, name: 'Owner' }, T0);
    const { reservation } = await stay(lock.id, 1);
    await tick(T0);
    await tick(reservation.startsAt);
    const [failed] = await eventsOf('access_code.failed_to_set_on_device');
    expect(failed?.detail).toEqual({
      is_backup_access_code: false,
      error_code: 'no_space_for_access_code_on_device',
    });
  });
});

describe('pulling a backup code', () => {
  it('writes backup_access_code_pulled for the guest’s code once, naming the backup', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    await database.db
      .update(devices)
      .set({ backupPoolEnabled: true })
      .where(eq(devices.id, lock.id));
    const guest = await createAccessCode(
      database.db,
      actor,
      { deviceId: lock.id, name: 'Guest', startsAt: at(T0, -hours(1)), endsAt: at(T0, hours(24)) },
      at(T0, -hours(2)),
    );
    await tick(T0);
    const pulled = await pullBackupAccessCode(database.db, frontDesk, guest.id, at(T0, hours(1)));
    const again = await pullBackupAccessCode(database.db, frontDesk, guest.id, at(T0, hours(2)));
    expect(again.id).toBe(pulled.id);

    const written = await eventsOf('access_code.backup_access_code_pulled');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      accessCodeId: guest.id,
      deviceId: lock.id,
      reservationId: guest.reservationId,
      occurredAt: at(T0, hours(1)),
      detail: { backup_access_code_id: pulled.id, is_backup_access_code: false },
    });
    expect(JSON.stringify(written)).not.toContain(pulled.code);
  });
});

describe('a lock’s connection', () => {
  it('writes disconnected then connected, once each, when a lock goes offline and comes back', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    await createAccessCode(database.db, actor, { deviceId: lock.id, name: 'Staff' }, T0);
    await tick(T0);
    expect(await eventsOf('device.connected')).toEqual([]);

    await setSimulatedLockKnobs(database.db, organizationId, lock.externalId, { online: false });
    // Keyhold learns it at the next read of the lock, and keeps learning it.
    for (const m of [6, 12, 18, 30]) await tick(at(T0, minutes(m)));
    const down = await eventsOf('device.disconnected');
    expect(down).toHaveLength(1);
    expect(down[0]).toMatchObject({
      organizationId,
      deviceId: lock.id,
      accessCodeId: null,
      occurredAt: at(T0, minutes(6)),
      detail: { error_code: 'device_disconnected' },
    });

    await setSimulatedLockKnobs(database.db, organizationId, lock.externalId, { online: true });
    for (const m of [36, 42, 48]) await tick(at(T0, minutes(m)));
    const up = await eventsOf('device.connected');
    expect(up).toHaveLength(1);
    expect(up[0]).toMatchObject({ deviceId: lock.id, occurredAt: at(T0, minutes(36)) });
    expect(await eventsOf('device.disconnected')).toHaveLength(1);
  });

  it('writes disconnected once when a lock’s account no longer lists it (factory reset)', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    const adapters = defaultAdapters(database.db);
    await discoverDevices(database.db, adapters, T0);
    await factoryResetLock(database.db, organizationId, lock.externalId, T0);
    const found = at(T0, DISCOVERY_INTERVAL_MS);
    await discoverDevices(database.db, adapters, found);
    await discoverDevices(database.db, adapters, at(found, DISCOVERY_INTERVAL_MS));
    const down = await eventsOf('device.disconnected');
    expect(down).toHaveLength(1);
    expect(down[0]).toMatchObject({
      deviceId: lock.id,
      occurredAt: found,
      detail: { error_code: 'device_removed' },
    });
  });
});
