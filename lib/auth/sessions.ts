import { and, desc, eq, gt, isNull, ne } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { memberships, organizations, userSessions, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { AppError } from '@/lib/errors';
import { isId, parseId } from '@/lib/ids';
import { parseInput } from '@/lib/validation';
import { type Actor, assertCan } from './actor';

/** A session ends this long after sign-in, however often its cookie is refreshed. */
export const SESSION_LIFETIME_SECONDS = 12 * 60 * 60;
/** `last_seen_at` moves at most this often, so requests do not each write a row. */
export const LAST_SEEN_RESOLUTION_MS = 60_000;
const MAX_USER_AGENT_LENGTH = 200;

export type LiveSession = { id: string; userId: string; expiresAt: Date };

/** Record a sign-in; the returned id goes into the session cookie as `sid`. */
export async function startSession(
  db: Executor,
  input: { userId: string; userAgent: string | null; ip: string | null },
  now: Date,
): Promise<LiveSession> {
  const userAgent = input.userAgent?.trim().slice(0, MAX_USER_AGENT_LENGTH) || null;
  const [row] = await db
    .insert(userSessions)
    .values({
      userId: input.userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + SESSION_LIFETIME_SECONDS * 1000),
      userAgent,
      ip: input.ip,
    })
    .returning({
      id: userSessions.id,
      userId: userSessions.userId,
      expiresAt: userSessions.expiresAt,
    });
  if (!row) throw new Error('session insert returned nothing');
  return row;
}

/**
 * The one test of whether a session cookie still means anything: its row
 * exists, is not revoked and has not reached its absolute end. Everything
 * that turns a cookie into a member (the Auth.js callbacks behind
 * `/api/auth/session` and `auth()`, and the actor loader) asks this.
 */
export async function liveSession(
  db: Executor,
  sid: unknown,
  now: Date,
): Promise<LiveSession | null> {
  if (!isId(sid)) return null;
  const [row] = await db
    .select({
      id: userSessions.id,
      userId: userSessions.userId,
      expiresAt: userSessions.expiresAt,
      lastSeenAt: userSessions.lastSeenAt,
    })
    .from(userSessions)
    .where(
      and(
        eq(userSessions.id, sid),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, now),
      ),
    );
  if (!row) return null;
  if (now.getTime() - row.lastSeenAt.getTime() >= LAST_SEEN_RESOLUTION_MS) {
    await db.update(userSessions).set({ lastSeenAt: now }).where(eq(userSessions.id, row.id));
  }
  return { id: row.id, userId: row.userId, expiresAt: row.expiresAt };
}

/** End one session (sign-out). Ending one already ended does nothing. */
export async function revokeSession(db: Executor, sid: unknown, now: Date): Promise<void> {
  if (!isId(sid)) return;
  await db
    .update(userSessions)
    .set({ revokedAt: now })
    .where(and(eq(userSessions.id, sid), isNull(userSessions.revokedAt)));
}

/**
 * End every session of a user, except `keep` (the session of a member who
 * changed their own password stays signed in). Call it inside the
 * transaction of the change that demands it: disabling, a role change, a
 * new password.
 */
export async function revokeSessionsOf(
  tx: Executor,
  userId: string,
  now: Date,
  options: { keep?: string } = {},
): Promise<number> {
  const ended = await tx
    .update(userSessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(userSessions.userId, userId),
        isNull(userSessions.revokedAt),
        options.keep ? ne(userSessions.id, options.keep) : undefined,
      ),
    )
    .returning({ id: userSessions.id });
  return ended.length;
}

export type OwnSession = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ip: string | null;
  /** The session this request came with. */
  current: boolean;
};

function signedInMember(actor: Actor): string {
  assertCan(actor, 'sessions.own');
  if (!actor.userId) throw AppError.notFound('Page', { internal: 'an API key has no sessions' });
  return actor.userId;
}

/** The actor's own live sessions, newest first, and the organization's zone to show their times in. */
export async function listOwnSessions(
  db: Executor,
  actor: Actor,
  currentSid: string | null,
  now: Date,
): Promise<{ timeZone: string; sessions: OwnSession[] }> {
  const userId = signedInMember(actor);
  const [org] = await db
    .select({ timeZone: organizations.timeZone })
    .from(organizations)
    .where(eq(organizations.id, actor.organizationId));
  const rows = await db
    .select({
      id: userSessions.id,
      createdAt: userSessions.createdAt,
      lastSeenAt: userSessions.lastSeenAt,
      expiresAt: userSessions.expiresAt,
      userAgent: userSessions.userAgent,
      ip: userSessions.ip,
    })
    .from(userSessions)
    .where(
      and(
        eq(userSessions.userId, userId),
        isNull(userSessions.revokedAt),
        gt(userSessions.expiresAt, now),
      ),
    )
    .orderBy(desc(userSessions.createdAt));
  return {
    timeZone: org?.timeZone ?? 'UTC',
    sessions: rows.map((r) => ({ ...r, current: r.id === currentSid })),
  };
}

export const endOwnSessionSchema = z.object({
  sessionId: z.string({ error: 'Session not found.' }),
});

/** End one of the actor's own sessions (another browser, a lost phone). */
export async function endOwnSession(
  db: Executor,
  actor: Actor,
  input: z.input<typeof endOwnSessionSchema>,
  now: Date,
): Promise<void> {
  const userId = signedInMember(actor);
  const { sessionId } = parseInput(endOwnSessionSchema, input);
  parseId('Session', sessionId, { field: 'sessionId' });
  const ended = await db
    .update(userSessions)
    .set({ revokedAt: now })
    .where(
      and(
        eq(userSessions.id, sessionId),
        eq(userSessions.userId, userId),
        isNull(userSessions.revokedAt),
      ),
    )
    .returning({ id: userSessions.id });
  if (ended.length === 0) throw AppError.notFound('Session', { field: 'sessionId' });
}

export const endMemberSessionsSchema = z.object({
  userId: z.string({ error: 'Member not found.' }),
});

/** An admin signs a member of their organization out everywhere. Returns how many sessions ended. */
export async function endMemberSessions(
  db: Executor,
  actor: Actor,
  input: z.input<typeof endMemberSessionsSchema>,
  now: Date,
): Promise<number> {
  assertCan(actor, 'members.manage');
  const { userId } = parseInput(endMemberSessionsSchema, input);
  parseId('Member', userId, { field: 'userId' });
  return db.transaction(async (tx) => {
    const [member] = await tx
      .select({ email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId))
      .where(
        and(eq(memberships.organizationId, actor.organizationId), eq(memberships.userId, userId)),
      );
    if (!member) throw AppError.notFound('Member', { field: 'userId' });
    const ended = await revokeSessionsOf(tx, userId, now);
    await recordAudit(tx, actor, {
      action: 'member.signed_out',
      targetType: 'user',
      targetId: userId,
      detail: { email: member.email, sessions: ended },
    });
    return ended;
  });
}
