import type { Executor } from '@/db/client';
import type { KeyholdEvent } from '@/db/schema';

/**
 * Tell the members who chose it of the events that concern them (a backup
 * code pulled, an entry after check-out, a failed code at check-in), in the
 * dispatching transaction. Returns the notifications written.
 * TODO(issue 20, notifications): built by the notifications work.
 */
export async function notifyForEvents(
  _tx: Executor,
  _batch: KeyholdEvent[],
  _now: Date,
): Promise<number> {
  return 0;
}
