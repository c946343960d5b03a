import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { devices, type Issue } from '@/db/schema';
import { createOrganization, createTestDatabase, type TestDatabase } from '@/db/testing';
import { canHonourCodes, type LockFacts, lockTrouble, OFFLINE_GRACE_MS } from './predicates';

const now = new Date('2026-12-05T12:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();
const issue = (code: string, createdAt: string): Issue => ({ code, message: 'x', createdAt });

// Every state that matters to the rule, the grace's boundary included.
const statuses = ['active', 'replaced', 'removed'] as const;
const onlines = [true, false];
const errorLists: Issue[][] = [
  [],
  [issue('device_disconnected', ago(60_000))],
  [issue('device_disconnected', ago(OFFLINE_GRACE_MS - 1_000))],
  [issue('device_disconnected', ago(OFFLINE_GRACE_MS))],
  [issue('device_disconnected', ago(OFFLINE_GRACE_MS + 60_000))],
  [issue('device_removed', ago(60_000))],
  [issue('empty_backup_access_code_pool', ago(0)), issue('device_disconnected', ago(1_000))],
];
const table: LockFacts[] = statuses.flatMap((status) =>
  onlines.flatMap((online) => errorLists.map((errors) => ({ status, online, errors }))),
);

describe('canHonourCodes: the TypeScript and the SQL form agree', () => {
  let database: TestDatabase;
  let organizationId: string;
  const ids: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const { org } = await createOrganization(database.db);
    organizationId = org.id;
    const rows = await database.db
      .insert(devices)
      .values(
        table.map((facts, i) => ({
          organizationId,
          adapter: 'simulated' as const,
          externalId: `sim_case_${i}`,
          name: `Case ${i}`,
          ...facts,
        })),
      )
      .returning({ id: devices.id });
    ids.push(...rows.map((r) => r.id));
  });
  afterAll(async () => {
    await database.close();
  });

  it('on every case of the table', async () => {
    const sqlSays = await database.db
      .select({ id: devices.id, ok: sql<boolean>`${canHonourCodes.sql({ now })}` })
      .from(devices)
      .where(eq(devices.organizationId, organizationId));
    const byId = new Map(sqlSays.map((r) => [r.id, r.ok]));
    const mismatches = table.filter(
      (facts, i) => canHonourCodes.test(facts, now) !== byId.get(ids[i] ?? ''),
    );
    expect(mismatches).toEqual([]);
    // The table is worth something: both answers occur.
    expect(new Set(sqlSays.map((r) => r.ok))).toEqual(new Set([true, false]));
  });

  it('through a table alias too', async () => {
    const [row] = await queryRows<{ n: number }>(
      database.db,
      sql`select count(*)::int as n from devices d
          where d.organization_id = ${organizationId} and ${canHonourCodes.sql({ table: 'd', now })}`,
    );
    expect(row?.n).toBe(table.filter((f) => canHonourCodes.test(f, now)).length);
  });

  it('says why: a reset beats offline, offline within the grace is no trouble', () => {
    expect(lockTrouble(table[0] as LockFacts, now)).toBeNull();
    expect(
      lockTrouble(
        { status: 'active', online: false, errors: [issue('device_removed', ago(0))] },
        now,
      ),
    ).toEqual({ kind: 'reset' });
    expect(
      lockTrouble({ status: 'active', online: false, errors: errorLists[1] ?? [] }, now),
    ).toBeNull();
    expect(
      lockTrouble({ status: 'active', online: false, errors: errorLists[4] ?? [] }, now),
    ).toEqual({ kind: 'offline', since: new Date(ago(OFFLINE_GRACE_MS + 60_000)) });
    expect(lockTrouble({ status: 'removed', online: true, errors: [] }, now)).toEqual({
      kind: 'retired',
    });
  });
});
