import type { Db } from '@/db/client';

/**
 * Tell members of what is true now rather than what just happened: an arrival
 * at risk (as soon as known, again 2 hours before check-in), a lock offline
 * with an arrival in the next 24 hours; and send the daily digests that are due.
 * TODO(issue 20, notifications): built by the notifications work.
 */
export async function notifyConditions(_db: Db, _now: Date): Promise<number> {
  return 0;
}
