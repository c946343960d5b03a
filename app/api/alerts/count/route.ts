// GET /api/alerts/count — how many alerts nobody has acknowledged: the navigation's badge, kept live.
import { getDb } from '@/db/client';
import { countOpenAlerts } from '@/lib/alerts/alerts';
import { withActor } from '@/lib/http/route';

export const GET = withActor('alerts.read', async ({ actor }) => ({
  open: await countOpenAlerts(await getDb(), actor),
}));
