import { headers } from 'next/headers';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/actor';
import type { Permission } from '@/lib/auth/permissions';
import { AppError, GENERIC_ERROR_MESSAGE } from '@/lib/errors';
import { logger, withRequestId } from '@/lib/log';
import { type FieldErrors, fieldErrorsOf } from '@/lib/validation';
import { currentActor } from './session';

const refused = (error: string): ActionRefusal => ({ ok: false, error, fieldErrors: {} });

/**
 * A server action's answer. A refusal carries a message for the whole form
 * and every refused field's problem (by input name), so a form marks them
 * all at once.
 */
export type ActionResult<T> = { ok: true; data: T } | ActionRefusal;
export type ActionRefusal = { ok: false; error: string; fieldErrors: FieldErrors };

/**
 * A server action for signed-in members: resolves the actor, checks the
 * permission in lib's terms, tags logs with the request id, and turns errors
 * into a message for the form (never a stack trace, never a raw e.message).
 */
export async function runAction<T>(
  permission: Permission,
  work: (actor: Actor) => Promise<T>,
): Promise<ActionResult<T>> {
  const requestId = (await headers()).get('x-request-id');
  return withRequestId(requestId, async () => {
    try {
      const actor = await currentActor();
      if (!actor) return refused('Your session has ended. Sign in again.');
      assertCan(actor, permission);
      return { ok: true, data: await work(actor) };
    } catch (error) {
      if (error instanceof AppError) {
        return { ok: false, error: error.message, fieldErrors: fieldErrorsOf(error) };
      }
      logger().error({ err: error }, 'server action failed');
      return refused(GENERIC_ERROR_MESSAGE);
    }
  });
}

/**
 * An action's form argument. Next decodes whatever a request's body holds
 * into the arguments, so a crafted request can send anything where a form
 * goes; it reads as an empty form, and validation names every missing field
 * (a clear refusal, never a TypeError logged as a failure).
 */
export function formOf(formData: unknown): FormData {
  return formData instanceof FormData ? formData : new FormData();
}

/** An action's object argument, or no fields at all when a crafted request sent something else. */
export function fieldsOf<T extends object>(input: T | null | undefined): Partial<T> {
  return input !== null && typeof input === 'object' && !Array.isArray(input) ? input : {};
}
