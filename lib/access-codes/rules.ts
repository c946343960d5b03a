import { randomInt } from 'node:crypto';
import type { CodeConstraints } from '@/db/schema';

import { isWeakCode } from './weak-codes';

export { type Window, windowsMeet, windowsOverlap } from './windows';
export { isWeakCode };

export const MAX_WINDOW_DAYS = 366;

/**
 * How far ahead a window may start. A year typed wrong (9999) is a mistake,
 * not a booking: it would sit in every list and pool for ever.
 */
export const MAX_START_AHEAD_YEARS = 2;

/** `now` moved MAX_START_AHEAD_YEARS on the calendar: the latest a window may start. */
export function latestStart(now: Date): Date {
  const latest = new Date(now);
  latest.setUTCFullYear(latest.getUTCFullYear() + MAX_START_AHEAD_YEARS);
  return latest;
}

/** Why `code` cannot go on a lock with these constraints, or null when it can. */
export function codeProblem(code: string, constraints: CodeConstraints): string | null {
  if (constraints.digitsOnly && !/^\d+$/.test(code)) return 'Code must contain digits only.';
  if (!constraints.allowedLengths.includes(code.length)) {
    return `Code must be ${describeLengths(constraints.allowedLengths)} long for this lock.`;
  }
  return null;
}

function describeLengths(lengths: number[]): string {
  const sorted = [...lengths].sort((a, b) => a - b);
  if (sorted.length === 1) return `${sorted[0]} digits`;
  return `${sorted.slice(0, -1).join(', ')} or ${sorted.at(-1)} digits`;
}

/** Lengths every one of these locks accepts. */
export function commonLengths(all: CodeConstraints[]): number[] {
  const [first, ...rest] = all;
  if (!first) return [];
  return first.allowedLengths
    .filter((length) => rest.every((c) => c.allowedLengths.includes(length)))
    .sort((a, b) => a - b);
}

/** 6 digits when allowed (1 in a million); otherwise the longest the lock takes. */
export function defaultLength(lengths: number[], preferred?: number): number | undefined {
  if (preferred !== undefined && lengths.includes(preferred)) return preferred;
  if (lengths.includes(6)) return 6;
  return [...lengths].sort((a, b) => b - a)[0];
}

/**
 * A random PIN of `length` digits that is not weak and not in `taken`.
 * `random(n)` returns an integer in [0, n); tests pass a seeded one.
 */
export function generateCode(
  length: number,
  taken: ReadonlySet<string>,
  random: (n: number) => number = randomInt,
): string {
  for (let attempt = 0; attempt < 1000; attempt++) {
    let code = '';
    for (let i = 0; i < length; i++) code += String(random(10));
    if (!taken.has(code) && !isWeakCode(code)) return code;
  }
  throw new Error(`no free ${length}-digit code after 1000 tries`);
}

/** Why a time-bound window is unusable at `now`, naming the field, or null. */
export function windowProblem(
  window: { startsAt: Date; endsAt: Date },
  now: Date,
): {
  field: 'starts_at' | 'ends_at';
  /** Which rule it breaks, for callers that word it their own way (a stay's check-out). */
  rule: 'ends_before_start' | 'ended' | 'starts_too_far' | 'too_long';
  message: string;
} | null {
  if (window.endsAt.getTime() <= window.startsAt.getTime()) {
    return {
      field: 'ends_at',
      rule: 'ends_before_start',
      message: 'ends_at must be after starts_at.',
    };
  }
  if (window.endsAt.getTime() <= now.getTime()) {
    return { field: 'ends_at', rule: 'ended', message: 'ends_at must be in the future.' };
  }
  if (window.startsAt.getTime() > latestStart(now).getTime()) {
    return {
      field: 'starts_at',
      rule: 'starts_too_far',
      message: `starts_at must be within ${MAX_START_AHEAD_YEARS} years.`,
    };
  }
  if (window.endsAt.getTime() - window.startsAt.getTime() > MAX_WINDOW_DAYS * 86_400_000) {
    return {
      field: 'ends_at',
      rule: 'too_long',
      message: 'A time-bound code can last at most one year.',
    };
  }
  return null;
}
