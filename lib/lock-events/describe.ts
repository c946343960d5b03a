import { formatInZone, localDateTimeParts } from '@/lib/time';

/**
 * The words for an entry (a `lock.unlocked` event), in one place: the stay
 * page, Arrivals and the lock's timeline all read them from here. Pure, so a
 * test can hold the zone and the clock. An entry the lock did not attribute
 * to a code is said to be so, never credited to a guest by guess.
 */

export type EntryFacts = {
  occurredAt: Date;
  /** keycode | manual | unknown (Seam's words); null when the lock did not say. */
  method: string | null;
  /** The code the lock named; null when it did not name one. */
  accessCodeId: string | null;
  /** The stay the code belongs to (for a pulled backup: the stay it was pulled for). */
  reservationId: string | null;
  /** The named code is a backup code (pulled for a guest who could not get in). */
  isBackup: boolean;
  isPermanentBackup: boolean;
  /** The named code's own name, for a code of no stay. */
  codeName: string | null;
  lockName: string | null;
  room: string | null;
  /** The stay had ended when the code was used. */
  afterCheckOut: boolean;
};

/** How the door was opened, in a few words. */
export function entryHow(entry: EntryFacts): string {
  if (entry.method === 'manual') return 'Opened with a key';
  if (entry.accessCodeId === null) {
    return entry.method === 'keycode'
      ? 'Unlocked at the keypad, code unknown'
      : 'Unlocked, how is unknown';
  }
  if (entry.isBackup) return 'backup code';
  if (entry.isPermanentBackup) return 'permanent backup code';
  if (entry.reservationId !== null) return 'guest code';
  return entry.codeName ? `code “${entry.codeName}”` : 'a code of no stay';
}

/** "15:42" on the day of `now` in the zone, "26 Nov, 15:42" on another day. */
export function entryTime(at: Date, zone: string, now: Date): string {
  const local = localDateTimeParts(at, zone);
  return local.date === localDateTimeParts(now, zone).date ? local.time : formatInZone(at, zone);
}

/** "Room 204", or the lock's name when it has no room. */
function placeOf(entry: EntryFacts): string {
  return entry.room ? `Room ${entry.room}` : (entry.lockName ?? 'A lock no longer in Keyhold');
}

/**
 * "Arrived 15:42 · Room 204 · guest code" for a stay's first entry,
 * "Entered 18:05 · Room 204 · backup code" for a later one,
 * "Unlocked at the keypad, code unknown · 15:42 · Room 204" when the lock
 * did not say which code, "Opened with a key · 09:10 · Room 204" for a key.
 */
export function describeEntry(
  entry: EntryFacts,
  zone: string,
  now: Date,
  options: { first?: boolean } = {},
): string {
  const when = entryTime(entry.occurredAt, zone, now);
  const place = placeOf(entry);
  const how = entryHow(entry);
  if (entry.accessCodeId === null || entry.method === 'manual') {
    return `${how} · ${when} · ${place}`;
  }
  const verb = options.first ? 'Arrived' : 'Entered';
  const late = entry.afterCheckOut ? ' · after check-out' : '';
  return `${verb} ${when} · ${place} · ${how}${late}`;
}

/** The line a stay shows when its guest has not come in yet. */
export const NO_ENTRY_YET = 'Not yet arrived';
/** The stay page's empty history. */
export const NO_ENTRIES = 'No entries yet';
/** What a stay whose guest got in with a backup code shows. */
export const NEEDED_HELP = 'Needed a backup code';
