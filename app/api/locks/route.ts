// GET /api/locks — the signed-in member's locks, for the live locks list.
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { listLocks } from '@/lib/devices/locks';
import { withActor } from '@/lib/http/route';

export const GET = withActor('locks.read', async ({ actor, searchParams }) =>
  listLocks(await getDb(), actor, searchParams, clock.now()),
);
