import type { Db } from '@/db/client';
import { authenticateApiKey } from '@/lib/api-keys';
import { AppError } from '@/lib/errors';
import { bearerToken } from '@/lib/http/bearer';
import { requestIdFrom } from '@/lib/http/request-id';
import { applyApiHeaders } from '@/lib/http/security-headers';
import { logger, withRequestId } from '@/lib/log';
import { ENDPOINTS } from './endpoints';
import { toSeamError } from './errors';
import { readParams } from './params';
import type { TokenBuckets } from './rate-limit';

export type SeamApiDeps = {
  getDb: () => Promise<Db>;
  now: () => Date;
  /** Per-key request limit; none means unlimited (tests that are not about it). */
  rateLimiter?: TokenBuckets;
};

/** Seam's answers carry its `seam-request-id` and, as every API answer, Keyhold's own headers. */
function json(
  request: Request,
  status: number,
  body: object,
  requestId: string,
  extra: Record<string, string> = {},
): Response {
  const headers = new Headers({
    'content-type': 'application/json; charset=utf-8',
    'seam-request-id': requestId,
    ...extra,
  });
  applyApiHeaders(headers, request, requestId);
  return new Response(JSON.stringify(body), { status, headers });
}

/** Seam's envelope for a key over its limit, with how long to wait. */
function tooMany(
  request: Request,
  limiter: TokenBuckets,
  retryAfterSeconds: number,
  requestId: string,
): Response {
  const { perSecond, burst } = limiter.limit;
  const [status, body] = toSeamError(
    new AppError(
      'rate_limited',
      `Too many requests for this API key: at most ${perSecond} a second, in bursts of up to ${burst}. Try again in ${retryAfterSeconds} s.`,
    ),
  );
  return json(request, status, body, requestId, { 'retry-after': String(retryAfterSeconds) });
}

/**
 * Answer one Seam-style request (`path` is what follows /api/seam/). Any verb
 * on any path; a Seam API key in `Authorization: Bearer`; Seam's envelope for
 * every answer, with a `seam-request-id` header. Plain Request → Response, so
 * the Next route and the tests' in-process server share it.
 */
export async function handleSeamRequest(
  request: Request,
  path: string,
  deps: SeamApiDeps,
): Promise<Response> {
  const requestId = requestIdFrom(request.headers.get('x-request-id'));
  return withRequestId(requestId, async () => {
    try {
      const endpoint = ENDPOINTS[path];
      if (!endpoint) {
        throw new AppError('not_found', `No endpoint /${path}.`, { resource: 'Page' });
      }
      const presented = bearerToken(request);
      const db = await deps.getDb();
      const now = deps.now();
      const actor = presented ? await authenticateApiKey(db, presented, now) : null;
      if (!actor) throw new AppError('unauthenticated', 'A valid Keyhold API key is required.');
      // Per key, before any work: a key that floods the API waits, the others do not.
      const limiter = deps.rateLimiter;
      const verdict = limiter?.take(actor.apiKeyId ?? actor.organizationId);
      if (limiter && verdict && !verdict.allowed) {
        return tooMany(request, limiter, verdict.retryAfterSeconds, requestId);
      }
      const params = await readParams(request);
      const result = await endpoint({ db, actor, now }, params);
      return json(request, 200, { ...result, ok: true }, requestId);
    } catch (error) {
      const [status, body] = toSeamError(error);
      if (status >= 500) logger().error({ path }, 'Seam-style API answered 500');
      return json(request, status, body, requestId);
    }
  });
}
