// New locks discovery found: replace factory-reset locks with them (many at a time) or place them.

import { z } from 'zod';
import { getLock } from '../../lib/devices/locks';
import {
  listNewLocks,
  type NewLock,
  placeDevice,
  placeDeviceSchema,
} from '../../lib/devices/new-locks';
import { replaceDevice } from '../../lib/devices/replace';
import { actorFor, defineCommand, jsonFlag, organizationFlag, uuidFlag } from './cli';
import { clean, formatInstant, plural, print, printJson, printTable } from './output';

function describeSuggestion(pair: NewLock['suggestedReplaces']): string {
  if (!pair) return 'no likely pair';
  const where = [pair.room ? `room ${clean(pair.room)}` : '', clean(pair.propertyName)].filter(
    Boolean,
  );
  return `${pair.id}  ${clean(pair.name)}${where.length > 0 ? ` (${where.join(', ')})` : ''}`;
}

export const newLocksCommand = defineCommand({
  summary:
    'List the locks discovery found that nobody placed yet, newest first, each with the lock it most likely replaces (a factory reset).',
  synopsis: '--organization <id> [--json]',
  flags: { organization: 'string', json: 'boolean' },
  required: ['organization'],
  schema: z.object({ organization: organizationFlag, json: jsonFlag }),
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const locks = await listNewLocks(context.database.db, actor);
    if (input.json) return printJson({ organizationId: actor.organizationId, locks });
    const org = clean(actor.organizationName);
    if (locks.length === 0) return print(`No new locks in ${org}: every lock is placed.`);
    printTable(
      ['ID', 'NAME', 'FIRST SEEN', 'ONLINE', 'LIKELY REPLACES'],
      locks.map((lock) => [
        lock.id,
        clean(lock.name),
        formatInstant(lock.firstSeenAt),
        lock.online ? 'yes' : 'no',
        describeSuggestion(lock.suggestedReplaces),
      ]),
    );
    print(`${plural(locks.length, 'new lock')} in ${org}.`);
    print(
      'Replace a reset lock with replace-lock --old <the lock it replaces> --new <ID>, or place one with place-lock.',
    );
  },
});

export const replaceLockCommand = defineCommand({
  summary:
    "A new lock takes a factory-reset lock's place: its name, room, stays and codes (queued to be set again). The old lock is kept as replaced.",
  synopsis: '--organization <id> --old <device id> --new <device id> [--json]',
  flags: { organization: 'string', old: 'string', new: 'string', json: 'boolean' },
  required: ['organization', 'old', 'new'],
  fields: { oldDeviceId: 'old', newDeviceId: 'new' },
  schema: z
    .object({
      organization: organizationFlag,
      old: uuidFlag('the id of the lock that was reset'),
      new: uuidFlag('an id new-locks printed'),
      json: jsonFlag,
    })
    .check((ctx) => {
      if (ctx.value.old === ctx.value.new) {
        ctx.issues.push({
          code: 'custom',
          input: ctx.value,
          path: ['new'],
          message: 'is the same lock as --old; a lock cannot replace itself',
        });
      }
    }),
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const { db } = context.database;
    const result = await replaceDevice(
      db,
      actor,
      { oldDeviceId: input.old, newDeviceId: input.new },
      context.now,
    );
    // The old lock keeps its name; the new one has taken it too.
    const { name } = await getLock(db, actor, result.oldDeviceId, context.now);
    if (input.json) return printJson({ organizationId: actor.organizationId, name, ...result });
    print(
      `Replaced ${clean(name)} with the new lock: ${plural(result.moved, 'code')} queued for it, ${plural(result.poolClosed, 'pool code')} closed (the tick refills the pool).`,
    );
    if (result.changedDigits.length === 0) return;
    print("The new lock does not take these guests' digits; each gets a new code:");
    for (const guest of result.changedDigits) {
      print(
        `  ${clean(guest.guestName)} (reservation ${guest.reservationId}) gets a correction once the new code is set.`,
      );
    }
  },
});

export const placeLockCommand = defineCommand({
  summary:
    'Give a new lock that replaces nothing a property, a name and a room. Property ids are in list-locks --json.',
  synopsis:
    '--organization <id> --lock <device id> --property <id> --name "Room 204" [--room 204] [--json]',
  flags: {
    organization: 'string',
    lock: 'string',
    property: 'string',
    name: 'string',
    room: 'string',
    json: 'boolean',
  },
  required: ['organization', 'lock', 'property', 'name'],
  fields: {
    deviceId: 'lock',
    device_id: 'lock',
    propertyId: 'property',
    name: 'name',
    room: 'room',
  },
  schema: z.object({
    organization: organizationFlag,
    lock: uuidFlag('an id new-locks printed'),
    property: uuidFlag('a property id'),
    name: placeDeviceSchema.shape.name,
    room: placeDeviceSchema.shape.room,
    json: jsonFlag,
  }),
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const { db } = context.database;
    await placeDevice(
      db,
      actor,
      { deviceId: input.lock, propertyId: input.property, name: input.name, room: input.room },
      context.now,
    );
    const lock = await getLock(db, actor, input.lock, context.now);
    if (input.json) {
      const { id, name, room, propertyId, propertyName } = lock;
      return printJson({
        organizationId: actor.organizationId,
        lock: { id, name, room, propertyId, propertyName },
      });
    }
    const room = lock.room ? `, room ${clean(lock.room)},` : '';
    print(`Placed ${clean(lock.name)}${room} at ${clean(lock.propertyName)}.`);
  },
});
