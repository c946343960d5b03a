// The framework's floor: the same one-line JSON route as Keyhold's /api/live,
// in an app with nothing else (no proxy, no instrumentation, no config).
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ ok: true });
}
