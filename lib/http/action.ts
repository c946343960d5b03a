import { headers } from 'next/headers';
import type { Actor } from '@/lib/auth/actor';
import { assertCan } from '@/lib/auth/actor';
import type { Permission } from '@/lib/auth/permissions';
import { AppError, GENERIC_ERROR_MESSAGE } from '@/lib/errors';
import { logger, withRequestId } from '@/lib/log';
import { currentActor } from './session';

export type ActionResult<T> = { ok: true; data: T } | { ok: false; error: string; field?: string };

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
      if (!actor) return { ok: false, error: 'Your session has ended. Sign in again.' };
      assertCan(actor, permission);
      return { ok: true, data: await work(actor) };
    } catch (error) {
      if (error instanceof AppError) {
        return { ok: false, error: error.message, field: error.options.field };
      }
      logger().error({ err: error }, 'server action failed');
      return { ok: false, error: GENERIC_ERROR_MESSAGE };
    }
  });
}
