import { and, eq, sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import { type Db, type Executor, queryRows } from '@/db/client';
import { type Device, devices } from '@/db/schema';
import { type AdapterResolver, LockFailure, readsEvents } from '@/lib/locks/adapter';
import { logger } from '@/lib/log';
import { storeLockEvents } from './ingest';

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

/** Locks claimed per statement, and read at once. */
const CLAIM_BATCH = 256;
const CONCURRENCY = 16;

/** Reports asked for per read; a lock with more has its next page read in the same tick, up to PAGES. */
const PAGE = 500;
const PAGES = 4;

type DueLock = Pick<Device, 'id' | 'organizationId' | 'adapter' | 'connectionId' | 'externalId'> & {
  eventsCursor: string | null;
};

/**
 * Read the events of every lock that is due, through adapters that report
 * them, from each lock's cursor; store each event once and attribute it.
 * Each lock's reports and its new cursor are written in one transaction; a
 * lock whose read fails keeps its cursor and is read again at its next turn.
 * Safe on several instances at once: a claimed lock is not due elsewhere
 * until the interval passes, and a reading that lost the race stores nothing
 * twice (events are unique per lock event) and does not move the cursor back.
 */
export async function readDueLockEvents(
  db: Db,
  adapters: AdapterResolver,
  now: Date,
): Promise<LockEventReadStats> {
  const stats: LockEventReadStats = { locks: 0, stored: 0, failed: 0 };
  const limit = pLimit(CONCURRENCY);
  for (;;) {
    const due = await claimDueLocks(db, now, CLAIM_BATCH);
    if (due.length === 0) break;
    const quiet: string[] = [];
    await Promise.all(
      due.map((lock) =>
        limit(async () => {
          const adapter = adapters({
            adapter: lock.adapter,
            organizationId: lock.organizationId,
            connectionId: lock.connectionId,
          });
          if (!readsEvents(adapter)) {
            quiet.push(lock.id);
            return;
          }
          let cursor = lock.eventsCursor;
          try {
            for (let page = 0; page < PAGES; page++) {
              const read = await adapter.readEvents(lock.externalId, cursor, { limit: PAGE });
              const from = cursor;
              const stored = await db.transaction(async (tx) => {
                const written = await storeLockEvents(tx, lock, read.events);
                await moveCursor(tx, lock.id, from, read.cursor);
                return written.length;
              });
              stats.stored += stored;
              cursor = read.cursor;
              if (read.events.length < PAGE || read.cursor === from) break;
            }
            stats.locks++;
          } catch (error) {
            stats.failed++;
            // An unreachable lock or service is expected; anything else is a bug, logged with the lock.
            if (!(error instanceof LockFailure)) {
              logger().error({ err: error, deviceId: lock.id }, 'reading a lock’s events failed');
            }
          }
        }),
      ),
    );
    if (quiet.length > 0) {
      await db
        .update(devices)
        .set({ nextEventsReadAt: new Date(now.getTime() + NO_EVENTS_INTERVAL_MS) })
        .where(sql`${devices.id} = any(${`{${quiet.join(',')}}`}::uuid[])`);
    }
    if (due.length < CLAIM_BATCH) break;
  }
  return stats;
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

/** Move the cursor on from where this reading began; a reading that lost a race leaves it. */
async function moveCursor(
  tx: Executor,
  deviceId: string,
  from: string | null,
  to: string | null,
): Promise<void> {
  if (to === from) return;
  await tx
    .update(devices)
    .set({ eventsCursor: to })
    .where(
      and(eq(devices.id, deviceId), sql`${devices.eventsCursor} is not distinct from ${from}`),
    );
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
