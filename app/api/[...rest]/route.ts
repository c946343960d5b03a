// /api/<anything else> — no such endpoint: a JSON 404 with the API's headers,
// not the HTML not-found page (the API skips the proxy; see proxy.ts).
import { AppError } from '@/lib/errors';
import { jsonRoute } from '@/lib/http/route';

export const dynamic = 'force-dynamic';

const nothingHere = jsonRoute<{ rest: string[] }>(async () => {
  throw AppError.notFound('Page');
});

export const GET = nothingHere;
export const POST = nothingHere;
export const PUT = nothingHere;
export const PATCH = nothingHere;
export const DELETE = nothingHere;
