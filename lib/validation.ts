import { z } from 'zod';
import { AppError } from './errors';

/** Each refused field's first problem, by the field's name in the input. */
export type FieldErrors = Record<string, string>;

/** Fields named as the Seam-style API and its users know them. */
const SEAM_FIELD: Record<string, string> = {
  deviceId: 'device_id',
  startsAt: 'starts_at',
  endsAt: 'ends_at',
  preferredCodeLength: 'preferred_code_length',
  accessCodeIds: 'access_code_ids',
  eventIds: 'event_ids',
  eventTypes: 'event_types',
  offset: 'unstable_offset',
};

/**
 * Input refused for one or more fields at once, so a form can mark every
 * field in one round trip. `message` and `options.field` are the first
 * problem (the API answers one); `fieldErrors` has them all, keyed by the
 * input's own names.
 */
export class InvalidInputError extends AppError {
  constructor(readonly fieldErrors: FieldErrors) {
    const [field, message] = Object.entries(fieldErrors)[0] ?? ['', 'Invalid input.'];
    super('invalid_input', message, { field: SEAM_FIELD[field] ?? field });
  }
}

/** Every field's first problem; one about the whole input is keyed ''. */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (!Object.hasOwn(errors, field)) errors[field] = issue.message;
  }
  return errors;
}

/** The fields an AppError refused: all of them for invalid input, else the one it names (if any). */
export function fieldErrorsOf(error: AppError): FieldErrors {
  if (error instanceof InvalidInputError) return error.fieldErrors;
  return error.options.field ? { [error.options.field]: error.message } : {};
}

/** Parse with zod, or refuse with every field's problem at once. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new InvalidInputError(zodFieldErrors(result.error));
}

const ISO_INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):?(\d{2}))$/i;

/**
 * Whether a string is an ISO 8601 date and time with a zone (Seam's format)
 * naming a real calendar day and clock time. `Date` alone rolls 2027-02-30
 * over to 2 March and reads "March 5" as a date, so the parts are checked.
 */
export function isIsoInstant(value: string): boolean {
  const m = ISO_INSTANT.exec(value);
  if (!m) return false;
  const [year, month, day, hour, minute, second = '0', zoneHours = '0', zoneMinutes = '0'] = m
    .slice(1)
    .map((part) => part ?? undefined);
  const y = Number(year);
  const mo = Number(month);
  const daysInMonth = new Date(Date.UTC(y, mo, 0)).getUTCDate();
  return (
    mo >= 1 &&
    mo <= 12 &&
    Number(day) >= 1 &&
    Number(day) <= daysInMonth &&
    Number(hour) <= 23 &&
    Number(minute) <= 59 &&
    Number(second) <= 59 &&
    Number(zoneHours) <= 23 &&
    Number(zoneMinutes) <= 59 &&
    !Number.isNaN(Date.parse(value))
  );
}

/** An ISO 8601 instant as a Date; null or empty means "not given", never 1970. */
export const isoInstant = (field: string) =>
  z.preprocess(
    (v) => (v === null || v === '' ? undefined : v),
    z.unknown().transform((v, ctx): Date => {
      if (v instanceof Date && !Number.isNaN(v.getTime())) return v;
      if (typeof v === 'string' && isIsoInstant(v)) return new Date(v);
      ctx.addIssue({
        code: 'custom',
        message: `${field} must be an ISO 8601 date and time that exists, like 2027-03-05T15:00:00Z.`,
      });
      return z.NEVER;
    }),
  );
