// GET /api/reservations/:id — one stay with its codes and their history, for the live stay page.
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { withActor } from '@/lib/http/route';
import { getReservationDetail } from '@/lib/reservations/detail';

export const GET = withActor<{ id: string }>('reservations.read', async ({ actor, params }) =>
  getReservationDetail(await getDb(), actor, params.id, clock.now()),
);
