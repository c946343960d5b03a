// npm run bench:events -- [--locks 2000] [--per-lock 20] [--rounds 2] [--engine pglite|postgres|both]
//
// Seeds N simulated locks, each with a stay and its guest code on the lock,
// then has every lock log `per-lock` new events (most of them the guest's
// code at the keypad, some unnamed entries, key entries and locking) and:
// - reads them through the tick's stage (readDueLockEvents) and prints events
//   stored and attributed per second;
// - runs whole ticks with the lock events not due, due with empty logs, and
//   due with new events, and prints the time each adds.
import { parseArgs } from 'node:util';
import { and, count, gte, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { accessCodes, devices, events, reservations, simulatedLockEvents } from '@/db/schema';
import { createOrganization, createTestDatabase } from '@/db/testing';
import { defaultAdapters } from '@/lib/devices/connections';
import { dispatchEvents } from '@/lib/events/dispatch';
import { readDueLockEvents } from '@/lib/lock-events/read';
import { runTick } from '@/lib/reconciler/tick';
import { chunked, seedSimulatedLocks } from './seed';

const { values } = parseArgs({
  options: {
    locks: { type: 'string', default: '2000' },
    'per-lock': { type: 'string', default: '20' },
    rounds: { type: 'string', default: '2' },
    engine: { type: 'string' },
  },
});
const LOCKS = Number(values.locks);
const PER_LOCK = Number(values['per-lock']);
const ROUNDS = Number(values.rounds);
const engines =
  values.engine === 'both' || (!values.engine && process.env.DATABASE_URL)
    ? ['pglite', 'postgres']
    : [values.engine ?? 'pglite'];

type Seeded = { deviceId: string; lockId: string; codeId: string; ref: string }[];

async function seed(db: Db, now: Date): Promise<{ organizationId: string; locks: Seeded }> {
  const { org, property } = await createOrganization(db, { name: 'Bench Hotel' });
  const rows = await seedSimulatedLocks(db, {
    organizationId: org.id,
    propertyId: property.id,
    count: LOCKS,
    prefix: 'events',
    now,
    slotLimit: 20,
  });
  const day = 86_400_000;
  const stays = await chunkedReturning(rows, (chunk) =>
    db
      .insert(reservations)
      .values(
        chunk.map((_, i) => ({
          organizationId: org.id,
          propertyId: property.id,
          guestName: `Guest ${i}`,
          startsAt: new Date(now.getTime() - day),
          endsAt: new Date(now.getTime() + day),
        })),
      )
      .returning({ id: reservations.id }),
  );
  const codes = await chunkedReturning(
    rows.map((lock, i) => ({ lock, stayId: stays[i]?.id ?? '' })),
    (chunk) =>
      db
        .insert(accessCodes)
        .values(
          chunk.map(({ lock, stayId }, i) => ({
            organizationId: org.id,
            deviceId: lock.id,
            reservationId: stayId,
            type: 'time_bound' as const,
            code: String(100000 + i),
            startsAt: new Date(now.getTime() - day),
            endsAt: new Date(now.getTime() + day),
            status: 'set' as const,
            externalRef: `ref_${lock.externalId}`,
            setOnDeviceAt: now,
            nextAttemptAt: null,
          })),
        )
        .returning({ id: accessCodes.id, deviceId: accessCodes.deviceId }),
  );
  const codeOf = new Map(codes.map((c) => [c.deviceId, c.id]));
  return {
    organizationId: org.id,
    locks: rows.map((lock) => ({
      deviceId: lock.id,
      lockId: lock.externalId,
      codeId: codeOf.get(lock.id) ?? '',
      ref: `ref_${lock.externalId}`,
    })),
  };
}

async function chunkedReturning<T, R>(rows: T[], insert: (chunk: T[]) => Promise<R[]>) {
  const out: R[] = [];
  await chunked(rows, 1000, async (chunk) => out.push(...(await insert(chunk))));
  return out;
}

/** What each lock logs in a minute: its guest at the keypad, an unnamed entry, a key, locking. */
async function logEvents(hardware: Db, locks: Seeded, at: Date) {
  const rows = locks.flatMap((lock) =>
    Array.from({ length: PER_LOCK }, (_, n) => {
      const occurredAt = new Date(at.getTime() - (PER_LOCK - n) * 1000);
      const kind = n % 10;
      if (kind < 7) {
        return {
          lockId: lock.lockId,
          kind: 'unlocked',
          method: 'keycode',
          keyholdCodeId: lock.codeId,
          codeRef: lock.ref,
          occurredAt,
        };
      }
      if (kind === 7)
        return { lockId: lock.lockId, kind: 'unlocked', method: 'keycode', occurredAt };
      if (kind === 8)
        return { lockId: lock.lockId, kind: 'unlocked', method: 'manual', occurredAt };
      return { lockId: lock.lockId, kind: 'locked', method: null, occurredAt };
    }),
  );
  await chunked(rows, 2000, (chunk) => hardware.insert(simulatedLockEvents).values(chunk));
  return rows.length;
}

const markDue = (db: Db, at: Date) => db.update(devices).set({ nextEventsReadAt: at });

async function drainDispatch(db: Db, now: Date) {
  while ((await dispatchEvents(db, now, { budgetMs: 60_000, batchSize: 2000 })).events > 0);
}

async function bench(engine: string) {
  const saved = process.env.DATABASE_URL;
  if (engine === 'pglite') delete process.env.DATABASE_URL;
  const database = await createTestDatabase({ max: 20 });
  if (saved !== undefined) process.env.DATABASE_URL = saved;
  const { db, hardware } = database;
  let now = new Date();
  const seedStarted = performance.now();
  const { locks } = await seed(db, now);
  const seedMs = performance.now() - seedStarted;
  const adapters = () => defaultAdapters(db, { hardware });
  const tick = async () => {
    const started = performance.now();
    const stats = await runTick(db, { now, adapters: adapters(), transports: {} });
    return { ms: performance.now() - started, stats };
  };
  const step = () => {
    now = new Date(now.getTime() + 2 * 60_000);
  };

  // Warm up: every lock read once with an empty log.
  await tick();
  await drainDispatch(db, now);

  const stage: { events: number; stored: number; attributed: number; ms: number }[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    step();
    const logged = await logEvents(hardware, locks, now);
    await markDue(db, now);
    const since = new Date();
    const started = performance.now();
    // The stage stops claiming after its budget; read on until every lock is done.
    const stats = { stored: 0 };
    for (;;) {
      const read = await readDueLockEvents(db, adapters(), now);
      stats.stored += read.stored;
      if (read.locks + read.failed === 0) break;
    }
    const ms = performance.now() - started;
    const [attributed] = await db
      .select({ n: count() })
      .from(events)
      .where(and(gte(events.createdAt, since), isNotNull(events.accessCodeId)));
    stage.push({ events: logged, stored: stats.stored, attributed: attributed?.n ?? 0, ms });
    await drainDispatch(db, now);
  }

  // Whole ticks: lock events not due, due with empty logs, due with new events.
  step();
  await db.update(devices).set({ nextEventsReadAt: new Date(now.getTime() + 3_600_000) });
  const notDue = await tick();
  step();
  await markDue(db, now);
  const empty = await tick();
  step();
  const logged = await logEvents(hardware, locks, now);
  await markDue(db, now);
  const withEvents = await tick();
  const [total] = await db.select({ n: count() }).from(events);
  const [dup] = await db
    .select({ n: sql<number>`count(*) - count(distinct dedupe_key)`.mapWith(Number) })
    .from(events);

  const stored = stage.reduce((s, r) => s + r.stored, 0);
  const attributed = stage.reduce((s, r) => s + r.attributed, 0);
  const stageMs = stage.reduce((s, r) => s + r.ms, 0);
  console.log(
    JSON.stringify(
      {
        engine,
        locks: LOCKS,
        eventsPerLockPerTick: PER_LOCK,
        seedSeconds: +(seedMs / 1000).toFixed(1),
        stage: {
          rounds: stage.map((r) => ({
            events: r.events,
            stored: r.stored,
            attributed: r.attributed,
            seconds: +(r.ms / 1000).toFixed(2),
          })),
          eventsStoredPerSecond: Math.round((stored / stageMs) * 1000),
          eventsAttributedPerSecond: Math.round((attributed / stageMs) * 1000),
        },
        tick: {
          lockEventsNotDueMs: Math.round(notDue.ms),
          emptyLogsMs: Math.round(empty.ms),
          withEventsMs: Math.round(withEvents.ms),
          eventsLogged: logged,
          // The stage's budget leaves the rest due for the next tick.
          eventsStored: withEvents.stats.lockEventsStored,
          addedByReadingEmptyLogsMs: Math.round(empty.ms - notDue.ms),
          addedByEventsMs: Math.round(withEvents.ms - notDue.ms),
          eventsDispatchedInTick: withEvents.stats.eventsDispatched,
        },
        eventsInTable: total?.n,
        duplicateEvents: dup?.n,
      },
      null,
      2,
    ),
  );
  await database.close();
}

for (const engine of engines) await bench(engine);
