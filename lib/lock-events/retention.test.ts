import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { events, organizations } from '@/db/schema';
import { createOrganization, createTestDatabase, type TestDatabase } from '@/db/testing';
import { recordEvents } from '@/lib/events/store';
import { pruneLockEvents } from './retention';

const NOW = new Date('2026-11-26T12:00:00Z');
const daysAgo = (n: number) => new Date(NOW.getTime() - n * 86_400_000);

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
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
    expect(await pruneLockEvents(database.db, NOW)).toBe(0);
  });
});
