import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessCodes,
  auditLog,
  devices,
  reservationDevices,
  simulatedLockCodes,
} from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { deleteAccessCode, updateAccessCode } from '@/lib/access-codes/operations';
import { createApiKey } from '@/lib/api-keys';
import type { Actor } from '@/lib/auth/actor';
import { pullBackupAccessCode } from '@/lib/backup-pools/pools';
import { defaultAdapters } from '@/lib/devices/connections';
import { factoryResetLock } from '@/lib/locks/simulated/controls';
import { logTransport } from '@/lib/messages/transports';
import { runTick } from '@/lib/reconciler/tick';
import { getReservationDetail } from '@/lib/reservations/detail';
import { cancelReservation, createReservation } from '@/lib/reservations/operations';
import { handleSeamRequest } from '@/lib/seam-api/handler';
import { DISCOVERY_INTERVAL_MS } from './discovery';
import { listNewLocks } from './new-locks';
import { replaceDevice } from './replace';
import { replacementPlan } from './replacement-plan';
import { replacementProgress } from './replacement-progress';
import { retireDevice } from './retire';
import { undoReplacement } from './undo-replacement';

// Noon in New York.
const NOW = new Date('2026-11-26T17:00:00Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let frontDesk: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, { roles: ['admin', 'front_desk'] });
  admin = await actorFor(database.db, harbor, 'admin');
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
});
afterAll(async () => {
  await database?.close();
});

const quietLog = { info() {}, warn() {}, error() {} } as never;
const tick = (now: Date) =>
  runTick(database.db, {
    now,
    adapters: defaultAdapters(database.db),
    transports: { email: logTransport({ log: quietLog }), sms: logTransport({ log: quietLog }) },
    random: () => 1,
  });

async function ticks(from: number, count: number) {
  for (let i = 0; i < count; i++) await tick(later(from + i));
}

const stayOn = (
  deviceId: string,
  guestName: string,
  checkInDate: string,
  checkOutDate: string,
  { allowOverlap = false } = {},
) =>
  createReservation(
    database.db,
    admin,
    {
      propertyId: harbor.property.id,
      guestName,
      guestEmail: `${guestName.toLowerCase().replace(/\W+/g, '.')}@guest.example`,
      checkInDate,
      checkOutDate,
      deviceIds: [deviceId],
      allowOverlap,
    },
    NOW,
  );

const liveCodesOf = (deviceId: string) =>
  database.db
    .select()
    .from(accessCodes)
    .where(and(eq(accessCodes.deviceId, deviceId), isNull(accessCodes.deletedAt)));

/** A room lock with two stays in house, one to come, a full pool and a backup pulled; then reset. */
async function resetLockWithStays(room: string, base: number) {
  const lock = await addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: harbor.property.id,
    room,
  });
  await database.db.update(devices).set({ backupPoolEnabled: true }).where(eq(devices.id, lock.id));
  const inHouse = await stayOn(lock.id, `Ana ${room}`, '2026-11-24', '2026-11-28');
  // Sharing the room with Ana: a double booking, confirmed.
  const alsoInHouse = await stayOn(lock.id, `Ben ${room}`, '2026-11-25', '2026-11-27', {
    allowOverlap: true,
  });
  const coming = await stayOn(lock.id, `Cy ${room}`, '2026-11-29', '2026-12-01');
  await ticks(base, 3);
  const anaCode = inHouse.accessCodes[0];
  if (!anaCode) throw new Error('no code');
  const backup = await pullBackupAccessCode(database.db, frontDesk, anaCode.id, later(base + 3));
  await ticks(base + 4, 3);
  const newId = await factoryResetLock(
    database.db,
    harbor.org.id,
    lock.externalId,
    later(base + 7),
  );
  // Discovery runs on the next tick past its interval.
  await tick(later(base + 8 + DISCOVERY_INTERVAL_MS / 60_000));
  const [found] = await database.db
    .select()
    .from(devices)
    .where(and(eq(devices.organizationId, harbor.org.id), eq(devices.externalId, newId)));
  if (!found) throw new Error('the reset lock was not discovered');
  return { lock, found, stays: [inHouse, alsoInHouse, coming], backup, newId };
}

describe('replaceDevice', () => {
  it('restores every stay, the pulled backup and the pool on the new lock within a few ticks', async () => {
    const { lock, found, stays, backup, newId } = await resetLockWithStays('401', 0);
    expect(found.needsPlacement).toBe(true);

    const at = later(20);
    const result = await replaceDevice(
      database.db,
      admin,
      { oldDeviceId: lock.id, newDeviceId: found.id },
      at,
    );
    expect(result).toMatchObject({ moved: 4, poolClosed: 5, changedDigits: [] });
    await ticks(21, 4);

    const [fresh] = await database.db.select().from(devices).where(eq(devices.id, found.id));
    expect(fresh).toMatchObject({
      name: lock.name,
      room: '401',
      propertyId: harbor.property.id,
      needsPlacement: false,
      backupPoolEnabled: true,
    });
    const codes = await liveCodesOf(found.id);
    // Each stay's code, with its digits: the two in house are on the lock, the third waits.
    for (const stay of stays) {
      const code = codes.find((c) => c.reservationId === stay.id);
      expect(code?.code).toBe(stay.accessCodes[0]?.code);
    }
    const inHouse = codes.filter((c) => c.reservationId && c.status === 'set');
    expect(inHouse.map((c) => c.reservationId).sort()).toEqual([stays[0]?.id, stays[1]?.id].sort());
    // The pulled backup still works for Ana, and is not in the pool.
    const pulled = codes.find((c) => c.isBackup && c.pulledAt !== null);
    expect(pulled).toMatchObject({
      code: backup.code,
      pulledForReservationId: stays[0]?.id,
      status: 'set',
    });
    const pool = codes.filter((c) => c.isBackup && c.pulledAt === null && c.status === 'set');
    expect(pool).toHaveLength(5);
    // What the tick set is really on the lock.
    const onLock = await database.db
      .select({ code: simulatedLockCodes.code })
      .from(simulatedLockCodes)
      .where(eq(simulatedLockCodes.lockId, newId));
    expect(onLock.map((c) => c.code)).toEqual(
      expect.arrayContaining([stays[0]?.accessCodes[0]?.code, backup.code]),
    );

    const [old] = await database.db.select().from(devices).where(eq(devices.id, lock.id));
    expect(old).toMatchObject({ status: 'replaced', replacedByDeviceId: found.id });
    expect(await liveCodesOf(lock.id)).toEqual([]);
    const links = await database.db
      .select({ deviceId: reservationDevices.deviceId })
      .from(reservationDevices)
      .where(eq(reservationDevices.deviceId, lock.id));
    expect(links).toEqual([]);
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'device.replaced'), eq(auditLog.targetId, lock.id)));
    expect(audit?.actorUserId).toBe(admin.userId);
    expect(JSON.stringify(audit?.detail)).not.toContain(backup.code ?? '-');
  });

  it('gives a stay new digits when the new lock already holds its code, and names the guest', async () => {
    const { lock, found, stays } = await resetLockWithStays('402', 100);
    const clashing = stays[2]?.accessCodes[0]?.code ?? '';
    await database.db.insert(accessCodes).values({
      organizationId: harbor.org.id,
      deviceId: found.id,
      type: 'ongoing',
      code: clashing,
      name: 'Housekeeping',
    });
    const result = await replaceDevice(
      database.db,
      admin,
      { oldDeviceId: lock.id, newDeviceId: found.id },
      later(120),
    );
    expect(result.changedDigits).toEqual([{ reservationId: stays[2]?.id, guestName: 'Cy 402' }]);
    const codes = await liveCodesOf(found.id);
    const cy = codes.find((c) => c.reservationId === stays[2]?.id);
    expect(cy?.code).not.toBe(clashing);
    expect(cy?.id).toBe(stays[2]?.accessCodes[0]?.id);
    expect(codes.find((c) => c.name === 'Housekeeping')?.code).toBe(clashing);
    const progress = await replacementProgress(database.db, admin, found.id, later(121));
    expect(progress.changedDigits).toEqual([{ reservationId: stays[2]?.id, guestName: 'Cy 402' }]);

    // Undone: Cy's code, same id, is back on the old lock with the digits Cy was given.
    await undoReplacement(database.db, admin, { newDeviceId: found.id }, later(122));
    const everyCyCode = await database.db
      .select()
      .from(accessCodes)
      .where(eq(accessCodes.reservationId, stays[2]?.id ?? ''));
    expect(everyCyCode).toMatchObject([
      { id: cy?.id, deviceId: lock.id, code: clashing, status: 'unset', deletedAt: null },
    ]);
  });

  it('refuses a lock of another organization, a second replacement, and a front-desk member', async () => {
    const { lock, found } = await resetLockWithStays('403', 200);
    const other = await createOrganization(database.db, { roles: ['admin'] });
    const foreign = await addSimulatedLock(database.db, {
      organizationId: other.org.id,
      propertyId: other.property.id,
    });
    await expect(
      replaceDevice(
        database.db,
        admin,
        { oldDeviceId: lock.id, newDeviceId: foreign.id },
        later(220),
      ),
    ).rejects.toMatchObject({ code: 'not_found', options: { field: 'newDeviceId' } });
    await expect(
      replaceDevice(
        database.db,
        frontDesk,
        { oldDeviceId: lock.id, newDeviceId: found.id },
        later(220),
      ),
      // Front desk may not replace locks: the lock is not found for them.
    ).rejects.toMatchObject({ code: 'not_found' });
    await expect(
      replaceDevice(database.db, admin, { oldDeviceId: lock.id, newDeviceId: 'x' }, later(220)),
    ).rejects.toMatchObject({ code: 'invalid_input', options: { field: 'newDeviceId' } });

    await replaceDevice(
      database.db,
      admin,
      { oldDeviceId: lock.id, newDeviceId: found.id },
      later(220),
    );
    await expect(
      replaceDevice(
        database.db,
        admin,
        { oldDeviceId: lock.id, newDeviceId: found.id },
        later(221),
      ),
    ).rejects.toMatchObject({ code: 'conflict', options: { field: 'oldDeviceId' } });
  });

  it('reviews what will move, shows progress to the last code, and offers undo only until a code goes out', async () => {
    const { lock, found, stays } = await resetLockWithStays('404', 300);
    const plan = await replacementPlan(
      database.db,
      admin,
      { oldDeviceId: lock.id, newDeviceId: found.id },
      later(320),
    );
    expect(plan.old).toMatchObject({ name: lock.name, room: '404' });
    expect(plan.stays.map((s) => s.guestName)).toEqual(['Ana 404', 'Ben 404', 'Cy 404']);
    expect(plan.stays[0]?.code).toBe(stays[0]?.accessCodes[0]?.code);
    expect(plan.pulledBackups).toEqual([
      { guestName: 'Ana 404', endsAt: stays[0]?.endsAt.toISOString() },
    ]);
    expect(plan).toMatchObject({ poolSize: 5, backupPoolEnabled: true, otherCodes: 0 });

    await replaceDevice(
      database.db,
      admin,
      { oldDeviceId: lock.id, newDeviceId: found.id },
      later(320),
    );
    const fresh = await replacementProgress(database.db, admin, found.id, later(321));
    expect(fresh.set).toBe(0);
    expect(fresh.undoUntil).not.toBeNull();
    // Replaced at 22:20 UTC, 17:20 at the property: undo for a quarter of an hour, said in its time.
    expect(fresh.undoUntilTime).toBe('17:35');

    // Undo, before any tick: everything is back as it was.
    await undoReplacement(database.db, admin, { newDeviceId: found.id }, later(322));
    const [old] = await database.db.select().from(devices).where(eq(devices.id, lock.id));
    expect(old).toMatchObject({ status: 'active', replacedByDeviceId: null });
    const reopened = await liveCodesOf(lock.id);
    expect(
      reopened
        .filter((c) => c.reservationId)
        .map((c) => c.code)
        .sort(),
    ).toEqual(stays.map((s) => s.accessCodes[0]?.code).sort());
    expect(await liveCodesOf(found.id)).toEqual([]);
    const [back] = await database.db.select().from(devices).where(eq(devices.id, found.id));
    expect(back).toMatchObject({ needsPlacement: true, propertyId: null });

    // Again, for real this time; once the tick has sent codes to the lock there is no undo.
    await replaceDevice(
      database.db,
      admin,
      { oldDeviceId: lock.id, newDeviceId: found.id },
      later(323),
    );
    await ticks(324, 4);
    const done = await replacementProgress(database.db, admin, found.id, later(328));
    expect(done).toMatchObject({ errors: [], changedDigits: [], undoUntil: null });
    // The two stays in house, the pulled backup and the pool of five; Cy's code is not due yet,
    // and the page names it with when it goes on (the lead time before check-in at 15:00).
    expect(done.total).toBe(8);
    expect(done.set).toBe(8);
    expect(done.later).toEqual([
      { id: expect.any(String), name: 'Cy 404', goesOn: 'Sun, 29 Nov 2026, 14:30 EST' },
    ]);
    await expect(
      undoReplacement(database.db, admin, { newDeviceId: found.id }, later(329)),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('waits for a tick that holds the old lock, and nothing the tick wrote brings its codes back', async () => {
    const { lock, found, stays } = await resetLockWithStays('405', 400);
    let replacing: Promise<unknown> | undefined;
    // A tick is mid-write on the old lock when the admin confirms.
    await runTick(database.db, {
      now: later(420),
      adapters: defaultAdapters(database.db),
      transports: { email: logTransport({ log: quietLog }), sms: logTransport({ log: quietLog }) },
      random: () => 1,
      beforeCommit: (deviceIds) => {
        if (deviceIds.includes(lock.id) && !replacing) {
          replacing = replaceDevice(
            database.db,
            admin,
            { oldDeviceId: lock.id, newDeviceId: found.id },
            later(420),
          );
        }
      },
    });
    // The old lock was in the tick's batch: the replacement started while the tick held it.
    expect(replacing).toBeDefined();
    await replacing;
    await ticks(421, 4);
    expect(await liveCodesOf(lock.id)).toEqual([]);
    const [old] = await database.db.select().from(devices).where(eq(devices.id, lock.id));
    expect(old?.status).toBe('replaced');
    const codes = await liveCodesOf(found.id);
    for (const stay of stays.slice(0, 2)) {
      expect(codes.find((c) => c.reservationId === stay.id)?.status).toBe('set');
    }
  });

  it('keeps every moved code under its id: the API answers it on the new lock, through undo', async () => {
    const { lock, found, stays, backup } = await resetLockWithStays('407', 600);
    const { apiKey } = await createApiKey(database.db, admin, { name: 'Integration' });
    const seamGet = async (id: string, at: Date) => {
      const response = await handleSeamRequest(
        new Request('http://127.0.0.1/api/seam/access_codes/get', {
          method: 'POST',
          headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
          body: JSON.stringify({ access_code_id: id }),
        }),
        'access_codes/get',
        { getDb: async () => database.db, now: () => at },
      );
      return { status: response.status, body: (await response.json()) as Record<string, never> };
    };
    const [ana = '', ben = '', cy = ''] = stays.map((s) => s.accessCodes[0]?.id ?? '');

    // A first replacement, undone at once: the ids go back to the old lock.
    await replaceDevice(
      database.db,
      admin,
      { oldDeviceId: lock.id, newDeviceId: found.id },
      later(620),
    );
    expect((await seamGet(ana, later(620))).body.access_code).toMatchObject({
      access_code_id: ana,
      device_id: found.id,
    });
    await undoReplacement(database.db, admin, { newDeviceId: found.id }, later(621));
    expect((await seamGet(ana, later(621))).body.access_code).toMatchObject({
      device_id: lock.id,
      code: stays[0]?.accessCodes[0]?.code,
    });

    await replaceDevice(
      database.db,
      admin,
      { oldDeviceId: lock.id, newDeviceId: found.id },
      later(622),
    );
    await ticks(623, 4);
    for (const [i, id] of [ana, ben].entries()) {
      const { status, body } = await seamGet(id, later(627));
      expect(status).toBe(200);
      expect(body.access_code).toMatchObject({
        access_code_id: id,
        device_id: found.id,
        code: stays[i]?.accessCodes[0]?.code,
        status: 'set',
      });
    }
    // The pulled backup keeps its id too, and Ana's code still points at it.
    expect((await seamGet(backup.id, later(627))).body.access_code).toMatchObject({
      device_id: found.id,
      is_backup: true,
      status: 'set',
    });
    expect((await seamGet(ana, later(627))).body.access_code).toMatchObject({
      pulled_backup_access_code_id: backup.id,
    });

    // The stay's page: one code, on the new lock, under the id the guest's code always had.
    const detail = await getReservationDetail(database.db, admin, stays[0]?.id ?? '', later(627));
    expect(detail.codes.map((c) => [c.id, c.lockId])).toEqual([[ana, found.id]]);

    // Update and delete by the original id reach the code on the new lock.
    const renamed = await updateAccessCode(database.db, admin, cy, { name: 'Cy late' }, later(628));
    expect(renamed).toMatchObject({ id: cy, deviceId: found.id, name: 'Cy late' });
    await deleteAccessCode(database.db, admin, cy, later(628));
    expect((await seamGet(cy, later(628))).status).toBe(404);
  });

  it('suggests for each reset lock the lock it replaces when two are reset at once', async () => {
    const locks = await Promise.all(
      ['Room 611', 'Room 612'].map((name) =>
        addSimulatedLock(database.db, {
          organizationId: harbor.org.id,
          propertyId: harbor.property.id,
          name,
        }),
      ),
    );
    await ticks(900, 1);
    // Reset the second first: the newest new lock must not simply take the first candidate.
    for (const lock of [...locks].reverse()) {
      await factoryResetLock(database.db, harbor.org.id, lock.externalId, later(901));
    }
    await tick(later(902 + DISCOVERY_INTERVAL_MS / 60_000));
    const found = (await listNewLocks(database.db, admin)).filter((l) =>
      ['Room 611', 'Room 612'].includes(l.name),
    );
    expect(found).toHaveLength(2);
    for (const lock of found) expect(lock.suggestedReplaces?.name).toBe(lock.name);
  });

  it('retires a lock only once no current or future stay needs it, and forgets its codes', async () => {
    const lock = await addSimulatedLock(database.db, {
      organizationId: harbor.org.id,
      propertyId: harbor.property.id,
      room: '406',
    });
    await database.db
      .update(devices)
      .set({ backupPoolEnabled: true })
      .where(eq(devices.id, lock.id));
    const stay = await stayOn(lock.id, 'Dee 406', '2026-11-29', '2026-12-01');
    await ticks(500, 2);
    await expect(
      retireDevice(database.db, admin, { deviceId: lock.id }, later(503)),
    ).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('still opens 1 current or future stay'),
    });
    await cancelReservation(database.db, admin, stay.id, later(503));
    await expect(
      retireDevice(database.db, frontDesk, { deviceId: lock.id }, later(504)),
    ).rejects.toMatchObject({ code: 'not_found' });
    const retired = await retireDevice(database.db, admin, { deviceId: lock.id }, later(504));
    expect(retired.closed).toBeGreaterThanOrEqual(5);
    const [row] = await database.db.select().from(devices).where(eq(devices.id, lock.id));
    expect(row).toMatchObject({ status: 'removed', backupPoolEnabled: false });
    expect(await liveCodesOf(lock.id)).toEqual([]);
    // The tick leaves a retired lock alone: no pool is rebuilt on it.
    await ticks(505, 2);
    expect(await liveCodesOf(lock.id)).toEqual([]);
    const [audit] = await database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'device.retired'), eq(auditLog.targetId, lock.id)));
    expect(audit).toBeDefined();
  });
});
