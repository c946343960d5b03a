import type { Executor } from '@/db/client';

/**
 * Delete lock events older than each organization's retention setting.
 * TODO(issue 20, lock events): built by the lock-events work.
 */
export async function pruneLockEvents(_db: Executor, _now: Date): Promise<number> {
  return 0;
}
