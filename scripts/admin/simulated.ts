// The simulated adapter's hardware, driven by hand for demos: unplug, reconnect, tamper, reset,
// someone at the door (a code at the keypad, a key).

import { z } from 'zod';
import {
  enterCodeAtSimulatedKeypad,
  factoryResetSimulatedLock,
  removeAccessCodeAtSimulatedLock,
  setSimulatedLockOnline,
  unlockSimulatedLockWithKey,
} from '../../lib/devices/simulated-controls';
import { actorFor, defineCommand, jsonFlag, organizationFlag, uuidFlag } from './cli';
import { clean, print, printJson } from './output';

/** Unplug or reconnect a simulated lock: one command each, the same work. */
function setOnlineCommand(online: boolean, summary: string, done: string) {
  return defineCommand({
    summary,
    synopsis: '--organization <id> --lock <device id>',
    flags: { organization: 'string', lock: 'string' },
    required: ['organization', 'lock'],
    schema: z.object({ organization: organizationFlag, lock: uuidFlag('a Keyhold device id') }),
    async run(input, context) {
      const actor = await actorFor(context, input.organization);
      const { db, hardware } = context.database;
      const lock = await setSimulatedLockOnline(
        db,
        actor,
        { deviceId: input.lock, online },
        context.now,
        hardware,
      );
      print(`${clean(lock.name)} (${lock.externalId}) ${done}`);
    },
  });
}

export const lockOfflineCommand = setOnlineCommand(
  false,
  'Simulated locks: unplug the lock. Keyhold notices on its next call to it.',
  'is now offline.',
);

export const lockOnlineCommand = setOnlineCommand(
  true,
  'Simulated locks: reconnect the lock.',
  'is back online.',
);

export const removeCodeAtLockCommand = defineCommand({
  summary:
    'Simulated locks: delete a Keyhold code at the keypad. Keyhold finds it missing on its next sync and sets it again.',
  synopsis: '--organization <id> --lock <device id> --access-code <uuid>',
  flags: { organization: 'string', lock: 'string', 'access-code': 'string' },
  required: ['organization', 'lock', 'access-code'],
  schema: z.object({
    organization: organizationFlag,
    lock: uuidFlag('a Keyhold device id'),
    'access-code': uuidFlag('a Keyhold access code id'),
  }),
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const { db, hardware } = context.database;
    const result = await removeAccessCodeAtSimulatedLock(
      db,
      actor,
      { deviceId: input.lock, accessCodeId: input['access-code'] },
      context.now,
      hardware,
    );
    print(
      `Removed access code ${input['access-code']} at ${clean(result.name)} (${result.externalId}), if it was there; Keyhold still shows it as ${result.codeStatus}.`,
    );
  },
});

export const factoryResetCommand = defineCommand({
  summary:
    'Simulated locks: factory-reset the lock. It forgets every code and answers under a new device id; once discovery finds it, replace the old lock with it (new-locks, replace-lock) or from the dashboard.',
  synopsis: '--organization <id> --lock <device id>',
  flags: { organization: 'string', lock: 'string' },
  required: ['organization', 'lock'],
  schema: z.object({ organization: organizationFlag, lock: uuidFlag('a Keyhold device id') }),
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const { db, hardware } = context.database;
    const result = await factoryResetSimulatedLock(
      db,
      actor,
      { deviceId: input.lock },
      context.now,
      hardware,
    );
    print(
      `Factory reset ${clean(result.name)} (${result.externalId}). It now answers as a new device:`,
    );
    print(result.newExternalId);
  },
});

export const keypadCommand = defineCommand({
  summary:
    'Simulated locks: someone types a code at the keypad. The lock opens for a code it holds now, or refuses the digits; Keyhold reads the entry on its next tick.',
  synopsis: '--organization <id> --lock <device id> --code <digits> [--json]',
  flags: { organization: 'string', lock: 'string', code: 'string', json: 'boolean' },
  required: ['organization', 'lock', 'code'],
  schema: z.object({
    organization: organizationFlag,
    lock: uuidFlag('a Keyhold device id'),
    // Checked by lib's own rule; the flag only has to be there.
    code: z.string(),
    json: jsonFlag,
  }),
  fields: { code: 'code', device_id: 'lock' },
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const { db, hardware } = context.database;
    const entry = await enterCodeAtSimulatedKeypad(
      db,
      actor,
      { deviceId: input.lock, code: input.code },
      context.now,
      hardware,
    );
    // Never the digits: they may be a guest's code.
    if (input.json) {
      return printJson({ device_id: entry.id, outcome: entry.outcome, occurred_at: context.now });
    }
    print(
      entry.outcome === 'unlocked'
        ? `${clean(entry.name)} (${entry.externalId}): unlocked.`
        : `${clean(entry.name)} (${entry.externalId}): code refused.`,
    );
  },
});

export const unlockWithKeyCommand = defineCommand({
  summary: 'Simulated locks: someone opens the lock with a key. Keyhold reads it on its next tick.',
  synopsis: '--organization <id> --lock <device id> [--json]',
  flags: { organization: 'string', lock: 'string', json: 'boolean' },
  required: ['organization', 'lock'],
  schema: z.object({
    organization: organizationFlag,
    lock: uuidFlag('a Keyhold device id'),
    json: jsonFlag,
  }),
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const { db, hardware } = context.database;
    const lock = await unlockSimulatedLockWithKey(
      db,
      actor,
      { deviceId: input.lock },
      context.now,
      hardware,
    );
    if (input.json) {
      return printJson({ device_id: lock.id, outcome: 'unlocked', occurred_at: context.now });
    }
    print(`${clean(lock.name)} (${lock.externalId}): unlocked with a key.`);
  },
});
