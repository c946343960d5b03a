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
  maxFailuresPerEmail: number;
  maxFailuresPerIp: number;
  windowMinutes: number;
};

export type SignInResult =
  | { ok: true; userId: string }
  | { ok: false; reason: 'invalid_credentials' | 'rate_limited' };

const NO_USER = '00000000-0000-0000-0000-000000000000';

/**
 * Check an email and password. Unknown email, wrong password, a disabled user
 * and a user without an organization all answer `invalid_credentials`, after
 * the same argon2 and database work. Too many recent failures for the email
 * (since its last success) or for the client address answer `rate_limited`
 * without checking the password at all.
 *
 * The attempt is counted before the password is checked, under a per-email
 * lock, so a burst of parallel guesses cannot all slip under the limit.
 * `ip` is null when the address cannot be trusted; then only the email limit
 * applies.
 */
export async function verifySignIn(
  db: Db,
  input: SignInInput & { ip: string | null },
  now: Date,
  limits: SignInLimits,
): Promise<SignInResult> {
  const since = new Date(now.getTime() - limits.windowMinutes * 60_000);
  const attemptId = await db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${input.email}, 0))`);
    const lastSuccess = sql`(select coalesce(max(${signInAttempts.createdAt}), '-infinity')
      from ${signInAttempts} where ${signInAttempts.email} = ${input.email} and ${signInAttempts.succeeded})`;
    const [recent] = await tx
      .select({
        byEmail: count(
          sql`case when ${signInAttempts.email} = ${input.email} and ${signInAttempts.createdAt} > ${lastSuccess} then 1 end`,
        ),
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
    const limited =
      (recent?.byEmail ?? 0) >= limits.maxFailuresPerEmail ||
      (input.ip !== null && (recent?.byIp ?? 0) >= limits.maxFailuresPerIp);
    if (limited) return null;
    const [row] = await tx
      .insert(signInAttempts)
      .values({ email: input.email, ip: input.ip ?? 'untrusted', succeeded: false, createdAt: now })
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
