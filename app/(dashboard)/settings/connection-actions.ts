'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { checkConnectionSoon, connectSeam, replaceConnectionKey } from '@/lib/devices/connections';
import { type ActionResult, formOf, runAction } from '@/lib/http/action';

// Lock-service connections on the settings page. lib checks the role and the
// input (naming the field); the API key goes one way only: nothing here
// returns it, so it never reaches the action state or the browser again.

export type ConnectedSeam = { name: string; imported: number; propertyId: string };

function revalidate() {
  revalidatePath('/settings');
  revalidatePath('/locks');
}

export async function connectSeamAction(
  _previous: ActionResult<ConnectedSeam> | null,
  formArgument: FormData,
): Promise<ActionResult<ConnectedSeam>> {
  const formData = formOf(formArgument);
  const name = String(formData.get('name') ?? '');
  const propertyId = String(formData.get('propertyId') ?? '');
  const result = await runAction('settings.manage', async (actor) => {
    const { imported } = await connectSeam(
      await getDb(),
      actor,
      {
        name,
        apiKey: String(formData.get('apiKey') ?? ''),
        propertyId,
        backupPool: formData.get('backupPool') === 'on',
      },
      clock.now(),
    );
    return { name: name.trim(), imported, propertyId };
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
