// An organization's locks: listing them, their backup pools, and bringing in a Seam workspace's
// or a Z-Wave JS Server's.

import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { setBackupPool } from '../../lib/backup-pools/pools';
import {
  connectSeam,
  connectSeamSchema,
  connectZwave,
  connectZwaveSchema,
} from '../../lib/devices/connections';
import { type LockSummary, listLocks, listLocksSchema } from '../../lib/devices/locks';
import { actorFor, defineCommand, jsonFlag, organizationFlag, UsageError, uuidFlag } from './cli';
import { clean, print, printJson, printTable } from './output';

export const listLocksCommand = defineCommand({
  summary: "List an organization's active locks, optionally matching a name, room or property.",
  synopsis: '--organization <id> [--search 204] [--json]',
  flags: { organization: 'string', search: 'string', json: 'boolean' },
  required: ['organization'],
  schema: z.object({
    organization: organizationFlag,
    search: listLocksSchema.shape.search,
    json: jsonFlag,
  }),
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const locks: LockSummary[] = [];
    for (let page = 1; ; page++) {
      const result = await listLocks(
        context.database.db,
        actor,
        { search: input.search, page },
        context.now,
      );
      locks.push(...result.locks);
      if (result.locks.length < result.pageSize || locks.length >= result.total) break;
    }
    if (input.json) return printJson({ organizationId: actor.organizationId, locks });
    const org = clean(actor.organizationName);
    if (locks.length === 0) {
      return print(
        input.search
          ? `No locks in ${org} match "${clean(input.search)}".`
          : `No locks in ${org} yet.`,
      );
    }
    printTable(
      ['ID', 'NAME', 'ROOM', 'ONLINE', 'BATTERY', 'CODES ON LOCK'],
      locks.map((lock) => [
        lock.id,
        clean(lock.name),
        clean(lock.room) || '-',
        lock.online ? 'yes' : 'no',
        lock.batteryLevel === null ? '-' : `${Math.round(lock.batteryLevel * 100)}%`,
        lock.slotLimit === null
          ? String(lock.codesOnLock)
          : `${lock.codesOnLock}/${lock.slotLimit}`,
      ]),
    );
    print(`${locks.length} ${locks.length === 1 ? 'lock' : 'locks'} in ${org}.`);
  },
});

export const backupPoolCommand = defineCommand({
  summary:
    'Turn backup code pools on or off for one lock or every lock of a property. Off takes unpulled backup codes off the locks.',
  synopsis: '--organization <id> (--lock <device id> | --property <id>) --state on|off',
  flags: { organization: 'string', lock: 'string', property: 'string', state: 'string' },
  required: ['organization', 'state'],
  schema: z.object({
    organization: organizationFlag,
    lock: uuidFlag('a Keyhold device id').optional(),
    property: uuidFlag('a property id').optional(),
    state: z.enum(['on', 'off'], { error: 'must be on or off' }),
  }),
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const { locks } = await setBackupPool(
      context.database.db,
      actor,
      { deviceId: input.lock, propertyId: input.property, enabled: input.state === 'on' },
      context.now,
    );
    print(`Backup code pools turned ${input.state} on ${locks} lock${locks === 1 ? '' : 's'}.`);
  },
});

export const connectSeamCommand = defineCommand({
  summary:
    'Connect a Seam workspace: check its API key, keep it encrypted, and bring its locks into a property (with backup pools unless --no-backup-pool). The key is read from stdin, never from a flag.',
  synopsis:
    '--organization <id> --property <id> --name "Harbor Seam" --api-key-stdin [--no-backup-pool] [--json] < seam-key.txt',
  flags: {
    organization: 'string',
    property: 'string',
    name: 'string',
    'api-key-stdin': 'boolean',
    'no-backup-pool': 'boolean',
    json: 'boolean',
  },
  required: ['organization', 'property', 'name', 'api-key-stdin'],
  fields: { propertyId: 'property', name: 'name', apiKey: 'api-key-stdin' },
  schema: z.object({
    organization: organizationFlag,
    property: uuidFlag('a property id'),
    name: connectSeamSchema.shape.name,
    'api-key-stdin': z.literal(true, { error: 'required: pipe the key in' }),
    'no-backup-pool': z.boolean().default(false),
    json: jsonFlag,
    apiKey: z.string().default(''),
  }),
  prepare(input) {
    if (process.stdin.isTTY) {
      throw new UsageError(
        'Invalid --api-key-stdin: stdin is a terminal; pipe the key in, e.g. < seam-key.txt',
      );
    }
    const parsed = connectSeamSchema.shape.apiKey.safeParse(readFileSync(0, 'utf8'));
    if (!parsed.success) {
      throw new UsageError(`Invalid --api-key-stdin: ${parsed.error.issues[0]?.message}`);
    }
    return { ...input, apiKey: parsed.data };
  },
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const result = await connectSeam(
      context.database.db,
      actor,
      {
        name: input.name,
        apiKey: input.apiKey,
        propertyId: input.property,
        backupPool: !input['no-backup-pool'],
      },
      context.now,
    );
    if (input.json) return printJson(result);
    print(
      `Connected “${clean(input.name)}”: ${result.imported} lock${result.imported === 1 ? '' : 's'} imported.`,
    );
    print(`Connection id: ${result.connectionId}`);
  },
});

export const connectZwaveCommand = defineCommand({
  summary:
    'Connect a Z-Wave JS Server (Z-Wave JS UI, or zwave-js-server beside the Z-Wave stick): check its WebSocket address with one call, keep it encrypted, and bring the network’s locks into a property (with backup pools unless --no-backup-pool).',
  synopsis:
    '--organization <id> --property <id> --name "Harbor Z-Wave" --url ws://zwave-js:3000 [--no-backup-pool] [--json]',
  flags: {
    organization: 'string',
    property: 'string',
    name: 'string',
    url: 'string',
    'no-backup-pool': 'boolean',
    json: 'boolean',
  },
  required: ['organization', 'property', 'name', 'url'],
  fields: { propertyId: 'property', name: 'name', url: 'url' },
  schema: z.object({
    organization: organizationFlag,
    property: uuidFlag('a property id'),
    name: connectZwaveSchema.shape.name,
    url: connectZwaveSchema.shape.url,
    'no-backup-pool': z.boolean().default(false),
    json: jsonFlag,
  }),
  async run(input, context) {
    const actor = await actorFor(context, input.organization);
    const result = await connectZwave(
      context.database.db,
      actor,
      {
        name: input.name,
        url: input.url,
        propertyId: input.property,
        backupPool: !input['no-backup-pool'],
      },
      context.now,
    );
    if (input.json) return printJson(result);
    print(
      `Connected “${clean(input.name)}”: ${result.imported} lock${result.imported === 1 ? '' : 's'} imported.`,
    );
    print(`Connection id: ${result.connectionId}`);
  },
});
