import type { Db } from '@/db/client';
import type { AdapterResolver } from '@/lib/locks/adapter';

export type LockEventReadStats = {
  /** Locks whose events were read this tick. */
  locks: number;
  /** Events stored now (a report read again is not counted). */
  stored: number;
  /** Locks whose read failed (offline, the service down): read again next time. */
  failed: number;
};

/**
 * Read the events of every lock that is due, through adapters that report
 * them, from each lock's cursor; store each event once and attribute it.
 * TODO(issue 20, lock events): built by the lock-events work.
 */
export async function readDueLockEvents(
  _db: Db,
  _adapters: AdapterResolver,
  _now: Date,
): Promise<LockEventReadStats> {
  return { locks: 0, stored: 0, failed: 0 };
}
