// The admin CLI's core: a command's flags parsed and checked with zod, help,
// one-line errors, exit codes, and the database opened and closed around the run.

import { parseArgs } from 'node:util';
import { z } from 'zod';
import { type Database, DatabaseInUseError, openDatabase } from '../../db/client';
import type { Actor } from '../../lib/auth/actor';
import { clock } from '../../lib/clock';
import { EnvError, env } from '../../lib/env';
import { AppError } from '../../lib/errors';
import { serializeError } from '../../lib/log';
import { operatorActor } from '../../lib/organizations/admin';
import { clean } from './output';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** Bad command-line input: one line naming the flag, exit 2, nothing opened or written. */
export class UsageError extends Error {}

export type Context = { database: Database; now: Date };

export type Command<S extends z.ZodType> = {
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

export const defineCommand = <S extends z.ZodType>(command: Command<S>) => command;

/** A command with its input type forgotten: the core hands it only what its own schema made. */
type AnyCommand = Command<z.ZodType>;

/** Commands by the name an operator types, in the order help lists them. */
export type Commands = Record<string, Pick<AnyCommand, 'summary' | 'synopsis'>>;

export const uuidFlag = (what: string) => z.uuid({ error: `must be a UUID (${what})` });
export const organizationFlag = uuidFlag('the id create-organization printed');
export const jsonFlag = z.boolean().default(false);

export async function actorFor(context: Context, organizationId: string): Promise<Actor> {
  return operatorActor(context.database.db, organizationId);
}

function usage(commands: Commands): string {
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
  command: AnyCommand,
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
function flagOf(command: AnyCommand, field: string | undefined): string | undefined {
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

/**
 * Run one command from argv (without node and the script) and return the exit
 * code. The database is opened only once the flags are valid, and always closed.
 */
export async function runCli(commands: Commands, argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    process.stdout.write(usage(commands));
    return EXIT_OK;
  }
  if (!Object.hasOwn(commands, name)) {
    process.stderr.write(`Unknown command "${clean(name)}".\n\n${usage(commands)}`);
    return EXIT_USAGE;
  }
  const command = commands[name] as AnyCommand;

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
