import { asc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { type MemberRole, memberships, organizations, users } from '@/db/schema';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';

export type Member = {
  userId: string;
  name: string;
  email: string;
  role: MemberRole;
  lastSignInAt: Date | null;
};

export async function listMembers(db: Executor, actor: Actor): Promise<Member[]> {
  assertCan(actor, 'members.manage');
  return db
    .select({
      userId: users.id,
      name: users.name,
      email: users.email,
      role: memberships.role,
      lastSignInAt: users.lastSignInAt,
    })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, actor.organizationId))
    .orderBy(asc(users.name));
}

export async function getOrganizationSettings(db: Executor, actor: Actor) {
  assertCan(actor, 'settings.manage');
  const [org] = await db
    .select({
      name: organizations.name,
      timeZone: organizations.timeZone,
      defaultCheckInTime: organizations.defaultCheckInTime,
      defaultCheckOutTime: organizations.defaultCheckOutTime,
      programmingLeadMinutes: organizations.programmingLeadMinutes,
      backupPoolSize: organizations.backupPoolSize,
    })
    .from(organizations)
    .where(eq(organizations.id, actor.organizationId));
  if (!org) throw AppError.notFound('Organization');
  return org;
}
