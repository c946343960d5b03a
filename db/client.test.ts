import { asc, eq, sql } from 'drizzle-orm';
import { bigint, numeric, pgTable, timestamp } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inIds, jsonRows } from './client';
import { devices, properties } from './schema';
import {
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from './testing';

let database: TestDatabase;
let ids: string[];

beforeAll(async () => {
  database = await createTestDatabase();
  const { org, property } = await createOrganization(database.db);
  ids = [];
  for (const room of ['101', '102', '103']) {
    const lock = await addSimulatedLock(database.db, {
      organizationId: org.id,
      propertyId: property.id,
      room,
    });
    ids.push(lock.id);
  }
});
afterAll(async () => {
  await database?.close();
});

const selected = async (list: string[]) =>
  (await database.db.select({ id: devices.id }).from(devices).where(inIds(devices.id, list)))
    .map((row) => row.id)
    .sort();

describe('inIds', () => {
  it('matches exactly the ids given, as inArray would', async () => {
    const [a = '', , c = ''] = ids;
    expect(await selected([a, c])).toEqual([a, c].sort());
    expect(await selected([a, a])).toEqual([a]);
    expect(await selected([])).toEqual([]);
  });

  it('keeps each string one element: a comma or a brace cannot add an id to the list', async () => {
    const [a = '', b = ''] = ids;
    await expect(selected([`${a},${b}`])).rejects.toThrow();
    await expect(selected([`${a}"}`])).rejects.toThrow();
  });
});

describe('jsonRows', () => {
  // Whatever a column holds, the rows read as JSON arrays are the rows the ORM gives.
  const columns = {
    id: devices.id,
    name: devices.name,
    room: devices.room,
    online: devices.online,
    batteryLevel: devices.batteryLevel,
    slotLimit: devices.slotLimit,
    errors: devices.errors,
    codeConstraints: devices.codeConstraints,
    createdAt: devices.createdAt,
    replacedAt: devices.replacedAt,
    timeZone: properties.timeZone,
    nameLength: sql<number>`length(${devices.name})`,
  };
  const rows = jsonRows(columns);

  it('gives the rows db.select gives, in the order asked, timestamps as Dates', async () => {
    const [a = '', b = ''] = ids;
    await database.db
      .update(devices)
      .set({
        online: false,
        batteryLevel: 0.125,
        slotLimit: null,
        room: null,
        replacedAt: new Date('2026-12-06T10:11:12.345Z'),
        errors: [
          { code: 'device_disconnected', message: 'The lock is "offline".', createdAt: 'x' },
        ],
      })
      .where(eq(devices.id, a));
    await database.db.update(devices).set({ batteryLevel: 0.7 }).where(eq(devices.id, b));
    const query = () =>
      database.db
        .select(columns)
        .from(devices)
        .innerJoin(properties, eq(properties.id, devices.propertyId));
    const expected = await query().orderBy(asc(devices.room), asc(devices.id));
    const [result] = await database.db
      .select({ rows: rows.aggregate(sql`order by ${devices.room}, ${devices.id}`) })
      .from(devices)
      .innerJoin(properties, eq(properties.id, devices.propertyId));
    const parsed = rows.parse(result?.rows);
    expect(parsed).toEqual(expected);
    expect(parsed.length).toBe(3);
    expect(parsed.find((r) => r.id === a)?.replacedAt).toEqual(
      new Date('2026-12-06T10:11:12.345Z'),
    );
    expect(parsed[0]?.createdAt).toBeInstanceOf(Date);
  });

  it('refuses a column it would read differently from db.select', () => {
    const other = pgTable('other', {
      local: timestamp('local'),
      amount: numeric('amount'),
      big: bigint('big', { mode: 'bigint' }),
      zoned: timestamp('zoned', { withTimezone: true }),
    });
    expect(() => jsonRows({ local: other.local })).toThrow(/cannot read local/);
    expect(() => jsonRows({ amount: other.amount, big: other.big })).toThrow(/amount, big/);
    expect(() => jsonRows({ latest: sql`max(${other.zoned})`.mapWith(other.zoned) })).toThrow(
      /cannot read latest/,
    );
    expect(() => jsonRows({ zoned: other.zoned, count: sql<number>`count(*)::int` })).not.toThrow();
  });

  it('reads no rows as an empty list', async () => {
    const [result] = await database.db
      .select({ rows: rows.aggregate() })
      .from(devices)
      .innerJoin(properties, eq(properties.id, devices.propertyId))
      .where(eq(devices.name, 'no such lock'));
    expect(result?.rows).toBe('[]');
    expect(rows.parse(result?.rows)).toEqual([]);
  });
});
