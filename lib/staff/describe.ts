import type { StaffRole } from '@/db/schema';
import type { StaffWindowRule } from './windows';

/**
 * A person's windows in the words every page and message uses: "Mon–Fri
 * 07:30–17:30", "Between stays: from check-out until the next check-in".
 * Pure, so the staff list, the person's page, the lock page and the staff
 * member's own message all say the same thing.
 */

export const ROLE_LABELS: Record<StaffRole, string> = {
  cleaning: 'Cleaning',
  maintenance: 'Maintenance',
  owner: 'Owner',
  other: 'Other',
};

const DAY_NAMES = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/** "Mon–Fri", "Mon, Wed, Fri", "Sat, Sun", "Every day": runs of three or more days as a range. */
export function describeDays(days: readonly number[]): string {
  const sorted = [...new Set(days)].filter((d) => d >= 1 && d <= 7).sort((a, b) => a - b);
  if (sorted.length === 7) return 'Every day';
  const runs: number[][] = [];
  for (const day of sorted) {
    const run = runs.at(-1);
    if (run && run.at(-1) === day - 1) run.push(day);
    else runs.push([day]);
  }
  const name = (day: number) => DAY_NAMES[day - 1] ?? '';
  return runs
    .flatMap((run) =>
      run.length >= 3
        ? [`${name(run[0] ?? 1)}–${name(run.at(-1) ?? 1)}`]
        : run.map((day) => name(day)),
    )
    .join(', ');
}

/** "07:30" from "07:30" or "07:30:00". */
export const hhmm = (time: string) => time.slice(0, 5);

/** "30 min", "1 h", "1 h 30 min". */
export function describeMinutes(minutes: number): string {
  const m = Math.abs(minutes);
  const hours = Math.floor(m / 60);
  const rest = m % 60;
  if (hours === 0) return `${rest} min`;
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}

/** One window in words. */
export function describeWindow(rule: StaffWindowRule): string {
  if (rule.kind === 'weekly') {
    const start = hhmm(rule.startTime);
    const end = hhmm(rule.endTime);
    const overnight = end <= start ? ' (overnight)' : '';
    return `${describeDays(rule.days)} ${start}–${end}${overnight}`;
  }
  const opens =
    rule.opensAfterCheckOutMinutes === 0
      ? 'from check-out'
      : `from ${describeMinutes(rule.opensAfterCheckOutMinutes)} ${rule.opensAfterCheckOutMinutes > 0 ? 'after' : 'before'} check-out`;
  const closes =
    rule.closesBeforeCheckInMinutes === 0
      ? 'until the next check-in'
      : `until ${describeMinutes(rule.closesBeforeCheckInMinutes)} ${rule.closesBeforeCheckInMinutes > 0 ? 'before' : 'after'} the next check-in`;
  return `Between stays: ${opens} ${closes}`;
}

/** All of a person's windows, joined for one line. */
export function describeWindows(rules: readonly StaffWindowRule[]): string {
  return rules.length === 0 ? 'No windows' : rules.map(describeWindow).join('; ');
}
