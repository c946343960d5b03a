// The simulated adapter's hardware, driven by hand for demos: unplug, reconnect, tamper, reset.

import { z } from 'zod';
import {
  factoryResetSimulatedLock,
  removeAccessCodeAtSimulatedLock,
  setSimulatedLockOnline,
} from '../../lib/devices/simulated-controls';
import { actorFor, defineCommand, organizationFlag, uuidFlag } from './cli';
import { clean, print } from './output';

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
