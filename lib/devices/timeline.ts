import { wallTimeInZone } from '@/lib/time';

/**
 * Geometry of the lock page's timeline: where a code's window sits on the
 * coming two weeks, in percent of the width. Pure, so the server and the
 * browser draw the same picture from the same `now`.
 */

export const TIMELINE_DAYS = 14;

export type TimelineRange = { start: Date; end: Date };

/** A code's window; both null for an ongoing code. */
export type TimelineWindow = { startsAt: Date | null; endsAt: Date | null };

export type Bar = {
  /** Percent of the range's width from its start. */
  left: number;
  width: number;
  /** The window began before the range: the bar's left edge is not the code's start. */
  startsBefore: boolean;
  /** The window ends after the range. */
  endsAfter: boolean;
};

/**
 * From midnight today to midnight `days` days later, in the property's zone:
 * day ticks then fall on local midnights, and a DST change inside the range
 * makes one day 23 or 25 hours wide instead of shifting every tick after it.
 */
export function timelineRange(now: Date, zone: string, days = TIMELINE_DAYS): TimelineRange {
  return {
    start: wallTimeInZone(now, zone, 0, '00:00'),
    end: wallTimeInZone(now, zone, days, '00:00'),
  };
}

function percentOf(range: TimelineRange, at: Date): number {
  const span = range.end.getTime() - range.start.getTime();
  return ((at.getTime() - range.start.getTime()) / span) * 100;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/**
 * The bar for a window, clipped to the range; null when the window misses
 * the range altogether. An ongoing code has no window and spans the range.
 */
export function barFor(range: TimelineRange, window: TimelineWindow): Bar | null {
  if (range.end <= range.start) return null;
  const startsAt = window.startsAt ?? null;
  const endsAt = window.endsAt ?? null;
  if (startsAt === null || endsAt === null) {
    return { left: 0, width: 100, startsBefore: true, endsAfter: true };
  }
  if (endsAt <= range.start || startsAt >= range.end || endsAt <= startsAt) return null;
  const left = Math.max(0, percentOf(range, startsAt));
  const right = Math.min(100, percentOf(range, endsAt));
  return {
    left: round(left),
    width: round(right - left),
    startsBefore: startsAt < range.start,
    endsAfter: endsAt > range.end,
  };
}

/** Where a moment sits on the range in percent, or null when it is outside it. */
export function offsetOf(range: TimelineRange, at: Date): number | null {
  if (at < range.start || at > range.end || range.end <= range.start) return null;
  return round(percentOf(range, at));
}

/** Each local midnight from the range's start up to (not including) its end. */
export function dayTicks(range: TimelineRange, zone: string): { at: Date; left: number }[] {
  const ticks: { at: Date; left: number }[] = [];
  for (let day = 0; ; day++) {
    const at = wallTimeInZone(range.start, zone, day, '00:00');
    if (at >= range.end || day > 366) break;
    ticks.push({ at, left: round(percentOf(range, at)) });
  }
  return ticks;
}

/**
 * Put bars on as few rows as possible without overlap, earliest first: a
 * room's stays follow one another, so they read as one row of a calendar.
 * Each row is in left-to-right order.
 */
export function packLanes<T extends { bar: Bar }>(items: T[]): T[][] {
  const sorted = [...items].sort((a, b) => a.bar.left - b.bar.left || b.bar.width - a.bar.width);
  const lanes: { items: T[]; right: number }[] = [];
  for (const item of sorted) {
    // Rounding may leave back-to-back windows a hair apart or over; they share a row.
    const lane = lanes.find((l) => l.right <= item.bar.left + 0.001);
    if (lane) {
      lane.items.push(item);
      lane.right = item.bar.left + item.bar.width;
    } else {
      lanes.push({ items: [item], right: item.bar.left + item.bar.width });
    }
  }
  return lanes.map((l) => l.items);
}

/** "Thu 26" in the property's zone, for a day tick. */
export function formatDayTick(at: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    weekday: 'short',
    day: 'numeric',
  }).format(at);
}
