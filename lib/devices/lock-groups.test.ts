import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, lockGroupDevices, lockGroups, properties } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import {
  createLockGroup,
  deleteLockGroup,
  listLockGroups,
  renameLockGroup,
  setLockGroupLocks,
} from './lock-groups';

const NOW = new Date('2026-11-26T14:00:00Z');

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let rival: Awaited<ReturnType<typeof createOrganization>>;
let owner: Actor;
let frontDesk: Actor;
let rivalAdmin: Actor;

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
    roles: ['owner', 'front_desk'],
  });
  rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  owner = await actorFor(database.db, harbor, 'owner');
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
});

const lockAt = (org: typeof harbor, name: string, propertyId = org.property.id) =>
  addSimulatedLock(database.db, { organizationId: org.org.id, propertyId, name });

const groupsAndMembers = async () => ({
  groups: await database.db.select().from(lockGroups).orderBy(lockGroups.id),
  members: await database.db.select().from(lockGroupDevices).orderBy(lockGroupDevices.deviceId),
});

describe('lock groups', () => {
  it('are made, listed with their locks, renamed, given other locks and deleted', async () => {
    const [r1, r2, r3] = [
      await lockAt(harbor, 'Room 1'),
      await lockAt(harbor, 'Room 2'),
      await lockAt(harbor, 'Room 3'),
    ];
    const garden = await createLockGroup(
      database.db,
      owner,
      { propertyId: harbor.property.id, name: '  Garden rooms ', deviceIds: [r1.id, r2.id, r1.id] },
      NOW,
    );
    expect(garden).toMatchObject({ name: 'Garden rooms', propertyId: harbor.property.id });
    let [listed] = await listLockGroups(database.db, frontDesk, {});
    expect(listed).toMatchObject({
      id: garden.id,
      name: 'Garden rooms',
      propertyName: 'Harbor Inn',
    });
    expect(listed?.locks.map((l) => l.name)).toEqual(['Room 1', 'Room 2']);
    expect(listed?.commonDoors).toEqual([]);

    await renameLockGroup(database.db, owner, { groupId: garden.id, name: 'Garden wing' }, NOW);
    await setLockGroupLocks(database.db, owner, { groupId: garden.id, deviceIds: [r3.id] }, NOW);
    [listed] = await listLockGroups(database.db, owner, { propertyId: harbor.property.id });
    expect(listed).toMatchObject({ name: 'Garden wing' });
    expect(listed?.locks.map((l) => l.name)).toEqual(['Room 3']);

    await deleteLockGroup(database.db, owner, { groupId: garden.id }, NOW);
    expect(await listLockGroups(database.db, owner, {})).toEqual([]);
    const actions = await database.db
      .select({ action: auditLog.action })
      .from(auditLog)
      .where(eq(auditLog.targetId, garden.id));
    expect(actions.map((a) => a.action).sort()).toEqual([
      'lock_group.created',
      'lock_group.deleted',
      'lock_group.locks_set',
      'lock_group.renamed',
    ]);
  });

  it('take only their property’s locks, and names are unique per property', async () => {
    const r1 = await lockAt(harbor, 'Room 1');
    const [annex] = await database.db
      .insert(properties)
      .values({ organizationId: harbor.org.id, name: 'Annex', timeZone: 'America/New_York' })
      .returning();
    const annexLock = await lockAt(harbor, 'Annex 1', annex?.id);
    expect(
      await refused(groupsAndMembers, () =>
        createLockGroup(
          database.db,
          owner,
          { propertyId: harbor.property.id, name: 'Mixed', deviceIds: [r1.id, annexLock.id] },
          NOW,
        ),
      ),
    ).toMatchObject({ code: 'invalid_input', options: { field: 'deviceIds' } });
    await createLockGroup(
      database.db,
      owner,
      { propertyId: harbor.property.id, name: 'Wing', deviceIds: [] },
      NOW,
    );
    expect(
      await refused(groupsAndMembers, () =>
        createLockGroup(
          database.db,
          owner,
          { propertyId: harbor.property.id, name: 'wing', deviceIds: [] },
          NOW,
        ),
      ),
    ).toMatchObject({ code: 'invalid_input', options: { field: 'name' } });
    // The same name at another property is another group.
    await createLockGroup(database.db, owner, { propertyId: annex?.id ?? '', name: 'Wing' }, NOW);
    expect(
      await refused(() =>
        createLockGroup(database.db, owner, { propertyId: harbor.property.id, name: ' ' }, NOW),
      ),
    ).toMatchObject({ code: 'invalid_input', options: { field: 'name' } });
  });

  it('answer not found to another organization, and the front desk may not change them', async () => {
    const r1 = await lockAt(harbor, 'Room 1');
    const rivalLock = await lockAt(rival, 'Rival 1');
    const garden = await createLockGroup(
      database.db,
      owner,
      { propertyId: harbor.property.id, name: 'Garden', deviceIds: [r1.id] },
      NOW,
    );
    const calls = [
      () =>
        createLockGroup(
          database.db,
          rivalAdmin,
          { propertyId: harbor.property.id, name: 'Mine', deviceIds: [] },
          NOW,
        ),
      () => renameLockGroup(database.db, rivalAdmin, { groupId: garden.id, name: 'Mine' }, NOW),
      () => setLockGroupLocks(database.db, rivalAdmin, { groupId: garden.id, deviceIds: [] }, NOW),
      () => deleteLockGroup(database.db, rivalAdmin, { groupId: garden.id }, NOW),
      // Another organization's lock in our group.
      () =>
        setLockGroupLocks(
          database.db,
          owner,
          { groupId: garden.id, deviceIds: [r1.id, rivalLock.id] },
          NOW,
        ),
    ];
    for (const call of calls) {
      expect(await refused(groupsAndMembers, call)).toMatchObject({ code: 'not_found' });
    }
    expect(await listLockGroups(database.db, rivalAdmin, {})).toEqual([]);
    for (const call of [
      () =>
        createLockGroup(
          database.db,
          frontDesk,
          { propertyId: harbor.property.id, name: 'Desk', deviceIds: [] },
          NOW,
        ),
      () => renameLockGroup(database.db, frontDesk, { groupId: garden.id, name: 'Desk' }, NOW),
      () => deleteLockGroup(database.db, frontDesk, { groupId: garden.id }, NOW),
    ]) {
      expect(await refused(groupsAndMembers, call)).toMatchObject({ code: 'not_found' });
    }
  });
});
