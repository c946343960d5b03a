'use server';

import { getDb } from '@/db/client';
import { acknowledgeAlerts } from '@/lib/alerts/alerts';
import { clock } from '@/lib/clock';
import { type ActionResult, runAction } from '@/lib/http/action';

/** Acknowledge one alert or a whole group: they leave the badge and stay listed until fixed. */
export async function acknowledgeAlertsAction(
  alertIds: string[],
): Promise<ActionResult<{ acknowledged: number }>> {
  return runAction('alerts.acknowledge', async (actor) =>
    acknowledgeAlerts(await getDb(), actor, { alertIds }, clock.now()),
  );
}
