import { and, asc, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { properties } from '@/db/schema';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';

export type PropertyTimes = {
  id: string;
  name: string;
  timeZone: string;
  checkInTime: string;
  checkOutTime: string;
};

/**
 * One of the actor's organization's properties, or not found naming
 * `propertyId`: another organization's property answers the same as none.
 */
export async function findProperty(
  db: Executor,
  actor: Actor,
  propertyId: string,
): Promise<PropertyTimes> {
  const [property] = await db
    .select({
      id: properties.id,
      name: properties.name,
      timeZone: properties.timeZone,
      checkInTime: properties.checkInTime,
      checkOutTime: properties.checkOutTime,
    })
    .from(properties)
    .where(and(eq(properties.id, propertyId), eq(properties.organizationId, actor.organizationId)));
  if (!property) throw AppError.notFound('Property', { field: 'propertyId' });
  return property;
}

/** The organization's properties by name, for choosing one. */
export async function listProperties(
  db: Executor,
  actor: Actor,
): Promise<{ id: string; name: string }[]> {
  assertCan(actor, 'locks.read', 'Page');
  return db
    .select({ id: properties.id, name: properties.name })
    .from(properties)
    .where(eq(properties.organizationId, actor.organizationId))
    .orderBy(asc(properties.name), asc(properties.id));
}
