// GET /api/health — for load balancers: database reachable, migrations current, last tick.
import { NextResponse } from 'next/server';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { getHealth } from '@/lib/health';
import { jsonRoute } from '@/lib/http/route';
import { logger } from '@/lib/log';

export const dynamic = 'force-dynamic';

export const GET = jsonRoute(async () => {
  try {
    const health = await getHealth(await getDb(), clock.now());
    return NextResponse.json(health, { status: health.status === 'ok' ? 200 : 503 });
  } catch (error) {
    logger().error({ err: error }, 'health check could not open the database');
    return NextResponse.json({ status: 'unavailable', database: 'unreachable' }, { status: 503 });
  }
});
