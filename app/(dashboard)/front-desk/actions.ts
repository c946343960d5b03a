'use server';

import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { type ActionResult, runAction } from '@/lib/http/action';
import { pullBackupCodeForGuest } from '@/lib/messages/guest';

/** `sentBy`: the channels the code was queued on for the guest; empty when they left no email or phone. */
export type PulledCode = { code: string; endsAt: string; sentBy: string[] };

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
    };
  });
}
