// /api/seam/* — the Seam-style HTTP API, for code written against Seam's SDK.
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { env } from '@/lib/env';
import { handleSeamRequest } from '@/lib/seam-api/handler';
import { rateLimiterFrom, type TokenBuckets } from '@/lib/seam-api/rate-limit';

export const dynamic = 'force-dynamic';

// One limiter per process, made at the first request (settings are read then, not at build).
const shared = globalThis as unknown as { __keyholdSeamRateLimiter?: TokenBuckets | null };
function rateLimiter(): TokenBuckets | undefined {
  shared.__keyholdSeamRateLimiter ??= rateLimiterFrom(env()) ?? null;
  return shared.__keyholdSeamRateLimiter ?? undefined;
}

async function handle(request: Request, { params }: { params: Promise<{ path: string[] }> }) {
  const { path } = await params;
  return handleSeamRequest(request, path.join('/'), {
    getDb,
    now: () => clock.now(),
    rateLimiter: rateLimiter(),
  });
}

export const GET = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
