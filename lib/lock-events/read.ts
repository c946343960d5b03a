import { and, eq, sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import { type Db, type Executor, inIds, queryRows } from '@/db/client';
import { type Device, devices } from '@/db/schema';
import {
  type AdapterResolver,
  type LockEventReader,
  type LockEventReport,
  LockFailure,
  readsEvents,
} from '@/lib/locks/adapter';
import { logger } from '@/lib/log';
import { storeLockEventBatches } from './ingest';

export type LockEventReadStats = {
  /** Locks whose events were read this tick. */
  locks: number;
  /** Events stored now (a report read again is not counted). */
  stored: number;
  /** Locks whose read failed (offline, the service down): read again next time. */
  failed: number;
};

/** How often each lock's events are read. Claiming a lock pushes its next read this far: that push is the lease. */
export const LOCK_EVENTS_READ_INTERVAL_MS = 60_000;

/** A lock whose adapter reports no events is looked at again this much later. */
const NO_EVENTS_INTERVAL_MS = 60 * 60_000;

/** No new locks are claimed after this long in one tick. */
const BUDGET_MS = 15_000;

/** Locks claimed per statement. */
const CLAIM_BATCH = 256;
/** Locks whose reports are written in one transaction. */
const WRITE_BATCH = 32;
/** Such transactions at once: inserting events is most of the work, and Postgres takes it in parallel. */
const WRITERS = 4;
/** Lock reads at once, across the groups. */
const CONCURRENCY = 16;

/** Reports asked for per read; a lock with more has its next page read in the same tick, up to PAGES. */
const PAGE = 500;
const PAGES = 4;

type DueLock = Pick<Device, 'id' | 'organizationId' | 'adapter' | 'connectionId' | 'externalId'> & {
  eventsCursor: string | null;
};

type Read = { lock: DueLock; events: LockEventReport[]; cursor: string | null };

/**
 * Read the events of every lock that is due, through adapters that report
 * them, from each lock's cursor; store each event once and attribute it.
 * Locks are read concurrently; each lock's reports and its new cursor are
 * written in one transaction (shared by the locks read together, so that
 * thousands of locks cost a few hundred statements, not tens of thousands).
 * A lock whose read fails keeps its cursor and is read again at its next
 * turn. Safe on several instances at once: a claimed lock is not due
 * elsewhere until the interval passes, and a reading that lost the race
 * stores nothing twice (events are unique per lock event) and does not move
 * the cursor back.
 */
export async function readDueLockEvents(
  db: Db,
  adapters: AdapterResolver,
  now: Date,
): Promise<LockEventReadStats> {
  const stats: LockEventReadStats = { locks: 0, stored: 0, failed: 0 };
  const limit = pLimit(CONCURRENCY);
  const writers = pLimit(WRITERS);
  const started = performance.now();
  for (;;) {
    // Locks not claimed yet stay due for the next tick: the tick's other stages wait on this one.
    if (performance.now() - started > BUDGET_MS) break;
    const due = await claimDueLocks(db, now, CLAIM_BATCH);
    if (due.length === 0) break;
    const quiet: string[] = [];
    const readers = new Map<string, LockEventReader>();
    for (const lock of due) {
      const adapter = adapters({
        adapter: lock.adapter,
        organizationId: lock.organizationId,
        connectionId: lock.connectionId,
      });
      if (readsEvents(adapter)) readers.set(lock.id, adapter);
      else quiet.push(lock.id);
    }
    const reading = due.filter((lock) => readers.has(lock.id));
    const groups: DueLock[][] = [];
    for (let i = 0; i < reading.length; i += WRITE_BATCH) {
      groups.push(reading.slice(i, i + WRITE_BATCH));
    }
    await Promise.all(
      groups.map((group) =>
        writers(async () => {
          let pending = group;
          for (let page = 0; page < PAGES && pending.length > 0; page++) {
            const reads = await Promise.all(
              pending.map((lock) =>
                limit(async (): Promise<Read | null> => {
                  try {
                    const reader = readers.get(lock.id) as LockEventReader;
                    const read = await reader.readEvents(lock.externalId, lock.eventsCursor, {
                      limit: PAGE,
                    });
                    return { lock, ...read };
                  } catch (error) {
                    stats.failed++;
                    // An unreachable lock or service is expected; anything else is a bug, logged with the lock.
                    if (!(error instanceof LockFailure)) {
                      logger().error(
                        { err: error, deviceId: lock.id },
                        'reading a lock’s events failed',
                      );
                    }
                    return null;
                  }
                }),
              ),
            );
            const done = reads.filter((r): r is Read => r !== null);
            try {
              // Awaited first: `stats.stored += await …` would add to a total read before other groups wrote.
              const stored = await writeReads(db, done);
              stats.stored += stored;
              if (page === 0) stats.locks += done.length;
            } catch (error) {
              // Nothing of these reads was kept: their cursors stay, and they are read again.
              stats.failed += done.length;
              logger().error({ err: error }, 'storing lock events failed');
              return;
            }
            pending = done
              .filter((r) => r.events.length >= PAGE && r.cursor !== r.lock.eventsCursor)
              .map((r) => ({ ...r.lock, eventsCursor: r.cursor }));
          }
        }),
      ),
    );
    if (quiet.length > 0) {
      await db
        .update(devices)
        .set({ nextEventsReadAt: new Date(now.getTime() + NO_EVENTS_INTERVAL_MS) })
        .where(inIds(devices.id, quiet));
    }
    if (due.length < CLAIM_BATCH) break;
  }
  return stats;
}

/** Each lock's reports and its new cursor, for a group of locks, in one transaction. */
async function writeReads(db: Db, reads: Read[]): Promise<number> {
  const moved = reads.filter((r) => r.cursor !== r.lock.eventsCursor);
  if (reads.every((r) => r.events.length === 0) && moved.length === 0) return 0;
  return db.transaction(async (tx) => {
    const written = await storeLockEventBatches(
      tx,
      reads.map((r) => ({ device: r.lock, reports: r.events })),
    );
    if (moved.length > 0) {
      const cursors = moved.map((r) => ({
        id: r.lock.id,
        from: r.lock.eventsCursor,
        to: r.cursor,
      }));
      // A reading that lost a race with another instance's leaves the cursor where that one put it.
      await tx.execute(sql`
        update devices d set events_cursor = c."to"
          from jsonb_to_recordset(${JSON.stringify(cursors)}::jsonb)
                 as c(id uuid, "from" text, "to" text)
         where d.id = c.id and d.events_cursor is not distinct from c."from"`);
    }
    return written.length;
  });
}

/** Claim due locks and push their next read forward, in one statement: the push is the lease. */
async function claimDueLocks(db: Db, now: Date, count: number): Promise<DueLock[]> {
  const next = new Date(now.getTime() + LOCK_EVENTS_READ_INTERVAL_MS).toISOString();
  const rows = await queryRows<{
    id: string;
    organization_id: string;
    adapter: Device['adapter'];
    connection_id: string | null;
    external_id: string;
    events_cursor: string | null;
  }>(
    db,
    sql`
      with picked as (
        select id from devices
         where status = 'active' and next_events_read_at <= ${now.toISOString()}::timestamptz
         order by next_events_read_at
         limit ${count}
         for update skip locked
      )
      update devices d set next_events_read_at = ${next}::timestamptz
        from picked p
       where d.id = p.id
      returning d.id, d.organization_id, d.adapter, d.connection_id, d.external_id, d.events_cursor`,
  );
  return rows.map((r) => ({
    id: r.id,
    organizationId: r.organization_id,
    adapter: r.adapter,
    connectionId: r.connection_id,
    externalId: r.external_id,
    eventsCursor: r.events_cursor,
  }));
}

/**
 * Have a lock's events read at the next tick, e.g. after someone used its
 * keypad in a demo, instead of at its next turn.
 */
export async function readLockEventsSoon(
  db: Executor,
  organizationId: string,
  deviceId: string,
  now: Date,
): Promise<void> {
  await db
    .update(devices)
    .set({ nextEventsReadAt: now })
    .where(and(eq(devices.id, deviceId), eq(devices.organizationId, organizationId)));
}
