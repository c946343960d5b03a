// GET /api/locks/:id — one lock's page (codes, pool counts, recent events), polled to keep it live.
import { getDatabase } from '@/db/client';
import { clock } from '@/lib/clock';
import { getLockDetail } from '@/lib/devices/lock-detail';
import { withActor } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return withActor('locks.read', async (actor) => {
    const { db, hardware } = await getDatabase();
    return getLockDetail(db, actor, id, clock.now(), hardware);
  })(request);
}
