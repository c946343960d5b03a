import { type SQL, sql } from 'drizzle-orm';
import { type AccessCode, type AccessCodeStatus, accessCodes } from '@/db/schema';

/**
 * The rules about one access code that pages, queries, alerts and messages all
 * ask ("is it on the lock?", "is it finished?"), each written once.
 *
 * A rule is a small expression over the code's columns. The same expression
 * is evaluated in TypeScript over a row (`rule.test(row, now)`) and turned
 * into a SQL condition for a query (`rule.sql()` against `access_codes`, or
 * `rule.sql('c')` inside a raw query that calls the table `c`), so the two
 * can never drift apart; `predicates.test.ts` runs a table of codes through
 * both on a real Postgres. Comparisons are two-valued in SQL as in
 * TypeScript: a NULL never matches, and `not` of a non-match is a match.
 * Columns that are never NULL are compared plainly (no coalesce), so Postgres
 * can see a partial index that covers a rule; that is why a rule is for real
 * rows only, never for the all-NULL side of an outer join (use it inside the
 * join's `on`, or under `count(c.id) filter (…)`, as the queries here do).
 */

/** The columns a rule may read, with the TypeScript names of `access_codes`. */
export type CodeFacts = Pick<
  AccessCode,
  | 'type'
  | 'status'
  | 'desiredState'
  | 'externalRef'
  | 'startsAt'
  | 'endsAt'
  | 'deletedAt'
  | 'errors'
  | 'isBackup'
  | 'pulledAt'
  | 'lastAttemptAt'
  | 'removedFromDeviceAt'
  | 'isScheduledOnDevice'
>;

type Column = keyof CodeFacts;
type TimeColumn =
  | 'startsAt'
  | 'endsAt'
  | 'deletedAt'
  | 'pulledAt'
  | 'lastAttemptAt'
  | 'removedFromDeviceAt';
type Value = string | boolean;

type Expr =
  | { op: 'and' | 'or'; of: Expr[] }
  | { op: 'not'; of: Expr }
  /** The column holds one of these values (never a NULL). */
  | { op: 'in'; column: Column; values: readonly Value[] }
  | { op: 'null'; column: Column }
  /** An issue list with nothing in it. */
  | { op: 'empty'; column: 'errors' }
  /** An issue list holding this issue. */
  | { op: 'has'; column: 'errors'; issue: string }
  /** The time has come: column <= now (never a NULL). */
  | { op: 'reached'; column: TimeColumn }
  /** One time after another (never a NULL). */
  | { op: 'later'; column: TimeColumn; than: TimeColumn };

const and = (...of: Expr[]): Expr => ({ op: 'and', of });
const or = (...of: Expr[]): Expr => ({ op: 'or', of });
const not = (of: Expr): Expr => ({ op: 'not', of });
const is = (column: Column, ...values: Value[]): Expr => ({ op: 'in', column, values });
const isNull = (column: Column): Expr => ({ op: 'null', column });
const reached = (column: TimeColumn): Expr => ({ op: 'reached', column });

export type CodeRule<C extends Column = Column> = {
  /** The columns the rule reads: a row needs only these. */
  columns: readonly C[];
  /** The rule over one row, at `now` where the rule depends on time. */
  test(code: Pick<CodeFacts, C>, now?: Date): boolean;
  /**
   * The rule as a SQL condition: on `access_codes` through drizzle's columns,
   * or on a raw query's name for the table (`{ table: 'c' }`).
   */
  sql(options?: { table?: string; now?: Date }): SQL;
};

function rule<C extends Column>(columns: readonly C[], expr: Expr): CodeRule<C> {
  const read = columnsOf(expr);
  const missing = [...read].filter((c) => !(columns as readonly Column[]).includes(c));
  if (missing.length > 0) throw new Error(`a rule reads undeclared columns: ${missing.join(', ')}`);
  return {
    columns,
    // Only the declared columns are read, so a narrower row is enough.
    test: (code, now) => evaluate(expr, code as CodeFacts, now),
    sql: (options = {}) => sql`(${toSql(expr, options.table, options.now)})`,
  };
}

function columnsOf(expr: Expr): Set<Column> {
  switch (expr.op) {
    case 'and':
    case 'or':
      return new Set(expr.of.flatMap((e) => [...columnsOf(e)]));
    case 'not':
      return columnsOf(expr.of);
    case 'later':
      return new Set([expr.column, expr.than]);
    default:
      return new Set([expr.column]);
  }
}

function evaluate(expr: Expr, code: CodeFacts, now: Date | undefined): boolean {
  switch (expr.op) {
    case 'and':
      return expr.of.every((e) => evaluate(e, code, now));
    case 'or':
      return expr.of.some((e) => evaluate(e, code, now));
    case 'not':
      return !evaluate(expr.of, code, now);
    case 'in': {
      const value = code[expr.column];
      return value !== null && expr.values.includes(value as Value);
    }
    case 'null':
      return code[expr.column] === null;
    case 'empty':
      return code[expr.column].length === 0;
    case 'has':
      return code[expr.column].some((i) => i.code === expr.issue);
    case 'reached': {
      const at = code[expr.column];
      return at !== null && at.getTime() <= required(now).getTime();
    }
    case 'later': {
      const a = code[expr.column];
      const b = code[expr.than];
      return a !== null && b !== null && a.getTime() > b.getTime();
    }
  }
}

function toSql(expr: Expr, alias: string | undefined, now: Date | undefined): SQL {
  const col = (name: Column) =>
    alias
      ? sql`${sql.identifier(alias)}.${sql.identifier(accessCodes[name].name)}`
      : sql`${accessCodes[name]}`;
  switch (expr.op) {
    case 'and':
    case 'or':
      return sql.join(
        expr.of.map((e) => sql`(${toSql(e, alias, now)})`),
        sql.raw(` ${expr.op} `),
      );
    case 'not':
      return sql`not (${toSql(expr.of, alias, now)})`;
    case 'in': {
      const values = sql.join(expr.values.map(literal), sql.raw(', '));
      // A column that is never NULL needs no coalesce, and without one Postgres
      // sees that a partial index's condition covers the rule (`is_backup`).
      return accessCodes[expr.column].notNull
        ? sql`${col(expr.column)} in (${values})`
        : sql`coalesce(${col(expr.column)} in (${values}), false)`;
    }
    case 'null':
      return sql`${col(expr.column)} is null`;
    case 'empty':
      return sql`${col(expr.column)} = '[]'::jsonb`;
    case 'has':
      return sql`${col(expr.column)} @> ${issueList(expr.issue)}`;
    case 'reached':
      return sql`coalesce(${col(expr.column)} <= ${required(now).toISOString()}::timestamptz, false)`;
    case 'later':
      return sql`coalesce(${col(expr.column)} > ${col(expr.than)}, false)`;
  }
}

/** Rules hold constants from this file, never input: written inline so enum columns compare. */
function literal(value: Value): SQL {
  if (typeof value === 'boolean') return sql.raw(value ? 'true' : 'false');
  if (!/^[a-z_]+$/.test(value)) throw new Error(`not a rule constant: ${value}`);
  return sql.raw(`'${value}'`);
}

/** A one-issue list to match with `@>`, from a rule constant. */
function issueList(issue: string): SQL {
  if (!/^[a-z_]+$/.test(issue)) throw new Error(`not a rule constant: ${issue}`);
  return sql.raw(`'[{"code":"${issue}"}]'::jsonb`);
}

function required(now: Date | undefined): Date {
  if (!now) throw new Error('this rule depends on the time: pass now');
  return now;
}

/**
 * Keyhold knows the code is on its lock: the lock confirmed it (we hold its
 * reference) and it is `set`, or `unset` because it sits there ahead of its
 * window (stored with its schedule by a lock that keeps one, or put on at the
 * lead time). A code Keyhold is still setting, or that a service accepted
 * without confirming, is not.
 */
export const isConfirmedOnLock = rule(
  ['externalRef', 'status'],
  and(not(isNull('externalRef')), is('status', 'unset', 'set')),
);

/**
 * The code opens the door now, as far as Keyhold knows: it is `set`, or the
 * lock confirmed it with its window stored (the lock keeps schedules) and the
 * window has begun: the lock lets the guest in from `starts_at` by itself,
 * before any tick writes `set`. A code put on a plain lock ahead of its
 * window waits for the tick.
 */
export const isSet = rule(
  ['status', 'externalRef', 'isScheduledOnDevice', 'startsAt'],
  or(
    is('status', 'set'),
    and(
      is('status', 'unset'),
      not(isNull('externalRef')),
      is('isScheduledOnDevice', true),
      reached('startsAt'),
    ),
  ),
);

/**
 * The status every reader shows (Seam's `status`, the dashboard's Seam name):
 * `set` where `isSet` holds, else the stored one. The tick writes `set` at its
 * next pass; nobody waits for it.
 */
export const shownStatus = {
  columns: isSet.columns,
  test(code: Pick<CodeFacts, (typeof isSet.columns)[number]>, now: Date): AccessCodeStatus {
    return isSet.test(code, now) ? 'set' : code.status;
  },
  sql(options: { table?: string; now: Date }): SQL<AccessCodeStatus> {
    const status = options.table
      ? sql`${sql.identifier(options.table)}.${sql.identifier(accessCodes.status.name)}`
      : sql`${accessCodes.status}`;
    return sql<AccessCodeStatus>`(case when ${isSet.sql(options)} then 'set'::access_code_status else ${status} end)`;
  },
};

/**
 * The code takes one of the lock's slots now, as far as Keyhold knows: it is
 * working there (`set`), or the lock confirmed it (we hold its reference) and
 * it is not off yet, being taken off included. A code being removed that
 * never reached the lock (no reference: a retry on an offline lock) takes
 * none. What the slot count on Locks and the lock page shows.
 */
export const takesSlot = rule(
  ['status', 'externalRef'],
  or(is('status', 'set'), and(not(isNull('externalRef')), not(is('status', 'removed')))),
);

/**
 * Keyhold still follows the code: on the lock, on its way, or coming off.
 * Only `removed` is done with — kept as a row for its history.
 */
const trackedExpr = not(is('status', 'removed'));
export const isTracked = rule(['status'], trackedExpr);

/**
 * The code is live: not deleted and not yet off the lock for good. Its digits
 * are taken on its lock for its window; lists and the API show it.
 */
export const isLive = rule(
  ['deletedAt', 'status'],
  and(isNull('deletedAt'), not(is('status', 'removed'))),
);

/** No longer wanted on the lock: deleted, or its stay is over. */
export const isFinished = rule(
  ['desiredState', 'deletedAt', 'type', 'endsAt'],
  or(
    is('desiredState', 'absent'),
    not(isNull('deletedAt')),
    and(is('type', 'time_bound'), reached('endsAt')),
  ),
);

/** The code's window has begun (an ongoing code has no window: always). */
export const hasBegun = rule(['type', 'startsAt'], or(is('type', 'ongoing'), reached('startsAt')));

/**
 * The lock may hold this code: we have its reference, a change is under way,
 * or an attempt to set it was made since it was last taken off (the lock may
 * have taken it and the answer, or the tick that heard it, been lost).
 */
const mayBeOnLockExpr = or(
  not(isNull('externalRef')),
  is('status', 'setting', 'removing'),
  and(
    not(isNull('lastAttemptAt')),
    or(isNull('removedFromDeviceAt'), {
      op: 'later',
      column: 'lastAttemptAt',
      than: 'removedFromDeviceAt',
    }),
  ),
);
export const mayBeOnLock = rule(
  ['externalRef', 'status', 'lastAttemptAt', 'removedFromDeviceAt'],
  mayBeOnLockExpr,
);

/** What a stay's or a lock's list shows: tracked, and live or maybe still on the lock. */
export const isListed = rule(
  ['status', 'deletedAt', 'externalRef', 'lastAttemptAt', 'removedFromDeviceAt'],
  and(trackedExpr, or(isNull('deletedAt'), mayBeOnLockExpr)),
);

const inBackupPoolExpr = and(is('isBackup', true), isNull('pulledAt'));

/** A backup code not handed to anyone: part of its lock's pool (ready or not). */
export const inBackupPool = rule(['isBackup', 'pulledAt'], inBackupPoolExpr);

/** A backup code a guest could be given now: on the lock, healthy, not pulled, not retired. */
export const isAvailableBackup = rule(
  ['isBackup', 'pulledAt', 'deletedAt', 'status', 'errors'],
  and(is('isBackup', true), isNull('pulledAt'), isNull('deletedAt'), is('status', 'set'), {
    op: 'empty',
    column: 'errors',
  }),
);

const waitsForSlotExpr = and(isNull('deletedAt'), not(is('status', 'removed')), {
  op: 'has',
  column: 'errors',
  issue: 'no_space_for_access_code_on_device',
});

/**
 * The code is wanted on its lock and the lock had no slot for it at the last
 * try (it is full): it waits for one to free. Any tick that works the lock
 * tries it again, since a slot may have freed there.
 */
export const waitsForSlot = rule(['deletedAt', 'status', 'errors'], waitsForSlotExpr);

/**
 * A guest's code waits for a slot: while one does, the lock's next free slot
 * is its, and the backup pool puts nothing new on that lock.
 */
export const guestWaitsForSlot = rule(
  ['deletedAt', 'status', 'errors', 'isBackup', 'pulledAt'],
  and(waitsForSlotExpr, not(inBackupPoolExpr)),
);
