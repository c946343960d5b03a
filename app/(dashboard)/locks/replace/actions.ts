'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { placeDevice } from '@/lib/devices/new-locks';
import { replaceDevice } from '@/lib/devices/replace';
import { undoReplacement } from '@/lib/devices/undo-replacement';
import { type ActionRefusal, type ActionResult, formOf, runAction } from '@/lib/http/action';

// The replacement wizard's steps. lib checks the role and validates (zod,
// naming the field); these only read the form and choose where to go next.

const formText = (formData: FormData, name: string) => String(formData.get(name) ?? '');

/** Confirm a replacement, then watch the new lock take its codes. */
export async function replaceLockAction(
  _previous: unknown,
  formArgument: FormData,
): Promise<ActionRefusal> {
  const formData = formOf(formArgument);
  const result = await runAction('devices.replace', async (actor) =>
    replaceDevice(
      await getDb(),
      actor,
      {
        oldDeviceId: formText(formData, 'oldDeviceId'),
        newDeviceId: formText(formData, 'newDeviceId'),
      },
      clock.now(),
    ),
  );
  if (!result.ok) return result;
  revalidatePath('/locks');
  revalidatePath('/alerts');
  // Outside runAction: redirect works by throwing.
  redirect(`/locks/replace/${result.data.newDeviceId}`);
}

/** A new lock that replaces nothing: place it at a property. */
export async function placeLockAction(
  _previous: unknown,
  formArgument: FormData,
): Promise<ActionRefusal> {
  const formData = formOf(formArgument);
  const deviceId = formText(formData, 'deviceId');
  const result = await runAction('devices.replace', async (actor) =>
    placeDevice(
      await getDb(),
      actor,
      {
        deviceId,
        propertyId: formText(formData, 'propertyId'),
        name: formText(formData, 'name'),
        room: formText(formData, 'room'),
      },
      clock.now(),
    ),
  );
  if (!result.ok) return result;
  revalidatePath('/locks');
  redirect(`/locks/${deviceId}`);
}

/** Take a replacement back while nothing has gone to the new lock. */
export async function undoReplacementAction(
  newDeviceId: string,
): Promise<ActionResult<{ oldDeviceId: string }>> {
  const result = await runAction('devices.replace', async (actor) =>
    undoReplacement(await getDb(), actor, { newDeviceId: String(newDeviceId) }, clock.now()),
  );
  if (result.ok) {
    revalidatePath('/locks');
    revalidatePath('/alerts');
  }
  return result;
}
