import { randomBytes } from 'node:crypto';
import { and, asc, count, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor, Tx } from '@/db/client';
import { type MemberRole, memberRole, memberships, organizations, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { revokeSessionsOf } from '@/lib/auth/sessions';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { InvalidInputError, parseInput, zodFieldErrors } from '@/lib/validation';
import { type AddedMember, type AddMemberInput, addMember, addMemberSchema } from './admin';

export type Member = {
  userId: string;
  name: string;
  email: string;
  role: MemberRole;
  lastSignInAt: Date | null;
  /** Set when the member may not sign in. */
  disabledAt: Date | null;
};

const memberColumns = {
  userId: users.id,
  name: users.name,
  email: users.email,
  role: memberships.role,
  lastSignInAt: users.lastSignInAt,
  disabledAt: users.disabledAt,
};

export async function listMembers(db: Executor, actor: Actor): Promise<Member[]> {
  assertCan(actor, 'members.manage');
  return db
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, actor.organizationId))
    .orderBy(asc(users.name), asc(users.email));
}

const memberId = z.string({ error: 'Member not found.' });

export const changeMemberRoleSchema = z.object({
  userId: memberId,
  role: z.enum(memberRole.enumValues, { error: 'Role must be admin, owner or front desk.' }),
});

export const setMemberDisabledSchema = z.object({
  userId: memberId,
  disabled: z.boolean(),
});

type Target = { userId: string; name: string; email: string; role: MemberRole; disabled: boolean };

/**
 * The member being changed, with the organization row locked so two admins
 * demoting each other at once cannot both pass the last-admin check.
 */
async function lockedTarget(tx: Tx, actor: Actor, userId: string): Promise<Target> {
  parseId('Member', userId, { field: 'userId' });
  await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.id, actor.organizationId))
    .for('update');
  const [row] = await tx
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      disabledAt: users.disabledAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(eq(memberships.organizationId, actor.organizationId), eq(memberships.userId, userId)),
    );
  if (!row) throw AppError.notFound('Member');
  const { disabledAt, ...rest } = row;
  return { ...rest, disabled: disabledAt !== null };
}

function refuseSelf(actor: Actor, target: Target, what: string): void {
  if (actor.userId === target.userId) {
    throw new AppError('conflict', `You cannot ${what}. Ask another admin to do it.`, {
      field: 'userId',
    });
  }
}

/** Refuse a change that would leave the organization without an admin who can sign in. */
async function refuseLastAdmin(tx: Tx, actor: Actor, target: Target, doing: string) {
  if (target.role !== 'admin' || target.disabled) return;
  const [others] = await tx
    .select({ n: count() })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(
        eq(memberships.organizationId, actor.organizationId),
        eq(memberships.role, 'admin'),
        ne(memberships.userId, target.userId),
        isNull(users.disabledAt),
      ),
    );
  if ((others?.n ?? 0) === 0) {
    throw new AppError(
      'conflict',
      `${target.name} is the last active admin of ${actor.organizationName}, so you cannot ${doing} them. Make another member an admin first.`,
      { field: 'userId' },
    );
  }
}

/** Give a member another role. Admins cannot change their own, and the last admin stays one. */
export async function changeMemberRole(
  db: Executor,
  actor: Actor,
  input: z.input<typeof changeMemberRoleSchema>,
  now: Date = new Date(),
): Promise<Member> {
  assertCan(actor, 'members.manage');
  const { userId, role } = parseInput(changeMemberRoleSchema, input);
  return db.transaction(async (tx) => {
    const target = await lockedTarget(tx, actor, userId);
    if (target.role !== role) {
      refuseSelf(actor, target, 'change your own role');
      if (role !== 'admin') await refuseLastAdmin(tx, actor, target, 'demote');
      await tx
        .update(memberships)
        .set({ role })
        .where(
          and(eq(memberships.organizationId, actor.organizationId), eq(memberships.userId, userId)),
        );
      // They sign in again under the new role; no page stays open on the old one.
      await revokeSessionsOf(tx, userId, now);
      await recordAudit(tx, actor, {
        action: 'member.role_changed',
        targetType: 'user',
        targetId: userId,
        detail: { email: target.email, from: target.role, to: role },
      });
    }
    return memberAfter(tx, actor, userId);
  });
}

/**
 * Stop a member signing in, or let them again. Disabling ends all their
 * sessions at once. A user is one account
 * across organizations, so one who also belongs elsewhere is not disabled
 * from here: it would lock them out of an organization this admin does not run.
 */
export async function setMemberDisabled(
  db: Executor,
  actor: Actor,
  input: z.input<typeof setMemberDisabledSchema>,
  now: Date,
): Promise<Member> {
  assertCan(actor, 'members.manage');
  const { userId, disabled } = parseInput(setMemberDisabledSchema, input);
  return db.transaction(async (tx) => {
    const target = await lockedTarget(tx, actor, userId);
    if (target.disabled !== disabled) {
      refuseSelf(actor, target, disabled ? 'disable yourself' : 'enable yourself');
      if (disabled) {
        await refuseLastAdmin(tx, actor, target, 'disable');
        const [elsewhere] = await tx
          .select({ n: count() })
          .from(memberships)
          .where(
            and(
              eq(memberships.userId, userId),
              ne(memberships.organizationId, actor.organizationId),
            ),
          );
        if ((elsewhere?.n ?? 0) > 0) {
          throw new AppError(
            'conflict',
            `${target.name} also belongs to another organization, so their account cannot be disabled from here. Change their role instead, or ask the server operator.`,
            { field: 'userId' },
          );
        }
      }
      await tx
        .update(users)
        .set({ disabledAt: disabled ? now : null })
        .where(eq(users.id, userId));
      // Ended, not merely refused while disabled: enabling again must not revive them.
      if (disabled) await revokeSessionsOf(tx, userId, now);
      await recordAudit(tx, actor, {
        action: disabled ? 'member.disabled' : 'member.enabled',
        targetType: 'user',
        targetId: userId,
        detail: { email: target.email, role: target.role },
      });
    }
    return memberAfter(tx, actor, userId);
  });
}

async function memberAfter(tx: Tx, actor: Actor, userId: string): Promise<Member> {
  const [row] = await tx
    .select(memberColumns)
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(
      and(eq(memberships.organizationId, actor.organizationId), eq(memberships.userId, userId)),
    );
  if (!row) throw AppError.notFound('Member');
  return row;
}

/** Long enough that nobody guesses it before the member signs in and is told it once. */
const TEMPORARY_PASSWORD_BYTES = 12;

/**
 * Add a member from Settings: addMember with a password made here. The
 * password is returned for the admin to pass on, once; it is in no log and
 * no audit entry. An email that already has an account keeps its own
 * password, so none is returned.
 */
export async function inviteMember(
  db: Executor,
  actor: Actor,
  input: Omit<AddMemberInput, 'password'>,
): Promise<AddedMember & { temporaryPassword: string | null }> {
  assertCan(actor, 'members.manage');
  // Every field at once, each named: addMember words its messages for the CLI ("must not be empty").
  const checked = invitationSchema.safeParse(input);
  if (!checked.success) {
    const labelled = Object.entries(zodFieldErrors(checked.error)).map(([field, message]) => [
      field,
      `${FIELD_LABELS[field] ?? 'This field'} ${message}.`,
    ]);
    throw new InvalidInputError(Object.fromEntries(labelled));
  }
  const temporaryPassword = randomBytes(TEMPORARY_PASSWORD_BYTES).toString('base64url');
  const added = await addMember(db, actor, {
    email: input.email,
    name: input.name,
    role: input.role,
    password: temporaryPassword,
  });
  return { ...added, temporaryPassword: added.createdUser ? temporaryPassword : null };
}

const invitationSchema = addMemberSchema.omit({ password: true });

const FIELD_LABELS: Record<string, string> = {
  email: 'Email',
  name: 'Name',
  role: 'Role',
};
