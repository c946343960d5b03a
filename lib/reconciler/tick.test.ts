import { randomUUID } from 'node:crypto';
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  accessCodeEvents,
  accessCodes,
  alerts,
  devices,
  events,
  simulatedLockCodes,
} from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { EXTERNAL_CHANGE_WARNING } from '@/lib/access-codes/external-changes';
import { createAccessCode, updateAccessCode } from '@/lib/access-codes/operations';
import { getAccessCode } from '@/lib/access-codes/reads';
import type { Actor } from '@/lib/auth/actor';
import { defaultAdapters } from '@/lib/devices/connections';
import { type LockAdapter, LockFailure } from '@/lib/locks/adapter';
import {
  addCodeAtLock,
  changeCodeAtLock,
  removeCodeAtLock,
  setSimulatedLockKnobs,
} from '@/lib/locks/simulated/controls';
import {
  cancelReservation,
  createReservation,
  updateReservation,
} from '@/lib/reservations/operations';
import { runTick, type TickOptions } from './tick';

// Thursday 2026-11-26, 09:00 in New York.
const T0 = new Date('2026-11-26T14:00:00Z');
const minutes = (n: number) => n * 60_000;
const hours = (n: number) => n * 3_600_000;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

let database: TestDatabase;
let actor: Actor;
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
  const org = await createOrganization(database.db, { roles: ['admin'] });
  organizationId = org.org.id;
  propertyId = org.property.id;
  actor = await actorFor(database.db, org, 'admin');
});

const tick = (now: Date, options: Partial<TickOptions> = {}) =>
  runTick(database.db, {
    now,
    adapters: defaultAdapters(database.db),
    random: () => 1,
    ...options,
  });

async function lockCodes(externalId: string) {
  return database.db
    .select()
    .from(simulatedLockCodes)
    .where(eq(simulatedLockCodes.lockId, externalId));
}

async function codeRow(id: string) {
  const [row] = await database.db.select().from(accessCodes).where(eq(accessCodes.id, id));
  if (!row) throw new Error('code row missing');
  return row;
}

async function lockRow(id: string) {
  const [row] = await database.db.select().from(devices).where(eq(devices.id, id));
  if (!row) throw new Error('lock row missing');
  return row;
}

async function eventsOf(id: string) {
  const rows = await database.db
    .select({ type: accessCodeEvents.eventType })
    .from(accessCodeEvents)
    .where(eq(accessCodeEvents.accessCodeId, id))
    .orderBy(accessCodeEvents.id);
  return rows.map((r) => r.type);
}

/**
 * A stay checking in `inDays` days from T0 at 15:00 New York, for `nights`
 * nights; `allowOverlap` books it although another stay holds the lock then.
 */
async function stay(
  lockIds: string[],
  inDays: number,
  nights = 2,
  guestName = 'Ana Guest',
  { allowOverlap = false } = {},
) {
  const date = (d: number) => new Date(T0.getTime() + d * 86_400_000).toISOString().slice(0, 10);
  const reservation = await createReservation(
    database.db,
    actor,
    {
      propertyId,
      guestName,
      checkInDate: date(inDays),
      checkOutDate: date(inDays + nights),
      deviceIds: lockIds,
      allowOverlap,
    },
    T0,
  );
  const [code] = reservation.accessCodes;
  if (!code) throw new Error('no guest code');
  return { reservation, code };
}

describe('a guest code’s life on a lock', () => {
  it('is unset days ahead, on the lock 29 minutes before check-in, set at check-in, gone at check-out', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId, room: '101' });
    const { reservation, code } = await stay([lock.id], 2);
    expect(reservation.startsAt.toISOString()).toBe('2026-11-28T20:00:00.000Z');

    await tick(T0);
    expect((await codeRow(code.id)).status).toBe('unset');
    expect(await lockCodes(lock.externalId)).toHaveLength(0);

    const checkIn = reservation.startsAt;
    await tick(at(checkIn, -minutes(29)));
    const early = await codeRow(code.id);
    expect(early.status).toBe('unset');
    expect(early.setOnDeviceAt).not.toBeNull();
    expect((await lockCodes(lock.externalId)).map((c) => c.code)).toEqual([code.code]);

    await tick(checkIn);
    expect((await codeRow(code.id)).status).toBe('set');

    await tick(at(reservation.endsAt, -minutes(1)));
    expect(await lockCodes(lock.externalId)).toHaveLength(1);

    await tick(reservation.endsAt);
    expect(await lockCodes(lock.externalId)).toHaveLength(0);
    expect((await codeRow(code.id)).status).toBe('removed');
    await expect(
      getAccessCode(database.db, actor, code.id, reservation.endsAt),
    ).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await eventsOf(code.id)).toEqual([
      'created',
      'scheduled_on_device',
      'set_on_device',
      'removed_from_device',
    ]);
  });

  it('goes onto a lock with native schedules 72 hours ahead, window and all', async () => {
    const lock = await addSimulatedLock(database.db, {
      organizationId,
      propertyId,
      supportsNativeScheduling: true,
    });
    const { reservation, code } = await stay([lock.id], 2);
    await tick(T0);
    const [held] = await lockCodes(lock.externalId);
    expect(held?.startsAt?.toISOString()).toBe(reservation.startsAt.toISOString());
    expect(held?.endsAt?.toISOString()).toBe(reservation.endsAt.toISOString());
    const row = await codeRow(code.id);
    expect(row).toMatchObject({ status: 'unset', isScheduledOnDevice: true });
  });

  it('removes a cancelled stay’s code from the lock', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    const { reservation, code } = await stay([lock.id], 0, 1);
    await tick(reservation.startsAt);
    expect(await lockCodes(lock.externalId)).toHaveLength(1);
    const later = at(reservation.startsAt, hours(1));
    await cancelReservation(database.db, actor, reservation.id, later);
    await tick(later);
    expect(await lockCodes(lock.externalId)).toHaveLength(0);
    expect((await codeRow(code.id)).status).toBe('removed');
  });

  it('keeps an extended stay’s code on the lock until the new check-out, and moves the window on a scheduling lock', async () => {
    const plain = await addSimulatedLock(database.db, { organizationId, propertyId });
    const native = await addSimulatedLock(database.db, {
      organizationId,
      propertyId,
      supportsNativeScheduling: true,
    });
    const { reservation } = await stay([plain.id, native.id], 0, 1);
    await tick(reservation.startsAt);
    const inStay = at(reservation.startsAt, hours(2));
    const extended = await updateReservation(
      database.db,
      actor,
      reservation.id,
      {
        checkOutDate: new Date(reservation.endsAt.getTime() + 86_400_000)
          .toISOString()
          .slice(0, 10),
      },
      inStay,
    );
    await tick(inStay);
    const [onNative] = await lockCodes(native.externalId);
    expect(onNative?.endsAt?.toISOString()).toBe(extended.endsAt.toISOString());

    await tick(reservation.endsAt);
    expect(await lockCodes(plain.externalId)).toHaveLength(1);
    await tick(extended.endsAt);
    expect(await lockCodes(plain.externalId)).toHaveLength(0);
    expect(await lockCodes(native.externalId)).toHaveLength(0);
  });
});

describe('faults', () => {
  it('warns while an offline lock delays a code, errors at check-in, and sets it when the lock returns', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId, online: false });
    const { reservation, code } = await stay([lock.id], 1);
    const programming = at(reservation.startsAt, -minutes(30));

    await tick(programming);
    const delayed = await codeRow(code.id);
    expect(delayed.status).toBe('unset');
    expect(delayed.warnings.map((w) => w.code)).toEqual(['delay_in_setting_on_device']);
    expect(delayed.errors).toEqual([]);
    // The retry never sleeps through check-in.
    expect(delayed.nextAttemptAt?.getTime()).toBeLessThanOrEqual(reservation.startsAt.getTime());

    await tick(reservation.startsAt);
    const failed = await codeRow(code.id);
    expect(failed.status).toBe('setting');
    expect(failed.errors.map((e) => e.code)).toEqual(['failed_to_set_on_device']);

    await setSimulatedLockKnobs(database.db, organizationId, lock.externalId, { online: true });
    await tick(at(reservation.startsAt, minutes(20)));
    const recovered = await codeRow(code.id);
    expect(recovered.status).toBe('set');
    expect(recovered.errors).toEqual([]);
    expect(recovered.warnings).toEqual([]);
    expect(await lockCodes(lock.externalId)).toHaveLength(1);
    expect(await eventsOf(code.id)).toEqual([
      'created',
      'delay_in_setting_on_device',
      'failed_to_set_on_device',
      'set_on_device',
    ]);
  });

  it('puts codes waiting out a back-off on a lock at the next tick once the lock answers again', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId, online: false });
    const first = await createAccessCode(database.db, actor, { deviceId: lock.id, name: 'A' }, T0);
    await tick(T0);
    await tick(at(T0, minutes(1)));
    const waiting = await codeRow(first.id);
    expect(waiting.attempts).toBe(2);
    // Its next try is a minute away.
    expect(waiting.nextAttemptAt?.getTime()).toBe(at(T0, minutes(2)).getTime());

    await setSimulatedLockKnobs(database.db, organizationId, lock.externalId, { online: true });
    // Another code is due now and reaches the lock: Keyhold learns it is back.
    const second = await createAccessCode(
      database.db,
      actor,
      { deviceId: lock.id, name: 'B' },
      at(T0, minutes(1)),
    );
    await tick(at(T0, minutes(1) + 5_000));
    expect((await codeRow(second.id)).status).toBe('set');
    await tick(at(T0, minutes(1) + 10_000));
    expect((await codeRow(first.id)).status).toBe('set');
  });

  it('sets a code again after someone removes it at the lock, raising then clearing conflicting_external_modification', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    const code = await createAccessCode(
      database.db,
      actor,
      { deviceId: lock.id, name: 'Cleaner' },
      T0,
    );
    await tick(T0);
    expect((await codeRow(code.id)).status).toBe('set');

    await removeCodeAtLock(database.db, organizationId, lock.externalId, code.id);
    // The first re-set fails once (the lock is busy), so the error is visible between ticks.
    const flaky = flakyOnce(defaultAdapters(database.db));
    const syncAt = at(T0, minutes(6));
    await tick(syncAt, { adapters: flaky });
    const conflicted = await codeRow(code.id);
    expect(conflicted.errors.map((e) => e.code)).toContain('conflicting_external_modification');
    expect(conflicted.errors[0]?.detail).toEqual({ change_type: 'removed' });
    expect(await lockCodes(lock.externalId)).toHaveLength(0);

    await tick(at(syncAt, minutes(2)));
    const restored = await codeRow(code.id);
    expect(restored).toMatchObject({ status: 'set', errors: [] });
    expect((await lockCodes(lock.externalId)).map((c) => c.code)).toEqual([code.code]);
  });

  it('keeps a warning on a code removed at the lock and on its lock for a day, and alerts when it happens again there', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    const code = await createAccessCode(
      database.db,
      actor,
      { deviceId: lock.id, name: 'Cleaner' },
      T0,
    );
    await tick(T0);
    const changeWarnings = async () => ({
      code: (await codeRow(code.id)).warnings.filter((w) => w.code === EXTERNAL_CHANGE_WARNING),
      lock: (await lockRow(lock.id)).warnings.filter((w) => w.code === EXTERNAL_CHANGE_WARNING),
    });
    const openAlerts = () =>
      database.db
        .select()
        .from(alerts)
        .where(and(eq(alerts.deviceId, lock.id), ne(alerts.status, 'resolved')));

    await removeCodeAtLock(database.db, organizationId, lock.externalId, code.id);
    const firstAt = at(T0, minutes(6));
    await tick(firstAt);
    expect(await codeRow(code.id)).toMatchObject({ status: 'set', errors: [] });
    expect((await lockCodes(lock.externalId)).map((c) => c.code)).toEqual([code.code]);
    const first = await changeWarnings();
    expect(first.code).toEqual([
      expect.objectContaining({
        createdAt: firstAt.toISOString(),
        detail: { change_type: 'removed' },
      }),
    ]);
    expect(first.lock).toHaveLength(1);
    // Once is a warning on the code and the lock, not an alert.
    expect(await openAlerts()).toEqual([]);

    await removeCodeAtLock(database.db, organizationId, lock.externalId, code.id);
    const againAt = at(T0, minutes(12));
    await tick(againAt);
    expect((await codeRow(code.id)).status).toBe('set');
    expect(await openAlerts()).toEqual([
      expect.objectContaining({
        kind: EXTERNAL_CHANGE_WARNING,
        accessCodeId: null,
        message: expect.stringContaining('2 times in the last 24 hours'),
      }),
    ]);
    await tick(at(againAt, minutes(6)));
    expect(await openAlerts()).toHaveLength(1);

    // A day without another change: the warnings go and the alert resolves.
    await tick(at(againAt, hours(24) + minutes(1)));
    expect(await changeWarnings()).toEqual({ code: [], lock: [] });
    expect(await openAlerts()).toEqual([]);
    expect((await codeRow(code.id)).status).toBe('set');
  });

  it('takes its own finished code off a lock at sync, and leaves another Keyhold’s codes alone', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    const code = await createAccessCode(
      database.db,
      actor,
      { deviceId: lock.id, name: 'Cleaner' },
      T0,
    );
    await tick(T0);
    // Finished in Keyhold, but still on the lock (as after a lost removal).
    await database.db
      .update(accessCodes)
      .set({ status: 'removed', nextAttemptAt: null })
      .where(eq(accessCodes.id, code.id));
    // A code another Keyhold (a second organization on a shared account) put there.
    const theirs = randomUUID();
    await database.db
      .insert(simulatedLockCodes)
      .values({ lockId: lock.externalId, code: '918273', keyholdCodeId: theirs });

    await tick(at(T0, minutes(6)));
    expect((await lockCodes(lock.externalId)).map((c) => c.keyholdCodeId)).toEqual([theirs]);
  });

  it('puts back digits changed at the lock', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    const code = await createAccessCode(
      database.db,
      actor,
      { deviceId: lock.id, code: '4821' },
      T0,
    );
    await tick(T0);
    await changeCodeAtLock(database.db, organizationId, lock.externalId, code.id, '1111');
    await tick(at(T0, minutes(6)));
    expect((await lockCodes(lock.externalId)).map((c) => c.code)).toEqual(['4821']);
    expect(await eventsOf(code.id)).toContain('modified_external_to_seam');
  });

  it('reports a full lock with no_space_for_access_code_on_device', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId, slotLimit: 1 });
    await addCodeAtLock(database.db, organizationId, lock.externalId, '9090');
    const code = await createAccessCode(database.db, actor, { deviceId: lock.id }, T0);
    await tick(T0);
    const row = await codeRow(code.id);
    expect(row.status).toBe('setting');
    expect(row.errors.map((e) => e.code)).toContain('no_space_for_access_code_on_device');
  });

  it('refuses a duplicate PIN on a lock when the code is created', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    await createAccessCode(database.db, actor, { deviceId: lock.id, code: '5150' }, T0);
    await expect(
      createAccessCode(database.db, actor, { deviceId: lock.id, code: '5150' }, T0),
    ).rejects.toMatchObject({ code: 'invalid_input', options: { field: 'code' } });
  });

  it('gives the nearest arrival the last slot and never drops an in-house guest', async () => {
    const lock = await addSimulatedLock(database.db, {
      organizationId,
      propertyId,
      slotLimit: 2,
      supportsNativeScheduling: true,
    });
    const inHouse = await stay([lock.id], 0, 4, 'In House');
    await tick(inHouse.reservation.startsAt);
    expect((await codeRow(inHouse.code.id)).status).toBe('set');

    // Double bookings, confirmed: three guests' codes compete for the lock's two slots.
    const later = await stay([lock.id], 2, 1, 'Later Arrival', { allowOverlap: true });
    const sooner = await stay([lock.id], 1, 1, 'Sooner Arrival', { allowOverlap: true });
    await tick(at(inHouse.reservation.startsAt, hours(1)));
    const held = (await lockCodes(lock.externalId)).map((c) => c.keyholdCodeId).sort();
    expect(held).toEqual([inHouse.code.id, sooner.code.id].sort());
    expect((await codeRow(later.code.id)).errors.map((e) => e.code)).toContain(
      'no_space_for_access_code_on_device',
    );
  });
});

describe('an offline lock', () => {
  it('is one alert saying what waits for it, not one per code, and it resolves when the lock is back', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId, room: '204' });
    await database.db
      .update(devices)
      .set({ backupPoolEnabled: true })
      .where(eq(devices.id, lock.id));
    const { reservation, code } = await stay([lock.id], 0, 1);
    await setSimulatedLockKnobs(database.db, organizationId, lock.externalId, { online: false });
    const unplugged = at(reservation.startsAt, -minutes(30));
    const lockAlerts = () =>
      database.db
        .select()
        .from(alerts)
        .where(and(eq(alerts.deviceId, lock.id), ne(alerts.status, 'resolved')));

    // Twenty minutes at a tick a minute, across check-in: the guest code fails, the pool's wait.
    const open: number[] = [];
    for (let m = 0; m <= 40; m++) {
      await tick(at(unplugged, minutes(m)));
      open.push((await lockAlerts()).length);
    }
    expect((await codeRow(code.id)).errors.map((e) => e.code)).toEqual(['failed_to_set_on_device']);
    const [alert, ...more] = await lockAlerts();
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      kind: 'device_disconnected',
      accessCodeId: null,
      // 14:30 in New York, where the property is.
      message: 'Room 204 offline since 14:30 — 1 arrival and 5 backup codes waiting',
    });
    // The badge does not climb while the lock stays away.
    expect(new Set(open)).toEqual(new Set([1]));

    await setSimulatedLockKnobs(database.db, organizationId, lock.externalId, { online: true });
    for (let m = 41; m <= 50; m++) await tick(at(unplugged, minutes(m)));
    expect(await lockAlerts()).toEqual([]);
    expect((await codeRow(code.id)).status).toBe('set');
    const everyAlert = await database.db.select().from(alerts).where(eq(alerts.deviceId, lock.id));
    expect(everyAlert.map((a) => `${a.kind} ${a.status}`)).toEqual([
      'device_disconnected resolved',
    ]);
  });

  it('keeps a guest code that failed at check-in on a lock that answers as its own alert', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId, room: '205' });
    const { reservation, code } = await stay([lock.id], 0, 1);
    // The lock answers but will not take the code.
    await setSimulatedLockKnobs(database.db, organizationId, lock.externalId, { failureRate: 1 });
    await tick(reservation.startsAt);
    const found = await database.db
      .select()
      .from(alerts)
      .where(and(eq(alerts.deviceId, lock.id), ne(alerts.status, 'resolved')));
    expect(found.map((a) => [a.kind, a.accessCodeId])).toEqual([
      ['failed_to_set_on_device', code.id],
    ]);
  });
});

describe('crash safety and concurrency', () => {
  it('converges after a tick dies between the lock’s answer and the commit, with one copy on the lock', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    const code = await createAccessCode(database.db, actor, { deviceId: lock.id }, T0);
    const crash = new Error('process killed');
    await expect(
      tick(T0, {
        beforeCommit: () => {
          throw crash;
        },
      }),
    ).resolves.toMatchObject({ locks: 1 });
    // The lock got the code; Keyhold's record of it was rolled back.
    expect(await lockCodes(lock.externalId)).toHaveLength(1);
    expect((await codeRow(code.id)).setOnDeviceAt).toBeNull();

    // Until the lease runs out no tick touches the lock.
    expect((await tick(at(T0, minutes(1)))).locks).toBe(0);
    await tick(at(T0, minutes(3)));
    expect((await codeRow(code.id)).status).toBe('set');
    const held = await lockCodes(lock.externalId);
    expect(held).toHaveLength(1);
    expect(held[0]?.keyholdCodeId).toBe(code.id);
  });

  it('keeps an edit made while the lock was programming the code, records what the lock did, and looks again at once', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    const edited = await createAccessCode(database.db, actor, { deviceId: lock.id }, T0);
    const untouched = await createAccessCode(database.db, actor, { deviceId: lock.id }, T0);
    const real = defaultAdapters(database.db);
    // A person changes the digits while the lock takes the old ones.
    const editing: typeof real = (target) => {
      const adapter = real(target);
      return wrap(adapter, {
        async setCode(externalId, request) {
          const onLock = await adapter.setCode(externalId, request);
          if (request.keyholdCodeId === edited.id) {
            await updateAccessCode(database.db, actor, edited.id, { code: '482913' }, T0);
          }
          return onLock;
        },
      });
    };
    await tick(T0, { adapters: editing });

    const kept = await codeRow(edited.id);
    expect(kept).toMatchObject({ code: '482913', status: 'setting', revision: 1, attempts: 0 });
    expect(kept.externalRef).not.toBeNull();
    expect(kept.setOnDeviceAt).toEqual(T0);
    expect(kept.nextAttemptAt).toEqual(T0);
    expect(await codeRow(untouched.id)).toMatchObject({ status: 'set', revision: 0 });
    // Only the code whose record was written is announced as set.
    const announced = await database.db
      .select({ accessCodeId: events.accessCodeId })
      .from(events)
      .where(eq(events.eventType, 'access_code.set_on_device'));
    expect(announced.map((e) => e.accessCodeId)).toEqual([untouched.id]);

    await tick(at(T0, minutes(1)));
    expect(await codeRow(edited.id)).toMatchObject({ code: '482913', status: 'set' });
    expect((await lockCodes(lock.externalId)).map((c) => c.code).sort()).toEqual(
      ['482913', untouched.code].sort(),
    );
  });

  it('lets two ticks run at once without programming any code twice or missing one', async () => {
    const locks = await Promise.all(
      Array.from({ length: 12 }, () =>
        addSimulatedLock(database.db, { organizationId, propertyId, latencyMs: 2 }),
      ),
    );
    const codes = [];
    for (const lock of locks) {
      for (let i = 0; i < 3; i++) {
        codes.push(await createAccessCode(database.db, actor, { deviceId: lock.id }, T0));
      }
    }
    const calls = new Map<string, number>();
    const counting = countingSets(defaultAdapters(database.db), calls);
    const loop = async (instance: string) => {
      for (let round = 0; round < 10; round++) {
        await tick(T0, { adapters: counting, instance, concurrency: 4, locksPerRound: 3 });
      }
    };
    await Promise.all([loop('a'), loop('b')]);

    for (const code of codes) {
      expect(calls.get(code.id)).toBe(1);
      expect((await codeRow(code.id)).status).toBe('set');
    }
    const held = await database.db
      .select({ id: simulatedLockCodes.keyholdCodeId })
      .from(simulatedLockCodes);
    expect(held.map((h) => h.id).sort()).toEqual(codes.map((c) => c.id).sort());
  });
});

/** Adapters whose first setCode call fails with a transient failure. */
function flakyOnce(
  resolve: ReturnType<typeof defaultAdapters>,
): ReturnType<typeof defaultAdapters> {
  let failed = false;
  return (target) => {
    const real = resolve(target);
    return wrap(real, {
      async setCode(externalId, request) {
        if (!failed) {
          failed = true;
          throw new LockFailure('transient', 'The lock is busy.');
        }
        return real.setCode(externalId, request);
      },
    });
  };
}

function countingSets(
  resolve: ReturnType<typeof defaultAdapters>,
  calls: Map<string, number>,
): ReturnType<typeof defaultAdapters> {
  return (target) => {
    const real = resolve(target);
    return wrap(real, {
      setCode(externalId, request) {
        calls.set(request.keyholdCodeId, (calls.get(request.keyholdCodeId) ?? 0) + 1);
        return real.setCode(externalId, request);
      },
    });
  };
}

function wrap(real: LockAdapter, overrides: Partial<LockAdapter>): LockAdapter {
  return {
    name: real.name,
    listDevices: () => real.listDevices(),
    getDevice: (id) => real.getDevice(id),
    listCodes: (id) => real.listCodes(id),
    setCode: (id, request) => real.setCode(id, request),
    removeCode: (id, codeId) => real.removeCode(id, codeId),
    ...overrides,
  };
}
