// /api/seam/* — the Seam-style HTTP API, for code written against Seam's SDK.
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { handleSeamRequest } from '@/lib/seam-api/handler';

export const dynamic = 'force-dynamic';

async function handle(request: Request, { params }: { params: Promise<{ path: string[] }> }) {
  const { path } = await params;
  return handleSeamRequest(request, path.join('/'), { getDb, now: () => clock.now() });
}

export const GET = handle;
export const POST = handle;
export const PUT = handle;
export const PATCH = handle;
export const DELETE = handle;
