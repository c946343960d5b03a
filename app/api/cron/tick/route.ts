// POST /api/cron/tick — one reconciler tick, for any outside scheduler (bearer CRON_SECRET).
import { NextResponse } from 'next/server';
import { getDatabase } from '@/db/client';
import { secretsMatch } from '@/lib/auth/secret';
import { clock } from '@/lib/clock';
import { defaultAdapters } from '@/lib/devices/connections';
import { env } from '@/lib/env';
import { jsonError } from '@/lib/http/route';
import { withRequestId } from '@/lib/log';
import { runTick } from '@/lib/reconciler/tick';

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
      const { db, hardware } = await getDatabase();
      const stats = await runTick(db, { now: clock.now(), adapters: defaultAdapters(hardware) });
      return NextResponse.json({ ok: true, ...stats });
    } catch (error) {
      return jsonError(error);
    }
  });
}

// Vercel Cron calls GET; system cron and Kubernetes usually POST.
export const GET = tick;
export const POST = tick;
