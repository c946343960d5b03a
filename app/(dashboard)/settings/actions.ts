'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { createApiKey, revokeApiKey } from '@/lib/api-keys';
import { clock } from '@/lib/clock';
import { type ActionResult, formOf, runAction } from '@/lib/http/action';

export async function createApiKeyAction(
  _previous: ActionResult<{ apiKey: string; name: string }> | null,
  formArgument: FormData,
): Promise<ActionResult<{ apiKey: string; name: string }>> {
  const formData = formOf(formArgument);
  const result = await runAction('api_keys.manage', async (actor) => {
    const { apiKey, key } = await createApiKey(await getDb(), actor, {
      name: String(formData.get('name') ?? ''),
    });
    return { apiKey, name: key.name };
  });
  if (result.ok) revalidatePath('/settings');
  return result;
}

export async function revokeApiKeyAction(keyId: string): Promise<ActionResult<null>> {
  const result = await runAction('api_keys.manage', async (actor) => {
    await revokeApiKey(await getDb(), actor, String(keyId), clock.now());
    return null;
  });
  if (result.ok) revalidatePath('/settings');
  return result;
}
