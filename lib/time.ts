import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';

type Style = Omit<Intl.DateTimeFormatOptions, 'timeZone'>;
const formatters = new WeakMap<Style, Map<string, Intl.DateTimeFormat>>();

/**
 * One formatter per style, locale and zone, made once: building an
 * Intl.DateTimeFormat costs far more than using one, and a page of 500 stays
 * formats thousands of times. Each style is a constant object, so finding
 * its formatter is two map lookups (a key spelled out of the options on
 * every call cost the arrivals board more than the formatting).
 */
function formatter(locale: string, zone: string, style: Style): Intl.DateTimeFormat {
  let byZone = formatters.get(style);
  if (!byZone) {
    byZone = new Map();
    formatters.set(style, byZone);
  }
  const key = `${locale}|${zone}`;
  let made = byZone.get(key);
  if (!made) {
    made = new Intl.DateTimeFormat(locale, { ...style, timeZone: zone });
    byZone.set(key, made);
  }
  return made;
}

/** True for a zone the runtime knows, e.g. "America/New_York". */
export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone.length > 0;
  } catch {
    return false;
  }
}

/**
 * The instant a wall-clock time happens in a zone, `days` days after the
 * zone's current date. "15:00" two days from now in New York is 15:00 local on
 * that date whether or not DST changed in between.
 */
export function wallTimeInZone(now: Date, zone: string, days: number, time: string): Date {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  const day = addDays(new TZDate(now.getTime(), zone), days);
  const at = new TZDate(day.getFullYear(), day.getMonth(), day.getDate(), hours, minutes, 0, zone);
  return new Date(at.getTime());
}

/**
 * The instant a local date and time happen in a zone: "2026-03-08" "15:00" in
 * New York is 19:00 UTC (daylight time). A time that does not exist locally
 * (02:30 on the night clocks go forward) moves forward by the gap.
 */
export function zonedInstant(date: string, time: string, zone: string): Date {
  const [year = 0, month = 1, day = 1] = date.split('-').map(Number);
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  return new Date(new TZDate(year, month - 1, day, hours, minutes, 0, zone).getTime());
}

/**
 * A moment as an ISO string. What a page prefetches and what its JSON route
 * answers must be the same shape, and JSON has no dates: lib functions a live
 * page reads hand out times this way (raw SQL may already give a string).
 */
export function toIso(at: Date | string): string;
export function toIso(at: Date | string | null): string | null;
export function toIso(at: Date | string | null): string | null {
  return at === null ? null : (at instanceof Date ? at : new Date(at)).toISOString();
}

const IN_ZONE: Style = {
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};

/** "Nov 26, 15:00" in the property's zone. */
export function formatInZone(at: Date, zone: string): string {
  return formatter('en-GB', zone, IN_ZONE).format(at);
}

const DATE_TIME_PARTS: Style = {
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};

/** A moment as the property's local date ("2026-12-24") and time ("15:00"). */
export function localDateTimeParts(at: Date, zone: string): { date: string; time: string } {
  const parts = formatter('en-CA', zone, DATE_TIME_PARTS).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '00';
  return {
    date: `${get('year')}-${get('month')}-${get('day')}`,
    time: `${get('hour')}:${get('minute')}`,
  };
}

const DATE_ONLY: Style = { year: 'numeric', month: '2-digit', day: '2-digit' };

/** Whether two moments fall on the same date in a zone (cheaper than comparing their parts). */
export function sameLocalDate(a: Date, b: Date, zone: string): boolean {
  const date = formatter('en-CA', zone, DATE_ONLY);
  return date.format(a) === date.format(b);
}

const ZONE_NAME: Style = { timeZoneName: 'short' };

/**
 * The zone's short name at that moment ("EST", "EDT", "CET"). Browsers and
 * Node only know some abbreviations in some locales (en-US has "EST" but says
 * "GMT+1" for Paris; en-GB the reverse), so the first real name wins and an
 * offset like "GMT+9" is the fallback.
 */
export function zoneAbbreviation(at: Date, zone: string): string {
  let fallback = zone;
  for (const locale of ['en-US', 'en-GB']) {
    const name = formatter(locale, zone, ZONE_NAME)
      .formatToParts(at)
      .find((p) => p.type === 'timeZoneName')?.value;
    if (!name) continue;
    if (!/^(GMT|UTC)[+-]/.test(name)) return name;
    if (fallback === zone) fallback = name;
  }
  return fallback;
}

const ZONED: Style = {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
};

/** "Thu 26 Nov 2026, 15:00 EST": a moment as people at the property read it, zone included. */
export function formatZoned(at: Date, zone: string): string {
  const local = formatter('en-GB', zone, ZONED).format(at);
  return `${local} ${zoneAbbreviation(at, zone)}`;
}
