import { localDateTimeParts, wallTimeInZone } from '@/lib/time';

/** "22:00" or Postgres's "22:00:00" as minutes after midnight. */
function minutesOf(time: string): number {
  const [hours = 0, minutes = 0] = time.split(':').map(Number);
  return hours * 60 + minutes;
}

/** "22:00:00" (a `time` column) as the "22:00" people type. */
export function hhmm(time: string | null): string | null {
  return time === null ? null : time.slice(0, 5);
}

/**
 * When a member's quiet hours end, if `now` falls inside them; null when it
 * does not (or they set none). Quiet hours are wall-clock times in the
 * organization's zone and may cross midnight (22:00–07:00): at 23:00 they end
 * at 07:00 the next local day, at 03:00 the same day — the instant computed in
 * the zone, so a DST change overnight still ends them at 07:00 local.
 */
export function quietHoursEnd(
  now: Date,
  quiet: { from: string | null; until: string | null },
  zone: string,
): Date | null {
  if (!quiet.from || !quiet.until) return null;
  const from = minutesOf(quiet.from);
  const until = minutesOf(quiet.until);
  if (from === until) return null;
  const local = minutesOf(localDateTimeParts(now, zone).time);
  const until_ = hhmm(quiet.until) ?? '00:00';
  if (from < until) {
    return local >= from && local < until ? wallTimeInZone(now, zone, 0, until_) : null;
  }
  // Across midnight: the evening part ends tomorrow, the morning part today.
  if (local >= from) return wallTimeInZone(now, zone, 1, until_);
  if (local < until) return wallTimeInZone(now, zone, 0, until_);
  return null;
}
