// GET /api/replacements/plan?oldDeviceId=…&newDeviceId=… — what replacing one lock with another would move, for the wizard's review. Writes nothing.
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { replacementPlan } from '@/lib/devices/replacement-plan';
import { withActor } from '@/lib/http/route';

export const GET = withActor('devices.replace', async ({ actor, searchParams }) =>
  replacementPlan(
    await getDb(),
    actor,
    // Missing ids are refused by the schema, naming the field.
    { oldDeviceId: searchParams.oldDeviceId ?? '', newDeviceId: searchParams.newDeviceId ?? '' },
    clock.now(),
  ),
);
