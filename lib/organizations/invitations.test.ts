import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, memberships, users } from '@/db/schema';
import {
  actorFor,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import { type Actor, loadActor } from '@/lib/auth/actor';
import { addMember } from './admin';
import {
  acceptInvitation,
  acceptInvitationWithNewAccount,
  getInvitation,
  INVITATION_DAYS,
  inviteMember,
  listInvitations,
  revokeInvitation,
} from './invitations';
import { listMembers, removeMember, setMemberDisabled } from './members';

const NOW = new Date('2026-11-26T12:00:00Z');

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let rival: Awaited<ReturnType<typeof createOrganization>>;
let harborAdmin: Actor;
let rivalAdmin: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});
beforeEach(async () => {
  await database.truncate();
  harbor = await createOrganization(database.db, { name: 'Harbor', roles: ['admin'] });
  rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin', 'front_desk'] });
  harborAdmin = await actorFor(database.db, harbor, 'admin');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
});

const rivalDesk = () => rival.members.front_desk?.userId ?? '';

/** What the inviting admin is told, with the parts that differ per call by design set aside. */
function shape(answer: Record<string, unknown>) {
  return Object.fromEntries(
    Object.entries(answer).map(([key, value]) => [
      key,
      key === 'email' ? '<email>' : typeof value === 'string' ? typeof value : value,
    ]),
  );
}

describe('adding another organization’s member by email (issue 18, finding 1)', () => {
  it('answers exactly as for an unknown email and attaches nobody', async () => {
    const known = await inviteMember(
      database.db,
      harborAdmin,
      {
        email: rival.members.front_desk?.email ?? '',
        name: 'Rival Desk',
        role: 'front_desk',
      },
      NOW,
    );
    const unknown = await inviteMember(
      database.db,
      harborAdmin,
      {
        email: 'nobody.yet@example.com',
        name: 'Nobody Yet',
        role: 'front_desk',
      },
      NOW,
    );
    expect(Object.keys(known).sort()).toEqual(Object.keys(unknown).sort());
    expect(shape(known)).toEqual(shape(unknown));

    // Rival's clerk is no member of Harbor until they accept.
    const harborMembers = await database.db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(eq(memberships.organizationId, harbor.org.id));
    expect(harborMembers.map((m) => m.userId)).not.toContain(rivalDesk());
    expect(await loadActor(database.db, rivalDesk(), harbor.org.id)).toBeNull();
  });

  it('never lists anyone in Harbor’s members who is not Harbor’s member', async () => {
    await inviteMember(
      database.db,
      harborAdmin,
      {
        email: rival.members.front_desk?.email ?? '',
        name: 'Rival Desk',
        role: 'front_desk',
      },
      NOW,
    );
    const listed = await listMembers(database.db, harborAdmin);
    expect(listed.map((m) => m.userId)).toEqual([harbor.members.admin?.userId]);
  });
});

describe('disabling is per membership', () => {
  it('lets each organization disable its own membership of a shared user, and only that', async () => {
    // The operator (CLI) adds Rival's clerk to Harbor directly.
    await addMember(
      database.db,
      { ...harborAdmin, userId: null, name: 'operator' },
      {
        email: rival.members.front_desk?.email ?? '',
        name: 'ignored',
        role: 'owner',
        password: 'not used for an existing account',
      },
    );

    await setMemberDisabled(database.db, rivalAdmin, { userId: rivalDesk(), disabled: true }, NOW);
    expect(await loadActor(database.db, rivalDesk(), rival.org.id)).toBeNull();
    expect(await loadActor(database.db, rivalDesk(), harbor.org.id)).toMatchObject({
      organizationId: harbor.org.id,
      role: 'owner',
    });
    // Without a choice of organization, the one still usable.
    expect((await loadActor(database.db, rivalDesk()))?.organizationId).toBe(harbor.org.id);

    await setMemberDisabled(database.db, harborAdmin, { userId: rivalDesk(), disabled: true }, NOW);
    expect(await loadActor(database.db, rivalDesk())).toBeNull();
    await setMemberDisabled(database.db, rivalAdmin, { userId: rivalDesk(), disabled: false }, NOW);
    expect(await loadActor(database.db, rivalDesk(), rival.org.id)).toMatchObject({
      organizationId: rival.org.id,
    });
    expect(await loadActor(database.db, rivalDesk(), harbor.org.id)).toBeNull();
  });
});

const invite = (actor: Actor, email: string, role: 'admin' | 'owner' | 'front_desk' = 'owner') =>
  inviteMember(database.db, actor, { email, name: 'Invited Person', role }, NOW);

async function snapshot() {
  return {
    memberships: await database.db.select().from(memberships).orderBy(memberships.id),
    users: (await database.db.select({ n: users.id }).from(users)).length,
  };
}

describe('invitations', () => {
  it('lets a person with an account accept, signed in, and join with the invited role', async () => {
    const invited = await invite(harborAdmin, rival.members.front_desk?.email ?? '');
    expect(invited.token).toMatch(/^inv_/);
    expect(await getInvitation(database.db, invited.token, NOW)).toMatchObject({
      organizationName: 'Harbor',
      email: rival.members.front_desk?.email,
      role: 'owner',
    });
    const joined = await acceptInvitation(
      database.db,
      { token: invited.token, userId: rivalDesk() },
      NOW,
    );
    expect(joined.organizationId).toBe(harbor.org.id);
    expect(await loadActor(database.db, rivalDesk(), harbor.org.id)).toMatchObject({
      role: 'owner',
    });
    // Used once: the link is dead now, and so is the pending entry.
    await expect(getInvitation(database.db, invited.token, NOW)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await listInvitations(database.db, harborAdmin, NOW)).toEqual([]);
    const entries = await database.db.select().from(auditLog);
    expect(entries.map((e) => e.action).sort()).toEqual(['member.invited', 'member.joined']);
    expect(JSON.stringify(entries)).not.toContain(invited.token);
  });

  it('refuses a signed-in user whose email is not the invited one, attaching nobody', async () => {
    const invited = await invite(harborAdmin, 'someone.else@example.com');
    const error = await refused(snapshot, () =>
      acceptInvitation(database.db, { token: invited.token, userId: rivalDesk() }, NOW),
    );
    expect(error.code).toBe('conflict');
  });

  it('lets a new person create their account from the link, and never replaces an existing password', async () => {
    const invited = await invite(harborAdmin, 'new.person@example.com', 'front_desk');
    const bad = await refused(snapshot, () =>
      acceptInvitationWithNewAccount(
        database.db,
        { token: invited.token, name: ' ', password: 'short' },
        NOW,
      ),
    );
    expect(bad).toMatchObject({
      code: 'invalid_input',
      fieldErrors: {
        name: 'Name must not be empty.',
        password: 'Password must be at least 8 characters.',
      },
    });
    const joined = await acceptInvitationWithNewAccount(
      database.db,
      { token: invited.token, name: 'New Person', password: 'a good long password' },
      NOW,
    );
    expect(joined).toMatchObject({
      organizationId: harbor.org.id,
      email: 'new.person@example.com',
    });

    const existing = await invite(harborAdmin, rival.members.front_desk?.email ?? '');
    const refusedAccount = await refused(snapshot, () =>
      acceptInvitationWithNewAccount(
        database.db,
        { token: existing.token, name: 'Taken Over', password: 'attacker password' },
        NOW,
      ),
    );
    expect(refusedAccount.message).toContain('already has a Keyhold account. Sign in');
  });

  it('does not work once expired, revoked or replaced by a newer invitation', async () => {
    const first = await invite(harborAdmin, 'late@example.com');
    const second = await invite(harborAdmin, 'late@example.com');
    await expect(getInvitation(database.db, first.token, NOW)).rejects.toMatchObject({
      code: 'not_found',
    });
    const later = new Date(NOW.getTime() + INVITATION_DAYS * 86_400_000 + 1);
    await expect(getInvitation(database.db, second.token, later)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect((await listInvitations(database.db, harborAdmin, NOW)).map((i) => i.id)).toEqual([
      second.invitationId,
    ]);
    await revokeInvitation(database.db, harborAdmin, second.invitationId, NOW);
    await expect(getInvitation(database.db, second.token, NOW)).rejects.toMatchObject({
      code: 'not_found',
    });
    expect(await listInvitations(database.db, harborAdmin, NOW)).toEqual([]);
    // Another organization's invitation is not found, and nothing else leaks through the list.
    const rivalInvite = await invite(rivalAdmin, 'late@example.com');
    await expect(
      revokeInvitation(database.db, harborAdmin, rivalInvite.invitationId, NOW),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await listInvitations(database.db, harborAdmin, NOW)).toEqual([]);
  });

  it('after accepting two organizations’ invitations, each admin disables and removes only its own membership', async () => {
    const person = 'shared.person@example.com';
    const toHarbor = await invite(harborAdmin, person, 'front_desk');
    const toRival = await invite(rivalAdmin, person, 'owner');
    await acceptInvitationWithNewAccount(
      database.db,
      { token: toHarbor.token, name: 'Shared Person', password: 'shared person password' },
      NOW,
    );
    const [user] = await database.db.select().from(users).where(eq(users.email, person));
    const userId = user?.id ?? '';
    await acceptInvitation(database.db, { token: toRival.token, userId }, NOW);

    await setMemberDisabled(database.db, rivalAdmin, { userId, disabled: true }, NOW);
    expect(await loadActor(database.db, userId, rival.org.id)).toBeNull();
    expect(await loadActor(database.db, userId, harbor.org.id)).toMatchObject({
      role: 'front_desk',
    });

    await removeMember(database.db, harborAdmin, { userId });
    expect(await loadActor(database.db, userId, harbor.org.id)).toBeNull();
    expect(await loadActor(database.db, userId)).toBeNull();
    expect((await listMembers(database.db, rivalAdmin)).map((m) => m.email)).toContain(person);
    expect((await listMembers(database.db, harborAdmin)).map((m) => m.email)).not.toContain(person);
  });

  it('names every field of bad input, refuses an existing member, and is not found for a non-admin', async () => {
    const both = await refused(snapshot, () =>
      inviteMember(
        database.db,
        harborAdmin,
        { email: 'not-an-email', name: ' ', role: 'owner' },
        NOW,
      ),
    );
    expect(both).toMatchObject({
      code: 'invalid_input',
      fieldErrors: { email: 'Email must be an email address.', name: 'Name must not be empty.' },
    });
    const role = await refused(snapshot, () =>
      inviteMember(
        database.db,
        harborAdmin,
        { email: 'a@b.example', name: 'A', role: 'root' as 'admin' },
        NOW,
      ),
    );
    expect(role).toMatchObject({ code: 'invalid_input', options: { field: 'role' } });
    const twice = await refused(snapshot, () =>
      invite(harborAdmin, harbor.members.admin?.email ?? ''),
    );
    expect(twice).toMatchObject({ code: 'conflict', options: { field: 'email' } });
    const desk = await actorFor(database.db, rival, 'front_desk');
    const outsider = await refused(snapshot, () => invite(desk, 'x@example.com'));
    expect(outsider.code).toBe('not_found');
  });
});
