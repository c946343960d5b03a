import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessCodes, devices } from '@/db/schema';
import { actorFor, createOrganization, createTestDatabase, type TestDatabase } from '@/db/testing';
import { syncAlerts } from '@/lib/alerts/alerts';
import type { Actor } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { getLock, LOCKS_PAGE_SIZE, listLocks } from './locks';

const NOW = new Date();

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let rival: Awaited<ReturnType<typeof createOrganization>>;
let frontDesk: Actor;
let rivalAdmin: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, {
    name: 'Harbor',
    roles: ['admin', 'front_desk'],
    locks: 30,
  });
  rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin'], locks: 3 });
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
});
afterAll(async () => {
  await database.close();
});

describe('listLocks', () => {
  it('lists only the actor’s organization, a page at a time', async () => {
    const first = await listLocks(database.db, frontDesk, {}, NOW);
    expect(first.total).toBe(30);
    expect(first.locks).toHaveLength(LOCKS_PAGE_SIZE);
    const second = await listLocks(database.db, frontDesk, { page: '2' }, NOW);
    expect(second.locks).toHaveLength(30 - LOCKS_PAGE_SIZE);
    const ids = new Set([...first.locks, ...second.locks].map((l) => l.id));
    expect(ids.size).toBe(30);
    expect(rival.locks).toHaveLength(3);
    for (const lock of rival.locks) expect(ids.has(lock.id)).toBe(false);

    const theirs = await listLocks(database.db, rivalAdmin, {}, NOW);
    expect(theirs.locks.map((l) => l.id).sort()).toEqual(rival.locks.map((l) => l.id).sort());
  });

  it('searches by room, lock name and property', async () => {
    const byRoom = await listLocks(database.db, frontDesk, { search: '104' }, NOW);
    expect(byRoom.locks.map((l) => l.room)).toEqual(['104']);
    const byProperty = await listLocks(database.db, frontDesk, { search: 'harbor inn' }, NOW);
    expect(byProperty.total).toBe(30);
    const none = await listLocks(database.db, frontDesk, { search: '%' }, NOW);
    expect(none.total).toBe(0);
  });

  it('counts the codes on each lock and hides retired locks', async () => {
    const [lock, retired] = harbor.locks;
    if (!lock || !retired) throw new Error('locks missing');
    await database.db.insert(accessCodes).values([
      {
        organizationId: harbor.org.id,
        deviceId: lock.id,
        type: 'ongoing',
        code: '1234',
        status: 'set',
      },
      {
        organizationId: harbor.org.id,
        deviceId: lock.id,
        type: 'ongoing',
        code: '2345',
        status: 'unset',
      },
    ]);
    await database.db.update(devices).set({ status: 'removed' }).where(eq(devices.id, retired.id));
    const page = await listLocks(database.db, frontDesk, { search: lock.room ?? '' }, NOW);
    expect(page.locks.find((l) => l.id === lock.id)?.codesOnLock).toBe(1);
    const all = await listLocks(database.db, frontDesk, { page: 1 }, NOW);
    expect(all.total).toBe(29);
  });

  it('shows only offline, low-battery or troubled locks on request, with pool and alert counts', async () => {
    const [offline, weak, failing] = harbor.locks.slice(20, 23);
    await database.db
      .update(devices)
      .set({ online: false })
      .where(eq(devices.id, offline?.id ?? ''));
    await database.db
      .update(devices)
      .set({ batteryLevel: 0.1 })
      .where(eq(devices.id, weak?.id ?? ''));
    await database.db
      .update(devices)
      .set({ backupPoolEnabled: true })
      .where(eq(devices.id, failing?.id ?? ''));
    await database.db.insert(accessCodes).values({
      organizationId: harbor.org.id,
      deviceId: failing?.id ?? '',
      type: 'ongoing',
      code: '846213',
      errors: [{ code: 'failed_to_set_on_device', message: 'Not on the lock.', createdAt: '' }],
    });
    await syncAlerts(database.db, new Date());
    const ids = async (show: 'offline' | 'low_battery' | 'attention') =>
      (await listLocks(database.db, frontDesk, { show }, NOW)).locks.map((l) => l.id).sort();

    expect(await ids('offline')).toEqual([offline?.id]);
    expect(await ids('low_battery')).toEqual([weak?.id]);
    // A weak battery raises an alert, so it needs attention too.
    expect(await ids('attention')).toEqual([offline?.id, weak?.id, failing?.id].sort());
    const { locks } = await listLocks(database.db, frontDesk, { show: 'attention' }, NOW);
    expect(locks.find((l) => l.id === failing?.id)).toMatchObject({
      openAlerts: 1,
      backupPoolEnabled: true,
      availableBackups: 0,
    });
    const error = await listLocks(database.db, frontDesk, { show: 'broken' as 'all' }, NOW).catch(
      (e: unknown) => e,
    );
    expect((error as AppError).options.field).toBe('show');
  });

  it('refuses bad paging input with a message naming the problem', async () => {
    await expect(listLocks(database.db, frontDesk, { page: 'zero' }, NOW)).rejects.toThrow(
      /Page must be a number/,
    );
    await expect(listLocks(database.db, frontDesk, { page: 0 }, NOW)).rejects.toThrow(
      /Page must be 1 or more/,
    );
  });
});

describe('getLock', () => {
  it('answers not found for another organization’s lock', async () => {
    const theirs = rival.locks[0];
    if (!theirs) throw new Error('no rival lock');
    await expect(getLock(database.db, frontDesk, theirs.id, NOW)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await getLock(database.db, rivalAdmin, theirs.id, NOW)).id).toBe(theirs.id);
  });

  it('answers not found for an id that is not a uuid', async () => {
    const error = await getLock(database.db, frontDesk, 'not-a-uuid', NOW).catch((e) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe('not_found');
  });
});
