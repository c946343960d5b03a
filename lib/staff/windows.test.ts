import { TZDate } from '@date-fns/tz';
import { describe, expect, it } from 'vitest';
import { mergeIntervals, staffIntervals, turnoverOccurrences, weeklyOccurrences } from './windows';

const NY = 'America/New_York';
const local = (y: number, m: number, d: number, h: number, min = 0) =>
  new Date(new TZDate(y, m - 1, d, h, min, 0, NY).getTime());
const hhmm = (at: Date) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: NY, hour: '2-digit', minute: '2-digit' }).format(at);
const weekday = (at: Date) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: NY, weekday: 'short' }).format(at);

const weekdays = {
  kind: 'weekly' as const,
  days: [1, 2, 3, 4, 5],
  startTime: '07:30',
  endTime: '17:30',
};

describe('weekly windows', () => {
  it('open at 07:30 local on both sides of the autumn DST change (New York, 1 Nov 2026)', () => {
    const got = weeklyOccurrences(weekdays, NY, local(2026, 10, 26, 0), local(2026, 11, 7, 0));
    expect(got.map((o) => weekday(o.startsAt))).toEqual([
      'Mon',
      'Tue',
      'Wed',
      'Thu',
      'Fri',
      'Mon',
      'Tue',
      'Wed',
      'Thu',
      'Fri',
    ]);
    expect(new Set(got.map((o) => hhmm(o.startsAt)))).toEqual(new Set(['07:30']));
    expect(new Set(got.map((o) => hhmm(o.endsAt)))).toEqual(new Set(['17:30']));
    // The UTC hour moves by one: the clock, not the instant, is what stays put.
    expect(got[0]?.startsAt.toISOString()).toBe('2026-10-26T11:30:00.000Z');
    expect(got[5]?.startsAt.toISOString()).toBe('2026-11-02T12:30:00.000Z');
  });

  it('open at 07:30 local across the spring change (14 Mar 2027)', () => {
    const got = weeklyOccurrences(weekdays, NY, local(2027, 3, 12, 0), local(2027, 3, 16, 0));
    expect(got.map((o) => o.startsAt.toISOString())).toEqual([
      '2027-03-12T12:30:00.000Z',
      '2027-03-15T11:30:00.000Z',
    ]);
  });

  it('run past midnight when the end is before the start, and include the one still running at `from`', () => {
    const nights = { kind: 'weekly' as const, days: [5], startTime: '22:00', endTime: '02:00' };
    const got = weeklyOccurrences(nights, NY, local(2026, 12, 5, 1), local(2026, 12, 12, 0));
    expect(got.map((o) => [o.startsAt.toISOString(), o.endsAt.toISOString()])).toEqual([
      ['2026-12-05T03:00:00.000Z', '2026-12-05T07:00:00.000Z'],
      ['2026-12-12T03:00:00.000Z', '2026-12-12T07:00:00.000Z'],
    ]);
  });
});

describe('weekly windows asked again', () => {
  it('answer the same, and what one caller does to its answer never reaches the next', () => {
    const from = local(2026, 11, 23, 0);
    const to = local(2026, 11, 30, 0);
    const first = weeklyOccurrences(weekdays, NY, from, to);
    const kept = first.map((o) => o.endsAt.toISOString());
    for (const o of first) o.endsAt = new Date(0);
    first.pop();
    const again = weeklyOccurrences(weekdays, NY, from, to);
    expect(again.map((o) => o.endsAt.toISOString())).toEqual(kept);
    // Another zone is another question.
    const paris = weeklyOccurrences(weekdays, 'Europe/Paris', from, to);
    expect(paris[0]?.startsAt.toISOString()).not.toBe(again[0]?.startsAt.toISOString());
  });
});

describe('turnover windows', () => {
  const stays = [
    { startsAt: local(2026, 12, 1, 15), endsAt: local(2026, 12, 4, 11) },
    { startsAt: local(2026, 12, 4, 16), endsAt: local(2026, 12, 6, 11) },
  ];
  const turnover = {
    kind: 'turnover' as const,
    opensAfterCheckOutMinutes: 15,
    closesBeforeCheckInMinutes: 30,
  };

  it('run from check-out plus the margin to the next check-in less the margin, or a day without one', () => {
    const got = turnoverOccurrences(turnover, stays, local(2026, 12, 1, 0), local(2026, 12, 10, 0));
    expect(got).toEqual([
      { startsAt: local(2026, 12, 4, 11, 15), endsAt: local(2026, 12, 4, 15, 30) },
      { startsAt: local(2026, 12, 6, 11, 15), endsAt: local(2026, 12, 7, 11) },
    ]);
  });

  it('follow a stay whose check-out moves', () => {
    const moved = [
      { ...stays[0], endsAt: local(2026, 12, 4, 13) } as (typeof stays)[0],
      stays[1] as (typeof stays)[0],
    ];
    const got = turnoverOccurrences(turnover, moved, local(2026, 12, 1, 0), local(2026, 12, 5, 0));
    expect(got[0]).toEqual({
      startsAt: local(2026, 12, 4, 13, 15),
      endsAt: local(2026, 12, 4, 15, 30),
    });
  });

  it('are dropped when the margins leave nothing', () => {
    const tight = [
      { startsAt: local(2026, 12, 1, 15), endsAt: local(2026, 12, 4, 11) },
      { startsAt: local(2026, 12, 4, 11, 30), endsAt: local(2026, 12, 6, 11) },
    ];
    const got = turnoverOccurrences(turnover, tight, local(2026, 12, 1, 0), local(2026, 12, 5, 0));
    expect(got).toEqual([]);
  });
});

describe('merging', () => {
  it('makes touching and overlapping windows one, keeps apart ones apart', () => {
    const a = { startsAt: local(2026, 12, 7, 7, 30), endsAt: local(2026, 12, 7, 12) };
    const b = { startsAt: local(2026, 12, 7, 12), endsAt: local(2026, 12, 7, 17, 30) };
    const c = { startsAt: local(2026, 12, 7, 16), endsAt: local(2026, 12, 7, 18) };
    const d = { startsAt: local(2026, 12, 8, 7, 30), endsAt: local(2026, 12, 8, 9) };
    expect(mergeIntervals([d, c, b, a])).toEqual([{ startsAt: a.startsAt, endsAt: c.endsAt }, d]);
  });

  it('a weekly window and a turnover on a common door come out as one list per door', () => {
    const roomA = [{ startsAt: local(2026, 12, 5, 15), endsAt: local(2026, 12, 7, 11) }];
    const roomB = [{ startsAt: local(2026, 12, 6, 15), endsAt: local(2026, 12, 8, 11) }];
    const got = staffIntervals(
      [weekdays, { kind: 'turnover', opensAfterCheckOutMinutes: 0, closesBeforeCheckInMinutes: 0 }],
      { zone: NY, turnoverRooms: [roomA, roomB] },
      local(2026, 12, 7, 0),
      local(2026, 12, 9, 0),
    );
    // Mon 07:30–17:30 holds room A's 11:00 turnover (which runs a day: no next stay) → one to Tue 11:00,
    // then Tue 07:30–17:30 and room B's 11:00 turnover run on to Wed 11:00.
    expect(got).toEqual([{ startsAt: local(2026, 12, 7, 7, 30), endsAt: local(2026, 12, 9, 11) }]);
  });
});
