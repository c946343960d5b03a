import { describe, expect, it } from 'vitest';
import { offlineLockMessage } from './offline-locks';

const now = new Date('2026-12-05T20:00:00Z');
const lock = {
  name: 'Room 204',
  zone: 'America/New_York',
  since: '2026-12-05T14:11:00Z',
  arrivals: 0,
  backups: 0,
  others: 0,
  removals: 0,
};

describe('offlineLockMessage', () => {
  it.each([
    [{}, 'Room 204 offline since 09:11'],
    [
      { arrivals: 1, backups: 5 },
      'Room 204 offline since 09:11 — 1 arrival and 5 backup codes waiting',
    ],
    [
      { arrivals: 2, backups: 1, others: 1, removals: 3 },
      'Room 204 offline since 09:11 — 2 arrivals, 1 backup code, 1 other code and 3 codes to remove waiting',
    ],
    // Another day in the property's zone: the date too.
    [
      { since: '2026-12-04T14:11:00Z', removals: 1 },
      'Room 204 offline since 4 Dec, 09:11 — 1 code to remove waiting',
    ],
    [{ since: null }, 'Room 204 offline'],
  ])('%j → %s', (change, expected) => {
    expect(offlineLockMessage({ ...lock, ...change }, now)).toBe(expected);
  });
});
