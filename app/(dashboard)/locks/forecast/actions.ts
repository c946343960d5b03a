'use server';

import { revalidatePath } from 'next/cache';
import { getDatabase } from '@/db/client';
import { type SetLockPoolSizeInput, setLockPoolSize } from '@/lib/backup-pools/pools';
import { clock } from '@/lib/clock';
import { type ActionResult, fieldsOf, runAction } from '@/lib/http/action';

// The slot forecast's one fix made in place: a lock's own backup pool size.
// The input is validated in lib (zod, naming the field).

/** Keep this many backup codes on the lock (null: the organization's number); extra ones come off now. */
export async function setLockPoolSizeAction(
  input: SetLockPoolSizeInput,
): Promise<ActionResult<{ name: string; size: number }>> {
  return runAction('backup_pools.manage', async (actor) => {
    const { db } = await getDatabase();
    const fields = fieldsOf(input);
    const result = await setLockPoolSize(
      db,
      actor,
      { deviceId: fields.deviceId ?? '', size: fields.size ?? null },
      clock.now(),
    );
    revalidatePath('/locks/forecast');
    return { name: result.name, size: result.size };
  });
}
