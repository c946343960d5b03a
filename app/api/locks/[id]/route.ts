// GET /api/locks/:id — one lock's page (codes, pool counts, recent events), polled to keep it live.
import { getDatabase } from '@/db/client';
import { clock } from '@/lib/clock';
import { getLockDetail } from '@/lib/devices/lock-detail';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = withActor<{ id: string }>('locks.read', async ({ actor, params }) => {
  const { db, hardware } = await getDatabase();
  return getLockDetail(db, actor, params.id, clock.now(), hardware);
});
