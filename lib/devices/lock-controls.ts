import { z } from 'zod';
import type { Executor } from '@/db/client';
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
 * (lib/organizations/admin.ts, which also ask the tick to read the lock back
 * at once), with the page's input validated and its permission checked.
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
  return setSimulatedLockOnline(db, actor, data, now, hardware);
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
  return removeAccessCodeAtSimulatedLock(db, actor, data, now, hardware);
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
  return factoryResetSimulatedLock(db, actor, data, now, hardware);
}
