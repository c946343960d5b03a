import type { Executor } from '@/db/client';
import { events, type KeyholdEvent } from '@/db/schema';
import type { EntryMethod, EventType } from './types';

/** One event to record; see `events` in db/schema/events.ts. Never put a PIN in `detail`. */
export type NewEvent = {
  organizationId: string;
  eventType: EventType;
  occurredAt: Date;
  deviceId?: string | null;
  accessCodeId?: string | null;
  reservationId?: string | null;
  method?: EntryMethod | null;
  detail?: Record<string, unknown>;
  /**
   * What makes it one happening: `lock:<device id>:<the lock's event id>` for
   * a lock's report, `<event type>:<cause>` for Keyhold's own.
   */
  dedupeKey: string;
};

/**
 * Record events in the caller's transaction, each once: an event whose
 * dedupe key is already stored is skipped. Returns the ones written now.
 */
export async function recordEvents(tx: Executor, batch: NewEvent[]): Promise<KeyholdEvent[]> {
  if (batch.length === 0) return [];
  return tx
    .insert(events)
    .values(
      batch.map((e) => ({
        organizationId: e.organizationId,
        eventType: e.eventType,
        occurredAt: e.occurredAt,
        deviceId: e.deviceId ?? null,
        accessCodeId: e.accessCodeId ?? null,
        reservationId: e.reservationId ?? null,
        method: e.method ?? null,
        detail: e.detail ?? {},
        dedupeKey: e.dedupeKey,
      })),
    )
    .onConflictDoNothing({ target: [events.organizationId, events.dedupeKey] })
    .returning();
}
