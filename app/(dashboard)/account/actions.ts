'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { changeOwnPassword } from '@/lib/auth/change-password';
import { endOwnSession } from '@/lib/auth/sessions';
import { clock } from '@/lib/clock';
import { type ActionResult, fieldsOf, formOf, runAction } from '@/lib/http/action';
import { currentSessionId } from '@/lib/http/session';

export async function endOwnSessionAction(argument: {
  sessionId: string;
}): Promise<ActionResult<null>> {
  const input = fieldsOf(argument);
  const result = await runAction('sessions.own', async (actor) => {
    await endOwnSession(await getDb(), actor, { sessionId: String(input.sessionId) }, clock.now());
    return null;
  });
  if (result.ok) revalidatePath('/account');
  return result;
}

export async function changePasswordAction(
  _previous: ActionResult<{ otherSessionsEnded: number }> | null,
  formArgument: FormData,
): Promise<ActionResult<{ otherSessionsEnded: number }>> {
  const formData = formOf(formArgument);
  const result = await runAction('sessions.own', async (actor) =>
    changeOwnPassword(
      await getDb(),
      actor,
      {
        currentPassword: String(formData.get('currentPassword') ?? ''),
        newPassword: String(formData.get('newPassword') ?? ''),
      },
      await currentSessionId(),
      clock.now(),
    ),
  );
  if (result.ok) revalidatePath('/account');
  return result;
}
