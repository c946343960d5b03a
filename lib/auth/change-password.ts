import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { InvalidInputError, parseInput } from '@/lib/validation';
import { type Actor, assertCan } from './actor';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH, verifyPassword } from './password';
import { revokeSessionsOf } from './sessions';

export const changePasswordSchema = z.object({
  // Never trimmed: spaces are part of a password.
  currentPassword: z
    .string({ error: 'Enter your current password.' })
    .min(1, 'Enter your current password.')
    .max(MAX_PASSWORD_LENGTH, 'That is not your current password.'),
  newPassword: z
    .string({ error: 'Enter a new password.' })
    .min(MIN_PASSWORD_LENGTH, `New password must be at least ${MIN_PASSWORD_LENGTH} characters.`)
    .max(MAX_PASSWORD_LENGTH, `New password must be at most ${MAX_PASSWORD_LENGTH} characters.`),
});

/**
 * A member sets a new password. Every other session of theirs ends, so
 * whoever had the old password (or a copied cookie) is out; the session
 * making the change (`currentSid`) stays signed in.
 */
export async function changeOwnPassword(
  db: Db,
  actor: Actor,
  input: z.input<typeof changePasswordSchema>,
  currentSid: string | null,
  now: Date,
): Promise<{ otherSessionsEnded: number }> {
  assertCan(actor, 'sessions.own');
  const { currentPassword, newPassword } = parseInput(changePasswordSchema, input);
  const userId = actor.userId;
  if (!userId) throw new InvalidInputError({ currentPassword: 'An API key has no password.' });
  const [user] = await db
    .select({ passwordHash: users.passwordHash })
    .from(users)
    .where(eq(users.id, userId));
  if (!user || !(await verifyPassword(user.passwordHash, currentPassword))) {
    throw new InvalidInputError({ currentPassword: 'That is not your current password.' });
  }
  const passwordHash = await hashPassword(newPassword);
  return db.transaction(async (tx) => {
    await tx.update(users).set({ passwordHash }).where(eq(users.id, userId));
    const ended = await revokeSessionsOf(tx, userId, now, currentSid ? { keep: currentSid } : {});
    await recordAudit(tx, actor, {
      action: 'member.password_changed',
      targetType: 'user',
      targetId: userId,
      detail: { email: actor.email, sessionsEnded: ended },
    });
    return { otherSessionsEnded: ended };
  });
}
