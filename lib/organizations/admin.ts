import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { memberRole, memberships, organizations, properties, users } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { hashPassword, MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from '@/lib/auth/password';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { isValidTimeZone } from '@/lib/time';

/**
 * Operations for whoever runs the server (the admin CLI): creating
 * organizations and their first members. Messages read after
 * "Invalid --<field>: ", so each names a rule, not a field.
 */

/**
 * The server operator acting inside one organization, as an admin. There is
 * no user behind it, so audit entries show neither a user nor an API key.
 */
export async function operatorActor(db: Executor, organizationId: string): Promise<Actor> {
  parseId('Organization', organizationId);
  const [org] = await db
    .select({ id: organizations.id, name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  if (!org) throw AppError.notFound('Organization');
  return {
    userId: null,
    name: 'operator',
    email: '',
    organizationId: org.id,
    organizationName: org.name,
    role: 'admin',
  };
}

const timeZone = z
  .string()
  .trim()
  .refine(isValidTimeZone, 'must be an IANA time zone such as America/New_York')
  // "america/new_york" works in Intl but would be shown as typed; keep the canonical spelling.
  .transform(
    (zone) => new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone,
  );

export const createOrganizationSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  timeZone: timeZone.default('UTC'),
});

export type CreateOrganizationInput = z.input<typeof createOrganizationSchema>;

function invalid(error: z.ZodError): AppError {
  const issue = error.issues[0];
  return new AppError('invalid_input', issue?.message ?? 'is invalid', {
    field: issue ? String(issue.path[0] ?? '') : undefined,
  });
}

/**
 * A new organization and its first property, both named and zoned alike, so
 * locks and reservations have somewhere to go from the start.
 */
export async function createOrganization(
  db: Executor,
  input: CreateOrganizationInput,
): Promise<{ id: string; name: string; timeZone: string; propertyId: string }> {
  const parsed = createOrganizationSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  const { name, timeZone } = parsed.data;
  return db.transaction(async (tx) => {
    const [org] = await tx
      .insert(organizations)
      .values({ name, timeZone })
      .returning({ id: organizations.id });
    if (!org) throw new Error('organization insert returned nothing');
    const [property] = await tx
      .insert(properties)
      .values({ organizationId: org.id, name, timeZone })
      .returning({ id: properties.id });
    if (!property) throw new Error('property insert returned nothing');
    const actor = await operatorActor(tx, org.id);
    await recordAudit(tx, actor, {
      action: 'organization.created',
      targetType: 'organization',
      targetId: org.id,
      detail: { name, timeZone, propertyId: property.id },
    });
    return { id: org.id, name, timeZone, propertyId: property.id };
  });
}

const ROLE_LIST = 'must be admin, owner or front_desk';

export const addMemberSchema = z.object({
  email: z
    .string()
    .trim()
    .max(320, 'must be at most 320 characters')
    .pipe(z.email({ error: 'must be an email address' }))
    .transform((v) => v.toLowerCase()),
  name: z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters'),
  role: z.enum(memberRole.enumValues, { error: ROLE_LIST }),
  // Never trimmed: spaces are part of a password.
  password: z
    .string()
    .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
    .max(MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`),
});

export type AddMemberInput = z.input<typeof addMemberSchema>;

export type AddedMember = {
  userId: string;
  email: string;
  name: string;
  role: (typeof memberRole.enumValues)[number];
  /** False when the email already had a user: only a membership was added, name and password kept. */
  createdUser: boolean;
};

/**
 * Add a member to the actor's organization. A new email gets a user with this
 * name and password; an existing one keeps its own and only gains the
 * membership. Already a member of this organization: conflict.
 */
export async function addMember(
  db: Executor,
  actor: Actor,
  input: AddMemberInput,
): Promise<AddedMember> {
  assertCan(actor, 'members.manage');
  const parsed = addMemberSchema.safeParse(input);
  if (!parsed.success) throw invalid(parsed.error);
  const { email, name, role, password } = parsed.data;
  // Hashed before the transaction: argon2 takes a while and needs no row locks.
  const passwordHash = await hashPassword(password);
  return db.transaction(async (tx) => {
    // Insert-or-find in one step, so two runs for one new email cannot both create it.
    const [inserted] = await tx
      .insert(users)
      .values({ email, name, passwordHash })
      .onConflictDoNothing({ target: users.email })
      .returning({ id: users.id, name: users.name });
    const user =
      inserted ??
      (
        await tx
          .select({ id: users.id, name: users.name })
          .from(users)
          .where(eq(users.email, email))
      )[0];
    if (!user) throw new Error('user insert and lookup both returned nothing');
    const [membership] = await tx
      .insert(memberships)
      .values({ organizationId: actor.organizationId, userId: user.id, role })
      .onConflictDoNothing({ target: [memberships.organizationId, memberships.userId] })
      .returning({ id: memberships.id });
    if (!membership) {
      throw new AppError('conflict', `${email} is already a member of ${actor.organizationName}.`, {
        field: 'email',
      });
    }
    await recordAudit(tx, actor, {
      action: 'member.added',
      targetType: 'user',
      targetId: user.id,
      detail: { email, role, createdUser: Boolean(inserted) },
    });
    return { userId: user.id, email, name: user.name, role, createdUser: Boolean(inserted) };
  });
}
