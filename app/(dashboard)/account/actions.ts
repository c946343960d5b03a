'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { changeOwnPassword } from '@/lib/auth/change-password';
import { endOwnSession } from '@/lib/auth/sessions';
import { clock } from '@/lib/clock';
import { type ActionResult, fieldsOf, formOf, runAction } from '@/lib/http/action';
import { currentSessionId } from '@/lib/http/session';
import {
  type NotificationPreferencesView,
  saveOwnNotificationPreferences,
} from '@/lib/notifications/preferences';

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

export async function saveNotificationPreferencesAction(
  _previous: ActionResult<NotificationPreferencesView> | null,
  formArgument: FormData,
): Promise<ActionResult<NotificationPreferencesView>> {
  const formData = formOf(formArgument);
  const result = await runAction('sessions.own', async (actor) =>
    saveOwnNotificationPreferences(
      await getDb(),
      actor,
      {
        kinds: formData.getAll('kinds').map(String),
        quietFrom: String(formData.get('quietFrom') ?? ''),
        quietUntil: String(formData.get('quietUntil') ?? ''),
        // An unticked checkbox is not sent at all.
        dailyDigest: formData.get('dailyDigest') === 'on',
      },
      clock.now(),
    ),
  );
  if (result.ok) revalidatePath('/account');
  return result;
}
