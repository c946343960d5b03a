import { randomUUID } from 'node:crypto';

/**
 * The id a request is logged and answered under: the caller's own when it is
 * short and plain (a load balancer's `x-request-id`), never trusted blindly;
 * else a new one.
 */
export function requestIdFrom(offered: string | null | undefined): string {
  return offered && /^[A-Za-z0-9._-]{1,64}$/.test(offered) ? offered : randomUUID();
}
