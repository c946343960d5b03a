// GET /api/alerts — the organization's unresolved alerts, newest first, polled to keep the alerts page live.
import { getDb } from '@/db/client';
import { listAlerts } from '@/lib/alerts/alerts';
import { withActor } from '@/lib/http/route';

export const GET = withActor('alerts.read', async ({ actor, searchParams }) =>
  listAlerts(await getDb(), actor, searchParams),
);
