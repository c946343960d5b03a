import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { devices } from '@/db/schema';
import { type Actor, assertCan } from '@/lib/auth/actor';
import {
  factoryResetSimulatedLock,
  removeAccessCodeAtSimulatedLock,
  type SimulatedDevice,
  setSimulatedLockOnline,
} from '@/lib/organizations/admin';
import { parseInput } from '@/lib/validation';

/**
 * The lock page's knobs for simulated locks: the admin CLI's operations
 * (lib/organizations/admin.ts), then a request that the tick read the lock
 * back on its next run. Real hardware is noticed on the next periodic sync,
 * minutes away; a demo of recovery should not have to wait for it.
 */

const deviceId = z.uuid({ error: 'deviceId must be a lock id.' });

export const setSimulatedOnlineSchema = z.object({
  deviceId,
  online: z.boolean({ error: 'online must be true or false.' }),
});
export const removeCodeAtLockSchema = z.object({
  deviceId,
  accessCodeId: z.uuid({ error: 'accessCodeId must be a code on this lock.' }),
});
export const factoryResetSchema = z.object({ deviceId });

/** Ask the tick to read the lock back on its next run. */
async function syncSoon(db: Executor, actor: Actor, id: string, now: Date): Promise<void> {
  await db
    .update(devices)
    .set({ nextSyncAt: now })
    .where(and(eq(devices.id, id), eq(devices.organizationId, actor.organizationId)));
}

/** Unplug or reconnect a simulated lock from the lock page. */
export async function switchSimulatedLock(
  db: Executor,
  actor: Actor,
  input: z.input<typeof setSimulatedOnlineSchema>,
  now: Date,
  hardware: Executor = db,
): Promise<SimulatedDevice> {
  assertCan(actor, 'locks.manage', 'Lock');
  const data = parseInput(setSimulatedOnlineSchema, input);
  const device = await setSimulatedLockOnline(db, actor, data, hardware);
  await syncSoon(db, actor, device.id, now);
  return device;
}

/** Delete one of Keyhold's codes at a simulated lock's keypad, as a guest or a thief might. */
export async function removeCodeAtSimulatedLock(
  db: Executor,
  actor: Actor,
  input: z.input<typeof removeCodeAtLockSchema>,
  now: Date,
  hardware: Executor = db,
): Promise<SimulatedDevice> {
  assertCan(actor, 'locks.manage', 'Lock');
  const data = parseInput(removeCodeAtLockSchema, input);
  const device = await removeAccessCodeAtSimulatedLock(db, actor, data, hardware);
  await syncSoon(db, actor, device.id, now);
  return device;
}

/**
 * Factory-reset a simulated lock. The old device then goes offline for good
 * and the lock answers as a new device that an admin places as its
 * replacement; placing it is what moves the codes over.
 */
export async function resetSimulatedLock(
  db: Executor,
  actor: Actor,
  input: z.input<typeof factoryResetSchema>,
  now: Date,
  hardware: Executor = db,
): Promise<SimulatedDevice & { newExternalId: string }> {
  assertCan(actor, 'locks.manage', 'Lock');
  const data = parseInput(factoryResetSchema, input);
  const result = await factoryResetSimulatedLock(db, actor, data, now, hardware);
  await syncSoon(db, actor, result.id, now);
  return result;
}
