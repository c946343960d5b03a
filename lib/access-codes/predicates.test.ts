import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { accessCodes } from '@/db/schema';
import { createOrganization, createTestDatabase, type TestDatabase } from '@/db/testing';
import {
  type CodeFacts,
  type CodeRule,
  hasBegun,
  inBackupPool,
  isAvailableBackup,
  isConfirmedOnLock,
  isFinished,
  isLive,
  mayBeOnLock,
  takesSlot,
} from './predicates';

const now = new Date('2026-12-05T12:00:00Z');
const at = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

// Every value each column can take that matters to a rule, the boundaries
// included: a time exactly `now`, NULLs, an issue list with one entry.
const choices = {
  type: ['time_bound', 'ongoing'] as const,
  status: ['unset', 'setting', 'set', 'removing', 'removed'] as const,
  desiredState: ['present', 'absent'] as const,
  externalRef: [null, 'ref_1'],
  startsAt: [null, at(-60), now, at(60)],
  endsAt: [null, at(-1), now, at(120)],
  deletedAt: [null, at(-5)],
  errors: [[], [{ code: 'failed_to_set_on_device', message: 'x', createdAt: now.toISOString() }]],
  isBackup: [false, true],
  pulledAt: [null, at(-30)],
  lastAttemptAt: [null, at(-20), at(-10)],
  removedFromDeviceAt: [null, at(-15), at(-10)],
};

/** A fixed pseudo-random walk through the choices: the same table on every run. */
function caseTable(count: number): CodeFacts[] {
  let seed = 20261205;
  const next = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(next() * list.length)] as T;
  return Array.from({ length: count }, () => ({
    type: pick(choices.type),
    status: pick(choices.status),
    desiredState: pick(choices.desiredState),
    externalRef: pick(choices.externalRef),
    startsAt: pick(choices.startsAt),
    endsAt: pick(choices.endsAt),
    deletedAt: pick(choices.deletedAt),
    errors: pick(choices.errors),
    isBackup: pick(choices.isBackup),
    pulledAt: pick(choices.pulledAt),
    lastAttemptAt: pick(choices.lastAttemptAt),
    removedFromDeviceAt: pick(choices.removedFromDeviceAt),
  }));
}

const rules: Record<string, CodeRule> = {
  isConfirmedOnLock,
  takesSlot,
  isLive,
  isFinished,
  hasBegun,
  mayBeOnLock,
  isAvailableBackup,
  inBackupPool,
};

describe('code predicates: the TypeScript and the SQL form agree', () => {
  let database: TestDatabase;
  const rows: (CodeFacts & { id: string })[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const { org, locks } = await createOrganization(database.db, { locks: 1 });
    const lock = locks[0];
    if (!lock) throw new Error('no lock');
    const table = caseTable(1_500);
    for (let i = 0; i < table.length; i += 500) {
      const batch = table.slice(i, i + 500);
      const inserted = await database.db
        .insert(accessCodes)
        .values(
          batch.map((c): typeof accessCodes.$inferInsert => ({
            ...c,
            organizationId: org.id,
            deviceId: lock.id,
          })),
        )
        .returning({ id: accessCodes.id });
      for (const [j, row] of inserted.entries())
        rows.push({ ...(batch[j] as CodeFacts), id: row.id });
    }
  });
  afterAll(() => database?.close());

  it('covers every rule both ways on the table of cases', () => {
    expect(rows).toHaveLength(1_500);
    for (const [name, rule] of Object.entries(rules)) {
      const matching = rows.filter((r) => rule.test(r, now)).length;
      // A rule no case meets, or every case meets, would prove nothing.
      expect(matching, name).toBeGreaterThan(0);
      expect(matching, name).toBeLessThan(rows.length);
    }
  });

  for (const [name, rule] of Object.entries(rules)) {
    it(`${name}: drizzle's columns select exactly the rows the function accepts`, async () => {
      const ids = rows.map((r) => r.id);
      const selected = await database.db
        .select({ id: accessCodes.id })
        .from(accessCodes)
        .where(sql`${inArray(accessCodes.id, ids)} and ${rule.sql({ now })}`);
      const expected = rows.filter((r) => rule.test(r, now)).map((r) => r.id);
      expect(selected.map((r) => r.id).sort()).toEqual(expected.sort());
    });

    it(`${name}: a raw query's table name and "not" agree too`, async () => {
      const found = await queryRows<{ id: string; holds: boolean }>(
        database.db,
        sql`select c.id, ${rule.sql({ table: 'c', now })} as holds from access_codes c`,
      );
      expect(found).toHaveLength(rows.length);
      const holds = new Map(found.map((r) => [r.id, r.holds]));
      const negated = await queryRows<{ id: string }>(
        database.db,
        sql`select c.id from access_codes c where not ${rule.sql({ table: 'c', now })}`,
      );
      for (const row of rows)
        expect(holds.get(row.id), `${name} ${row.id}`).toBe(rule.test(row, now));
      expect(negated).toHaveLength(rows.filter((r) => !rule.test(r, now)).length);
    });
  }

  it('refuses to judge a rule that depends on the time without one', () => {
    const row = rows[0] as CodeFacts;
    expect(() =>
      isFinished.test({
        ...row,
        type: 'time_bound',
        desiredState: 'present',
        deletedAt: null,
        endsAt: now,
      }),
    ).toThrow(/pass now/);
  });
});
