// `npm run admin -- <command> [--flags]`: the operator's tool for what has no
// screen yet — organizations, first members, API keys — for replacing
// factory-reset locks many at a time, and for driving the simulated adapter in
// demos. Bad flags exit 2 before the database is opened; expected failures
// (AppError) exit 1 with their message, naming the flag when the command maps
// the error's field to one; anything else exits 1 with a generic line, details
// only under LOG_LEVEL=debug.

import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type Database, DatabaseInUseError, openDatabase } from '../db/client';
import { createApiKey, createApiKeySchema, revokeApiKey } from '../lib/api-keys';
import type { Actor } from '../lib/auth/actor';
import { setBackupPool } from '../lib/backup-pools/pools';
import { clock } from '../lib/clock';
import { connectSeam, connectSeamSchema } from '../lib/devices/connections';
import { getLock, type LockSummary, listLocks, listLocksSchema } from '../lib/devices/locks';
import {
  listNewLocks,
  type NewLock,
  placeDevice,
  placeDeviceSchema,
} from '../lib/devices/new-locks';
import { replaceDevice } from '../lib/devices/replace';
import {
  factoryResetSimulatedLock,
  removeAccessCodeAtSimulatedLock,
  setSimulatedLockOnline,
} from '../lib/devices/simulated-controls';
import { EnvError, env } from '../lib/env';
import { AppError } from '../lib/errors';
import { serializeError } from '../lib/log';
import {
  addMember,
  addMemberSchema,
  createOrganization,
  createOrganizationSchema,
  operatorActor,
} from '../lib/organizations/admin';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** Bad command-line input: one line naming the flag, exit 2, nothing opened or written. */
class UsageError extends Error {}

type Context = { database: Database; now: Date };

type Command<S extends z.ZodType> = {
  summary: string;
  /** The flags after the command name, as shown in the usage text. */
  synopsis: string;
  flags: Record<string, 'string' | 'boolean'>;
  required: string[];
  schema: S;
  /** Input that must not come from argv (a password on stdin), checked before the database opens. */
  prepare?: (input: z.output<S>) => z.output<S>;
  /** The flag behind each field an AppError may name, so the one line names the flag. */
  fields?: Record<string, string>;
  run(input: z.output<S>, context: Context): Promise<void>;
};

const defineCommand = <S extends z.ZodType>(command: Command<S>) => command;

const uuidFlag = (what: string) => z.uuid({ error: `must be a UUID (${what})` });
const organizationFlag = uuidFlag('the id create-organization printed');
const jsonFlag = z.boolean().default(false);

function print(line = ''): void {
  process.stdout.write(`${line}\n`);
}

function printJson(value: unknown): void {
  print(JSON.stringify(value, null, 2));
}

/** Names and rooms come from people and adapters; keep one row on one line. */
function clean(text: string | null | undefined): string {
  return [...(text ?? '')].map((c) => (c < ' ' || c === '\u007f' ? ' ' : c)).join('');
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** To the minute, in UTC: the organization's zone is not at hand and the lock has no property yet. */
function formatInstant(at: Date): string {
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

function describeSuggestion(pair: NewLock['suggestedReplaces']): string {
  if (!pair) return 'no likely pair';
  const where = [pair.room ? `room ${clean(pair.room)}` : '', clean(pair.propertyName)].filter(
    Boolean,
  );
  return `${pair.id}  ${clean(pair.name)}${where.length > 0 ? ` (${where.join(', ')})` : ''}`;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  for (const row of [header, ...rows]) {
    print(
      row
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    );
  }
}

async function actorFor(context: Context, organizationId: string): Promise<Actor> {
  return operatorActor(context.database.db, organizationId);
}

const commands = {
  'create-organization': defineCommand({
    summary: 'Create an organization and a first property of the same name and time zone.',
    synopsis: '--name "Harbor Hotel" [--time-zone America/New_York] [--json]',
    flags: { name: 'string', 'time-zone': 'string', json: 'boolean' },
    required: ['name'],
    schema: z.object({
      name: createOrganizationSchema.shape.name,
      'time-zone': createOrganizationSchema.shape.timeZone,
      json: jsonFlag,
    }),
    async run(input, { database }) {
      const org = await createOrganization(database.db, {
        name: input.name,
        timeZone: input['time-zone'],
      });
      if (input.json) return printJson(org);
      print(
        `Created organization ${clean(org.name)} (${org.timeZone}) with a property of the same name.`,
      );
      print(`Organization id: ${org.id}`);
    },
  }),

  'create-user': defineCommand({
    summary:
      'Add a member to an organization. A new email gets a user with this name and password; an existing user keeps theirs and only gains the membership.',
    synopsis:
      '--organization <id> --email ann@example.com --name "Ann" --role admin|owner|front_desk (--password <pw> | --password-stdin) [--json]',
    flags: {
      organization: 'string',
      email: 'string',
      name: 'string',
      role: 'string',
      password: 'string',
      'password-stdin': 'boolean',
      json: 'boolean',
    },
    required: ['organization', 'email', 'name', 'role'],
    schema: z
      .object({
        organization: organizationFlag,
        email: addMemberSchema.shape.email,
        name: addMemberSchema.shape.name,
        role: addMemberSchema.shape.role,
        password: addMemberSchema.shape.password.optional(),
        'password-stdin': z.boolean().default(false),
        json: jsonFlag,
      })
      .check((ctx) => {
        const { password, 'password-stdin': fromStdin } = ctx.value;
        if (password !== undefined && fromStdin) {
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            path: ['password'],
            message: 'give --password or --password-stdin, not both',
          });
        } else if (password === undefined && !fromStdin) {
          ctx.issues.push({
            code: 'custom',
            input: ctx.value,
            path: ['password'],
            message: 'required (or pipe it in with --password-stdin)',
          });
        }
      }),
    prepare(input) {
      if (!input['password-stdin']) return input;
      if (process.stdin.isTTY) {
        throw new UsageError(
          'Invalid --password-stdin: stdin is a terminal; pipe the password in, e.g. < password.txt',
        );
      }
      // One trailing newline is what `echo` and most files add; anything else is the password.
      const password = readFileSync(0, 'utf8').replace(/\r?\n$/, '');
      const parsed = addMemberSchema.shape.password.safeParse(password);
      if (!parsed.success) {
        throw new UsageError(`Invalid --password-stdin: ${parsed.error.issues[0]?.message}`);
      }
      return { ...input, password: parsed.data };
    },
    async run(input, context) {
      const actor = await actorFor(context, input.organization);
      const member = await addMember(context.database.db, actor, {
        email: input.email,
        name: input.name,
        role: input.role,
        password: input.password ?? '',
      });
      if (input.json) return printJson({ ...member, organizationId: actor.organizationId });
      print(
        member.createdUser
          ? `Created user ${member.email} (${clean(member.name)}) as ${member.role} of ${clean(actor.organizationName)}.`
          : `${member.email} already had an account: added as ${member.role} of ${clean(actor.organizationName)}; their name and password are unchanged.`,
      );
      print(`User id: ${member.userId}`);
    },
  }),

  'create-api-key': defineCommand({
    summary: 'Create a key for the Seam-style API. The key is printed once and never again.',
    synopsis: '--organization <id> --name "PMS" [--json]',
    flags: { organization: 'string', name: 'string', json: 'boolean' },
    required: ['organization', 'name'],
    schema: z.object({
      organization: organizationFlag,
      name: createApiKeySchema.shape.name,
      json: jsonFlag,
    }),
    async run(input, context) {
      const actor = await actorFor(context, input.organization);
      const { apiKey, key } = await createApiKey(context.database.db, actor, { name: input.name });
      if (input.json) return printJson({ ...key, apiKey });
      print(
        `Created API key "${clean(key.name)}" (id ${key.id}) for ${clean(actor.organizationName)}.`,
      );
      print('Copy it now; it is not shown again:');
      print(apiKey);
    },
  }),

  'revoke-api-key': defineCommand({
    summary: 'Revoke an API key; requests with it fail from now on. Revoking twice is harmless.',
    synopsis: '--organization <id> --key-id <uuid>',
    flags: { organization: 'string', 'key-id': 'string' },
    required: ['organization', 'key-id'],
    schema: z.object({
      organization: organizationFlag,
      'key-id': uuidFlag('the id create-api-key printed'),
    }),
    async run(input, context) {
      const actor = await actorFor(context, input.organization);
      await revokeApiKey(context.database.db, actor, input['key-id'], context.now);
      print(`Revoked API key ${input['key-id']}.`);
    },
  }),

  'list-locks': defineCommand({
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
        const result = await listLocks(context.database.db, actor, { search: input.search, page });
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
  }),

  'backup-pool': defineCommand({
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
  }),

  'lock-offline': defineCommand({
    summary: 'Simulated locks: unplug the lock. Keyhold notices on its next call to it.',
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
        { deviceId: input.lock, online: false },
        context.now,
        hardware,
      );
      print(`${clean(lock.name)} (${lock.externalId}) is now offline.`);
    },
  }),

  'lock-online': defineCommand({
    summary: 'Simulated locks: reconnect the lock.',
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
        { deviceId: input.lock, online: true },
        context.now,
        hardware,
      );
      print(`${clean(lock.name)} (${lock.externalId}) is back online.`);
    },
  }),

  'remove-code-at-lock': defineCommand({
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
  }),

  'new-locks': defineCommand({
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
  }),

  'replace-lock': defineCommand({
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
      const { name } = await getLock(db, actor, result.oldDeviceId);
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
  }),

  'connect-seam': defineCommand({
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
  }),

  'place-lock': defineCommand({
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
      const lock = await getLock(db, actor, input.lock);
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
  }),

  'factory-reset': defineCommand({
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
  }),
};

type CommandName = keyof typeof commands;

function usage(): string {
  const lines = [
    'Usage: npm run admin -- <command> [--flags]',
    '',
    'Commands:',
    ...Object.entries(commands).flatMap(([name, command]) => [
      `  ${name} ${command.synopsis}`,
      `      ${command.summary}`,
    ]),
    '  help',
    '      Show this text.',
    '',
    'The database is DATABASE_URL, or the embedded one in PGLITE_DIR (default .data/pglite),',
    'which must not be open in another process. Set LOG_LEVEL=debug to see details of a failure.',
  ];
  return `${lines.join('\n')}\n`;
}

/**
 * argv after the command name into flag values, refusing anything the command
 * does not take. Checked by hand from parseArgs' tokens so every complaint is
 * one line that names the flag.
 */
function parseFlags(
  name: string,
  command: Command<z.ZodType>,
  args: string[],
): Record<string, string | boolean> {
  const options = Object.fromEntries(
    Object.entries(command.flags).map(([flag, type]) => [flag, { type }]),
  );
  const { tokens } = parseArgs({
    args,
    options,
    strict: false,
    allowPositionals: true,
    tokens: true,
  });
  const values: Record<string, string | boolean> = {};
  for (const token of tokens) {
    if (token.kind === 'positional') {
      // Not echoed: the second word of an unquoted password lands here.
      throw new UsageError(
        `Unexpected argument for ${name}: flags start with --, and a value with spaces needs quotes.`,
      );
    }
    if (token.kind !== 'option') continue;
    const type = Object.hasOwn(command.flags, token.name) ? command.flags[token.name] : undefined;
    if (!type || token.rawName !== `--${token.name}`) {
      throw new UsageError(`Unknown flag ${token.rawName} for ${name}; see npm run admin -- help.`);
    }
    if (Object.hasOwn(values, token.name))
      throw new UsageError(`Invalid --${token.name}: given more than once`);
    if (type === 'boolean') {
      if (token.value !== undefined)
        throw new UsageError(`Invalid --${token.name}: takes no value`);
      values[token.name] = true;
      continue;
    }
    // `--name --json` would make "--json" the name; a value that looks like a flag must be inline.
    if (token.value === undefined || (!token.inlineValue && token.value.startsWith('--'))) {
      throw new UsageError(`Invalid --${token.name}: needs a value`);
    }
    values[token.name] = token.value;
  }
  for (const flag of command.required) {
    if (values[flag] === undefined) throw new UsageError(`Missing --${flag}: it is required`);
  }
  return values;
}

function validate<S extends z.ZodType>(command: Command<S>, values: Record<string, unknown>) {
  const parsed = command.schema.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UsageError(
      `Invalid --${String(issue?.path[0] ?? '')}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return command.prepare ? command.prepare(parsed.data) : parsed.data;
}

/** One line an operator can act on; never a URL's password. */
function describeOpenError(error: unknown, url: string | undefined, dir: string): string {
  if (error instanceof DatabaseInUseError) return error.message;
  const detail = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  if (!url) return `The embedded database in ${dir} could not be opened: ${detail}`;
  const code = (error as { code?: unknown })?.code;
  const { hostname, port } = new URL(url);
  return `Could not open DATABASE_URL (${hostname}:${port || 5432}): ${typeof code === 'string' ? code : detail}`;
}

/** The flag an AppError's field came from, when the command says. */
function flagOf(command: Command<z.ZodType>, field: string | undefined): string | undefined {
  const fields = command.fields ?? {};
  return field !== undefined && Object.hasOwn(fields, field) ? fields[field] : undefined;
}

function debugEnabled(): boolean {
  return ['debug', 'trace'].includes(process.env.LOG_LEVEL ?? '');
}

function fail(message: string, error?: unknown): number {
  process.stderr.write(`${message.replace(/\s*\n\s*/g, ' ')}\n`);
  if (error !== undefined && debugEnabled()) {
    process.stderr.write(`${JSON.stringify(serializeError(error), null, 2)}\n`);
  }
  return EXIT_FAILED;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage());
    return EXIT_OK;
  }
  if (!Object.hasOwn(commands, name)) {
    process.stderr.write(`Unknown command "${clean(name)}".\n\n${usage()}`);
    return EXIT_USAGE;
  }
  const command = commands[name as CommandName] as unknown as Command<z.ZodType>;

  let input: unknown;
  try {
    input = validate(command, parseFlags(name, command, args));
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n`);
      return EXIT_USAGE;
    }
    return fail(
      `Unexpected error reading the flags of ${name}. Set LOG_LEVEL=debug for details.`,
      error,
    );
  }

  let settings: ReturnType<typeof env>;
  try {
    settings = env();
  } catch (error) {
    if (error instanceof EnvError) return fail(error.message);
    return fail('Unexpected error reading the settings. Set LOG_LEVEL=debug for details.', error);
  }

  let database: Database;
  try {
    database = await openDatabase({
      url: settings.DATABASE_URL,
      pgliteDir: settings.pgliteDir,
      max: 2,
    });
  } catch (error) {
    return fail(describeOpenError(error, settings.DATABASE_URL, settings.pgliteDir), error);
  }

  try {
    await command.run(input, { database, now: clock.now() });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof AppError) {
      const flag = flagOf(command, error.options.field);
      return fail(flag ? `Invalid --${flag}: ${error.message}` : error.message, error);
    }
    return fail(
      `Unexpected error in ${name}; nothing more is shown by default. Set LOG_LEVEL=debug for details.`,
      error,
    );
  } finally {
    await database.close().catch(() => {});
  }
}

const code = await main(process.argv.slice(2));
process.exitCode = code;
// Everything is closed; if a stray handle keeps the process up, do not hang the operator's shell.
setTimeout(() => process.exit(code), 2000).unref();
