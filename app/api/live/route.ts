// GET /api/live — liveness: the process answers. No database work (that is /api/health).
import { jsonRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

export const GET = jsonRoute(async () => ({ ok: true }));
