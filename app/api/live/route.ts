// GET /api/live — liveness: the process answers. No database work (that is /api/health).
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ ok: true });
}
