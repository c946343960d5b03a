// POST /api/cron/tick — one reconciler tick, for any outside scheduler (bearer CRON_SECRET).
import { NextResponse } from 'next/server';
import { getDb } from '@/db/client';
import { secretsMatch } from '@/lib/auth/secret';
import { clock } from '@/lib/clock';
import { env } from '@/lib/env';
import { jsonError } from '@/lib/http/route';
import { withRequestId } from '@/lib/log';
import { runTick } from '@/lib/tick';

export const dynamic = 'force-dynamic';

async function tick(request: Request) {
  return withRequestId(request.headers.get('x-request-id'), async () => {
    const presented = request.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? '';
    if (!presented || !secretsMatch(presented, env().CRON_SECRET)) {
      return NextResponse.json(
        {
          error: {
            code: 'unauthenticated',
            message: 'A valid CRON_SECRET bearer token is required.',
          },
        },
        { status: 401 },
      );
    }
    try {
      const result = await runTick(await getDb(), clock.now());
      return NextResponse.json({ ok: true, durationMs: result.durationMs });
    } catch (error) {
      return jsonError(error);
    }
  });
}

// Vercel Cron calls GET; system cron and Kubernetes usually POST.
export const GET = tick;
export const POST = tick;
