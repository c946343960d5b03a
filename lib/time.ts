import { TZDate } from '@date-fns/tz';
import { addDays } from 'date-fns';

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

/** "Nov 26, 15:00" in the property's zone. */
export function formatInZone(at: Date, zone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone: zone,
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}
