'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { deleteAccessCode } from '@/lib/access-codes/operations';
import { createPermanentBackupCode } from '@/lib/backup-pools/permanent';
import { clock } from '@/lib/clock';
import { type ActionResult, formOf, runAction } from '@/lib/http/action';

export type CreatedPermanentCode = { code: string; lockName: string };

export async function createPermanentBackupCodeAction(
  _previous: ActionResult<CreatedPermanentCode> | null,
  formArgument: FormData,
): Promise<ActionResult<CreatedPermanentCode>> {
  const formData = formOf(formArgument);
  const result = await runAction('permanent_codes.manage', async (actor) => {
    const created = await createPermanentBackupCode(
      await getDb(),
      actor,
      String(formData.get('deviceId') ?? ''),
      clock.now(),
    );
    return { code: created.code, lockName: created.lockName };
  });
  if (result.ok) revalidatePath('/backup-codes');
  return result;
}

/** Revoke one: the list re-renders, and a code already gone simply is not listed. */
export async function revokePermanentBackupCodeAction(
  accessCodeId: string,
): Promise<ActionResult<null>> {
  const result = await runAction('permanent_codes.manage', async (actor) => {
    await deleteAccessCode(await getDb(), actor, String(accessCodeId), clock.now());
    return null;
  });
  revalidatePath('/backup-codes');
  return result;
}
