import { describe, expect, it } from 'vitest';
import { quietHoursEnd } from './quiet-hours';

const NY = 'America/New_York';
const overnight = { from: '22:00:00', until: '07:00:00' };

describe('quietHoursEnd', () => {
  it.each([
    // [now (UTC), quiet hours, zone, held until (UTC) or null]
    ['2026-11-26T04:00:00Z', overnight, NY, '2026-11-26T12:00:00.000Z'], // 23:00 EST → 07:00 next day
    ['2026-11-26T08:30:00Z', overnight, NY, '2026-11-26T12:00:00.000Z'], // 03:30 EST → 07:00 same day
    ['2026-11-26T12:00:00Z', overnight, NY, null], // 07:00 sharp: over
    ['2026-11-26T20:00:00Z', overnight, NY, null], // 15:00: not quiet
    ['2026-11-26T03:00:00Z', overnight, NY, '2026-11-26T12:00:00.000Z'], // 22:00 sharp: quiet
    // The night clocks go back (1 Nov 2026, 02:00 EDT → 01:00 EST): 07:00 EST is 12:00 UTC.
    ['2026-11-01T03:00:00Z', overnight, NY, '2026-11-01T12:00:00.000Z'], // 23:00 EDT on 31 Oct
    // The night clocks go forward (8 Mar 2026): 07:00 EDT is 11:00 UTC.
    ['2026-03-08T04:00:00Z', overnight, NY, '2026-03-08T11:00:00.000Z'], // 23:00 EST on 7 Mar
    // Daytime quiet hours in another zone.
    [
      '2026-07-01T11:30:00Z',
      { from: '13:00', until: '14:30' },
      'Europe/Paris',
      '2026-07-01T12:30:00.000Z',
    ],
    ['2026-07-01T12:30:00Z', { from: '13:00', until: '14:30' }, 'Europe/Paris', null],
    ['2026-11-26T04:00:00Z', { from: null, until: null }, NY, null],
  ])('at %s with %o in %s holds until %s', (now, quiet, zone, expected) => {
    expect(quietHoursEnd(new Date(now), quiet, zone)?.toISOString() ?? null).toBe(expected);
  });
});
