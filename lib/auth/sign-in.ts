import { and, count, eq, gt, isNull, lt, not, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { memberships, signInAttempts, users } from '@/db/schema';
import { dummyPasswordHash, MAX_PASSWORD_LENGTH, verifyPassword } from './password';

export const signInSchema = z.object({
  email: z
    .string({ error: 'Enter your email.' })
    .trim()
    .min(1, 'Enter your email.')
    .max(320, 'Email is too long.')
    .pipe(z.email({ error: 'Enter a valid email address.' }))
    .transform((v) => v.toLowerCase()),
  password: z
    .string({ error: 'Enter your password.' })
    .min(1, 'Enter your password.')
    .max(MAX_PASSWORD_LENGTH, `Password must be at most ${MAX_PASSWORD_LENGTH} characters.`),
});

export type SignInInput = z.infer<typeof signInSchema>;

export type SignInLimits = {
  /** Failures for one email from one source (device, address or "unknown") before that source is refused. */
  maxFailuresPerSource: number;
  /** Failures from one trusted address, over all emails, before the address is refused. */
  maxFailuresPerIp: number;
  windowMinutes: number;
};

export type SignInResult =
  | { ok: true; userId: string }
  | { ok: false; reason: 'invalid_credentials' | 'rate_limited' };

const NO_USER = '00000000-0000-0000-0000-000000000000';

/** Past the per-source limit in failures for the email as a whole, a source waits 1 s, 2 s, 4 s… */
const EMAIL_DELAY_BASE_MS = 1000;
/** …up to 10 s between its own attempts, however many failures the email has. */
const EMAIL_DELAY_CAP_MS = 10_000;

/** The source key an attempt is counted under: a verified device beats an address. */
export function signInSource(ip: string | null, device: string | null): string {
  if (device) return `device:${device}`;
  return ip ? `ip:${ip}` : 'unknown';
}

/**
 * Check an email and password. Unknown email, wrong password, a disabled user
 * and a user without an organization all answer `invalid_credentials`, after
 * the same argon2 and database work.
 *
 * Throttling refuses only the source that is failing, so guesses from
 * elsewhere can never keep the right password out (ASVS V2.2.1 without a
 * lockout):
 * - one source (a browser that signed in as this email before, else a trusted
 *   address, else "unknown"): `maxFailuresPerSource` failures since its last
 *   success within the window, and it is refused until the window passes;
 * - one trusted address: `maxFailuresPerIp` failures over all emails within
 *   the window, and it is refused (a verified device is exempt: it already
 *   proved the password for this email);
 * - the email as a whole: failures never refuse; past `maxFailuresPerSource`
 *   each source must leave a growing gap after its own last failure (1 s
 *   doubling per further failure, at most 10 s) or is told to slow down.
 * Refused attempts check no password and are not counted.
 *
 * The attempt is counted before the password is checked, under a per-email
 * lock, so a burst of parallel guesses cannot all slip under a limit. `ip` is
 * null when the address cannot be trusted; `device` is the id from a verified
 * device token for this email (lib/auth/device.ts), or null.
 */
export async function verifySignIn(
  db: Db,
  input: SignInInput & { ip: string | null; device?: string | null },
  now: Date,
  limits: SignInLimits,
): Promise<SignInResult> {
  const since = new Date(now.getTime() - limits.windowMinutes * 60_000);
  const source = signInSource(input.ip, input.device ?? null);
  const attemptId = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${input.email}, 0))`);
    const lastSuccess = (
      bySource: boolean,
    ) => sql`(select coalesce(max(${signInAttempts.createdAt}), '-infinity')
      from ${signInAttempts} where ${signInAttempts.email} = ${input.email} and ${signInAttempts.succeeded}
      ${bySource ? sql`and ${signInAttempts.source} = ${source}` : sql``})`;
    const ofSource = sql`${signInAttempts.email} = ${input.email} and ${signInAttempts.source} = ${source}`;
    const [recent] = await tx
      .select({
        byEmail: count(
          sql`case when ${signInAttempts.email} = ${input.email} and ${signInAttempts.createdAt} > ${lastSuccess(false)} then 1 end`,
        ),
        bySource: count(
          sql`case when ${ofSource} and ${signInAttempts.createdAt} > ${lastSuccess(true)} then 1 end`,
        ),
        sourceLast: sql<
          string | null
        >`max(case when ${ofSource} then ${signInAttempts.createdAt} end)`,
        byIp: count(sql`case when ${signInAttempts.ip} = ${input.ip ?? ''} then 1 end`),
      })
      .from(signInAttempts)
      .where(
        and(
          not(signInAttempts.succeeded),
          gt(signInAttempts.createdAt, since),
          or(eq(signInAttempts.email, input.email), eq(signInAttempts.ip, input.ip ?? '')),
        ),
      );
    const byEmail = recent?.byEmail ?? 0;
    const ipLimited =
      input.ip !== null && !input.device && (recent?.byIp ?? 0) >= limits.maxFailuresPerIp;
    const sourceLimited = (recent?.bySource ?? 0) >= limits.maxFailuresPerSource;
    const gap = Math.min(
      EMAIL_DELAY_BASE_MS * 2 ** Math.max(0, byEmail - limits.maxFailuresPerSource),
      EMAIL_DELAY_CAP_MS,
    );
    const tooSoon =
      byEmail >= limits.maxFailuresPerSource &&
      recent?.sourceLast != null &&
      now.getTime() - new Date(recent.sourceLast).getTime() < gap;
    if (ipLimited || sourceLimited || tooSoon) return null;
    const [row] = await tx
      .insert(signInAttempts)
      .values({
        email: input.email,
        ip: input.ip ?? 'untrusted',
        source,
        succeeded: false,
        createdAt: now,
      })
      .returning({ id: signInAttempts.id });
    return row?.id ?? null;
  });
  if (!attemptId) return { ok: false, reason: 'rate_limited' };

  const [user] = await db
    .select({ id: users.id, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.email, input.email))
    .limit(1);
  const passwordOk = await verifyPassword(
    user?.passwordHash ?? (await dummyPasswordHash()),
    input.password,
  );
  const [membership] = await db
    .select({ id: memberships.id })
    .from(memberships)
    .where(and(eq(memberships.userId, user?.id ?? NO_USER), isNull(memberships.disabledAt)))
    .limit(1);
  if (!user || !passwordOk || user.disabledAt || !membership) {
    return { ok: false, reason: 'invalid_credentials' };
  }
  await db.update(signInAttempts).set({ succeeded: true }).where(eq(signInAttempts.id, attemptId));
  await db.update(users).set({ lastSignInAt: now }).where(eq(users.id, user.id));
  return { ok: true, userId: user.id };
}

/** Forget attempts older than a day; the limits only look back minutes. */
export async function pruneSignInAttempts(db: Db, now: Date): Promise<void> {
  await db
    .delete(signInAttempts)
    .where(lt(signInAttempts.createdAt, new Date(now.getTime() - 86_400_000)));
}

/**
 * The client's address as the Nth-from-last X-Forwarded-For entry, where N is
 * the number of trusted proxies that append to it. Without a trusted proxy the
 * header is whatever the client sent, so there is no address to trust.
 */
export function clientAddress(forwardedFor: string | null, trustedHops: number): string | null {
  if (trustedHops === 0 || !forwardedFor) return null;
  const hops = forwardedFor
    .split(',')
    .map((h) => h.trim())
    .filter(Boolean);
  return hops[hops.length - trustedHops] ?? null;
}
