import { and, count, eq, gt, not, or, sql } from 'drizzle-orm';
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

/**
 * Check an email and password. Unknown email, wrong password, a disabled user
 * and a user without an organization all answer `invalid_credentials`, after
 * the same argon2 work. Too many recent failures for the email or the IP
 * answer `rate_limited` without checking the password at all.
 */
export async function verifySignIn(
  db: Db,
  input: SignInInput & { ip: string },
  now: Date,
  limits: SignInLimits,
): Promise<SignInResult> {
  const since = new Date(now.getTime() - limits.windowMinutes * 60_000);
  const [recent] = await db
    .select({
      byEmail: count(matching(signInAttempts.email, input.email)),
      byIp: count(matching(signInAttempts.ip, input.ip)),
    })
    .from(signInAttempts)
    .where(
      and(
        not(signInAttempts.succeeded),
        gt(signInAttempts.createdAt, since),
        or(eq(signInAttempts.email, input.email), eq(signInAttempts.ip, input.ip)),
      ),
    );
  if (
    (recent?.byEmail ?? 0) >= limits.maxFailuresPerEmail ||
    (recent?.byIp ?? 0) >= limits.maxFailuresPerIp
  ) {
    return { ok: false, reason: 'rate_limited' };
  }

  const [user] = await db
    .select({ id: users.id, passwordHash: users.passwordHash, disabledAt: users.disabledAt })
    .from(users)
    .where(eq(users.email, input.email))
    .limit(1);
  const passwordOk = await verifyPassword(
    user?.passwordHash ?? (await dummyPasswordHash()),
    input.password,
  );
  const [membership] = user
    ? await db
        .select({ id: memberships.id })
        .from(memberships)
        .where(eq(memberships.userId, user.id))
        .limit(1)
    : [];
  const ok = Boolean(user && passwordOk && !user.disabledAt && membership);

  await db.insert(signInAttempts).values({
    email: input.email,
    ip: input.ip,
    succeeded: ok,
    createdAt: now,
  });
  if (!ok || !user) return { ok: false, reason: 'invalid_credentials' };
  await db.update(users).set({ lastSignInAt: now }).where(eq(users.id, user.id));
  return { ok: true, userId: user.id };
}

/** `count(expr)` counts non-null values; this yields null when the row does not match. */
function matching(column: typeof signInAttempts.email | typeof signInAttempts.ip, value: string) {
  return sql`case when ${column} = ${value} then 1 end`;
}
