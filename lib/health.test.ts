import { drizzle } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '@/db/client';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import { defaultAdapters } from './devices/connections';
import { getHealth } from './health';
import { runTick } from './reconciler/tick';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('getHealth', () => {
  it('reports a migrated database and no tick yet', async () => {
    const health = await getHealth(database.db, new Date());
    expect(health).toMatchObject({
      status: 'ok',
      database: 'ok',
      migrations: { current: true },
      lastTickAt: null,
    });
    expect(health.migrations?.applied).toBe(health.migrations?.expected);
  });

  it('reports when the last tick ran', async () => {
    const tickAt = new Date('2026-11-26T10:00:00Z');
    await runTick(database.db, { now: tickAt, adapters: defaultAdapters(database.db) });
    const health = await getHealth(database.db, new Date('2026-11-26T10:01:00Z'));
    expect(new Date(health.lastTickAt ?? 0).getTime()).toBeGreaterThanOrEqual(tickAt.getTime());
    expect(health.lastTickAgeSeconds).toBeGreaterThanOrEqual(59);
    expect(health.lastTickAgeSeconds).toBeLessThanOrEqual(60);
  });

  it('says unavailable when the database cannot be reached', async () => {
    // Nothing listens on port 1.
    const client = postgres('postgres://postgres@127.0.0.1:1/keyhold', { connect_timeout: 2 });
    const health = await getHealth(drizzle({ client }) as unknown as Db, new Date());
    expect(health).toMatchObject({ status: 'unavailable', database: 'unreachable' });
    await client.end();
  });
});
