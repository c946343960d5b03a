import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { type MemberRole, memberships, organizations, users } from '@/db/schema';
import { AppError, type Resource } from '@/lib/errors';
import { can, type Permission } from './permissions';

/**
 * Who is acting: a signed-in member of one organization, or an API key of
 * one (then `userId` is null and `apiKeyId` is set). Read from the database
 * on every request.
 */
export type Actor = {
  userId: string | null;
  apiKeyId?: string;
  name: string;
  email: string;
  organizationId: string;
  organizationName: string;
  role: MemberRole;
};

/**
 * The member behind a session's user id, or null when the user is gone,
 * disabled or belongs to no organization. The role comes from here, never
 * from the session token, so a demotion takes effect on the next request.
 */
export async function loadActor(db: Executor, userId: string): Promise<Actor | null> {
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
    .where(and(eq(memberships.userId, userId), isNull(users.disabledAt)))
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
