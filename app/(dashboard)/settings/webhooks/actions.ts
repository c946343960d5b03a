'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { type ActionResult, formOf, runAction } from '@/lib/http/action';
import { sendTestEvent } from '@/lib/webhooks/deliveries';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  setWebhookEndpointDisabled,
} from '@/lib/webhooks/endpoints';

// Outbound webhooks on their settings page. lib checks the role, the
// organization and the input (naming the field); an endpoint's secret is
// answered once, to the admin who made it, and never logged or put back in a form.

const PAGE = '/settings/webhooks';

export type CreatedEndpoint = { endpointId: string; url: string; secret: string };

/** Add an endpoint; its signing secret is in this answer and nowhere else, ever. */
export async function createWebhookEndpointAction(
  _previous: unknown,
  formArgument: FormData,
): Promise<ActionResult<CreatedEndpoint>> {
  const formData = formOf(formArgument);
  const result = await runAction('settings.manage', async (actor) => {
    const { endpoint, secret } = await createWebhookEndpoint(await getDb(), actor, {
      url: String(formData.get('url') ?? ''),
      scope: formData.get('scope') === 'some' ? 'some' : 'all',
      eventTypes: formData.getAll('eventTypes').map(String),
    });
    return { endpointId: endpoint.id, url: endpoint.url, secret };
  });
  if (result.ok) revalidatePath(PAGE);
  return result;
}

/** "Send a test event": queued now, sent by the next tick; the log shows it. */
export async function sendTestEventAction(endpointId: string): Promise<ActionResult<null>> {
  const result = await runAction('settings.manage', async (actor) => {
    await sendTestEvent(await getDb(), actor, String(endpointId), clock.now());
    return null;
  });
  if (result.ok) revalidatePath(PAGE);
  return result;
}

export async function setWebhookEndpointDisabledAction(
  endpointId: string,
  disabled: boolean,
): Promise<ActionResult<null>> {
  const result = await runAction('settings.manage', async (actor) => {
    await setWebhookEndpointDisabled(
      await getDb(),
      actor,
      String(endpointId),
      disabled === true,
      clock.now(),
    );
    return null;
  });
  if (result.ok) revalidatePath(PAGE);
  return result;
}

/** Remove an endpoint and its delivery log. */
export async function deleteWebhookEndpointAction(endpointId: string): Promise<ActionResult<null>> {
  const result = await runAction('settings.manage', async (actor) => {
    await deleteWebhookEndpoint(await getDb(), actor, String(endpointId));
    return null;
  });
  if (result.ok) revalidatePath(PAGE);
  return result;
}
