import type { Executor } from '@/db/client';
import type { KeyholdEvent } from '@/db/schema';

/**
 * Queue one outbox delivery per event and subscribed endpoint, in the
 * dispatching transaction. Returns the deliveries queued.
 * TODO(issue 20, outbound webhooks): built by the webhooks work.
 */
export async function queueWebhookDeliveries(
  _tx: Executor,
  _batch: KeyholdEvent[],
  _now: Date,
): Promise<number> {
  return 0;
}
