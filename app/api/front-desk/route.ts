// GET /api/front-desk — stays in-house or arriving soon with their guest codes, `?q=` to search; polled to keep the desk live.
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { withActor } from '@/lib/http/route';
import { listDeskStays } from '@/lib/reservations/desk';

export const GET = withActor('backup_codes.pull', async ({ actor, searchParams }) =>
  listDeskStays(await getDb(), actor, searchParams, clock.now()),
);
