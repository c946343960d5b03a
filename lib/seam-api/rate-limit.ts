import type { Env } from '@/lib/env';

export type RateLimit = {
  /** Requests a second a key may make for as long as it likes. */
  perSecond: number;
  /** Requests a key may make at once after a quiet spell. */
  burst: number;
};

export type Verdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * A token bucket per API key, in this process: a key starts with `burst`
 * tokens, each request takes one, and they come back at `perSecond`. With N
 * instances behind a load balancer a key may make up to N times as many
 * requests; the limit is there to slow a runaway or hostile client down (a
 * digit prober made 52–67 a second), not to meter an account.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    readonly limit: RateLimit,
    /** Milliseconds on a clock that never goes back. */
    private readonly clock: () => number = () => performance.now(),
  ) {}

  take(key: string): Verdict {
    const now = this.clock();
    const bucket = this.buckets.get(key);
    const tokens = bucket ? this.refilled(bucket, now) : this.limit.burst;
    if (tokens >= 1) {
      this.forgetIdle(now);
      this.buckets.set(key, { tokens: tokens - 1, at: now });
      return { allowed: true };
    }
    this.buckets.set(key, { tokens, at: now });
    // Whole seconds, as Retry-After has them, rounded up so the retry finds a token.
    return {
      allowed: false,
      retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.limit.perSecond)),
    };
  }

  private refilled(bucket: { tokens: number; at: number }, now: number): number {
    const earned = (Math.max(0, now - bucket.at) / 1000) * this.limit.perSecond;
    return Math.min(this.limit.burst, bucket.tokens + earned);
  }

  /** A full bucket is the same as none: drop those when many keys have passed by. */
  private forgetIdle(now: number): void {
    if (this.buckets.size < 10_000) return;
    for (const [key, bucket] of this.buckets) {
      if (this.refilled(bucket, now) >= this.limit.burst) this.buckets.delete(key);
    }
  }
}

/** The limiter the settings ask for; none when SEAM_API_RATE_PER_SECOND is 0. */
export function rateLimiterFrom(
  settings: Pick<Env, 'SEAM_API_RATE_PER_SECOND' | 'SEAM_API_RATE_BURST'>,
): TokenBuckets | undefined {
  if (settings.SEAM_API_RATE_PER_SECOND === 0) return undefined;
  return new TokenBuckets({
    perSecond: settings.SEAM_API_RATE_PER_SECOND,
    burst: settings.SEAM_API_RATE_BURST,
  });
}
