import { describe, expect, it } from 'vitest';
import {
  formatInZone,
  formatZoned,
  isValidTimeZone,
  localDateTimeParts,
  sameLocalDate,
  wallTimeInZone,
  zoneAbbreviation,
  zonedInstant,
} from './time';

describe('wallTimeInZone', () => {
  it.each([
    // New York switches to daylight time on 2026-03-08 at 02:00.
    { now: '2026-03-07T17:00:00Z', days: 0, time: '15:00', expected: '2026-03-07T20:00:00.000Z' },
    { now: '2026-03-07T17:00:00Z', days: 1, time: '15:00', expected: '2026-03-08T19:00:00.000Z' },
    { now: '2026-03-07T17:00:00Z', days: 1, time: '11:00', expected: '2026-03-08T15:00:00.000Z' },
    // And back on 2026-11-01.
    { now: '2026-10-31T12:00:00Z', days: 1, time: '15:00', expected: '2026-11-01T20:00:00.000Z' },
    // 03:00 UTC on the 26th is still the 25th in New York.
    { now: '2026-11-26T03:00:00Z', days: 0, time: '15:00', expected: '2026-11-25T20:00:00.000Z' },
  ])('$days day(s) after $now at $time New York is $expected', ({ now, days, time, expected }) => {
    expect(wallTimeInZone(new Date(now), 'America/New_York', days, time).toISOString()).toBe(
      expected,
    );
  });

  it('works in zones east of UTC', () => {
    expect(
      wallTimeInZone(new Date('2026-07-01T23:30:00Z'), 'Asia/Tokyo', 0, '15:00').toISOString(),
    ).toBe('2026-07-02T06:00:00.000Z');
  });
});

describe('zonedInstant', () => {
  it.each([
    ['2026-03-07', '15:00', 'America/New_York', '2026-03-07T20:00:00.000Z'],
    ['2026-03-08', '15:00', 'America/New_York', '2026-03-08T19:00:00.000Z'],
    // 02:30 does not exist in New York on 2026-03-08.
    ['2026-03-08', '02:30', 'America/New_York', '2026-03-08T07:30:00.000Z'],
    ['2026-11-01', '11:00', 'America/New_York', '2026-11-01T16:00:00.000Z'],
    ['2026-07-02', '15:00', 'Asia/Tokyo', '2026-07-02T06:00:00.000Z'],
    ['2026-10-25', '11:00', 'Europe/Lisbon', '2026-10-25T11:00:00.000Z'],
  ])('%s %s in %s is %s', (date, time, zone, expected) => {
    expect(zonedInstant(date, time, zone).toISOString()).toBe(expected);
  });
});

describe('isValidTimeZone', () => {
  it.each([
    ['America/New_York', true],
    ['Europe/Lisbon', true],
    ['UTC', true],
    ['Mars/Olympus_Mons', false],
    ['', false],
  ])('%s → %s', (zone, valid) => {
    expect(isValidTimeZone(zone)).toBe(valid);
  });
});

describe('formatInZone', () => {
  it('shows the property zone’s wall time', () => {
    expect(formatInZone(new Date('2026-11-26T20:00:00Z'), 'America/New_York')).toBe(
      '26 Nov, 15:00',
    );
  });
});

describe('zoneAbbreviation', () => {
  it.each([
    ['2026-11-26T17:00:00Z', 'America/New_York', 'EST'],
    ['2026-07-01T17:00:00Z', 'America/New_York', 'EDT'],
    ['2026-11-26T17:00:00Z', 'Europe/Paris', 'CET'],
    ['2026-07-01T17:00:00Z', 'Europe/London', 'BST'],
    ['2026-11-26T17:00:00Z', 'UTC', 'UTC'],
    // No common abbreviation: the offset is the honest answer.
    ['2026-11-26T17:00:00Z', 'Asia/Tokyo', 'GMT+9'],
  ])('%s in %s is %s', (at, zone, expected) => {
    expect(zoneAbbreviation(new Date(at), zone)).toBe(expected);
  });
});

describe('formatZoned', () => {
  it('names the day, the wall time and the zone, across a DST change', () => {
    expect(formatZoned(new Date('2026-03-07T20:00:00Z'), 'America/New_York')).toBe(
      'Sat, 7 Mar 2026, 15:00 EST',
    );
    expect(formatZoned(new Date('2026-03-08T19:00:00Z'), 'America/New_York')).toBe(
      'Sun, 8 Mar 2026, 15:00 EDT',
    );
  });
});

describe('sameLocalDate', () => {
  it('agrees with the local date of each moment, across midnight and DST changes, in every kind of zone', () => {
    // Every half hour over three days around New York's fall-back (2026-11-01),
    // against a moment on each side of local midnight.
    const zones = ['America/New_York', 'Europe/Paris', 'Asia/Kolkata', 'Pacific/Chatham', 'UTC'];
    const start = Date.parse('2026-10-31T00:00:00Z');
    const pivots = ['2026-11-01T03:59:00Z', '2026-11-01T04:01:00Z', '2026-11-01T23:30:00Z'];
    let same = 0;
    for (const zone of zones) {
      for (const pivot of pivots.map((p) => new Date(p))) {
        for (let i = 0; i < 144; i++) {
          const at = new Date(start + i * 1_800_000);
          const expected =
            localDateTimeParts(at, zone).date === localDateTimeParts(pivot, zone).date;
          expect(sameLocalDate(at, pivot, zone), `${at.toISOString()} ${zone}`).toBe(expected);
          if (expected) same += 1;
        }
      }
    }
    // Each pivot shares its date with about a day's worth of moments.
    expect(same).toBeGreaterThan(zones.length * pivots.length * 40);
  });
});
