// What a stay's input must be: the guest's fields, the local dates read as
// the property's instants, the window rules in a stay's words, and the locks
// a stay may use. The form reads these rules too, so they live apart from the
// operations that write stays.
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { MAX_START_AHEAD_YEARS, windowProblem } from '@/lib/access-codes/rules';
import { type LockForCodes, loadLocks, lockCodeChanges } from '@/lib/access-codes/store';
import type { Actor } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { toE164 } from '@/lib/phone';
import type { PropertyTimes } from '@/lib/properties';
import { zonedInstant } from '@/lib/time';
import { type FieldErrors, InvalidInputError, zodFieldErrors } from '@/lib/validation';

const localDate = (field: string) =>
  z
    .string({ error: `${field} is required.` })
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${field} must be a date like 2026-12-24.`);
const localTime = (field: string) =>
  z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, `${field} must be a time like 15:00.`)
    .optional();

/** Longer is refused with this named, never cut: the form does not stop typing at it. */
export const GUEST_NAME_MAX_LENGTH = 200;
const GUEST_EMAIL_MAX_LENGTH = 320;

const guest = {
  guestName: z
    .string({ error: 'Guest name is required.' })
    .trim()
    .min(1, 'Guest name is required.')
    .max(GUEST_NAME_MAX_LENGTH, `Guest name must be at most ${GUEST_NAME_MAX_LENGTH} characters.`),
  guestEmail: z
    .email({ error: 'Guest email must be a valid email address.' })
    .max(
      GUEST_EMAIL_MAX_LENGTH,
      `Guest email must be at most ${GUEST_EMAIL_MAX_LENGTH} characters.`,
    )
    .nullish()
    .transform((v) => v || null),
  /** Stored in E.164 however it was typed; see `toE164`. */
  guestPhone: z
    .string()
    .trim()
    .nullish()
    .transform((typed, ctx) => {
      if (!typed) return null;
      const phone = toE164(typed);
      if (phone) return phone;
      ctx.addIssue({
        code: 'custom',
        message:
          'Guest phone must be in international form with its country code, like +1 415 555 0123.',
      });
      return z.NEVER;
    }),
};

/** The stay's local dates and times, also read on their own: see `stayProblems`. */
export const stayDatesSchema = z.object({
  checkInDate: localDate('Check-in date'),
  checkInTime: localTime('Check-in time'),
  checkOutDate: localDate('Check-out date'),
  checkOutTime: localTime('Check-out time'),
});

/** Times are the property's local dates and times; missing times use its check-in and check-out times. */
export const createReservationSchema = z.object({
  propertyId: z.uuid({ error: 'Property is required.' }),
  ...guest,
  ...stayDatesSchema.shape,
  deviceIds: z
    .array(z.uuid({ error: 'Each lock must be a lock id.' }))
    .min(1, 'Choose at least one lock.')
    .max(20, 'A stay can open at most 20 locks.'),
  source: z.string().trim().max(50).default('manual'),
  externalUid: z.string().trim().max(200).nullish(),
  notes: z.string().trim().max(2000).nullish(),
  /** Save it although it overlaps another stay on one of its locks: see ./overlap.ts. */
  allowOverlap: z.boolean().default(false),
});
export type CreateReservationInput = z.input<typeof createReservationSchema>;

/** What an edit may leave out keeps the stay's own value. */
export const changedDatesSchema = stayDatesSchema.partial();

export const updateReservationSchema = z.object({
  guestName: guest.guestName.optional(),
  guestEmail: guest.guestEmail.optional(),
  guestPhone: guest.guestPhone.optional(),
  ...changedDatesSchema.shape,
  deviceIds: createReservationSchema.shape.deviceIds.optional(),
  notes: z.string().trim().max(2000).nullish(),
  allowOverlap: createReservationSchema.shape.allowOverlap,
});
export type UpdateReservationInput = z.input<typeof updateReservationSchema>;

type StayDates = z.output<typeof stayDatesSchema>;
type StayWindow = { startsAt: Date; endsAt: Date };

/** The stay's instants from its local dates, or what is wrong with them and which date it is about. */
function stayWindow(
  property: PropertyTimes,
  dates: StayDates,
  now: Date,
): StayWindow | { problem: string; field: 'checkInDate' | 'checkOutDate' } {
  const startsAt = zonedInstant(
    dates.checkInDate,
    dates.checkInTime ?? property.checkInTime.slice(0, 5),
    property.timeZone,
  );
  const endsAt = zonedInstant(
    dates.checkOutDate,
    dates.checkOutTime ?? property.checkOutTime.slice(0, 5),
    property.timeZone,
  );
  const problem = windowProblem({ startsAt, endsAt }, now);
  if (problem) {
    return {
      problem: STAY_WINDOW_PROBLEMS[problem.rule],
      field: problem.field === 'starts_at' ? 'checkInDate' : 'checkOutDate',
    };
  }
  return { startsAt, endsAt };
}

/** The window rules (lib/access-codes/rules.ts) in a stay's words. */
const STAY_WINDOW_PROBLEMS = {
  ends_before_start: 'Check-out must be after check-in.',
  ended: 'Check-out must be in the future.',
  starts_too_far: `Check-in must be within ${MAX_START_AHEAD_YEARS} years.`,
  too_long: 'A stay can last at most one year.',
} as const;

/**
 * Every problem with a stay's input at once: the schema's, and the window's
 * whenever the dates themselves read, so a check-out before check-in is
 * reported together with a bad email rather than after it is fixed.
 */
export function stayProblems<T>(
  parsed: z.ZodSafeParseResult<T>,
  dates: StayDates | null,
  property: PropertyTimes,
  now: Date,
): { data: T; window: StayWindow | null } {
  const problems: FieldErrors = parsed.success ? {} : zodFieldErrors(parsed.error);
  const window = dates ? stayWindow(property, dates, now) : null;
  if (window && 'problem' in window) {
    problems[window.field] ??= window.problem;
    throw new InvalidInputError(problems);
  }
  if (!parsed.success) throw new InvalidInputError(problems);
  return { data: parsed.data, window };
}

/** The stay's locks: the organization's, active, and at the stay's property. */
export async function locksForStay(
  tx: Executor,
  actor: Actor,
  propertyId: string,
  deviceIds: string[],
): Promise<LockForCodes[]> {
  const unique = [...new Set(deviceIds)];
  const locks = await loadLocks(tx, actor.organizationId, unique).catch((error: unknown) => {
    if (error instanceof AppError) {
      throw new AppError('invalid_input', 'One of the chosen locks does not exist.', {
        field: 'deviceIds',
      });
    }
    throw error;
  });
  for (const lock of locks) {
    if (lock.propertyId !== propertyId) {
      throw new AppError('invalid_input', `${lock.name} is not at this property.`, {
        field: 'deviceIds',
      });
    }
  }
  await lockCodeChanges(tx, unique);
  return locks;
}
