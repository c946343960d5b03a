import { cookies, headers } from 'next/headers';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { auth } from '@/auth';
import { getDb } from '@/db/client';
import { type Actor, actorForUser, assertCan } from '@/lib/auth/actor';
import type { Permission } from '@/lib/auth/permissions';
import { AppError } from '@/lib/errors';

/**
/**
 * The organization a person with several memberships last chose (set when
 * they accept an invitation). Only a preference: loadActor still checks the
 * membership, so a forged value acts nowhere the user is not a member.
 */
export const ORGANIZATION_COOKIE = 'keyhold-organization';

/** The signed-in user's id, member or not (an invitation's page needs it); null for a revoked session. */
export async function currentUserId(): Promise<string | null> {
  const session = await auth();
  return session?.user?.id || null;
}

/**
 * The signed-in member, or null. The session row was checked by Auth.js's jwt
 * callback inside `auth()` (`liveSession`, lib/auth/config.ts), which answers
 * no session for a revoked or expired one; the membership is read here, on
 * every request (once per request: the layout and the page share the
 * answer), so a demotion counts at once.
 */
export const currentActor = cache(async (): Promise<Actor | null> => {
  const session = await currentSession();
  if (!session) return null;
  const chosen = (await cookies()).get(ORGANIZATION_COOKIE)?.value;
  return actorForUser(await getDb(), session.userId, chosen);
});

/** The live session this request came with, or null when signed out. */
const currentSession = cache(async (): Promise<{ userId: string; sessionId: string } | null> => {
  const session = await auth();
  const userId = session?.user?.id;
  return userId && session.sessionId ? { userId, sessionId: session.sessionId } : null;
});

/** The id of the session this request came with, or null when signed out. */
export async function currentSessionId(): Promise<string | null> {
  return (await currentSession())?.sessionId ?? null;
}

/**
 * For pages: the signed-in member allowed to do `permission`. Signed-out
 * visitors go to sign-in; members without the permission get the 404 page.
 */
export async function requirePageActor(permission?: Permission): Promise<Actor> {
  const actor = await currentActor();
  if (!actor) {
    const path = (await headers()).get('x-keyhold-path') ?? '/';
    redirect(`/sign-in?callbackUrl=${encodeURIComponent(path)}`);
  }
  if (permission) await orNotFound(async () => assertCan(actor, permission));
  return actor;
}

/**
 * For pages: what `work` reads, or the 404 page when it is not found. Another
 * organization's row, a malformed id and no row at all look the same.
 */
export async function orNotFound<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError && error.code === 'not_found') notFound();
    throw error;
  }
}
