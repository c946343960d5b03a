// GET /api/replacements/:newId — how far a replacement lock is from holding every code it should, polled by the progress page.
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { replacementProgress } from '@/lib/devices/replacement-progress';
import { withActor } from '@/lib/http/route';

export const GET = withActor<{ newId: string }>('devices.replace', async ({ actor, params }) =>
  replacementProgress(await getDb(), actor, params.newId, clock.now()),
);
