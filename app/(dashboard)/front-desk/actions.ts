'use server';

import { getDb } from '@/db/client';
import { pullBackupAccessCode } from '@/lib/backup-pools/pools';
import { clock } from '@/lib/clock';
import { type ActionResult, runAction } from '@/lib/http/action';

export type PulledCode = { code: string; endsAt: string };

/** Pull a backup code for a guest's code: the digits come back once per pull, for the desk to hand over. */
export async function pullBackupCodeAction(
  accessCodeId: string,
): Promise<ActionResult<PulledCode>> {
  return runAction('backup_codes.pull', async (actor) => {
    const backup = await pullBackupAccessCode(
      await getDb(),
      actor,
      String(accessCodeId),
      clock.now(),
    );
    return { code: backup.code ?? '', endsAt: backup.endsAt?.toISOString() ?? '' };
  });
}
