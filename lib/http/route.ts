import { NextResponse } from 'next/server';
import { ZodError } from 'zod';
import { type Actor, assertCan } from '@/lib/auth/actor';
import type { Permission } from '@/lib/auth/permissions';
import { AppError, GENERIC_ERROR_MESSAGE, httpStatus } from '@/lib/errors';
import { logger, withRequestId } from '@/lib/log';
import { currentActor } from './session';

type JsonError = { error: { code: string; message: string; field?: string } };

/** Map any thrown value to a JSON answer: AppError and zod as themselves, the rest as a generic 500. */
export function jsonError(error: unknown): NextResponse<JsonError> {
  if (error instanceof AppError) {
    if (error.options.internal) {
      logger().info({ code: error.code, why: error.options.internal }, error.message);
    }
    return NextResponse.json(
      { error: { code: error.code, message: error.message, field: error.options.field } },
      { status: httpStatus(error.code) },
    );
  }
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    const field = issue?.path.join('.') || undefined;
    return NextResponse.json(
      { error: { code: 'invalid_input', message: issue?.message ?? 'Invalid input.', field } },
      { status: 400 },
    );
  }
  logger().error({ err: error }, 'unhandled error in route');
  return NextResponse.json(
    { error: { code: 'internal', message: GENERIC_ERROR_MESSAGE } },
    { status: 500 },
  );
}

/**
 * A JSON route handler for signed-in members: resolves the actor, checks the
 * permission, tags logs with the request id and maps errors. The body only
 * does the work.
 */
export function withActor<T>(
  permission: Permission,
  handler: (actor: Actor, request: Request) => Promise<T>,
) {
  return (request: Request) =>
    withRequestId(request.headers.get('x-request-id'), async () => {
      try {
        const actor = await currentActor();
        if (!actor) throw new AppError('unauthenticated', 'Sign in to continue.');
        assertCan(actor, permission);
        return NextResponse.json(await handler(actor, request));
      } catch (error) {
        return jsonError(error);
      }
    });
}
