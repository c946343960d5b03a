'use server';

import type { Delivery } from '@/components/guest-message-state';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { type ActionResult, runAction } from '@/lib/http/action';
import { pullBackupCodeForGuest } from '@/lib/messages/guest';
import { loggedOnly } from '@/lib/messages/transports';

/** The pulled code, and where its message to the guest went. */
export type PulledCode = Delivery & {
  code: string;
  endsAt: string;
  /** The message with the code, from the organization's template, for staff to pass on. */
  text: string;
};

/** Pull a backup code for a guest's code and send it to them; the digits also come back for the desk to hand over. */
export async function pullBackupCodeAction(
  accessCodeId: string,
): Promise<ActionResult<PulledCode>> {
  return runAction('backup_codes.pull', async (actor) => {
    const { backup, message } = await pullBackupCodeForGuest(
      await getDb(),
      actor,
      String(accessCodeId),
      clock.now(),
    );
    return {
      code: backup.code ?? '',
      endsAt: backup.endsAt?.toISOString() ?? '',
      sentBy: message.channels,
      loggedOnly: loggedOnly(message.channels),
      text: message.text,
    };
  });
}
