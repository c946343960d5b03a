import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { type MemberRole, memberships, organizations, users } from '@/db/schema';
import { AppError, type Resource } from '@/lib/errors';
import { isId } from '@/lib/ids';
import { can, type Permission } from './permissions';

/**
 * Who is acting: a signed-in member of one organization, or an API key of
 * one (then `userId` is null and `apiKeyId` is set). Read from the database
 * on every request.
 */
export type Actor = {
  userId: string | null;
  apiKeyId?: string;
  /** A reservation source acting on its own (lib/sources/): no user, no key. */
  sourceId?: string;
  name: string;
  email: string;
  organizationId: string;
  organizationName: string;
  role: MemberRole;
};

/**
 * The member behind a session's user id, or null when the user is gone,
 * disabled, or has no usable membership. With `organizationId`, only that
 * organization's membership will do; without, the oldest usable one. A
 * membership its organization disabled is never usable, whatever else the
 * person belongs to. The role comes from here, never from the session token,
 * so a demotion takes effect on the next request.
 */
export async function loadActor(
  db: Executor,
  userId: string,
  organizationId?: string,
): Promise<Actor | null> {
  if (!isId(userId) || (organizationId !== undefined && !isId(organizationId))) return null;
  const [row] = await db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      organizationId: organizations.id,
      organizationName: organizations.name,
      role: memberships.role,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(
      and(
        eq(memberships.userId, userId),
        isNull(users.disabledAt),
        isNull(memberships.disabledAt),
        organizationId === undefined ? undefined : eq(memberships.organizationId, organizationId),
      ),
    )
    .orderBy(asc(memberships.createdAt))
    .limit(1);
  return row ?? null;
}

/**
 * Throw unless the actor may do this. A member without the permission is
 * told "not found", like an outsider: the page or row does not exist for them.
 */
export function assertCan(actor: Actor, permission: Permission, resource: Resource = 'Page'): void {
  if (!can(actor.role, permission)) {
    throw AppError.notFound(resource, { internal: `${actor.role} lacks ${permission}` });
  }
}

/**
 * The member a signed-in user acts as: in `organizationId` (the organization
 * they last chose) when they are an enabled member there, else in their
 * oldest usable membership.
 */
export async function actorForUser(
  db: Executor,
  userId: string,
  organizationId?: string,
): Promise<Actor | null> {
  const chosen = organizationId ? await loadActor(db, userId, organizationId) : null;
  return chosen ?? loadActor(db, userId);
}
