'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { Actor } from '@/lib/auth/actor';
import { clock } from '@/lib/clock';
import {
  checkConnectionSoon,
  connectSeam,
  connectZwave,
  replaceConnectionKey,
  replaceConnectionUrl,
} from '@/lib/devices/connections';
import { type ActionResult, formOf, runAction } from '@/lib/http/action';

// Lock-service connections on the settings page. lib checks the role and the
// input (naming the field); the API key and the Z-Wave JS Server address go
// one way only: nothing here returns them, so they never reach the action
// state or the browser again.

export type Connected = { name: string; imported: number; propertyId: string };

function revalidate() {
  revalidatePath('/settings');
  revalidatePath('/locks');
}

/** Connect a service from its form: the fields every connection has, and the one secret it needs. */
async function connectFrom(
  formArgument: FormData,
  connect: (
    actor: Actor,
    fields: { name: string; propertyId: string; backupPool: boolean },
    formData: FormData,
  ) => Promise<{ imported: number }>,
): Promise<ActionResult<Connected>> {
  const formData = formOf(formArgument);
  const name = String(formData.get('name') ?? '');
  const propertyId = String(formData.get('propertyId') ?? '');
  const backupPool = formData.get('backupPool') === 'on';
  const result = await runAction('settings.manage', async (actor) => {
    const { imported } = await connect(actor, { name, propertyId, backupPool }, formData);
    return { name: name.trim(), imported, propertyId };
  });
  if (result.ok) revalidate();
  return result;
}

export async function connectSeamAction(
  _previous: ActionResult<Connected> | null,
  formArgument: FormData,
): Promise<ActionResult<Connected>> {
  return connectFrom(formArgument, async (actor, fields, formData) =>
    connectSeam(
      await getDb(),
      actor,
      { ...fields, apiKey: String(formData.get('apiKey') ?? '') },
      clock.now(),
    ),
  );
}

export async function connectZwaveAction(
  _previous: ActionResult<Connected> | null,
  formArgument: FormData,
): Promise<ActionResult<Connected>> {
  return connectFrom(formArgument, async (actor, fields, formData) =>
    connectZwave(
      await getDb(),
      actor,
      { ...fields, url: String(formData.get('url') ?? '') },
      clock.now(),
    ),
  );
}

export async function replaceConnectionUrlAction(
  _previous: ActionResult<null> | null,
  formArgument: FormData,
): Promise<ActionResult<null>> {
  const formData = formOf(formArgument);
  const result = await runAction('settings.manage', async (actor) => {
    await replaceConnectionUrl(
      await getDb(),
      actor,
      {
        connectionId: String(formData.get('connectionId') ?? ''),
        url: String(formData.get('url') ?? ''),
      },
      clock.now(),
    );
    return null;
  });
  if (result.ok) revalidate();
  return result;
}

export async function replaceConnectionKeyAction(
  _previous: ActionResult<null> | null,
  formArgument: FormData,
): Promise<ActionResult<null>> {
  const formData = formOf(formArgument);
  const result = await runAction('settings.manage', async (actor) => {
    await replaceConnectionKey(
      await getDb(),
      actor,
      {
        connectionId: String(formData.get('connectionId') ?? ''),
        apiKey: String(formData.get('apiKey') ?? ''),
      },
      clock.now(),
    );
    return null;
  });
  if (result.ok) revalidate();
  return result;
}

export async function checkConnectionAction(
  _previous: ActionResult<null> | null,
  formArgument: FormData,
): Promise<ActionResult<null>> {
  const formData = formOf(formArgument);
  const result = await runAction('settings.manage', async (actor) => {
    await checkConnectionSoon(await getDb(), actor, String(formData.get('connectionId') ?? ''));
    return null;
  });
  if (result.ok) revalidate();
  return result;
}
