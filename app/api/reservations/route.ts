// GET /api/reservations — the signed-in member's stays, for the live reservations list.
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { withActor } from '@/lib/http/route';
import { listReservations } from '@/lib/reservations/list';

export const GET = withActor('reservations.read', async ({ actor, searchParams }) =>
  listReservations(await getDb(), actor, searchParams, clock.now()),
);
