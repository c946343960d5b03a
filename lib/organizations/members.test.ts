import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, memberships, users } from '@/db/schema';
import {
  actorFor,
  createOrganization,
  createTestDatabase,
  memberActor,
  refused,
  type TestDatabase,
} from '@/db/testing';
import { type Actor, loadActor } from '@/lib/auth/actor';
import type { AppError } from '@/lib/errors';
import { operatorActor } from './admin';
import { acceptInvitationWithNewAccount, inviteMember } from './invitations';
import { changeMemberRole, listMembers, removeMember, setMemberDisabled } from './members';

const NOW = new Date('2026-11-26T12:00:00Z');

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let rival: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let owner: Actor;

const id = (role: 'admin' | 'owner' | 'front_desk', org = harbor) =>
  org.members[role]?.userId ?? '';

async function snapshot() {
  const rows = await database.db
    .select({
      userId: memberships.userId,
      role: memberships.role,
      disabledAt: memberships.disabledAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .orderBy(memberships.userId);
  const [audit] = await database.db.select({ n: count() }).from(auditLog);
  return { rows, audit: audit?.n };
}

/** A second admin in Harbor, so the first is not the last. */
async function secondAdmin(): Promise<Actor> {
  const invited = await inviteMember(
    database.db,
    admin,
    { email: 'second.admin@harbor.example', name: 'Second Admin', role: 'admin' },
    NOW,
  );
  await acceptInvitationWithNewAccount(
    database.db,
    { token: invited.token, name: 'Second Admin', password: 'second admin password' },
    NOW,
  );
  const [user] = await database.db
    .select({ id: users.id })
    .from(users)
    .where(eq(users.email, 'second.admin@harbor.example'));
  return memberActor(database.db, user?.id);
}

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
  rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin', 'owner'] });
  admin = await actorFor(database.db, harbor, 'admin');
  owner = await actorFor(database.db, harbor, 'owner');
});

describe('listMembers', () => {
  it('lists the actor’s organization only, with who is disabled', async () => {
    const members = await listMembers(database.db, admin);
    expect(members.map((m) => m.userId).sort()).toEqual(
      [id('admin'), id('owner'), id('front_desk')].sort(),
    );
    expect(members.every((m) => m.disabledAt === null)).toBe(true);
    await expect(listMembers(database.db, owner)).rejects.toMatchObject({ code: 'not_found' });
  });
});

describe('changeMemberRole', () => {
  it('changes a role, audited, and the member acts with it on the next request', async () => {
    const member = await changeMemberRole(database.db, admin, {
      userId: id('owner'),
      role: 'front_desk',
    });
    expect(member.role).toBe('front_desk');
    expect((await actorFor(database.db, harbor, 'owner')).role).toBe('front_desk');
    const [entry] = await database.db.select().from(auditLog);
    expect(entry).toMatchObject({
      organizationId: harbor.org.id,
      actorUserId: admin.userId,
      action: 'member.role_changed',
      targetType: 'user',
      targetId: id('owner'),
      detail: { email: harbor.members.owner?.email, from: 'owner', to: 'front_desk' },
    });
  });

  it('answers not found for another organization’s member and changes nothing', async () => {
    const error = await refused(snapshot, () =>
      changeMemberRole(database.db, admin, { userId: id('owner', rival), role: 'admin' }),
    );
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('Member not found.');
  });

  it('refuses a role that does not exist, naming the field', async () => {
    const error = await refused(snapshot, () =>
      changeMemberRole(database.db, admin, { userId: id('owner'), role: 'root' as 'admin' }),
    );
    expect(error).toMatchObject({ code: 'invalid_input', options: { field: 'role' } });
  });

  it('is not found for a non-admin, who changes nothing', async () => {
    const error = await refused(snapshot, () =>
      changeMemberRole(database.db, owner, { userId: id('owner'), role: 'admin' }),
    );
    expect(error.code).toBe('not_found');
  });

  it('does not let an admin demote themself', async () => {
    await secondAdmin();
    const error = await refused(snapshot, () =>
      changeMemberRole(database.db, admin, { userId: id('admin'), role: 'owner' }),
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toMatch(/^You cannot change your own role\. Ask another admin/);
  });

  it('keeps the last active admin an admin', async () => {
    const operator = await operatorActor(database.db, harbor.org.id);
    const error = await refused(snapshot, () =>
      changeMemberRole(database.db, operator, { userId: id('admin'), role: 'owner' }),
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('is the last active admin of Harbor');
    expect(error.message).toContain('Make another member an admin first.');

    // A disabled admin does not count: they cannot sign in to run anything.
    const second = await secondAdmin();
    await setMemberDisabled(
      database.db,
      admin,
      { userId: second.userId ?? '', disabled: true },
      NOW,
    );
    const again = await refused(snapshot, () =>
      changeMemberRole(database.db, operator, { userId: id('admin'), role: 'owner' }),
    );
    expect(again.message).toContain('last active admin');
  });

  it('lets only one of two admins demoting each other at once win', async () => {
    const second = await secondAdmin();
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    let commit = () => {};
    const held = new Promise<void>((resolve) => {
      commit = resolve;
    });
    // The first demotion is made but not yet committed while the second one starts.
    const first = database.db.transaction(async (tx) => {
      await changeMemberRole(tx, admin, { userId: second.userId ?? '', role: 'owner' });
      await held;
    });
    await pause(100);
    const other = changeMemberRole(database.db, second, { userId: id('admin'), role: 'owner' });
    const outcome = other.then(
      () => 'demoted',
      (error: AppError) => error.code,
    );
    await pause(300);
    commit();
    await first;
    expect(await outcome).toBe('conflict');
    const operator = await operatorActor(database.db, harbor.org.id);
    const admins = (await listMembers(database.db, operator)).filter((m) => m.role === 'admin');
    expect(admins.map((m) => m.userId)).toEqual([id('admin')]);
  });

  it('lets one of two admins demote the other', async () => {
    const second = await secondAdmin();
    await changeMemberRole(database.db, second, { userId: id('admin'), role: 'owner' });
    expect((await actorFor(database.db, harbor, 'admin')).role).toBe('owner');
  });
});

describe('setMemberDisabled', () => {
  it('disables a member, who can no longer act, and enables them again; both audited', async () => {
    const disabled = await setMemberDisabled(
      database.db,
      admin,
      { userId: id('front_desk'), disabled: true },
      NOW,
    );
    expect(disabled.disabledAt?.toISOString()).toBe(NOW.toISOString());
    expect(await loadActor(database.db, id('front_desk'))).toBeNull();

    await setMemberDisabled(database.db, admin, { userId: id('front_desk'), disabled: false }, NOW);
    expect(await loadActor(database.db, id('front_desk'))).not.toBeNull();

    const entries = await database.db.select().from(auditLog).orderBy(auditLog.id);
    expect(entries.map((e) => e.action)).toEqual(['member.disabled', 'member.enabled']);
    expect(entries[0]?.detail).toEqual({
      email: harbor.members.front_desk?.email,
      role: 'front_desk',
    });
  });

  it('does not let an admin disable themself', async () => {
    await secondAdmin();
    const error = await refused(snapshot, () =>
      setMemberDisabled(database.db, admin, { userId: id('admin'), disabled: true }, NOW),
    );
    expect(error.message).toMatch(/^You cannot disable yourself/);
  });

  it('never disables the last active admin', async () => {
    const operator = await operatorActor(database.db, harbor.org.id);
    const error = await refused(snapshot, () =>
      setMemberDisabled(database.db, operator, { userId: id('admin'), disabled: true }, NOW),
    );
    expect(error.code).toBe('conflict');
    expect(error.message).toContain('last active admin of Harbor, so you cannot disable them');
  });

  it('answers not found for another organization’s member', async () => {
    const error = await refused(snapshot, () =>
      setMemberDisabled(database.db, admin, { userId: id('owner', rival), disabled: true }, NOW),
    );
    expect(error.code).toBe('not_found');
    const error2 = await refused(snapshot, () =>
      setMemberDisabled(database.db, admin, { userId: randomUUID(), disabled: true }, NOW),
    );
    expect(error2.code).toBe('not_found');
  });
});

describe('removeMember', () => {
  it('ends the membership only, audited; the account and its other organizations stay', async () => {
    await removeMember(database.db, admin, { userId: id('front_desk') });
    expect(await loadActor(database.db, id('front_desk'))).toBeNull();
    const [user] = await database.db
      .select()
      .from(users)
      .where(eq(users.id, id('front_desk')));
    expect(user).toBeDefined();
    const [entry] = await database.db.select().from(auditLog);
    expect(entry).toMatchObject({ action: 'member.removed', targetId: id('front_desk') });
  });

  it('refuses yourself, the last admin and another organization’s member', async () => {
    const self = await refused(snapshot, () =>
      removeMember(database.db, admin, { userId: id('admin') }),
    );
    expect(self.message).toMatch(/^You cannot remove yourself/);
    const operator = await operatorActor(database.db, harbor.org.id);
    const last = await refused(snapshot, () =>
      removeMember(database.db, operator, { userId: id('admin') }),
    );
    expect(last.message).toContain('last active admin of Harbor, so you cannot remove them');
    const other = await refused(snapshot, () =>
      removeMember(database.db, admin, { userId: id('owner', rival) }),
    );
    expect(other.code).toBe('not_found');
    expect(await loadActor(database.db, id('owner', rival))).not.toBeNull();
  });
});
