// GET /api/replacements — the replacement wizard's choices: new locks found, and the placed locks one may replace; polled while the wizard waits.
import { getDb } from '@/db/client';
import { listReplacementChoices } from '@/lib/devices/new-locks';
import { withActor } from '@/lib/http/route';

export const GET = withActor('devices.replace', async ({ actor }) =>
  listReplacementChoices(await getDb(), actor),
);
