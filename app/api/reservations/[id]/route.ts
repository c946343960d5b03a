// GET /api/reservations/:id — one stay with its codes and their history, for the live stay page.
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { withActor } from '@/lib/http/route';
import { getReservationDetail } from '@/lib/reservations/detail';

export const GET = withActor('reservations.read', async (actor, request) => {
  // withActor hands over the request only; the id is the path's last segment.
  // Ids are uuids, so the raw segment is compared as is: a malformed escape is simply not found.
  const id = new URL(request.url).pathname.split('/').pop() ?? '';
  return getReservationDetail(await getDb(), actor, id, clock.now());
});
