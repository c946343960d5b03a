import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Column, is, noopDecoder, type SQL, sql } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import type { SelectResultFields } from 'drizzle-orm/query-builders/select.types';
import postgres from 'postgres';
import { env } from '@/lib/env';
import * as schema from './schema';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything a query function can run on: the database or an open transaction. */
export type Executor = Db | Tx;

export type Database = {
  db: Db;
  /**
   * For the simulated adapter's locks only: a small pool whose commits do not
   * wait for the disk. A simulated lock stands in for hardware, whose memory is
   * not Keyhold's data; Keyhold's own rows always go through `db`.
   */
  hardware: Db;
  kind: 'pglite' | 'postgres';
  close(): Promise<void>;
};

export const migrationsFolder = join(process.cwd(), 'db', 'migrations');

/** Any constant works; it only has to be the same in every Keyhold instance. */
const MIGRATION_LOCK_KEY = 7_304_221;

/**
 * Open a database and bring its schema up to date. With a URL, postgres.js
 * against that server; otherwise an embedded PGlite in `pgliteDir` (or in
 * memory when it is undefined).
 */
export async function openDatabase(options: {
  url?: string;
  pgliteDir?: string;
  max?: number;
}): Promise<Database> {
  if (options.url) {
    // Several instances may start at once: one migrates, the others wait. The
    // advisory lock belongs to a session, so migrate over a one-connection client.
    const migrator = postgres(options.url, { max: 1, onnotice: () => {} });
    try {
      await migrator`select pg_advisory_lock(${MIGRATION_LOCK_KEY})`;
      await migratePostgres(drizzlePostgres({ client: migrator }), { migrationsFolder });
    } finally {
      await migrator.end({ timeout: 5 });
    }
    const client = postgres(options.url, { max: options.max ?? 10, onnotice: () => {} });
    const hardwareClient = postgres(options.url, {
      max: 8,
      onnotice: () => {},
      connection: { synchronous_commit: 'off' },
    });
    const db = drizzlePostgres({ client, schema }) as unknown as Db;
    return {
      db,
      hardware: drizzlePostgres({ client: hardwareClient, schema }) as unknown as Db,
      kind: 'postgres',
      close: async () => {
        await Promise.all([client.end({ timeout: 5 }), hardwareClient.end({ timeout: 5 })]);
      },
    };
  }
  let release = () => {};
  if (options.pgliteDir) {
    mkdirSync(dirname(options.pgliteDir), { recursive: true });
    release = claimDirectory(options.pgliteDir);
  }
  const client = await PGlite.create(options.pgliteDir);
  const db = drizzlePglite({ client, schema });
  await migratePglite(db, { migrationsFolder });
  return {
    db: db as unknown as Db,
    hardware: db as unknown as Db,
    kind: 'pglite',
    close: async () => {
      await client.close();
      release();
    },
  };
}

/**
 * PGlite does not lock its directory, and two processes on one directory
 * silently lose each other's writes. Keep a lock file with our pid; a lock
 * left by a process that is gone is taken over.
 */
function claimDirectory(dir: string): () => void {
  const lockFile = `${dir}.lock`;
  for (let attempt = 0; ; attempt++) {
    try {
      // `wx`: exactly one process creates the lock file.
      writeFileSync(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 0) throw error;
      const holder = Number(readFileSync(lockFile, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new DatabaseInUseError(
          `The embedded database ${dir} is in use by process ${holder}. Stop that process, or set PGLITE_DIR to another directory.`,
        );
      }
      // Left by a process that is gone (or by us): take it over.
      rmSync(lockFile, { force: true });
    }
  }
  const release = () => rmSync(lockFile, { force: true });
  process.once('exit', release);
  return () => {
    process.off('exit', release);
    release();
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class DatabaseInUseError extends Error {}

// PGlite does not lock its directory: two instances on one directory silently
// lose each other's writes. Keep exactly one per process, across Next's bundles.
const shared = globalThis as unknown as { __keyholdDatabase?: Promise<Database> };

/** The process's database, opened and migrated on first use. */
export function getDatabase(): Promise<Database> {
  if (!shared.__keyholdDatabase) {
    const settings = env();
    shared.__keyholdDatabase = openDatabase({
      url: settings.DATABASE_URL,
      pgliteDir: settings.pgliteDir,
    }).catch((error: unknown) => {
      shared.__keyholdDatabase = undefined;
      throw error;
    });
  }
  return shared.__keyholdDatabase;
}

export async function getDb(): Promise<Db> {
  return (await getDatabase()).db;
}

/** Rows of a raw query, whichever driver ran it. */
export async function queryRows<T extends Record<string, unknown>>(
  executor: Executor,
  query: SQL,
): Promise<T[]> {
  const result = (await executor.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

export { schema, sql };

/**
 * `column = any($1::uuid[])`: a list of ids as one parameter, however long.
 * drizzle's inArray sends one parameter per id; for the hundreds of stays on
 * the arrivals board, building that statement and planning it cost more than
 * running it. Each id is quoted, so whatever a string holds it stays one
 * element (and one that is no uuid fails as it would in inArray).
 */
export function inIds(column: Column | SQL, ids: readonly string[]): SQL {
  const items = ids.map((id) => `"${id.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`);
  return sql`${column} = any(${`{${items.join(',')}}`}::uuid[])`;
}

const preparedByExecutor = new WeakMap<object, Map<string, unknown>>();

/**
 * A prepared query, built once per database handle (or transaction): hot
 * reads are planned by Postgres once instead of on every request.
 */
export function prepared<T>(executor: Executor, name: string, build: () => T): T {
  let byName = preparedByExecutor.get(executor);
  if (!byName) {
    byName = new Map();
    preparedByExecutor.set(executor, byName);
  }
  let query = byName.get(name) as T | undefined;
  if (!query) {
    query = build();
    byName.set(name, query);
  }
  return query;
}

/** What `jsonRows` reads: columns and SQL expressions, keyed as the rows will be. */
export type JsonRowColumns = Record<string, Column | SQL>;

/**
 * Column types whose JSON is the value `db.select` gives (a timestamp with
 * its zone is turned back into a Date). Others would come back different: a
 * numeric or bigint as a number, not the driver's string; a timestamp without
 * a zone read in the process's zone.
 */
const JSON_AS_SELECTED = new Set([
  'PgUUID',
  'PgText',
  'PgVarchar',
  'PgEnumColumn',
  'PgBoolean',
  'PgInteger',
  'PgSmallInt',
  'PgReal',
  'PgDoublePrecision',
  'PgJsonb',
  'PgTime',
]);

function readsAsSelected(column: Column | SQL): boolean {
  if (!is(column, Column)) {
    // An expression read as is; one mapped by `mapWith` would lose its mapping.
    return (column as unknown as { decoder: unknown }).decoder === noopDecoder;
  }
  if (column.columnType === 'PgTimestamp') {
    return (column as unknown as { withTimezone: boolean }).withTimezone;
  }
  return JSON_AS_SELECTED.has(column.columnType);
}

/**
 * A read of hundreds of rows without the ORM's row mapping. Postgres writes
 * the rows as one JSON text of arrays (`json_agg(json_build_array(…))`, in the
 * columns' order), V8 parses it natively, and each array becomes an object
 * keyed as `columns` is, timestamps as Dates: the same rows `db.select(columns)`
 * gives (a column type for which it would not be is refused when the read is
 * defined). Mapping rows field by field through the ORM cost the arrivals
 * board and the API's `list` more CPU than the rest of their work (issue 23);
 * `json_agg` of whole rows costs Postgres twice what the arrays do.
 *
 * Select `aggregate(…)` as a column of a query on the columns' tables (or of
 * a subquery), then `parse` its text.
 */
export function jsonRows<C extends JsonRowColumns>(columns: C) {
  const keys = Object.keys(columns);
  // json_build_array takes at most 100 arguments.
  if (keys.length > 100) throw new Error('jsonRows reads at most 100 columns');
  const refused = keys.filter((key) => !readsAsSelected(columns[key] as Column | SQL));
  if (refused.length > 0) {
    throw new Error(`jsonRows cannot read ${refused.join(', ')} as db.select would`);
  }
  const isDate = keys.map((key) => {
    const column = columns[key];
    return is(column, Column) && column.dataType === 'date';
  });
  return {
    /** The rows as JSON text, `'[]'` for none; `orderBy` orders them (`order by` itself included). */
    aggregate(orderBy?: SQL): SQL<string> {
      const values = sql.join(
        keys.map((key) => sql`${columns[key]}`),
        sql`, `,
      );
      return sql<string>`coalesce(json_agg(json_build_array(${values}) ${orderBy ?? sql``})::text, '[]')`;
    },
    parse(text: string | null | undefined): SelectResultFields<C>[] {
      const arrays = JSON.parse(text ?? '[]') as unknown[][];
      return arrays.map((values) => {
        const row: Record<string, unknown> = {};
        for (let i = 0; i < keys.length; i++) {
          const value = values[i] ?? null;
          row[keys[i] as string] = isDate[i] && value !== null ? new Date(value as string) : value;
        }
        return row as SelectResultFields<C>;
      });
    },
  };
}
