import type { EntryMethod, LockEventReport, LockEventType } from '../adapter';

/**
 * Seam's events as Keyhold reads them (`/events/list`), and the cursor that
 * carries a lock's reading from one tick to the next.
 */

/** The events Keyhold asks Seam for: entries, locking, refused codes, tamper, low battery. */
export const SEAM_LOCK_EVENT_TYPES = [
  'lock.unlocked',
  'lock.locked',
  'lock.access_denied',
  'device.tampered',
  'device.low_battery',
] as const satisfies readonly LockEventType[];

export type SeamEvent = {
  event_id: string;
  event_type: string;
  device_id?: string;
  access_code_id?: string | null;
  /** On lock.unlocked: keycode, manual, automatic, remote, unknown… */
  method?: string | null;
  occurred_at?: string;
  /** When Seam generated it: what `since` filters on. */
  created_at: string;
};

/**
 * Where reading goes on from: the newest `created_at` read (Seam's `since`
 * filters on when Seam generated an event, not on when it happened, so a
 * report that reached Seam late is still found) and the ids read at that
 * instant, so an event sharing it is neither skipped nor read twice.
 */
export type SeamEventCursor = { at: string; ids: string[] };

/** How far back a lock's first read goes. */
export const FIRST_READ_MS = 24 * 3_600_000;

export function parseCursor(cursor: string | null): SeamEventCursor | null {
  if (!cursor) return null;
  try {
    const parsed = JSON.parse(cursor) as Partial<SeamEventCursor>;
    if (typeof parsed.at !== 'string' || Number.isNaN(Date.parse(parsed.at))) return null;
    return { at: parsed.at, ids: Array.isArray(parsed.ids) ? parsed.ids.map(String) : [] };
  } catch {
    return null;
  }
}

/** When the request's `since` should be: a moment before the cursor, whether Seam's bound is inclusive or not. */
export function sinceFor(cursor: SeamEventCursor | null, now: number): string {
  if (!cursor) return new Date(now - FIRST_READ_MS).toISOString();
  return new Date(Date.parse(cursor.at) - 1).toISOString();
}

/**
 * The answer's new events for this lock, oldest first, at most `limit`, and
 * the cursor after them. Filters what Seam's fake does not (it ignores the
 * workspace, and keeps events that name no device) and drops what the cursor
 * says was read already.
 */
export function newEvents(
  answer: SeamEvent[],
  externalId: string,
  cursor: SeamEventCursor | null,
  limit: number,
): { events: SeamEvent[]; cursor: SeamEventCursor | null } {
  const types = new Set<string>(SEAM_LOCK_EVENT_TYPES);
  const from = cursor ? Date.parse(cursor.at) : Number.NEGATIVE_INFINITY;
  const readAtCursor = new Set(cursor?.ids ?? []);
  const fresh = answer
    .filter((e) => e.device_id === externalId && types.has(e.event_type))
    .filter((e) => {
      const at = Date.parse(e.created_at);
      if (Number.isNaN(at)) return false;
      return at > from || (at === from && !readAtCursor.has(e.event_id));
    })
    .sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at))
    .slice(0, limit);
  const last = fresh.at(-1);
  if (!last) return { events: [], cursor };
  const at = Date.parse(last.created_at);
  const sameInstant = fresh.filter((e) => Date.parse(e.created_at) === at).map((e) => e.event_id);
  const ids =
    cursor && Date.parse(cursor.at) === at ? [...cursor.ids, ...sameInstant] : sameInstant;
  return { events: fresh, cursor: { at: new Date(at).toISOString(), ids } };
}

export function toReport(event: SeamEvent): LockEventReport {
  const entry = event.event_type === 'lock.unlocked' || event.event_type === 'lock.access_denied';
  return {
    externalEventId: event.event_id,
    type: event.event_type as LockEventType,
    occurredAt: new Date(event.occurred_at ?? event.created_at),
    method: entry ? toMethod(event.method) : null,
    // Seam's access_code_id is the code's reference at Seam (access_codes.external_ref).
    code: event.access_code_id ? { ref: event.access_code_id } : null,
  };
}

function toMethod(method: string | null | undefined): EntryMethod {
  return method === 'keycode' || method === 'manual' ? method : 'unknown';
}
