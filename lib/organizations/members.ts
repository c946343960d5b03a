import { and, asc, count, eq, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor, Tx } from '@/db/client';
import { type MemberRole, memberRole, memberships, organizations, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { revokeSessionsOf } from '@/lib/auth/sessions';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { parseInput } from '@/lib/validation';

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
  disabledAt: memberships.disabledAt,
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
      disabledAt: memberships.disabledAt,
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
        isNull(memberships.disabledAt),
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
 * Stop a member acting in this organization, or let them again. Per
 * membership: the account and its other organizations are untouched, so an
 * admin can always disable their own member, whoever else they work for.
 * Every request reads the membership afresh, so they act here no more from
 * their next request; a person with no other organization is signed out
 * everywhere at once.
 */
/** Whether the user is an enabled member of an organization other than this one. */
async function hasOtherMembership(
  tx: Executor,
  organizationId: string,
  userId: string,
): Promise<boolean> {
  const [other] = await tx
    .select({ userId: memberships.userId })
    .from(memberships)
    .where(
      and(
        eq(memberships.userId, userId),
        ne(memberships.organizationId, organizationId),
        isNull(memberships.disabledAt),
      ),
    )
    .limit(1);
  return other !== undefined;
}

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
      if (disabled) await refuseLastAdmin(tx, actor, target, 'disable');
      await tx
        .update(memberships)
        .set({ disabledAt: disabled ? now : null })
        .where(
          and(eq(memberships.organizationId, actor.organizationId), eq(memberships.userId, userId)),
        );
      // Ended, not merely refused while disabled: enabling again must not revive them.
      // Someone who also works elsewhere keeps those sessions (this admin does not run them).
      if (disabled && !(await hasOtherMembership(tx, actor.organizationId, userId))) {
        await revokeSessionsOf(tx, userId, now);
      }
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

export const removeMemberSchema = z.object({ userId: memberId });

/**
 * End a member's membership of this organization. The account stays (it may
 * belong elsewhere, and its history in the audit log keeps its id); to come
 * back they need a new invitation.
 */
export async function removeMember(
  db: Executor,
  actor: Actor,
  input: z.input<typeof removeMemberSchema>,
): Promise<void> {
  assertCan(actor, 'members.manage');
  const { userId } = parseInput(removeMemberSchema, input);
  await db.transaction(async (tx) => {
    const target = await lockedTarget(tx, actor, userId);
    refuseSelf(actor, target, 'remove yourself');
    await refuseLastAdmin(tx, actor, target, 'remove');
    await tx
      .delete(memberships)
      .where(
        and(eq(memberships.organizationId, actor.organizationId), eq(memberships.userId, userId)),
      );
    await recordAudit(tx, actor, {
      action: 'member.removed',
      targetType: 'user',
      targetId: userId,
      detail: { email: target.email, role: target.role },
    });
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
