import { inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows } from '@/db/client';
import { accessCodes } from '@/db/schema';
import { createOrganization, createTestDatabase, type TestDatabase } from '@/db/testing';
import {
  type CodeFacts,
  type CodeRule,
  guestWaitsForSlot,
  hasBegun,
  inBackupPool,
  isAvailableBackup,
  isConfirmedOnLock,
  isFinished,
  isListed,
  isLive,
  isSet,
  isTracked,
  mayBeOnLock,
  shownStatus,
  takesSlot,
  waitsForSlot,
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
  errors: [
    [],
    [{ code: 'failed_to_set_on_device', message: 'x', createdAt: now.toISOString() }],
    [{ code: 'no_space_for_access_code_on_device', message: 'x', createdAt: now.toISOString() }],
  ],
  isBackup: [false, true],
  pulledAt: [null, at(-30)],
  lastAttemptAt: [null, at(-20), at(-10)],
  removedFromDeviceAt: [null, at(-15), at(-10)],
  isScheduledOnDevice: [false, true],
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
    isScheduledOnDevice: pick(choices.isScheduledOnDevice),
  }));
}

/** Codes whose answer a person would check by hand: each rule's name and what it must say. */
const base: CodeFacts = {
  type: 'ongoing',
  status: 'unset',
  desiredState: 'present',
  externalRef: null,
  startsAt: null,
  endsAt: null,
  deletedAt: null,
  errors: [],
  isBackup: false,
  pulledAt: null,
  lastAttemptAt: null,
  removedFromDeviceAt: null,
  isScheduledOnDevice: false,
};
const stored: CodeFacts = {
  ...base,
  type: 'time_bound',
  status: 'unset',
  externalRef: 'ref_1',
  isScheduledOnDevice: true,
  endsAt: at(120),
};
const named: { name: string; code: CodeFacts; expect: Record<string, boolean> }[] = [
  {
    // Retired on an offline lock: tried, never confirmed, now being taken off.
    name: 'being removed, never reached the lock',
    code: {
      ...base,
      status: 'removing',
      isBackup: true,
      deletedAt: at(-5),
      desiredState: 'absent',
      lastAttemptAt: at(-10),
    },
    expect: { takesSlot: false, mayBeOnLock: true, isConfirmedOnLock: false },
  },
  {
    name: 'being removed from the lock that confirmed it',
    code: { ...base, status: 'removing', externalRef: 'ref_1', deletedAt: at(-5) },
    expect: { takesSlot: true, mayBeOnLock: true },
  },
  {
    name: 'waiting to go on an offline lock',
    code: { ...base, status: 'setting', lastAttemptAt: at(-10) },
    expect: { takesSlot: false, isConfirmedOnLock: false, mayBeOnLock: true },
  },
  {
    name: 'believed set',
    code: { ...base, status: 'set', externalRef: 'ref_1' },
    expect: { takesSlot: true, isConfirmedOnLock: true },
  },
  {
    name: 'on the lock ahead of its window',
    code: { ...base, type: 'time_bound', status: 'unset', externalRef: 'ref_1', startsAt: at(60) },
    expect: { takesSlot: true, isConfirmedOnLock: true },
  },
  {
    name: 'stored with its window, the window begun: set before the tick writes it',
    code: { ...stored, startsAt: now },
    expect: { isSet: true, isConfirmedOnLock: true, takesSlot: true },
  },
  {
    name: 'stored with its window, the window not begun',
    code: { ...stored, startsAt: at(60) },
    expect: { isSet: false, isConfirmedOnLock: true },
  },
  {
    name: 'on a plain lock ahead of its window: the tick sets it',
    code: { ...stored, isScheduledOnDevice: false, startsAt: at(-60) },
    expect: { isSet: false, isConfirmedOnLock: true },
  },
  {
    name: 'stored with its window once, not confirmed now',
    code: { ...stored, externalRef: null, startsAt: at(-60) },
    expect: { isSet: false, isConfirmedOnLock: false },
  },
  {
    name: 'a guest code the full lock had no slot for',
    code: {
      ...base,
      status: 'setting',
      errors: [
        { code: 'failed_to_set_on_device', message: 'x', createdAt: now.toISOString() },
        { code: 'no_space_for_access_code_on_device', message: 'x', createdAt: now.toISOString() },
      ],
    },
    expect: { waitsForSlot: true, guestWaitsForSlot: true },
  },
  {
    name: 'a pool code the full lock had no slot for',
    code: {
      ...base,
      isBackup: true,
      errors: [
        { code: 'no_space_for_access_code_on_device', message: 'x', createdAt: now.toISOString() },
      ],
    },
    expect: { waitsForSlot: true, guestWaitsForSlot: false },
  },
  {
    name: 'off the lock',
    code: { ...base, status: 'removed', externalRef: 'ref_1' },
    expect: { takesSlot: false, isLive: false },
  },
];

const rules: Record<string, CodeRule> = {
  isConfirmedOnLock,
  isSet,
  takesSlot,
  isLive,
  isFinished,
  hasBegun,
  mayBeOnLock,
  isAvailableBackup,
  inBackupPool,
  isTracked,
  isListed,
  waitsForSlot,
  guestWaitsForSlot,
};

describe('code predicates: the TypeScript and the SQL form agree', () => {
  let database: TestDatabase;
  const rows: (CodeFacts & { id: string })[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    const { org, locks } = await createOrganization(database.db, { locks: 1 });
    const lock = locks[0];
    if (!lock) throw new Error('no lock');
    const table = [...named.map((n) => n.code), ...caseTable(1_500 - named.length)];
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

  for (const { name, code, expect: expected } of named) {
    it(`${name}: ${JSON.stringify(expected)}, in TypeScript and in SQL`, async () => {
      const index = named.findIndex((n) => n.name === name);
      const id = rows[index]?.id ?? '';
      for (const [ruleName, holds] of Object.entries(expected)) {
        const rule = rules[ruleName];
        if (!rule) throw new Error(`no rule ${ruleName}`);
        expect(rule.test(code, now), ruleName).toBe(holds);
        const [row] = await queryRows<{ holds: boolean }>(
          database.db,
          sql`select ${rule.sql({ table: 'c', now })} as holds from access_codes c where c.id = ${id}`,
        );
        expect(row?.holds, ruleName).toBe(holds);
      }
    });
  }

  it('shownStatus: the SQL form shows each row as the function does', async () => {
    const found = await queryRows<{ id: string; shown: string }>(
      database.db,
      sql`select c.id, ${shownStatus.sql({ table: 'c', now })} as shown from access_codes c`,
    );
    const shown = new Map(found.map((r) => [r.id, r.shown]));
    for (const row of rows) expect(shown.get(row.id), row.id).toBe(shownStatus.test(row, now));
    const promoted = rows.filter((r) => r.status === 'unset' && isSet.test(r, now));
    expect(promoted.length).toBeGreaterThan(0);
    const drizzle = await database.db
      .select({ id: accessCodes.id, shown: shownStatus.sql({ now }) })
      .from(accessCodes)
      .where(
        inArray(
          accessCodes.id,
          promoted.map((r) => r.id),
        ),
      );
    expect(drizzle.map((r) => r.shown)).toEqual(promoted.map(() => 'set'));
  });

  // A rule on a column that is never NULL is written without coalesce, so
  // Postgres can see that a partial index covers it: counting a lock's
  // ready backups goes through access_codes_backup_pool_idx, not every code.
  it("isAvailableBackup: Postgres can count a lock's pool through the backup-pool index", async () => {
    const plan = await database.db.transaction(async (tx) => {
      await tx.execute(sql`set local enable_seqscan = off`);
      const lines = await queryRows<{ 'QUERY PLAN': string }>(
        tx,
        sql`explain select count(*) from access_codes b
             where b.device_id = ${'00000000-0000-0000-0000-000000000000'} and ${isAvailableBackup.sql({ table: 'b' })}`,
      );
      return lines.map((l) => l['QUERY PLAN']).join('\n');
    });
    expect(plan).toContain('access_codes_backup_pool_idx');
  });

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
