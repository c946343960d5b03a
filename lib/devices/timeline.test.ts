import { describe, expect, it } from 'vitest';
import {
  barFor,
  dayTicks,
  formatDayTick,
  offsetOf,
  packLanes,
  type TimelineRange,
  timelineRange,
} from './timeline';

const NY = 'America/New_York';
const at = (iso: string) => new Date(iso);

describe('timelineRange', () => {
  it.each([
    // 12:00 UTC is 07:00 in New York: the range starts at the local midnight before.
    {
      now: '2026-11-26T12:00:00Z',
      zone: NY,
      start: '2026-11-26T05:00:00.000Z',
      end: '2026-12-10T05:00:00.000Z',
    },
    // 03:00 UTC on the 26th is still the 25th in New York.
    {
      now: '2026-11-26T03:00:00Z',
      zone: NY,
      start: '2026-11-25T05:00:00.000Z',
      end: '2026-12-09T05:00:00.000Z',
    },
    // Clocks go forward on 2026-03-08: the range is 14 local days, one hour short.
    {
      now: '2026-03-01T17:00:00Z',
      zone: NY,
      start: '2026-03-01T05:00:00.000Z',
      end: '2026-03-15T04:00:00.000Z',
    },
    {
      now: '2026-07-01T23:30:00Z',
      zone: 'Asia/Tokyo',
      start: '2026-07-01T15:00:00.000Z',
      end: '2026-07-15T15:00:00.000Z',
    },
  ])('$now in $zone runs from $start to $end', ({ now, zone, start, end }) => {
    const range = timelineRange(at(now), zone);
    expect(range.start.toISOString()).toBe(start);
    expect(range.end.toISOString()).toBe(end);
  });
});

// Ten days of 24 hours: each day is 10%.
const RANGE: TimelineRange = {
  start: at('2026-11-20T00:00:00Z'),
  end: at('2026-11-30T00:00:00Z'),
};

describe('barFor', () => {
  it.each([
    {
      name: 'a window inside the range',
      startsAt: '2026-11-21T00:00:00Z',
      endsAt: '2026-11-23T12:00:00Z',
      bar: { left: 10, width: 25, startsBefore: false, endsAfter: false },
    },
    {
      name: 'a window that began before the range is clipped on the left',
      startsAt: '2026-11-18T00:00:00Z',
      endsAt: '2026-11-21T00:00:00Z',
      bar: { left: 0, width: 10, startsBefore: true, endsAfter: false },
    },
    {
      name: 'a window that ends after the range is clipped on the right',
      startsAt: '2026-11-29T00:00:00Z',
      endsAt: '2026-12-05T00:00:00Z',
      bar: { left: 90, width: 10, startsBefore: false, endsAfter: true },
    },
    {
      name: 'a window wider than the range fills it',
      startsAt: '2026-11-01T00:00:00Z',
      endsAt: '2026-12-31T00:00:00Z',
      bar: { left: 0, width: 100, startsBefore: true, endsAfter: true },
    },
    {
      name: 'thirds are rounded to a thousandth of a percent',
      startsAt: '2026-11-20T08:00:00Z',
      endsAt: '2026-11-20T16:00:00Z',
      bar: { left: 3.333, width: 3.333, startsBefore: false, endsAfter: false },
    },
    {
      name: 'a window over before the range',
      startsAt: '2026-11-10T00:00:00Z',
      endsAt: '2026-11-20T00:00:00Z',
      bar: null,
    },
    {
      name: 'a window after the range',
      startsAt: '2026-11-30T00:00:00Z',
      endsAt: '2026-12-02T00:00:00Z',
      bar: null,
    },
    {
      name: 'a window that ends before it starts',
      startsAt: '2026-11-25T00:00:00Z',
      endsAt: '2026-11-24T00:00:00Z',
      bar: null,
    },
  ])('$name', ({ startsAt, endsAt, bar }) => {
    expect(barFor(RANGE, { startsAt: at(startsAt), endsAt: at(endsAt) })).toEqual(bar);
  });

  it('lets an ongoing code span the whole range', () => {
    expect(barFor(RANGE, { startsAt: null, endsAt: null })).toEqual({
      left: 0,
      width: 100,
      startsBefore: true,
      endsAfter: true,
    });
  });

  it('draws nothing on an empty range', () => {
    expect(barFor({ start: RANGE.start, end: RANGE.start }, { startsAt: null, endsAt: null })).toBe(
      null,
    );
  });
});

describe('offsetOf', () => {
  it.each([
    ['2026-11-20T00:00:00Z', 0],
    ['2026-11-22T12:00:00Z', 25],
    ['2026-11-30T00:00:00Z', 100],
    ['2026-11-19T23:59:59Z', null],
    ['2026-11-30T00:00:01Z', null],
  ])('%s sits at %s%%', (moment, expected) => {
    expect(offsetOf(RANGE, at(moment))).toBe(expected);
  });
});

describe('dayTicks', () => {
  it('marks each local midnight, evenly on an ordinary fortnight', () => {
    const range = timelineRange(at('2026-11-26T12:00:00Z'), NY);
    const ticks = dayTicks(range, NY);
    expect(ticks).toHaveLength(14);
    expect(ticks[0]).toEqual({ at: range.start, left: 0 });
    expect(ticks[1]?.at.toISOString()).toBe('2026-11-27T05:00:00.000Z');
    expect(ticks[7]?.left).toBe(50);
    expect(formatDayTick(ticks[0]?.at ?? range.start, NY)).toBe('Thu 26');
  });

  it('keeps ticks on local midnights across a change of clocks', () => {
    const range = timelineRange(at('2026-03-01T17:00:00Z'), NY);
    const ticks = dayTicks(range, NY);
    expect(ticks).toHaveLength(14);
    // Before 8 March midnight is 05:00 UTC, after it 04:00 UTC.
    expect(ticks[6]?.at.toISOString()).toBe('2026-03-07T05:00:00.000Z');
    expect(ticks[8]?.at.toISOString()).toBe('2026-03-09T04:00:00.000Z');
    // The short day makes the gap after 8 March narrower than the others.
    const gap = (i: number) => (ticks[i + 1]?.left ?? 100) - (ticks[i]?.left ?? 0);
    expect(gap(7)).toBeLessThan(gap(6));
  });
});

describe('packLanes', () => {
  const item = (id: string, left: number, width: number) => ({
    id,
    bar: { left, width, startsBefore: false, endsAfter: false },
  });
  const ids = (lanes: { id: string }[][]) => lanes.map((lane) => lane.map((i) => i.id));

  it.each([
    { name: 'nothing', items: [], lanes: [] },
    {
      name: 'stays one after another share a row, in order',
      items: [item('c', 60, 20), item('a', 0, 20), item('b', 25, 30)],
      lanes: [['a', 'b', 'c']],
    },
    {
      name: 'back-to-back windows share a row',
      items: [item('a', 0, 33.333), item('b', 33.333, 10)],
      lanes: [['a', 'b']],
    },
    {
      name: 'an overlapping window takes a second row',
      items: [item('stay', 10, 30), item('backup', 20, 20), item('next', 45, 10)],
      lanes: [['stay', 'next'], ['backup']],
    },
    {
      name: 'ongoing codes fill a row each',
      items: [item('a', 0, 100), item('b', 0, 100), item('stay', 10, 10)],
      lanes: [['a'], ['b'], ['stay']],
    },
  ])('$name', ({ items, lanes }) => {
    expect(ids(packLanes(items))).toEqual(lanes);
  });
});
