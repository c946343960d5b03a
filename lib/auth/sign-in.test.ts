import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { memberships, signInAttempts, users } from '@/db/schema';
import { createOrganization, createTestDatabase, type TestDatabase } from '@/db/testing';
import { loadActor } from './actor';
import { issueDeviceToken, verifiedDevice } from './device';
import { clientAddress, type SignInLimits, signInSchema, verifySignIn } from './sign-in';

const LIMITS: SignInLimits = { maxFailuresPerSource: 3, maxFailuresPerIp: 6, windowMinutes: 15 };
const PASSWORD = 'correct horse battery';
const SECRET = 'a-test-secret-of-at-least-32-characters';
const NOW = new Date('2026-11-26T12:00:00Z');
const minutes = (n: number) => new Date(NOW.getTime() + n * 60_000);

let database: TestDatabase;
let email: string;
let userId: string;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await database.truncate();
  const { members } = await createOrganization(database.db, {
    roles: ['owner'],
    password: PASSWORD,
  });
  email = members.owner?.email ?? '';
  userId = members.owner?.userId ?? '';
});

const attempt = (
  input: { email: string; password: string; ip?: string | null; device?: string | null },
  at = NOW,
) => verifySignIn(database.db, { ip: '10.0.0.1', ...input }, at, LIMITS);

describe('verifySignIn', () => {
  it('accepts the right password and records the sign-in time', async () => {
    expect(await attempt({ email, password: PASSWORD })).toEqual({ ok: true, userId });
    const [user] = await database.db.select().from(users).where(eq(users.id, userId));
    expect(user?.lastSignInAt?.toISOString()).toBe(NOW.toISOString());
  });

  it('answers a wrong password and an unknown email the same way', async () => {
    const wrong = await attempt({ email, password: 'wrong password' });
    const unknown = await attempt({ email: 'nobody@example.com', password: PASSWORD });
    expect(wrong).toEqual({ ok: false, reason: 'invalid_credentials' });
    expect(unknown).toEqual(wrong);
  });

  it('refuses a disabled user and a user with no organization', async () => {
    await database.db.update(users).set({ disabledAt: NOW }).where(eq(users.id, userId));
    expect(await attempt({ email, password: PASSWORD })).toMatchObject({ ok: false });
    await database.db.update(users).set({ disabledAt: null }).where(eq(users.id, userId));
    await database.db.delete(memberships).where(eq(memberships.userId, userId));
    expect(await attempt({ email, password: PASSWORD })).toMatchObject({
      ok: false,
      reason: 'invalid_credentials',
    });
  });

  it('slows down repeated failures for one email, even with the right password', async () => {
    for (let i = 0; i < LIMITS.maxFailuresPerSource; i++) {
      expect(await attempt({ email, password: `guess ${i}` })).toMatchObject({
        reason: 'invalid_credentials',
      });
    }
    expect(await attempt({ email, password: PASSWORD })).toEqual({
      ok: false,
      reason: 'rate_limited',
    });
    // Another address from the same IP is not locked out by this email's failures alone.
    const other = await createOrganization(database.db, { roles: ['admin'], password: PASSWORD });
    expect(
      await attempt({ email: other.members.admin?.email ?? '', password: PASSWORD }),
    ).toMatchObject({ ok: true });
    // Once the window has passed the right password works again.
    expect(await attempt({ email, password: PASSWORD }, minutes(16))).toEqual({ ok: true, userId });
  });

  it('refuses only the failing address: the right password from another address still works', async () => {
    // Finding 18.4: five guesses every 15 minutes used to keep the front desk out.
    for (let i = 0; i < LIMITS.maxFailuresPerSource + 2; i++) {
      await attempt({ email, password: `guess ${i}`, ip: '198.51.100.66' });
    }
    expect(await attempt({ email, password: PASSWORD, ip: '192.0.2.10' })).toEqual({
      ok: true,
      userId,
    });
    // The attacker keeps guessing after that sign-in; the desk still gets in.
    for (let i = 0; i < LIMITS.maxFailuresPerSource + 2; i++) {
      await attempt({ email, password: `more ${i}`, ip: '198.51.100.66' }, minutes(1));
    }
    expect(await attempt({ email, password: PASSWORD, ip: '192.0.2.10' }, minutes(1))).toEqual({
      ok: true,
      userId,
    });
    expect(await attempt({ email, password: PASSWORD, ip: '198.51.100.66' }, minutes(1))).toEqual({
      ok: false,
      reason: 'rate_limited',
    });
  });

  it('without a trusted address, a browser that signed in before keeps working', async () => {
    const device = verifiedDevice(SECRET, email, issueDeviceToken(SECRET, email));
    expect(device).not.toBeNull();
    for (let i = 0; i < LIMITS.maxFailuresPerSource + 2; i++) {
      await attempt({ email, password: `guess ${i}`, ip: null });
    }
    expect(await attempt({ email, password: PASSWORD, ip: null })).toEqual({
      ok: false,
      reason: 'rate_limited',
    });
    expect(await attempt({ email, password: PASSWORD, ip: null, device })).toEqual({
      ok: true,
      userId,
    });
  });

  it('spaces a source out once the email has many failures, without refusing a fresh one', async () => {
    const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);
    for (let i = 0; i <= LIMITS.maxFailuresPerSource; i++) {
      await attempt({ email, password: 'x', ip: `198.51.100.${i}` });
    }
    // The email has maxFailuresPerSource + 1 failures: each source now waits 2 s after its own last.
    expect(await attempt({ email, password: 'y', ip: '198.51.100.0' }, at(1))).toEqual({
      ok: false,
      reason: 'rate_limited',
    });
    expect(await attempt({ email, password: 'y', ip: '198.51.100.0' }, at(3))).toEqual({
      ok: false,
      reason: 'invalid_credentials',
    });
    expect(await attempt({ email, password: PASSWORD, ip: '192.0.2.10' }, at(3))).toEqual({
      ok: true,
      userId,
    });
  });

  it('slows down one IP trying many emails', async () => {
    for (let i = 0; i < LIMITS.maxFailuresPerIp; i++) {
      await attempt({ email: `guess${i}@example.com`, password: 'x', ip: '203.0.113.9' });
    }
    expect(await attempt({ email, password: PASSWORD, ip: '203.0.113.9' })).toEqual({
      ok: false,
      reason: 'rate_limited',
    });
    expect(await attempt({ email, password: PASSWORD, ip: '203.0.113.10' })).toMatchObject({
      ok: true,
    });
  });

  it('holds the limit against a burst of parallel guesses', async () => {
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) => attempt({ email, password: `burst ${i}` })),
    );
    const checked = results.filter((r) => !r.ok && r.reason === 'invalid_credentials');
    expect(checked).toHaveLength(LIMITS.maxFailuresPerSource);
    expect(await attempt({ email, password: PASSWORD })).toMatchObject({ reason: 'rate_limited' });
  });

  it('counts failures since the last successful sign-in', async () => {
    await attempt({ email, password: 'wrong 1' });
    await attempt({ email, password: 'wrong 2' });
    expect(await attempt({ email, password: PASSWORD }, minutes(1))).toMatchObject({ ok: true });
    await attempt({ email, password: 'wrong 3' }, minutes(2));
    await attempt({ email, password: 'wrong 4' }, minutes(2));
    expect(await attempt({ email, password: PASSWORD }, minutes(3))).toMatchObject({ ok: true });
  });

  it('applies no per-address limit when the address cannot be trusted', async () => {
    for (let i = 0; i < LIMITS.maxFailuresPerIp; i++) {
      await attempt({ email: `guess${i}@example.com`, password: 'x', ip: null });
    }
    expect(
      await verifySignIn(database.db, { email, password: PASSWORD, ip: null }, NOW, LIMITS),
    ).toMatchObject({ ok: true });
  });

  it('keeps no password in the attempts it records', async () => {
    await attempt({ email, password: 'a very secret guess' });
    const rows = await database.db.select().from(signInAttempts);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows)).not.toContain('a very secret guess');
  });
});

describe('clientAddress', () => {
  it.each([
    ['203.0.113.7', 0, null],
    ['203.0.113.7', 1, '203.0.113.7'],
    ['spoofed, 203.0.113.7', 1, '203.0.113.7'],
    ['spoofed, 203.0.113.7, 10.0.0.2', 2, '203.0.113.7'],
    ['203.0.113.7', 3, null],
    [null, 1, null],
  ] as const)('%s with %i trusted hops → %s', (header, hops, expected) => {
    expect(clientAddress(header, hops)).toBe(expected);
  });
});

describe('signInSchema', () => {
  it.each([
    [{ email: '', password: 'x' }, 'email', 'Enter your email.'],
    [{ email: 'a@b.co', password: '' }, 'password', 'Enter your password.'],
    [{ email: 'not-an-email', password: 'x' }, 'email', 'Enter a valid email address.'],
    [
      { email: 'a@b.co', password: 'x'.repeat(10 * 1024) },
      'password',
      'Password must be at most 1024 characters.',
    ],
  ])('%j → %s: %s', (input, field, message) => {
    const result = signInSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: [field], message });
  });

  it('matches emails case-insensitively', () => {
    expect(signInSchema.parse({ email: ' Owner@Harbor.Example ', password: 'x' }).email).toBe(
      'owner@harbor.example',
    );
  });
});

describe('loadActor', () => {
  it('reads the role from the membership on every call', async () => {
    expect(await loadActor(database.db, userId)).toMatchObject({ role: 'owner', userId });
    await database.db
      .update(memberships)
      .set({ role: 'front_desk' })
      .where(eq(memberships.userId, userId));
    expect(await loadActor(database.db, userId)).toMatchObject({ role: 'front_desk' });
  });

  it('finds no actor for a disabled or unknown user', async () => {
    await database.db.update(users).set({ disabledAt: NOW }).where(eq(users.id, userId));
    expect(await loadActor(database.db, userId)).toBeNull();
    expect(await loadActor(database.db, '00000000-0000-4000-8000-000000000000')).toBeNull();
  });
});
