import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { getTableName, isTable, sql, type Table } from 'drizzle-orm';
import postgres from 'postgres';
import { type Actor, loadActor } from '@/lib/auth/actor';
import { hashPassword } from '@/lib/auth/password';
import { AppError } from '@/lib/errors';
import { type Database, type Db, openDatabase } from './client';
import * as schema from './schema';

export type TestDatabase = Database & {
  /** Empty every table, keeping the schema. */
  truncate(): Promise<void>;
};

const tableNames = Object.values(schema as Record<string, unknown>)
  .filter((value): value is Table => isTable(value))
  .map((table) => `"${getTableName(table)}"`)
  .join(', ');

/**
 * An empty database called `name` on the server at `serverUrl` (dropped
 * first if it is there), for a bench or the e2e server; its URL.
 */
export async function freshDatabase(serverUrl: string, name: string): Promise<string> {
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * A database of its own for one test file: a fresh database on the server at
 * DATABASE_URL when it is set (dropped on close), otherwise an in-memory
 * PGlite. Never a mock.
 */
export async function createTestDatabase(options: { max?: number } = {}): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL;
  let database: Database;
  let dropDatabase = async () => {};
  if (serverUrl) {
    const name = `keyhold_test_${randomBytes(6).toString('hex')}`;
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    database = await openDatabase({ url: url.toString(), max: options.max ?? 5 });
    dropDatabase = async () => {
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 5 });
    };
  } else {
    database = await openDatabase({});
  }
  return {
    ...database,
    async truncate() {
      await database.db.execute(sql.raw(`truncate ${tableNames} restart identity cascade`));
    },
    async close() {
      await database.close();
      await dropDatabase();
    },
  };
}

type Role = schema.MemberRole;

/** An organization with one member per requested role, a property and `locks` simulated locks. */
export async function createOrganization(
  db: Db,
  options: { name?: string; roles?: Role[]; locks?: number; password?: string } = {},
) {
  const name = options.name ?? `Org ${randomBytes(3).toString('hex')}`;
  const [org] = await db
    .insert(schema.organizations)
    .values({ name, timeZone: 'America/New_York' })
    .returning();
  if (!org) throw new Error('no organization');
  const passwordHash = await hashPassword(options.password ?? 'correct horse battery');
  const members: Record<string, { userId: string; email: string }> = {};
  for (const role of options.roles ?? ['admin']) {
    const email = `${role}.${randomBytes(4).toString('hex')}@example.com`;
    const [user] = await db
      .insert(schema.users)
      .values({ email, name: `${role} of ${name}`, passwordHash })
      .returning({ id: schema.users.id });
    if (!user) throw new Error('no user');
    await db.insert(schema.memberships).values({ organizationId: org.id, userId: user.id, role });
    members[role] = { userId: user.id, email };
  }
  const [property] = await db
    .insert(schema.properties)
    .values({ organizationId: org.id, name: `${name} Inn`, timeZone: 'America/New_York' })
    .returning();
  if (!property) throw new Error('no property');
  const locks =
    (options.locks ?? 0) > 0
      ? await db
          .insert(schema.devices)
          .values(
            Array.from({ length: options.locks ?? 0 }, (_, i) => ({
              organizationId: org.id,
              propertyId: property.id,
              adapter: 'simulated' as const,
              externalId: `sim_${org.id.slice(0, 8)}_${i + 1}`,
              name: `Room ${101 + i}`,
              room: String(101 + i),
              slotLimit: 20,
            })),
          )
          .returning()
      : [];
  return { org, property, members, locks };
}

/** A simulated lock on the "hardware" side and the Keyhold device that manages it. */
export async function addSimulatedLock(
  db: Db,
  options: {
    organizationId: string;
    propertyId: string;
    name?: string;
    room?: string;
    online?: boolean;
    slotLimit?: number;
    latencyMs?: number;
    failureRate?: number;
    supportsNativeScheduling?: boolean;
    allowedLengths?: number[];
  },
) {
  const name = options.name ?? `Room ${options.room ?? randomBytes(2).toString('hex')}`;
  const externalId = `sim_${randomBytes(8).toString('hex')}`;
  const allowedLengths = options.allowedLengths ?? [4, 5, 6];
  await db.insert(schema.simulatedLocks).values({
    id: externalId,
    organizationId: options.organizationId,
    name,
    online: options.online ?? true,
    slotLimit: options.slotLimit ?? 20,
    latencyMs: options.latencyMs ?? 0,
    failureRate: options.failureRate ?? 0,
    supportsNativeScheduling: options.supportsNativeScheduling ?? false,
    allowedLengths,
  });
  const [device] = await db
    .insert(schema.devices)
    .values({
      organizationId: options.organizationId,
      propertyId: options.propertyId,
      adapter: 'simulated',
      externalId,
      name,
      room: options.room ?? null,
      online: options.online ?? true,
      slotLimit: options.slotLimit ?? 20,
      supportsNativeScheduling: options.supportsNativeScheduling ?? false,
      codeConstraints: { allowedLengths, digitsOnly: true },
      // Read at the first tick whatever clock the test runs on. The column's
      // default is the wall clock, which a test's fixed "now" may be before.
      nextSyncAt: new Date(0),
      nextEventsReadAt: new Date(0),
    })
    .returning();
  if (!device) throw new Error('no device');
  return device;
}

/** The acting member for a user id; throws if the user is no (enabled) member. */
export async function memberActor(db: Db, userId: string | undefined): Promise<Actor> {
  const actor = userId ? await loadActor(db, userId) : null;
  if (!actor) throw new Error(`no member for user ${userId}`);
  return actor;
}

/** The acting member with `role` in an organization made by createOrganization. */
export function actorFor(
  db: Db,
  organization: { members: Partial<Record<Role, { userId: string }>> },
  role: Role,
): Promise<Actor> {
  const member = organization.members[role];
  if (!member) throw new Error(`the organization was created without a ${role}`);
  return memberActor(db, member.userId);
}

type Call = () => Promise<unknown>;

/**
 * Run a call that must be refused with an AppError, and answer the error.
 * `refused(snapshot, run)` also checks that what `snapshot` reads is the same
 * before and after the call: a refused call writes nothing.
 */
export async function refused(run: Call): Promise<AppError>;
export async function refused(unchanged: Call, run: Call): Promise<AppError>;
export async function refused(first: Call, second?: Call): Promise<AppError> {
  const [run, unchanged] = second ? [second, first] : [first, undefined];
  const before = await unchanged?.();
  const outcome = await Promise.resolve()
    .then(run)
    .then(
      () => ({ refused: false as const }),
      (error: unknown) => ({ refused: true as const, error }),
    );
  if (!outcome.refused) {
    throw new assert.AssertionError({ message: 'the call should have been refused' });
  }
  if (!(outcome.error instanceof AppError)) {
    throw new Error('the call should have been refused with an AppError', { cause: outcome.error });
  }
  if (unchanged) assert.deepEqual(await unchanged(), before, 'a refused call should write nothing');
  return outcome.error;
}
