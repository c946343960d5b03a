import { z } from 'zod';
import { AppError, type Resource } from '@/lib/errors';

// Every Keyhold row id is a UUID. Built once: zod compiles a schema on first use.
const idSchema = z.uuid();

/** Whether `value` has the shape of a Keyhold id. */
export function isId(value: unknown): value is string {
  return idSchema.safeParse(value).success;
}

/**
 * An id from a URL, form or API call, or the resource's not-found error: a
 * value that cannot be an id names nothing, and saying so as "not found"
 * tells an outsider no more than a well-formed id of another organization.
 */
export function parseId(resource: Resource, value: unknown, options: { field?: string } = {}) {
  if (!isId(value)) throw AppError.notFound(resource, options);
  return value;
}
