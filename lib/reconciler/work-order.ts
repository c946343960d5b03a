import type { AccessCode } from '@/db/schema';

/**
 * Which code a lock's work reaches first, and so which code a free slot goes
 * to when slots are short (DESIGN.md complaint 3): removals first (they free
 * slots), then time-bound codes (guests, staff) by arrival, the nearest
 * first, then ongoing codes, backup codes last. A code already on the lock
 * is never taken off for another. The tick works each lock in this order;
 * the slot forecast (lib/slots) gives out slots by it.
 */
export type WorkItem = Pick<AccessCode, 'isBackup' | 'type' | 'startsAt'> & {
  /** The code is to come off the lock. */
  removal: boolean;
};

export function workRank(item: WorkItem): number {
  if (item.removal) return 0;
  if (item.isBackup) return 3;
  return item.type === 'ongoing' ? 2 : 1;
}

/** Sort comparator: the item whose work comes first sorts first. */
export function compareWork(a: WorkItem, b: WorkItem): number {
  const byRank = workRank(a) - workRank(b);
  if (byRank !== 0) return byRank;
  return (a.startsAt?.getTime() ?? 0) - (b.startsAt?.getTime() ?? 0);
}
