import { asc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  events,
  messages,
  organizations,
  simulatedLockEvents,
  webhookEndpoints,
} from '@/db/schema';
import {
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { recordEvents } from '@/lib/events/store';
import { PRUNE_INTERVAL_MINUTES, pruneLockEvents } from './retention';

const NOW = new Date('2026-11-26T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await database.truncate();
});

describe('pruneLockEvents', () => {
  it('deletes dispatched events, the locks’ and Keyhold’s own, older than each organization’s retention, and nothing else', async () => {
    const short = await createOrganization(database.db, { locks: 1 });
    const long = await createOrganization(database.db, { locks: 1 });
    await database.db
      .update(organizations)
      .set({ lockEventRetentionDays: 30 })
      .where(eq(organizations.id, short.org.id));
    const lockOf = (o: typeof short) => o.locks[0]?.id ?? '';
    const lockEvent = (o: typeof short, id: string, age: number) => ({
      organizationId: o.org.id,
      eventType: 'lock.unlocked' as const,
      occurredAt: daysAgo(age),
      deviceId: lockOf(o),
      method: 'manual' as const,
      dedupeKey: `lock:${lockOf(o)}:${id}`,
    });
    await recordEvents(database.db, [
      lockEvent(short, 'old', 31),
      lockEvent(short, 'recent', 29),
      lockEvent(short, 'old-undispatched', 40),
      lockEvent(long, 'old-for-short', 31),
      lockEvent(long, 'older-than-default', 91),
      {
        organizationId: short.org.id,
        eventType: 'access_code.set_on_device',
        occurredAt: daysAgo(200),
        deviceId: lockOf(short),
        dedupeKey: `access_code.set_on_device:${lockOf(short)}`,
      },
    ]);
    // Stored when they happened (a late read is kept by when it was stored).
    await database.db.update(events).set({ createdAt: sql`${events.occurredAt}` });
    // Webhooks and notifications have had all but one.
    await database.db.update(events).set({ dispatchedAt: NOW });
    await database.db
      .update(events)
      .set({ dispatchedAt: null })
      .where(eq(events.dedupeKey, `lock:${lockOf(short)}:old-undispatched`));

    expect(await pruneLockEvents(database.db, NOW)).toBe(3);
    const kept = await database.db
      .select({ key: events.dedupeKey })
      .from(events)
      .orderBy(asc(events.dedupeKey));
    expect(kept.map((k) => k.key).sort()).toEqual(
      [
        `lock:${lockOf(long)}:old-for-short`,
        `lock:${lockOf(short)}:old-undispatched`,
        `lock:${lockOf(short)}:recent`,
      ].sort(),
    );
    // Pruned at most every PRUNE_INTERVAL_MINUTES: an old row added meanwhile waits for the next run.
    await recordEvents(database.db, [lockEvent(short, 'older-still', 45)]);
    await database.db
      .update(events)
      .set({ createdAt: daysAgo(45), dispatchedAt: NOW })
      .where(eq(events.dedupeKey, `lock:${lockOf(short)}:older-still`));
    expect(await pruneLockEvents(database.db, new Date(NOW.getTime() + 60_000))).toBe(0);
    expect(
      await pruneLockEvents(database.db, new Date(NOW.getTime() + PRUNE_INTERVAL_MINUTES * 60_000)),
    ).toBe(1);
  });

  it('keeps an entry read late for the whole period, counted from when it was stored', async () => {
    const org = await createOrganization(database.db, { locks: 1 });
    const deviceId = org.locks[0]?.id ?? '';
    await recordEvents(database.db, [
      {
        organizationId: org.org.id,
        eventType: 'lock.unlocked',
        occurredAt: daysAgo(120),
        deviceId,
        method: 'manual',
        dedupeKey: `lock:${deviceId}:read-late`,
      },
    ]);
    await database.db.update(events).set({ createdAt: daysAgo(1), dispatchedAt: NOW });
    expect(await pruneLockEvents(database.db, NOW)).toBe(0);
    expect(await database.db.select().from(events)).toHaveLength(1);
  });

  it('prunes the simulated locks’ own logs and the webhook deliveries sent or given up on', async () => {
    const org = await createOrganization(database.db);
    const lock = await addSimulatedLock(database.db, {
      organizationId: org.org.id,
      propertyId: org.property.id,
      name: 'Room 204',
    });
    await database.db.insert(simulatedLockEvents).values([
      { lockId: lock.externalId, kind: 'unlocked', method: 'manual', occurredAt: daysAgo(91) },
      { lockId: lock.externalId, kind: 'unlocked', method: 'manual', occurredAt: daysAgo(89) },
    ]);
    const [endpoint] = await database.db
      .insert(webhookEndpoints)
      .values({ organizationId: org.org.id, url: 'https://hooks.example/k', secretSealed: 's' })
      .returning();
    const delivery = (key: string, status: 'sent' | 'failed' | 'queued', age: number) => ({
      organizationId: org.org.id,
      kind: 'webhook_event' as const,
      channel: 'webhook' as const,
      recipient: 'https://hooks.example/k',
      webhookEndpointId: endpoint?.id,
      body: '{}',
      status,
      idempotencyKey: key,
      createdAt: daysAgo(age),
    });
    await database.db
      .insert(messages)
      .values([
        delivery('old-sent', 'sent', 91),
        delivery('old-failed', 'failed', 91),
        delivery('old-still-retrying', 'queued', 91),
        delivery('recent', 'sent', 10),
      ]);
    expect(await pruneLockEvents(database.db, NOW)).toBe(3);
    expect(
      (await database.db.select({ key: messages.idempotencyKey }).from(messages))
        .map((m) => m.key)
        .sort(),
    ).toEqual(['old-still-retrying', 'recent']);
    expect(await database.db.select().from(simulatedLockEvents)).toHaveLength(1);
  });
});
