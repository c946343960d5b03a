// POST /api/sources/<id>/webhook — a PMS's booking event, signed with the source's secret (lib/sources/webhooks.ts).
import { getDatabase } from '@/db/client';
import { clock } from '@/lib/clock';
import { readTextCapped } from '@/lib/http/body';
import { jsonRoute } from '@/lib/http/route';
import { MAX_WEBHOOK_BYTES, takeWebhook } from '@/lib/sources/webhooks';
import { WEBHOOK_SIGNATURE_HEADER } from '@/lib/webhooks/signature';

export const dynamic = 'force-dynamic';

export const POST = jsonRoute<{ id: string }>(async ({ request, params }) => {
  const rawBody = await readTextCapped(
    request,
    MAX_WEBHOOK_BYTES,
    'The body is larger than 256 KB.',
  );
  const { db } = await getDatabase();
  const receipt = await takeWebhook(
    db,
    params.id,
    { rawBody, signature: request.headers.get(WEBHOOK_SIGNATURE_HEADER) },
    clock.now(),
  );
  return { ok: true, ...receipt };
});
