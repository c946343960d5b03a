import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessCodeEvents,
  accessCodes,
  adapterConnections,
  devices,
  reservations,
} from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { setSimulatedLockKnobs } from '@/lib/locks/simulated/controls';
import { getLockDetail, type LockDetail, RECENT_EVENTS } from './lock-detail';

const NOW = new Date('2026-11-26T12:00:00Z');
const DAY = 86_400_000;
/** `n` days after NOW (negative: before). */
const day = (n: number) => new Date(NOW.getTime() + n * DAY);

/** Digits nobody may read back: unpulled backups and a permanent backup code. */
const SECRET_DIGITS = ['118833', '228844', '338855', '448866', '558877', '778899'];

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let rival: Awaited<ReturnType<typeof createOrganization>>;
let frontDesk: Actor;
let owner: Actor;
let rivalAdmin: Actor;
let lock: Awaited<ReturnType<typeof addSimulatedLock>>;
let otherLock: Awaited<ReturnType<typeof addSimulatedLock>>;
let rivalLock: Awaited<ReturnType<typeof addSimulatedLock>>;
const ids: Record<string, string> = {};

type NewCode = typeof accessCodes.$inferInsert;

async function addCode(key: string, code: Omit<NewCode, 'organizationId' | 'deviceId'>) {
  const [row] = await database.db
    .insert(accessCodes)
    .values({ organizationId: harbor.org.id, deviceId: lock.id, ...code })
    .returning({ id: accessCodes.id });
  if (!row) throw new Error('no code');
  ids[key] = row.id;
  return row.id;
}

const codeOf = (detail: LockDetail, key: string) => detail.codes.find((c) => c.id === ids[key]);

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, {
    name: 'Harbor',
    roles: ['admin', 'owner', 'front_desk'],
  });
  rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  owner = await actorFor(database.db, harbor, 'owner');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
  const place = { organizationId: harbor.org.id, propertyId: harbor.property.id };
  lock = await addSimulatedLock(database.db, { ...place, name: 'Room 105', room: '105' });
  otherLock = await addSimulatedLock(database.db, { ...place, name: 'Room 106', room: '106' });
  rivalLock = await addSimulatedLock(database.db, {
    organizationId: rival.org.id,
    propertyId: rival.property.id,
    name: 'Rival Penthouse',
  });
  await database.db.update(devices).set({ backupPoolEnabled: true }).where(eq(devices.id, lock.id));

  const [stay] = await database.db
    .insert(reservations)
    .values({
      organizationId: harbor.org.id,
      propertyId: harbor.property.id,
      guestName: 'Maya Lindqvist',
      startsAt: day(1),
      endsAt: day(3),
    })
    .returning({ id: reservations.id });
  if (!stay) throw new Error('no reservation');
  ids.stay = stay.id;

  await addCode('guest', {
    type: 'time_bound',
    code: '482913',
    name: 'Maya Lindqvist',
    reservationId: stay.id,
    startsAt: day(1),
    endsAt: day(3),
    status: 'set',
    externalRef: 'ref-guest',
    warnings: [
      { code: 'delay_in_setting_on_device', message: 'Delayed.', createdAt: NOW.toISOString() },
    ],
  });
  // Three ready backups, one not yet on the lock, one with an error.
  for (const [i, digits] of ['118833', '228844', '338855'].entries()) {
    await addCode(`backup${i}`, {
      type: 'ongoing',
      code: digits,
      isBackup: true,
      status: 'set',
      externalRef: `ref-b${i}`,
    });
  }
  await addCode('backupWaiting', { type: 'ongoing', code: '448866', isBackup: true });
  await addCode('backupBroken', {
    type: 'ongoing',
    code: '558877',
    isBackup: true,
    status: 'set',
    externalRef: 'ref-b4',
    errors: [
      {
        code: 'conflicting_external_modification',
        message: 'Changed at the lock.',
        createdAt: NOW.toISOString(),
      },
    ],
  });
  await addCode('pulled', {
    type: 'time_bound',
    code: '660022',
    isBackup: true,
    status: 'set',
    externalRef: 'ref-p',
    startsAt: NOW,
    endsAt: day(3),
    pulledAt: NOW,
    pulledForReservationId: stay.id,
  });
  await addCode('permanent', {
    type: 'ongoing',
    code: '778899',
    isPermanentBackup: true,
    status: 'set',
    externalRef: 'ref-perm',
  });
  await addCode('nextMonth', {
    type: 'time_bound',
    code: '912345',
    startsAt: day(20),
    endsAt: day(22),
  });
  await addCode('leftBehind', {
    type: 'time_bound',
    code: '203040',
    startsAt: day(-4),
    endsAt: day(-2),
    status: 'set',
    externalRef: 'ref-left',
  });
  await addCode('finished', {
    type: 'time_bound',
    code: '506070',
    startsAt: day(-4),
    endsAt: day(-2),
    status: 'removed',
  });
  await addCode('deletedUnset', {
    type: 'time_bound',
    code: '809010',
    startsAt: day(2),
    endsAt: day(4),
    deletedAt: NOW,
    desiredState: 'absent',
  });
  await addCode('deletedOnLock', {
    type: 'time_bound',
    code: '101112',
    startsAt: day(2),
    endsAt: day(4),
    status: 'removing',
    externalRef: 'ref-del',
    deletedAt: NOW,
    desiredState: 'absent',
  });

  // More events than the page shows, oldest first, plus one on another lock.
  const guestId = ids.guest ?? '';
  await database.db.insert(accessCodeEvents).values(
    Array.from({ length: RECENT_EVENTS + 5 }, (_, i) => ({
      organizationId: harbor.org.id,
      accessCodeId: guestId,
      deviceId: lock.id,
      eventType: i === RECENT_EVENTS + 4 ? 'deleted_external_to_seam' : 'set_on_device',
      statusFrom: 'setting' as const,
      statusTo: 'set' as const,
      actorUserId: i === RECENT_EVENTS + 4 ? owner.userId : null,
      detail: i === RECENT_EVENTS + 4 ? { change_type: 'removed', code: '482913' } : null,
      occurredAt: new Date(NOW.getTime() - (RECENT_EVENTS + 5 - i) * 60_000),
    })),
  );
  const [otherCode] = await database.db
    .insert(accessCodes)
    .values({
      organizationId: harbor.org.id,
      deviceId: otherLock.id,
      type: 'ongoing',
      code: '1357',
    })
    .returning({ id: accessCodes.id });
  await database.db.insert(accessCodeEvents).values({
    organizationId: harbor.org.id,
    accessCodeId: otherCode?.id ?? '',
    deviceId: otherLock.id,
    eventType: 'created',
    occurredAt: NOW,
  });
});
afterAll(async () => {
  await database?.close();
});

describe('getLockDetail', () => {
  it('answers not found for another organization’s lock, and for a bad id', async () => {
    await expect(getLockDetail(database.db, frontDesk, rivalLock.id, NOW)).rejects.toMatchObject({
      code: 'not_found',
      message: 'Lock not found.',
    });
    await expect(getLockDetail(database.db, rivalAdmin, lock.id, NOW)).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(getLockDetail(database.db, frontDesk, 'room-105', NOW)).rejects.toMatchObject({
      code: 'not_found',
    });
    const theirs = await getLockDetail(database.db, rivalAdmin, rivalLock.id, NOW);
    expect(theirs.codes).toEqual([]);
    expect(theirs.events).toEqual([]);
  });

  it('never returns the digits of unpulled backups or permanent backup codes', async () => {
    const detail = await getLockDetail(database.db, frontDesk, lock.id, NOW);
    const text = JSON.stringify(detail);
    for (const digits of SECRET_DIGITS) expect(text).not.toContain(digits);
    for (const key of ['backup0', 'backup1', 'backup2', 'backupWaiting', 'backupBroken']) {
      expect(codeOf(detail, key)).toMatchObject({ isBackup: true, pulled: false, code: null });
    }
    expect(codeOf(detail, 'permanent')).toMatchObject({ isPermanentBackup: true, code: null });
    // A guest's own code and a backup handed to a guest are theirs to be told.
    expect(codeOf(detail, 'guest')?.code).toBe('482913');
    expect(codeOf(detail, 'pulled')).toMatchObject({
      pulled: true,
      code: '660022',
      guestName: 'Maya Lindqvist',
    });
  });

  it('counts the pool: ready, not ready, pulled, against the organization’s size', async () => {
    const detail = await getLockDetail(database.db, owner, lock.id, NOW);
    expect(detail.pool).toEqual({ enabled: true, target: 5, available: 3, notReady: 2, pulled: 1 });
    const other = await getLockDetail(database.db, owner, otherLock.id, NOW);
    expect(other.pool).toEqual({ enabled: false, target: 0, available: 0, notReady: 0, pulled: 0 });
  });

  it('lists the fortnight’s codes, ongoing codes and anything still on the lock', async () => {
    const detail = await getLockDetail(database.db, frontDesk, lock.id, NOW);
    const shown = new Set(detail.codes.map((c) => c.id));
    for (const key of [
      'guest',
      'backup0',
      'backupWaiting',
      'pulled',
      'permanent',
      'leftBehind',
      'deletedOnLock',
    ]) {
      expect(shown.has(ids[key] ?? ''), key).toBe(true);
    }
    for (const key of ['nextMonth', 'finished', 'deletedUnset']) {
      expect(shown.has(ids[key] ?? ''), key).toBe(false);
    }
    expect(detail.codes).toHaveLength(10);
    expect(codeOf(detail, 'guest')).toMatchObject({
      guestName: 'Maya Lindqvist',
      reservationId: ids.stay,
      status: 'set',
      onLock: true,
      startsAt: day(1).toISOString(),
      endsAt: day(3).toISOString(),
      warnings: [expect.objectContaining({ code: 'delay_in_setting_on_device' })],
    });
    expect(codeOf(detail, 'backupWaiting')).toMatchObject({ onLock: false, status: 'unset' });
    expect(codeOf(detail, 'deletedOnLock')).toMatchObject({ deleted: true, status: 'removing' });
    expect(codeOf(detail, 'backupBroken')?.errors[0]?.code).toBe(
      'conflicting_external_modification',
    );
  });

  it('describes the lock in the property’s zone with the fortnight from local midnight', async () => {
    const detail = await getLockDetail(database.db, frontDesk, lock.id, NOW);
    expect(detail.lock).toMatchObject({
      id: lock.id,
      name: 'Room 105',
      room: '105',
      propertyName: 'Harbor Inn',
      adapter: 'simulated',
      status: 'active',
      online: true,
      slotLimit: 20,
    });
    expect(detail.lock.codesOnLock).toBe(9);
    expect(detail.timeZone).toBe('America/New_York');
    expect(detail.now).toBe(NOW.toISOString());
    expect(detail.range).toEqual({
      start: '2026-11-26T05:00:00.000Z',
      end: '2026-12-10T05:00:00.000Z',
    });
  });

  it('shows the lock’s recent events newest first, with who did them and nothing secret', async () => {
    const detail = await getLockDetail(database.db, frontDesk, lock.id, NOW);
    expect(detail.events).toHaveLength(RECENT_EVENTS);
    const times = detail.events.map((e) => e.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    expect(detail.events[0]).toMatchObject({
      eventType: 'deleted_external_to_seam',
      changeType: 'removed',
      actorName: 'owner of Harbor',
      guestName: 'Maya Lindqvist',
      accessCodeId: ids.guest,
    });
    expect(detail.events[1]?.actorName).toBeNull();
    expect(detail.events.every((e) => e.accessCodeId === ids.guest)).toBe(true);
    expect(JSON.stringify(detail.events)).not.toContain('482913');
  });

  it('reads what the simulated hardware says, separately from what Keyhold last saw', async () => {
    const before = await getLockDetail(database.db, frontDesk, lock.id, NOW);
    expect(before.simulated).toEqual({ answers: true, online: true, reportsEntryCode: true });
    await setSimulatedLockKnobs(database.db, harbor.org.id, lock.externalId, { online: false });
    const after = await getLockDetail(database.db, frontDesk, lock.id, NOW);
    expect(after.simulated).toEqual({ answers: true, online: false, reportsEntryCode: true });
    // Keyhold learns of it on the tick's next call to the lock, not from here.
    expect(after.lock.online).toBe(true);
    await setSimulatedLockKnobs(database.db, harbor.org.id, lock.externalId, { online: true });
  });

  it('shows the health of the Seam connection a lock is reached through, never its key', async () => {
    const simulated = await getLockDetail(database.db, frontDesk, lock.id, NOW);
    expect(simulated.connection).toBeNull();

    const checkedAt = new Date(NOW.getTime() - 5 * 60_000);
    const trouble = {
      code: 'unauthorized',
      message: 'Seam did not accept the API key.',
      createdAt: checkedAt.toISOString(),
    };
    const [workspace] = await database.db
      .insert(adapterConnections)
      .values({
        organizationId: harbor.org.id,
        adapter: 'seam',
        name: 'Harbour Seam',
        credentialsEncrypted: 'sealed-credentials-never-shown',
        status: 'error',
        errors: [trouble],
        lastCheckedAt: checkedAt,
      })
      .returning({ id: adapterConnections.id });
    const [theirs] = await database.db
      .insert(adapterConnections)
      .values({ organizationId: rival.org.id, adapter: 'seam', name: 'Rival Seam' })
      .returning({ id: adapterConnections.id });
    const seamLock = async (name: string, connectionId: string | undefined) => {
      const [device] = await database.db
        .insert(devices)
        .values({
          organizationId: harbor.org.id,
          propertyId: harbor.property.id,
          connectionId,
          adapter: 'seam',
          externalId: `seam_device_${name}`,
          name,
        })
        .returning({ id: devices.id });
      if (!device) throw new Error('no device');
      return device.id;
    };

    const front = await seamLock('Front door', workspace?.id);
    const detail = await getLockDetail(database.db, frontDesk, front, NOW);
    expect(detail.simulated).toBeNull();
    expect(detail.connection).toEqual({
      name: 'Harbour Seam',
      status: 'error',
      errors: [trouble],
      lastCheckedAt: checkedAt.toISOString(),
    });
    expect(JSON.stringify(detail)).not.toContain('sealed-credentials');

    // A connection of another organization is not this lock's, whatever the row says.
    const stray = await seamLock('Side door', theirs?.id);
    expect((await getLockDetail(database.db, frontDesk, stray, NOW)).connection).toBeNull();
  });
});
