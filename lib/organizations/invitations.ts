import { createHash, randomBytes } from 'node:crypto';
import { and, asc, eq, gt, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor, Tx } from '@/db/client';
import {
  type MemberRole,
  membershipInvitations,
  memberships,
  organizations,
  users,
} from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@/lib/auth/password';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { InvalidInputError, zodFieldErrors } from '@/lib/validation';
import { addMemberSchema } from './admin';
import { INVITATION_DAYS } from './invitation-days';

export { INVITATION_DAYS };

/**
 * Memberships by invitation. An admin never attaches an existing account to
 * their organization: every add from Settings makes an invitation, answered
 * the same whether or not the email has an account, and the person joins only
 * by accepting it through a one-time link. (Attaching directly let another
 * organization's admin learn that an email had an account and take a member
 * into their own list.) The server operator's CLI still adds members directly.
 */

const TOKEN_PREFIX = 'inv_';

/** A random 256-bit token needs no slow hash: SHA-256 is enough, like API keys. */
function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The path a link opens; the token travels in the path, never in a log line of ours. */
export function invitationPath(token: string): string {
  return `/invite/${token}`;
}

const inviteSchema = addMemberSchema.omit({ password: true });

const FIELD_LABELS: Record<string, string> = { email: 'Email', name: 'Name', role: 'Role' };

export type CreatedInvitation = {
  invitationId: string;
  email: string;
  name: string;
  role: MemberRole;
  expiresAt: Date;
  /** Shown to the admin once, to pass on as a link; only its hash is stored. */
  token: string;
};

/**
 * Invite an email to the actor's organization. The answer has the same shape
 * and content whether or not the email has a Keyhold account, and nothing is
 * attached until the person accepts. Inviting the same email again replaces
 * the earlier invitation (its link stops working). Someone who is already a
 * member of this organization is refused: the admin sees them in the list anyway.
 */
export async function inviteMember(
  db: Executor,
  actor: Actor,
  input: z.input<typeof inviteSchema>,
  now: Date,
): Promise<CreatedInvitation> {
  assertCan(actor, 'members.manage');
  const checked = inviteSchema.safeParse(input);
  if (!checked.success) {
    const labelled = Object.entries(zodFieldErrors(checked.error)).map(([field, message]) => [
      field,
      `${FIELD_LABELS[field] ?? 'This field'} ${message}.`,
    ]);
    throw new InvalidInputError(Object.fromEntries(labelled));
  }
  const { email, name, role } = checked.data;
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86_400_000);
  return db.transaction(async (tx) => {
    await lockOrganization(tx, actor.organizationId);
    const [member] = await tx
      .select({ id: memberships.id })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(and(eq(memberships.organizationId, actor.organizationId), eq(users.email, email)));
    if (member) {
      throw new AppError('conflict', `${email} is already a member of ${actor.organizationName}.`, {
        field: 'email',
      });
    }
    await tx
      .update(membershipInvitations)
      .set({ revokedAt: now })
      .where(
        and(
          eq(membershipInvitations.organizationId, actor.organizationId),
          eq(membershipInvitations.email, email),
          live,
        ),
      );
    const [row] = await tx
      .insert(membershipInvitations)
      .values({
        organizationId: actor.organizationId,
        email,
        name,
        role,
        tokenHash: hashToken(token),
        invitedByUserId: actor.userId,
        createdAt: now,
        expiresAt,
      })
      .returning({ id: membershipInvitations.id });
    if (!row) throw new Error('invitation insert returned nothing');
    await recordAudit(tx, actor, {
      action: 'member.invited',
      targetType: 'invitation',
      targetId: row.id,
      detail: { email, role },
    });
    return { invitationId: row.id, email, name, role, expiresAt, token };
  });
}

const live = and(isNull(membershipInvitations.acceptedAt), isNull(membershipInvitations.revokedAt));

/** Serializes changes to one organization's members and invitations. */
async function lockOrganization(tx: Tx, organizationId: string): Promise<void> {
  await tx
    .select({ id: organizations.id })
    .from(organizations)
    .where(eq(organizations.id, organizationId))
    .for('update');
}

export type PendingInvitation = {
  id: string;
  email: string;
  name: string;
  role: MemberRole;
  createdAt: Date;
  expiresAt: Date;
};

/** Invitations of the actor's organization not yet accepted, revoked or expired. */
export async function listInvitations(
  db: Executor,
  actor: Actor,
  now: Date,
): Promise<PendingInvitation[]> {
  assertCan(actor, 'members.manage');
  return db
    .select({
      id: membershipInvitations.id,
      email: membershipInvitations.email,
      name: membershipInvitations.name,
      role: membershipInvitations.role,
      createdAt: membershipInvitations.createdAt,
      expiresAt: membershipInvitations.expiresAt,
    })
    .from(membershipInvitations)
    .where(
      and(
        eq(membershipInvitations.organizationId, actor.organizationId),
        live,
        gt(membershipInvitations.expiresAt, now),
      ),
    )
    .orderBy(asc(membershipInvitations.email));
}

/** Stop an invitation's link working. Revoking twice is harmless; another organization's is not found. */
export async function revokeInvitation(
  db: Executor,
  actor: Actor,
  invitationId: string,
  now: Date,
): Promise<void> {
  assertCan(actor, 'members.manage');
  parseId('Invitation', invitationId, { field: 'invitationId' });
  await db.transaction(async (tx) => {
    const [row] = await tx
      .select()
      .from(membershipInvitations)
      .where(
        and(
          eq(membershipInvitations.id, invitationId),
          eq(membershipInvitations.organizationId, actor.organizationId),
        ),
      )
      .for('update');
    if (!row) throw AppError.notFound('Invitation');
    if (row.revokedAt || row.acceptedAt) return;
    await tx
      .update(membershipInvitations)
      .set({ revokedAt: now })
      .where(eq(membershipInvitations.id, row.id));
    await recordAudit(tx, actor, {
      action: 'member.invitation_revoked',
      targetType: 'invitation',
      targetId: row.id,
      detail: { email: row.email, role: row.role },
    });
  });
}

export type InvitationView = {
  organizationName: string;
  email: string;
  name: string;
  role: MemberRole;
  expiresAt: Date;
};

const tokenSchema = z.string().startsWith(TOKEN_PREFIX).max(100);

/**
 * The live invitation a link names, or not found (unknown, expired, revoked
 * or used: all look alike). Locked when read inside a transaction that accepts it.
 */
async function liveInvitation(db: Executor, token: string, now: Date, forUpdate = false) {
  if (!tokenSchema.safeParse(token).success) throw AppError.notFound('Invitation');
  const query = db
    .select({
      id: membershipInvitations.id,
      organizationId: membershipInvitations.organizationId,
      organizationName: organizations.name,
      email: membershipInvitations.email,
      name: membershipInvitations.name,
      role: membershipInvitations.role,
      expiresAt: membershipInvitations.expiresAt,
    })
    .from(membershipInvitations)
    .innerJoin(organizations, eq(organizations.id, membershipInvitations.organizationId))
    .where(
      and(
        eq(membershipInvitations.tokenHash, hashToken(token)),
        live,
        gt(membershipInvitations.expiresAt, now),
      ),
    );
  const [row] = forUpdate ? await query.for('update', { of: membershipInvitations }) : await query;
  if (!row) throw AppError.notFound('Invitation');
  return row;
}

/**
 * What the link's page shows. It says nothing about whether the email has an
 * account: the page offers both "sign in" and "create your account".
 */
export async function getInvitation(
  db: Executor,
  token: string,
  now: Date,
): Promise<InvitationView> {
  const { organizationName, email, name, role, expiresAt } = await liveInvitation(db, token, now);
  return { organizationName, email, name, role, expiresAt };
}

type Invitation = Awaited<ReturnType<typeof liveInvitation>>;

/** The membership and the invitation's use, with the audit entry, in the caller's transaction. */
async function join(
  tx: Tx,
  invitation: Invitation,
  user: { id: string; name: string; email: string },
  now: Date,
): Promise<{ organizationId: string }> {
  await lockOrganization(tx, invitation.organizationId);
  // Already a member (the operator added them meanwhile): the invitation is used, the role kept.
  await tx
    .insert(memberships)
    .values({ organizationId: invitation.organizationId, userId: user.id, role: invitation.role })
    .onConflictDoNothing({ target: [memberships.organizationId, memberships.userId] });
  await tx
    .update(membershipInvitations)
    .set({ acceptedAt: now })
    .where(eq(membershipInvitations.id, invitation.id));
  const joined: Actor = {
    userId: user.id,
    name: user.name,
    email: user.email,
    organizationId: invitation.organizationId,
    organizationName: invitation.organizationName,
    role: invitation.role,
  };
  await recordAudit(tx, joined, {
    action: 'member.joined',
    targetType: 'user',
    targetId: user.id,
    detail: { email: user.email, role: invitation.role, invitationId: invitation.id },
  });
  return { organizationId: invitation.organizationId };
}

/**
 * Accept as the signed-in user, whose email must be the invited one. Returns
 * the organization joined, so the caller can switch to it.
 */
export async function acceptInvitation(
  db: Executor,
  input: { token: string; userId: string },
  now: Date,
): Promise<{ organizationId: string }> {
  return db.transaction(async (tx) => {
    const invitation = await liveInvitation(tx, input.token, now, true);
    const [user] = await tx
      .select({ id: users.id, name: users.name, email: users.email, disabledAt: users.disabledAt })
      .from(users)
      .where(eq(users.id, parseId('Member', input.userId)));
    if (!user || user.disabledAt) throw AppError.notFound('Invitation');
    if (user.email !== invitation.email) {
      throw new AppError(
        'conflict',
        `This invitation is for ${invitation.email}. Sign out and sign in with that email to accept it.`,
      );
    }
    return join(tx, invitation, user, now);
  });
}

export const newAccountSchema = z.object({
  name: addMemberSchema.shape.name,
  password: z
    .string({ error: 'Password is required.' })
    .min(MIN_PASSWORD_LENGTH, `Password must be at least ${MIN_PASSWORD_LENGTH} characters.`)
    .max(MAX_PASSWORD_LENGTH, `Password must be at most ${MAX_PASSWORD_LENGTH} characters.`),
});

/**
 * Accept by creating the invited email's account with a name and password.
 * An email that already has an account is refused: its owner signs in to
 * accept, and their password is never replaced from a link.
 */
export async function acceptInvitationWithNewAccount(
  db: Executor,
  input: { token: string; name: string; password: string },
  now: Date,
): Promise<{ organizationId: string; email: string }> {
  const parsed = newAccountSchema.safeParse({ name: input.name, password: input.password });
  if (!parsed.success) {
    const errors = zodFieldErrors(parsed.error);
    if (errors.name) errors.name = `Name ${errors.name}.`;
    throw new InvalidInputError(errors);
  }
  // Checked before the slow hash, so a dead link costs nothing.
  await liveInvitation(db, input.token, now);
  const passwordHash = await hashPassword(parsed.data.password);
  return db.transaction(async (tx) => {
    const invitation = await liveInvitation(tx, input.token, now, true);
    const [user] = await tx
      .insert(users)
      .values({ email: invitation.email, name: parsed.data.name, passwordHash })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id, name: users.name, email: users.email });
    if (!user) {
      throw new AppError(
        'conflict',
        `${invitation.email} already has a Keyhold account. Sign in with it to accept.`,
      );
    }
    const joined = await join(tx, invitation, user, now);
    return { ...joined, email: user.email };
  });
}
