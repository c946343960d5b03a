import { NextResponse } from 'next/server';
import { ZodError } from 'zod';
import { type Actor, assertCan } from '@/lib/auth/actor';
import type { Permission } from '@/lib/auth/permissions';
import { secretsMatch } from '@/lib/auth/secret';
import { env } from '@/lib/env';
import { AppError, GENERIC_ERROR_MESSAGE, httpStatus } from '@/lib/errors';
import { logger, withRequestId } from '@/lib/log';
import { bearerToken } from './bearer';
import { requestIdFrom } from './request-id';
import { firstValues } from './search-params';
import { applyApiHeaders } from './security-headers';
import { currentActor } from './session';

type JsonError = { error: { code: string; message: string; field?: string } };

/** Map any thrown value to a JSON answer: AppError and zod as themselves, the rest as a generic 500. */
function jsonError(error: unknown): NextResponse<JsonError> {
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

/** A route's dynamic segments: `[id]` is a string, `[...path]` a list. */
type RouteParams = Record<string, string | string[]>;

/**
 * What Next hands a route handler besides the request: `params` is a Promise
 * since Next 15, and absent on a route without dynamic segments.
 */
export type RouteContext<P extends RouteParams> = { params?: Promise<P> };

/** What a JSON route's body gets: the URL already read, so no handler parses it. */
export type RouteInput<P extends RouteParams> = {
  request: Request;
  params: P;
  /** The query string, a repeated key keeping its first value as on pages. */
  searchParams: Record<string, string>;
};

/**
 * The shell every JSON route shares: tags logs with the request id, hands the
 * body its params and query, answers its result as JSON (or the Response it
 * returns, for a status of its own) and maps every error through jsonError.
 * The API skips the proxy, so the answer's request id and security headers
 * are set here. Authentication is added by the wrappers built on it.
 */
export function jsonRoute<P extends RouteParams = Record<string, never>, T = unknown>(
  handler: (input: RouteInput<P>) => Promise<T | Response>,
) {
  return (request: Request, context: RouteContext<P>): Promise<Response> => {
    const requestId = requestIdFrom(request.headers.get('x-request-id'));
    return withRequestId(requestId, async () => {
      let response: Response;
      try {
        const params = ((await context?.params) ?? {}) as P;
        const searchParams = firstValues(new URL(request.url).searchParams);
        const result = await handler({ request, params, searchParams });
        // A handler's own Response is copied: its headers may be immutable (a redirect, a fetch).
        response =
          result instanceof Response
            ? new Response(result.body, result)
            : NextResponse.json(result);
      } catch (error) {
        response = jsonError(error);
      }
      applyApiHeaders(response.headers, request, requestId);
      return response;
    });
  };
}

/**
 * A JSON route for signed-in members: resolves the actor, checks the
 * permission, then the body does the work with the actor, params and query.
 */
export function withActor<P extends RouteParams = Record<string, never>, T = unknown>(
  permission: Permission,
  handler: (input: RouteInput<P> & { actor: Actor }) => Promise<T>,
) {
  return jsonRoute<P, T>(async (input) => {
    const actor = await currentActor();
    if (!actor) throw new AppError('unauthenticated', 'Sign in to continue.');
    assertCan(actor, permission);
    return handler({ ...input, actor });
  });
}

/** A JSON route for an outside scheduler, which shows CRON_SECRET as a bearer token. */
export function withCronSecret<T>(
  handler: (input: RouteInput<Record<string, never>>) => Promise<T>,
) {
  return jsonRoute<Record<string, never>, T>(async (input) => {
    const presented = bearerToken(input.request);
    if (!presented || !secretsMatch(presented, env().CRON_SECRET)) {
      throw new AppError('unauthenticated', 'A valid CRON_SECRET bearer token is required.');
    }
    return handler(input);
  });
}
