import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { accessCodes, devices } from '@/db/schema';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { readLockEventsSoon } from '@/lib/lock-events/read';
import { SimulatedAdapter } from '@/lib/locks/simulated/adapter';
import {
  enterCodeAtKeypad,
  factoryResetLock,
  type KeypadEntry,
  removeCodeAtLock,
  reportAtLock,
  setSimulatedLockKnobs,
} from '@/lib/locks/simulated/controls';
import { parseInput } from '@/lib/validation';
import { requestDiscovery } from './discovery';

/**
 * What a person can do to a simulated lock of the actor's organization, from
 * the lock page or the admin CLI: unplug it, delete a code at its keypad,
 * factory-reset it. Input validated and the role checked here, whoever calls;
 * the lock itself is turned by the simulated adapter's controls.
 */

export type SimulatedDevice = { id: string; name: string; externalId: string };

/**
 * A device of the actor's organization that the simulated adapter drives.
 * Another organization's device is not found; a real lock cannot be
 * unplugged or reset from here.
 */
export async function getSimulatedDevice(
  db: Executor,
  actor: Actor,
  deviceId: string,
): Promise<SimulatedDevice> {
  assertCan(actor, 'locks.manage', 'Device');
  parseId('Device', deviceId);
  const [device] = await db
    .select({
      id: devices.id,
      name: devices.name,
      externalId: devices.externalId,
      adapter: devices.adapter,
    })
    .from(devices)
    .where(and(eq(devices.id, deviceId), eq(devices.organizationId, actor.organizationId)));
  if (!device) throw AppError.notFound('Device');
  if (device.adapter !== 'simulated') {
    throw new AppError(
      'invalid_input',
      `${device.name} is a ${device.adapter} lock; only simulated locks can be controlled from here.`,
      { field: 'lock' },
    );
  }
  return { id: device.id, name: device.name, externalId: device.externalId };
}

/**
 * The simulated lock behind a device, as its adapter answers now. A reset
 * lock's old id never answers again, and touching it would bring a dead lock
 * back to life.
 */
async function liveSimulatedDevice(
  db: Executor,
  actor: Actor,
  deviceId: string,
  hardware: Executor,
): Promise<SimulatedDevice> {
  const device = await getSimulatedDevice(db, actor, deviceId);
  const atAdapter = await new SimulatedAdapter(hardware, actor.organizationId).getDevice(
    device.externalId,
  );
  if (!atAdapter) {
    throw new AppError(
      'conflict',
      `${device.name} (${device.externalId}) no longer answers: it was factory reset or removed.`,
      { field: 'lock' },
    );
  }
  return device;
}

/**
 * Ask the tick to read the lock back on its next run. Real hardware is
 * noticed on the periodic sync, minutes away; an operator or a demo poking a
 * simulated lock should not have to wait for it, from the CLI or the page.
 */
async function syncSoon(db: Executor, actor: Actor, deviceId: string, now: Date): Promise<void> {
  await db
    .update(devices)
    .set({ nextSyncAt: now })
    .where(and(eq(devices.id, deviceId), eq(devices.organizationId, actor.organizationId)));
}

const simulatedDeviceId = z.uuid({ error: 'deviceId must be a lock id.' });
export const setSimulatedOnlineSchema = z.object({
  deviceId: simulatedDeviceId,
  online: z.boolean({ error: 'online must be true or false.' }),
});
export const removeCodeAtLockSchema = z.object({
  deviceId: simulatedDeviceId,
  accessCodeId: z.uuid({ error: 'accessCodeId must be a code on this lock.' }),
});
export const factoryResetSchema = z.object({ deviceId: simulatedDeviceId });
/** What a keypad takes: digits, 4 to 12 of them; whether the lock holds them is the lock's business. */
export const enterCodeAtKeypadSchema = z.object({
  deviceId: simulatedDeviceId,
  code: z
    .string({ error: 'Code must be the digits typed at the keypad.' })
    .trim()
    .regex(/^\d{4,12}$/, 'Code must be 4 to 12 digits, as typed at the keypad.'),
});
export const unlockWithKeySchema = z.object({ deviceId: simulatedDeviceId });
export const setReportsEntryCodeSchema = z.object({
  deviceId: simulatedDeviceId,
  reportsEntryCode: z.boolean({ error: 'reportsEntryCode must be true or false.' }),
});

/**
 * Someone types digits at the lock's keypad, at `now` (the server's clock):
 * the lock opens for a code it holds in its window and refuses other digits,
 * logging either the way the hardware would.
 */
export async function enterCodeAtSimulatedKeypad(
  db: Executor,
  actor: Actor,
  input: z.input<typeof enterCodeAtKeypadSchema>,
  now: Date,
  hardware: Executor = db,
): Promise<SimulatedDevice & { outcome: KeypadEntry['outcome'] }> {
  assertCan(actor, 'locks.manage', 'Device');
  const data = parseInput(enterCodeAtKeypadSchema, input);
  const device = await liveSimulatedDevice(db, actor, data.deviceId, hardware);
  const entry = await enterCodeAtKeypad(
    hardware,
    actor.organizationId,
    device.externalId,
    data.code,
    now,
  );
  await readLockEventsSoon(db, actor.organizationId, device.id, now);
  return { ...device, outcome: entry.outcome };
}

/** Someone opens the lock with a key: the lock logs a manual entry. */
export async function unlockSimulatedLockWithKey(
  db: Executor,
  actor: Actor,
  input: z.input<typeof unlockWithKeySchema>,
  now: Date,
  hardware: Executor = db,
): Promise<SimulatedDevice> {
  assertCan(actor, 'locks.manage', 'Device');
  const data = parseInput(unlockWithKeySchema, input);
  const device = await liveSimulatedDevice(db, actor, data.deviceId, hardware);
  await reportAtLock(hardware, actor.organizationId, device.externalId, 'unlocked_with_key', now);
  await readLockEventsSoon(db, actor.organizationId, device.id, now);
  return device;
}

/**
 * Whether the simulated lock names the code in its log when a code opens it
 * (`reports_entry_code`): off, it behaves like the locks that only say
 * "unlocked at the keypad", and Keyhold must not guess whose code it was.
 */
export async function setSimulatedReportsEntryCode(
  db: Executor,
  actor: Actor,
  input: z.input<typeof setReportsEntryCodeSchema>,
  _now: Date,
  hardware: Executor = db,
): Promise<SimulatedDevice> {
  assertCan(actor, 'locks.manage', 'Device');
  const data = parseInput(setReportsEntryCodeSchema, input);
  const device = await liveSimulatedDevice(db, actor, data.deviceId, hardware);
  await setSimulatedLockKnobs(hardware, actor.organizationId, device.externalId, {
    reportsEntryCode: data.reportsEntryCode,
  });
  return device;
}

/**
 * Unplug or reconnect a simulated lock. Keyhold learns of it the way it would
 * of real hardware: on the tick's next call to the lock, asked for at once.
 * `hardware` is the connection the simulated adapter's tables use.
 */
export async function setSimulatedLockOnline(
  db: Executor,
  actor: Actor,
  input: z.input<typeof setSimulatedOnlineSchema>,
  now: Date,
  hardware: Executor = db,
): Promise<SimulatedDevice> {
  assertCan(actor, 'locks.manage', 'Device');
  const data = parseInput(setSimulatedOnlineSchema, input);
  const device = await liveSimulatedDevice(db, actor, data.deviceId, hardware);
  await setSimulatedLockKnobs(hardware, actor.organizationId, device.externalId, {
    online: data.online,
  });
  await syncSoon(db, actor, device.id, now);
  return device;
}

/**
 * Someone deletes a Keyhold code at the lock's keypad. The code must be one
 * of this lock's in Keyhold; the tick finds it missing on its next sync.
 */
export async function removeAccessCodeAtSimulatedLock(
  db: Executor,
  actor: Actor,
  input: z.input<typeof removeCodeAtLockSchema>,
  now: Date,
  hardware: Executor = db,
): Promise<SimulatedDevice & { codeStatus: string }> {
  assertCan(actor, 'locks.manage', 'Device');
  const data = parseInput(removeCodeAtLockSchema, input);
  const device = await liveSimulatedDevice(db, actor, data.deviceId, hardware);
  const [code] = await db
    .select({ status: accessCodes.status })
    .from(accessCodes)
    .where(
      and(
        eq(accessCodes.id, data.accessCodeId),
        eq(accessCodes.organizationId, actor.organizationId),
        eq(accessCodes.deviceId, device.id),
        sql`${accessCodes.status} <> 'removed'`,
      ),
    );
  if (!code) throw AppError.notFound('AccessCode');
  await removeCodeAtLock(hardware, actor.organizationId, device.externalId, data.accessCodeId);
  await syncSoon(db, actor, device.id, now);
  return { ...device, codeStatus: code.status };
}

/**
 * Factory-reset a simulated lock: it forgets every code and comes back under
 * a new id, which discovery shows as a new lock to place or to use as the
 * replacement. Returns the new id.
 */
export async function factoryResetSimulatedLock(
  db: Executor,
  actor: Actor,
  input: z.input<typeof factoryResetSchema>,
  now: Date,
  hardware: Executor = db,
): Promise<SimulatedDevice & { newExternalId: string }> {
  assertCan(actor, 'devices.replace', 'Device');
  const data = parseInput(factoryResetSchema, input);
  const device = await liveSimulatedDevice(db, actor, data.deviceId, hardware);
  const newExternalId = await hardware.transaction((tx) =>
    factoryResetLock(tx, actor.organizationId, device.externalId, now),
  );
  await syncSoon(db, actor, device.id, now);
  await requestDiscovery(db, {
    organizationId: actor.organizationId,
    adapter: 'simulated',
    connectionId: null,
  });
  return { ...device, newExternalId };
}
