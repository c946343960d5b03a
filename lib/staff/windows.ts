import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';

/**
 * When a person's code works on a door (db/schema/staff.ts `staff_windows`),
 * as plain intervals: the one home of the rule for the tick that programs
 * staff codes and the slot forecast that counts them. Pure: no database, no
 * clock.
 */

export type Interval = { startsAt: Date; endsAt: Date };

export type WeeklyWindow = {
  kind: 'weekly';
  /** ISO weekdays, 1 = Monday … 7 = Sunday. */
  days: number[];
  /** Local wall-clock times, HH:MM (seconds ignored). An end at or before the start runs past midnight. */
  startTime: string;
  endTime: string;
};

export type TurnoverWindow = {
  kind: 'turnover';
  opensAfterCheckOutMinutes: number;
  closesBeforeCheckInMinutes: number;
};

export type StaffWindowRule = WeeklyWindow | TurnoverWindow;

/** A turnover with no next check-in within this long runs this long after check-out. */
export const TURNOVER_WITHOUT_NEXT_STAY_HOURS = 24;
/** How far after a check-out the next check-in is looked for. */
export const TURNOVER_LOOKAHEAD_DAYS = 14;

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

const minutesOf = (time: string) => {
  const [h = 0, m = 0] = time.split(':').map(Number);
  return h * 60 + m;
};

/** ISO weekday (1 = Monday) of a zoned date. */
const isoWeekday = (day: TZDate) => ((day.getDay() + 6) % 7) + 1;

/**
 * The weekly window's occurrences that overlap [from, to), each at its local
 * times in `zone` on its own date: 07:30 stays 07:30 on both sides of a DST
 * change. A local time that does not exist (the spring-forward gap) moves
 * forward by the gap.
 */
export function weeklyOccurrences(
  window: WeeklyWindow,
  zone: string,
  from: Date,
  to: Date,
): Interval[] {
  const start = minutesOf(window.startTime);
  let end = minutesOf(window.endTime);
  if (end <= start) end += 24 * 60;
  const days = new Set(window.days);
  const out: Interval[] = [];
  // From the day before `from` (an overnight window may still be running) to `to`'s day.
  let day = addDays(new TZDate(from.getTime(), zone), -1);
  const last = new TZDate(to.getTime(), zone);
  while (day <= last || sameLocalDate(day, last)) {
    if (days.has(isoWeekday(day))) {
      const at = (minutes: number) =>
        new Date(
          new TZDate(
            day.getFullYear(),
            day.getMonth(),
            day.getDate(),
            Math.floor(minutes / 60),
            minutes % 60,
            0,
            zone,
          ).getTime(),
        );
      const occurrence = { startsAt: at(start), endsAt: at(end) };
      if (occurrence.startsAt < to && occurrence.endsAt > from) out.push(occurrence);
    }
    day = addDays(day, 1);
  }
  return out;
}

const sameLocalDate = (a: TZDate, b: TZDate) =>
  a.getFullYear() === b.getFullYear() &&
  a.getMonth() === b.getMonth() &&
  a.getDate() === b.getDate();

/**
 * The turnover windows on one room that overlap [from, to): from each stay's
 * check-out (plus the opening margin) to the next check-in on that room (less
 * the closing margin), or `TURNOVER_WITHOUT_NEXT_STAY_HOURS` after check-out
 * when no stay follows within `TURNOVER_LOOKAHEAD_DAYS`. `stays` are the
 * room's confirmed stays (any order); a window squeezed to nothing by its
 * margins is dropped.
 */
export function turnoverOccurrences(
  window: TurnoverWindow,
  stays: Interval[],
  from: Date,
  to: Date,
): Interval[] {
  const sorted = [...stays].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const out: Interval[] = [];
  for (const stay of sorted) {
    const checkOut = stay.endsAt.getTime();
    const next = sorted.find(
      (s) =>
        s !== stay &&
        s.startsAt.getTime() >= checkOut &&
        s.startsAt.getTime() <= checkOut + TURNOVER_LOOKAHEAD_DAYS * 24 * HOUR,
    );
    const startsAt = new Date(checkOut + window.opensAfterCheckOutMinutes * MINUTE);
    const endsAt = next
      ? new Date(next.startsAt.getTime() - window.closesBeforeCheckInMinutes * MINUTE)
      : new Date(checkOut + TURNOVER_WITHOUT_NEXT_STAY_HOURS * HOUR);
    if (endsAt <= startsAt) continue;
    if (startsAt < to && endsAt > from) out.push({ startsAt, endsAt });
  }
  return out;
}

/**
 * Overlapping or touching intervals as one: the same digits on one lock with
 * touching windows are one code on the lock (DESIGN.md).
 */
export function mergeIntervals(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime());
  const out: Interval[] = [];
  for (const next of sorted) {
    const last = out.at(-1);
    if (last && next.startsAt <= last.endsAt) {
      if (next.endsAt > last.endsAt) last.endsAt = next.endsAt;
    } else {
      out.push({ startsAt: next.startsAt, endsAt: next.endsAt });
    }
  }
  return out;
}

/**
 * A person's windows on one door over [from, to), merged: weekly windows in
 * the door's property zone, turnovers from the stays of each room in
 * `turnoverRooms` (a room's own stays; for a common door, one list per room of
 * the person's that the door serves, so the door opens for each turnover).
 */
export function staffIntervals(
  rules: StaffWindowRule[],
  door: { zone: string; turnoverRooms: Interval[][] },
  from: Date,
  to: Date,
): Interval[] {
  const all: Interval[] = [];
  for (const rule of rules) {
    if (rule.kind === 'weekly') all.push(...weeklyOccurrences(rule, door.zone, from, to));
    else
      for (const stays of door.turnoverRooms)
        all.push(...turnoverOccurrences(rule, stays, from, to));
  }
  return mergeIntervals(all);
}
