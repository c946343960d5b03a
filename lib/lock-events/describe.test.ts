import { describe, expect, it } from 'vitest';
import { describeEntry, type EntryFacts } from './describe';

const ZONE = 'America/New_York';
// 15:42 in New York (EST).
const AT = new Date('2026-11-26T20:42:00Z');
const SAME_DAY = new Date('2026-11-26T23:00:00Z');
const NEXT_DAY = new Date('2026-11-27T15:00:00Z');

const guestEntry: EntryFacts = {
  occurredAt: AT,
  method: 'keycode',
  accessCodeId: '00000000-0000-4000-8000-000000000001',
  reservationId: '00000000-0000-4000-8000-000000000002',
  isBackup: false,
  isPermanentBackup: false,
  codeName: null,
  lockName: 'Room 204',
  room: '204',
  afterCheckOut: false,
};

describe('describeEntry', () => {
  it.each<[string, Partial<EntryFacts>, { first?: boolean }, Date, string]>([
    [
      'a stay’s first entry',
      {},
      { first: true },
      SAME_DAY,
      'Arrived 15:42 · Room 204 · guest code',
    ],
    ['a later entry', {}, {}, SAME_DAY, 'Entered 15:42 · Room 204 · guest code'],
    [
      'an entry on another day names the day',
      {},
      { first: true },
      NEXT_DAY,
      'Arrived 26 Nov, 15:42 · Room 204 · guest code',
    ],
    ['a backup code', { isBackup: true }, {}, SAME_DAY, 'Entered 15:42 · Room 204 · backup code'],
    [
      'an entry after check-out',
      { afterCheckOut: true },
      {},
      SAME_DAY,
      'Entered 15:42 · Room 204 · guest code · after check-out',
    ],
    [
      'a keypad entry the lock did not attribute',
      { accessCodeId: null, reservationId: null },
      { first: true },
      SAME_DAY,
      'Unlocked at the keypad, code unknown · 15:42 · Room 204',
    ],
    [
      'a key',
      { accessCodeId: null, reservationId: null, method: 'manual' },
      {},
      SAME_DAY,
      'Opened with a key · 15:42 · Room 204',
    ],
    [
      'a lock without a room',
      { room: null, lockName: 'Side gate' },
      {},
      SAME_DAY,
      'Entered 15:42 · Side gate · guest code',
    ],
  ])('%s', (_case, change, options, now, words) => {
    expect(describeEntry({ ...guestEntry, ...change }, ZONE, now, options)).toBe(words);
  });

  it('reads the time in the property’s zone, not the server’s', () => {
    expect(describeEntry(guestEntry, 'Europe/Paris', new Date('2026-11-26T22:00:00Z'))).toBe(
      'Entered 21:42 · Room 204 · guest code',
    );
  });
});
