import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inIds } from './client';
import { devices } from './schema';
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
