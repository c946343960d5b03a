// GET /api/arrivals — the arrivals board (stays arriving soon with their readiness, today's departures), polled to keep it live.
import { getDb } from '@/db/client';
import { listArrivals } from '@/lib/arrivals/arrivals';
import { clock } from '@/lib/clock';
import { withActor } from '@/lib/http/route';

export const GET = withActor('reservations.read', async ({ actor, searchParams }) =>
  listArrivals(await getDb(), actor, searchParams, clock.now()),
);
