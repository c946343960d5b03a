// Windows on the clock, apart from rules.ts: client pages reach these through
// describe.ts and state.ts, and rules.ts imports node:crypto for PINs, which
// would bundle a crypto polyfill that calls eval (refused by the CSP) into them.

/** A window on the clock; null ends mean "forever" (an ongoing code). */
export type Window = { startsAt: Date | null; endsAt: Date | null };

/** Whether two windows share any instant. Windows are [startsAt, endsAt). */
export function windowsOverlap(a: Window, b: Window): boolean {
  const aStart = a.startsAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const aEnd = a.endsAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const bStart = b.startsAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const bEnd = b.endsAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return aStart < bEnd && bStart < aEnd;
}

/**
 * Whether two windows share any instant, ends included: [startsAt, endsAt].
 * For times that last until something happens after their end (a code stays
 * on its lock until the tick after its end), where touching is meeting.
 */
export function windowsMeet(a: Window, b: Window): boolean {
  const aStart = a.startsAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const aEnd = a.endsAt?.getTime() ?? Number.POSITIVE_INFINITY;
  const bStart = b.startsAt?.getTime() ?? Number.NEGATIVE_INFINITY;
  const bEnd = b.endsAt?.getTime() ?? Number.POSITIVE_INFINITY;
  return aStart <= bEnd && bStart <= aEnd;
}
