import { eq } from 'drizzle-orm';
import { NextRequest } from 'next/server';
import NextAuth from 'next-auth';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, userSessions, users } from '@/db/schema';
import { createOrganization, createTestDatabase, refused, type TestDatabase } from '@/db/testing';
import { changeMemberRole, setMemberDisabled } from '@/lib/organizations/members';
import { actorForUser, loadActor } from './actor';
import { changeOwnPassword } from './change-password';
import { authConfig } from './config';
import { verifyPassword } from './password';
import {
  endMemberSessions,
  endOwnSession,
  listOwnSessions,
  liveSession,
  revokeSession,
  SESSION_LIFETIME_SECONDS,
  startSession,
} from './sessions';

const PASSWORD = 'correct horse battery';
const START = new Date('2026-11-26T12:00:00Z');
const minutes = (n: number) => new Date(START.getTime() + n * 60_000);

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let rival: Awaited<ReturnType<typeof createOrganization>>;
let now: Date;

const userOf = (role: 'admin' | 'owner' | 'front_desk', org = harbor) =>
  org.members[role]?.userId ?? '';
const actorOf = async (role: 'admin' | 'owner' | 'front_desk', org = harbor) => {
  const actor = await loadActor(database.db, userOf(role, org));
  if (!actor) throw new Error('no actor');
  return actor;
};
const signInAt = (role: 'admin' | 'owner' | 'front_desk', at = START) =>
  startSession(database.db, { userId: userOf(role), userAgent: 'Test browser', ip: null }, at);

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});
beforeEach(async () => {
  await database.truncate();
  now = START;
  harbor = await createOrganization(database.db, {
    roles: ['admin', 'owner', 'front_desk'],
    password: PASSWORD,
  });
  rival = await createOrganization(database.db, { roles: ['admin'] });
});

/**
 * The app's real Auth.js handlers, in-process, on the test database, with a
 * cookie jar per "browser". Auth.js reads only the request, so this is what
 * /api/auth/* answers under `next start`.
 */
function authServer() {
  const { handlers } = NextAuth(
    authConfig({
      getDb: async () => database.db,
      settings: {
        AUTH_SECRET: 'a-test-secret-that-is-at-least-32-characters-long',
        TRUSTED_PROXY_HOPS: 0,
        SIGN_IN_MAX_FAILURES_PER_EMAIL: 5,
        SIGN_IN_MAX_FAILURES_PER_IP: 20,
        SIGN_IN_WINDOW_MINUTES: 15,
      },
      now: () => now,
    }),
  );
  const browser = () => {
    const jar = new Map<string, string>();
    const send = async (method: 'GET' | 'POST', path: string, form?: Record<string, string>) => {
      const response = await handlers[method](
        new NextRequest(`http://localhost:3000/api/auth/${path}`, {
          method,
          headers: {
            cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
            'user-agent': 'Test browser',
            ...(form && { 'content-type': 'application/x-www-form-urlencoded' }),
          },
          body: form ? new URLSearchParams(form).toString() : undefined,
        }),
      );
      for (const cookie of response.headers.getSetCookie()) {
        const [pair = ''] = cookie.split(';');
        const [name = '', value = ''] = pair.split('=');
        if (value === '' || /max-age=0|expires=thu, 01 jan 1970/i.test(cookie)) jar.delete(name);
        else jar.set(name, value);
      }
      return response;
    };
    const csrf = async () => (await (await send('GET', 'csrf')).json()) as { csrfToken: string };
    return {
      jar,
      session: async () => (await send('GET', 'session')).json(),
      async signIn(email: string) {
        const { csrfToken } = await csrf();
        await send('POST', 'callback/credentials', { email, password: PASSWORD, csrfToken });
      },
      async signOut() {
        const { csrfToken } = await csrf();
        await send('POST', 'signout', { csrfToken });
      },
    };
  };
  return { browser };
}

describe('GET /api/auth/session (the real Auth.js handlers)', () => {
  it('answers nothing for a copied session cookie once its owner has signed out', async () => {
    const server = authServer();
    const owner = server.browser();
    await owner.signIn(harbor.members.owner?.email ?? '');
    const token = owner.jar.get('authjs.session-token');
    expect(token).toBeTruthy();
    expect(await owner.session()).toMatchObject({ user: { id: userOf('owner') } });

    const thief = server.browser();
    thief.jar.set('authjs.session-token', token ?? '');
    await owner.signOut();
    expect(owner.jar.has('authjs.session-token')).toBe(false);

    now = minutes(5);
    expect(await thief.session()).toBeNull();
    // And no fresh cookie was handed back to keep it going.
    expect(thief.jar.has('authjs.session-token')).toBe(false);
  });

  it('answers nothing once the session reaches its 12-hour end, however often it was refreshed', async () => {
    const server = authServer();
    const owner = server.browser();
    await owner.signIn(harbor.members.owner?.email ?? '');
    for (const at of [60, 300, 600, 715]) {
      now = minutes(at);
      expect(await owner.session()).toMatchObject({ user: { id: userOf('owner') } });
    }
    now = minutes(SESSION_LIFETIME_SECONDS / 60);
    expect(await owner.session()).toBeNull();
  });
});

describe('liveSession and the actor', () => {
  it('a signed-out session yields no actor', async () => {
    const session = await signInAt('owner');
    const live = await liveSession(database.db, session.id, minutes(1));
    expect(await actorForUser(database.db, live?.userId ?? '')).toMatchObject({
      userId: userOf('owner'),
      role: 'owner',
    });
    await revokeSession(database.db, session.id, minutes(2));
    expect(await liveSession(database.db, session.id, minutes(3))).toBeNull();
  });

  it('ends 12 hours after sign-in and refuses ids that are not sessions', async () => {
    const session = await signInAt('owner');
    expect(await liveSession(database.db, session.id, minutes(12 * 60 - 1))).not.toBeNull();
    expect(await liveSession(database.db, session.id, minutes(12 * 60))).toBeNull();
    expect(await liveSession(database.db, 'not-a-uuid', START)).toBeNull();
    expect(await liveSession(database.db, undefined, START)).toBeNull();
  });

  it('writes last_seen_at at most once a minute', async () => {
    const session = await signInAt('owner');
    const seen = async () =>
      (await database.db.select().from(userSessions).where(eq(userSessions.id, session.id)))[0]
        ?.lastSeenAt;
    await liveSession(database.db, session.id, new Date(START.getTime() + 59_000));
    expect(await seen()).toEqual(START);
    await liveSession(database.db, session.id, minutes(1));
    expect(await seen()).toEqual(minutes(1));
  });
});

describe('changes that end every session of a member', () => {
  it('disabling the member', async () => {
    const session = await signInAt('front_desk');
    await setMemberDisabled(
      database.db,
      await actorOf('admin'),
      { userId: userOf('front_desk'), disabled: true },
      minutes(1),
    );
    // Enabled again at once: the old session must still be over.
    await setMemberDisabled(
      database.db,
      await actorOf('admin'),
      { userId: userOf('front_desk'), disabled: false },
      minutes(2),
    );
    expect(await liveSession(database.db, session.id, minutes(3))).toBeNull();
  });

  it('a role change', async () => {
    const session = await signInAt('owner');
    const other = await signInAt('front_desk');
    await changeMemberRole(
      database.db,
      await actorOf('admin'),
      { userId: userOf('owner'), role: 'front_desk' },
      minutes(1),
    );
    expect(await liveSession(database.db, session.id, minutes(1))).toBeNull();
    expect(await liveSession(database.db, other.id, minutes(1))).not.toBeNull();
  });

  it('a password change, keeping the session that made it', async () => {
    const here = await signInAt('owner');
    const elsewhere = await signInAt('owner', minutes(1));
    const owner = await actorOf('owner');
    const hash = async () =>
      (
        await database.db
          .select()
          .from(users)
          .where(eq(users.id, userOf('owner')))
      )[0]?.passwordHash ?? '';

    const wrong = await refused(hash, () =>
      changeOwnPassword(
        database.db,
        owner,
        { currentPassword: 'not it', newPassword: 'a brand new password' },
        here.id,
        minutes(2),
      ),
    );
    expect(wrong.options.field).toBe('currentPassword');
    expect(wrong.message).toBe('That is not your current password.');
    const short = await refused(hash, () =>
      changeOwnPassword(
        database.db,
        owner,
        { currentPassword: PASSWORD, newPassword: 'short' },
        here.id,
        minutes(2),
      ),
    );
    expect(short.message).toBe('New password must be at least 8 characters.');
    expect(await liveSession(database.db, elsewhere.id, minutes(2))).not.toBeNull();

    expect(
      await changeOwnPassword(
        database.db,
        owner,
        { currentPassword: PASSWORD, newPassword: 'a brand new password' },
        here.id,
        minutes(3),
      ),
    ).toEqual({ otherSessionsEnded: 1 });
    expect(await verifyPassword(await hash(), 'a brand new password')).toBe(true);
    expect(await liveSession(database.db, elsewhere.id, minutes(4))).toBeNull();
    expect(await liveSession(database.db, here.id, minutes(4))).not.toBeNull();
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'member.password_changed'));
    expect(JSON.stringify(entry?.detail)).not.toContain('brand new');
  });

  it('an admin signing the member out everywhere, in their own organization only', async () => {
    const first = await signInAt('owner');
    const second = await signInAt('owner', minutes(1));
    const admin = await actorOf('admin');
    expect(
      await endMemberSessions(database.db, admin, { userId: userOf('owner') }, minutes(2)),
    ).toBe(2);
    expect(await liveSession(database.db, first.id, minutes(3))).toBeNull();
    expect(await liveSession(database.db, second.id, minutes(3))).toBeNull();
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'member.signed_out'));
    expect(entry?.targetId).toBe(userOf('owner'));

    const kept = await signInAt('owner', minutes(4));
    const outsider = await actorOf('admin', rival);
    const error = await refused(() =>
      endMemberSessions(database.db, outsider, { userId: userOf('owner') }, minutes(5)),
    );
    expect(error.code).toBe('not_found');
    const owner = await actorOf('owner');
    const notAdmin = await refused(() =>
      endMemberSessions(database.db, owner, { userId: userOf('front_desk') }, now),
    );
    expect(notAdmin.code).toBe('not_found');
    expect(await liveSession(database.db, kept.id, minutes(6))).not.toBeNull();
  });
});

describe('a member’s own sessions', () => {
  it('lists the live ones and ends another, but never someone else’s', async () => {
    const here = await signInAt('front_desk');
    const phone = await signInAt('front_desk', minutes(1));
    const ended = await signInAt('front_desk', minutes(2));
    await revokeSession(database.db, ended.id, minutes(3));
    const desk = await actorOf('front_desk');

    const { sessions: listed, timeZone } = await listOwnSessions(
      database.db,
      desk,
      here.id,
      minutes(4),
    );
    expect(timeZone).toBe('America/New_York');
    expect(listed.map((s) => [s.id, s.current])).toEqual([
      [phone.id, false],
      [here.id, true],
    ]);
    expect(listed[0]?.userAgent).toBe('Test browser');

    await endOwnSession(database.db, desk, { sessionId: phone.id }, minutes(5));
    expect(await liveSession(database.db, phone.id, minutes(6))).toBeNull();

    const ownersSession = await signInAt('owner');
    const error = await refused(() =>
      endOwnSession(database.db, desk, { sessionId: ownersSession.id }, minutes(6)),
    );
    expect(error.code).toBe('not_found');
    expect(await liveSession(database.db, ownersSession.id, minutes(6))).not.toBeNull();
    const malformed = await refused(() =>
      endOwnSession(database.db, desk, { sessionId: 'nope' }, minutes(6)),
    );
    expect(malformed.code).toBe('not_found');
  });
});
