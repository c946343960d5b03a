'use server';

import { revalidatePath } from 'next/cache';
import { getDatabase } from '@/db/client';
import { setBackupPool } from '@/lib/backup-pools/pools';
import { clock } from '@/lib/clock';
import { type CommonDoorResult, setCommonDoor } from '@/lib/devices/common-doors';
import { retireDevice } from '@/lib/devices/retire';
import {
  enterCodeAtSimulatedKeypad,
  factoryResetSimulatedLock,
  removeAccessCodeAtSimulatedLock,
  setSimulatedLockOnline,
  setSimulatedReportsEntryCode,
  unlockSimulatedLockWithKey,
} from '@/lib/devices/simulated-controls';
import { type ActionResult, formOf, runAction } from '@/lib/http/action';

// The simulated adapter's knobs on the lock page. Inputs are validated in lib
// (zod, naming the field); the page refreshes itself from the live query.

export async function setSimulatedLockOnlineAction(input: {
  deviceId: string;
  online: boolean;
}): Promise<ActionResult<{ name: string }>> {
  return runAction('locks.manage', async (actor) => {
    const { db, hardware } = await getDatabase();
    const lock = await setSimulatedLockOnline(db, actor, input, clock.now(), hardware);
    return { name: lock.name };
  });
}

export async function removeCodeAtSimulatedLockAction(input: {
  deviceId: string;
  accessCodeId: string;
}): Promise<ActionResult<{ name: string }>> {
  return runAction('locks.manage', async (actor) => {
    const { db, hardware } = await getDatabase();
    const lock = await removeAccessCodeAtSimulatedLock(db, actor, input, clock.now(), hardware);
    return { name: lock.name };
  });
}

/** Someone types digits at the keypad, now by the server's clock; answers what the lock did. */
export async function enterCodeAtKeypadAction(input: {
  deviceId: string;
  code: string;
}): Promise<ActionResult<{ name: string; outcome: 'unlocked' | 'access_denied' }>> {
  return runAction('locks.manage', async (actor) => {
    const { db, hardware } = await getDatabase();
    const entry = await enterCodeAtSimulatedKeypad(db, actor, input, clock.now(), hardware);
    return { name: entry.name, outcome: entry.outcome };
  });
}

export async function unlockWithKeyAction(input: {
  deviceId: string;
}): Promise<ActionResult<{ name: string }>> {
  return runAction('locks.manage', async (actor) => {
    const { db, hardware } = await getDatabase();
    const lock = await unlockSimulatedLockWithKey(db, actor, input, clock.now(), hardware);
    return { name: lock.name };
  });
}

export async function setReportsEntryCodeAction(input: {
  deviceId: string;
  reportsEntryCode: boolean;
}): Promise<ActionResult<{ name: string }>> {
  return runAction('locks.manage', async (actor) => {
    const { db, hardware } = await getDatabase();
    const lock = await setSimulatedReportsEntryCode(db, actor, input, clock.now(), hardware);
    return { name: lock.name };
  });
}

export async function factoryResetSimulatedLockAction(input: {
  deviceId: string;
}): Promise<ActionResult<{ name: string; newExternalId: string }>> {
  return runAction('locks.manage', async (actor) => {
    const { db, hardware } = await getDatabase();
    const lock = await factoryResetSimulatedLock(db, actor, input, clock.now(), hardware);
    return { name: lock.name, newExternalId: lock.newExternalId };
  });
}

/** Take the lock out of service (admins); refused while it opens a current or future stay. */
export async function retireLockAction(input: {
  deviceId: string;
}): Promise<ActionResult<{ name: string }>> {
  return runAction('devices.replace', async (actor) => {
    const { db } = await getDatabase();
    const retired = await retireDevice(db, actor, input, clock.now());
    return { name: retired.name };
  });
}

/** Keep a backup pool on this lock, or stop: its unpulled codes come off, pulled ones stay live. */
export async function setBackupPoolAction(input: {
  deviceId: string;
  enabled: boolean;
}): Promise<ActionResult<{ enabled: boolean }>> {
  return runAction('backup_pools.manage', async (actor) => {
    const { db } = await getDatabase();
    await setBackupPool(db, actor, input, clock.now());
    return { enabled: input.enabled };
  });
}

/**
 * "Common door: no / every stay at the property / stays in a group", from
 * the lock page's form: `scope` is `none`, `property` or a group's id.
 */
export async function setCommonDoorAction(
  _previous: unknown,
  formArgument: FormData,
): Promise<ActionResult<CommonDoorResult>> {
  const formData = formOf(formArgument);
  const deviceId = String(formData.get('deviceId') ?? '');
  const scope = String(formData.get('scope') ?? 'none');
  const result = await runAction('locks.manage', async (actor) => {
    const { db } = await getDatabase();
    return setCommonDoor(
      db,
      actor,
      {
        deviceId,
        commonDoor: scope !== 'none',
        groupId: scope === 'none' || scope === 'property' ? null : scope,
      },
      clock.now(),
    );
  });
  if (result.ok) revalidatePath(`/locks/${result.data.deviceId}`);
  return result;
}
