import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessCodes, alerts, auditLog, devices, reservations } from '@/db/schema';
import {
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  memberActor,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { acknowledgeAlerts, countOpenAlerts, listAlerts, syncAlerts } from './alerts';

const NOW = new Date('2026-11-26T12:00:00Z');
const MINUTE = 60_000;
const at = (minutes: number) => new Date(NOW.getTime() + minutes * MINUTE);
const failed = {
  code: 'failed_to_set_on_device',
  message: 'The code is not on the lock. Give the guest a backup code.',
  createdAt: NOW.toISOString(),
};

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let rival: Awaited<ReturnType<typeof createOrganization>>;
let owner: Actor;
let frontDesk: Actor;
let rivalOwner: Actor;

const actorFor = (userId: string | undefined) => memberActor(database.db, userId);

async function newLock(org = harbor) {
  return addSimulatedLock(database.db, {
    organizationId: org.org.id,
    propertyId: org.property.id,
    room: String(Math.floor(Math.random() * 900) + 100),
  });
}

async function newCode(deviceId: string, values: Partial<typeof accessCodes.$inferInsert> = {}) {
  const [code] = await database.db
    .insert(accessCodes)
    .values({
      organizationId: harbor.org.id,
      deviceId,
      type: 'ongoing',
      code: String(100000 + Math.floor(Math.random() * 899999)),
      ...values,
    })
    .returning();
  if (!code) throw new Error('no code');
  return code;
}

async function alertsFor(subject: string) {
  return database.db
    .select()
    .from(alerts)
    .where(eq(alerts.dedupeKey, subject))
    .orderBy(alerts.openedAt);
}

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, { roles: ['owner', 'front_desk'] });
  rival = await createOrganization(database.db, { roles: ['owner'] });
  owner = await actorFor(harbor.members.owner?.userId);
  frontDesk = await actorFor(harbor.members.front_desk?.userId);
  rivalOwner = await actorFor(rival.members.owner?.userId);
});
afterAll(async () => {
  await database?.close();
});

describe('syncAlerts', () => {
  it('opens one alert for a failed code, keeps it on later ticks, and resolves it once fixed', async () => {
    const lock = await newLock();
    const code = await newCode(lock.id, { errors: [failed] });
    const key = `failed_to_set_on_device:${code.id}`;

    await syncAlerts(database.db, NOW);
    await syncAlerts(database.db, at(1));
    const [alert, ...more] = await alertsFor(key);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      organizationId: harbor.org.id,
      deviceId: lock.id,
      accessCodeId: code.id,
      severity: 'error',
      status: 'open',
      message: failed.message,
      openedAt: NOW,
    });

    await database.db.update(accessCodes).set({ errors: [] }).where(eq(accessCodes.id, code.id));
    const result = await syncAlerts(database.db, at(2));
    expect(result.resolved).toBeGreaterThanOrEqual(1);
    expect(await alertsFor(key)).toMatchObject([{ status: 'resolved', resolvedAt: at(2) }]);
  });

  it('warns about a low battery and an offline lock, and clears both when the lock recovers', async () => {
    const lock = await newLock();
    await database.db
      .update(devices)
      .set({
        batteryLevel: 0.12,
        errors: [{ code: 'device_disconnected', message: 'The lock is offline.', createdAt: '' }],
      })
      .where(eq(devices.id, lock.id));
    await syncAlerts(database.db, NOW);
    expect(await alertsFor(`low_battery:${lock.id}`)).toMatchObject([
      { severity: 'warning', status: 'open', message: expect.stringContaining('12%') },
    ]);
    expect(await alertsFor(`device_disconnected:${lock.id}`)).toMatchObject([
      { severity: 'error', status: 'open' },
    ]);

    await database.db
      .update(devices)
      .set({ batteryLevel: 0.9, errors: [] })
      .where(eq(devices.id, lock.id));
    await syncAlerts(database.db, at(1));
    expect(await alertsFor(`low_battery:${lock.id}`)).toMatchObject([{ status: 'resolved' }]);
    expect(await alertsFor(`device_disconnected:${lock.id}`)).toMatchObject([
      { status: 'resolved' },
    ]);
  });

  it('flags a departed guest’s code still on the lock after the grace period, not before', async () => {
    const lock = await newLock();
    const [stay] = await database.db
      .insert(reservations)
      .values({
        organizationId: harbor.org.id,
        propertyId: harbor.property.id,
        guestName: 'Dana Late',
        startsAt: at(-3 * 24 * 60),
        endsAt: at(-10),
      })
      .returning();
    const code = await newCode(lock.id, {
      type: 'time_bound',
      reservationId: stay?.id,
      startsAt: at(-3 * 24 * 60),
      endsAt: at(-10),
      status: 'set',
    });
    const key = `code_on_lock_after_check_out:${code.id}`;
    await syncAlerts(database.db, NOW);
    expect(await alertsFor(key)).toEqual([]);
    await syncAlerts(database.db, at(10));
    expect(await alertsFor(key)).toMatchObject([{ severity: 'error', reservationId: stay?.id }]);
    const listed = await listAlerts(database.db, owner);
    expect(listed.alerts.find((a) => a.accessCodeId === code.id)).toMatchObject({
      guestName: 'Dana Late',
      lockName: lock.name,
    });
  });
});

describe('acknowledgeAlerts', () => {
  it('takes an alert off the badge but keeps it listed until it clears; a recurrence opens a new one', async () => {
    const lock = await newLock();
    const code = await newCode(lock.id, { errors: [failed] });
    const key = `failed_to_set_on_device:${code.id}`;
    await syncAlerts(database.db, NOW);
    const [alert] = await alertsFor(key);
    const badgeBefore = await countOpenAlerts(database.db, owner);

    expect(
      await acknowledgeAlerts(database.db, owner, { alertIds: [alert?.id ?? ''] }, at(1)),
    ).toEqual({ acknowledged: 1 });
    expect(await countOpenAlerts(database.db, owner)).toBe(badgeBefore - 1);
    await syncAlerts(database.db, at(2));
    expect(await alertsFor(key)).toMatchObject([{ status: 'acknowledged', acknowledgedAt: at(1) }]);
    const listed = await listAlerts(database.db, owner, { status: 'acknowledged' });
    expect(listed.alerts.map((a) => a.id)).toContain(alert?.id);
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetId, alert?.id ?? ''));
    expect(audit).toMatchObject({ action: 'alert.acknowledged', actorUserId: owner.userId });

    await database.db.update(accessCodes).set({ errors: [] }).where(eq(accessCodes.id, code.id));
    await syncAlerts(database.db, at(3));
    await database.db
      .update(accessCodes)
      .set({ errors: [failed] })
      .where(eq(accessCodes.id, code.id));
    await syncAlerts(database.db, at(4));
    expect((await alertsFor(key)).map((a) => a.status)).toEqual(['resolved', 'open']);
  });

  it('answers not found for another organization’s alert and changes nothing', async () => {
    const lock = await newLock();
    const code = await newCode(lock.id, { errors: [failed] });
    await syncAlerts(database.db, NOW);
    const [alert] = await alertsFor(`failed_to_set_on_device:${code.id}`);
    const error = await acknowledgeAlerts(
      database.db,
      rivalOwner,
      { alertIds: [alert?.id ?? ''] },
      NOW,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('not_found');
    expect(await alertsFor(`failed_to_set_on_device:${code.id}`)).toMatchObject([
      { status: 'open' },
    ]);
    const theirs = await listAlerts(database.db, rivalOwner);
    expect(theirs.alerts.map((a) => a.id)).not.toContain(alert?.id);
    expect(await countOpenAlerts(database.db, rivalOwner)).toBe(0);
  });

  it('lets front desk read alerts but not acknowledge them', async () => {
    const lock = await newLock();
    const code = await newCode(lock.id, { errors: [failed] });
    await syncAlerts(database.db, NOW);
    const [alert] = await alertsFor(`failed_to_set_on_device:${code.id}`);
    expect((await listAlerts(database.db, frontDesk)).alerts.map((a) => a.id)).toContain(alert?.id);
    const error = await acknowledgeAlerts(
      database.db,
      frontDesk,
      { alertIds: [alert?.id ?? ''] },
      NOW,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((await alertsFor(`failed_to_set_on_device:${code.id}`))[0]?.status).toBe('open');
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const before = await database.db.select({ n: count() }).from(auditLog);
    for (const alertIds of [[], ['not-an-id'], 'x' as unknown as string[]]) {
      const error = await acknowledgeAlerts(database.db, owner, { alertIds }, NOW).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).options.field).toBe('alertIds');
    }
    const listError = await listAlerts(database.db, owner, {
      status: 'everything' as 'open',
    }).catch((e: unknown) => e);
    expect((listError as AppError).options.field).toBe('status');
    expect(await database.db.select({ n: count() }).from(auditLog)).toEqual(before);
  });
});
