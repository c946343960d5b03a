import { z } from 'zod';
import { staffRole } from '@/db/schema';
import { toE164 } from '@/lib/phone';
import { type FieldErrors, InvalidInputError } from '@/lib/validation';

/**
 * What a person is made of, as the "Add a person" form and any other caller
 * sends it: every problem names its field, a window's by its row
 * (`windows.1.startTime`), so a form marks the input itself.
 */

/** A day's minutes: margins move a turnover by at most a day either way. */
export const MAX_MARGIN_MINUTES = 24 * 60;
export const MAX_WINDOWS = 20;
export const MAX_DOORS = 100;

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

const time = (field: string) =>
  z
    .string({ error: `${field} must be a time, HH:MM.` })
    .trim()
    .regex(HHMM, `${field} must be a time of day as HH:MM (24-hour), like 07:30.`);

const margin = (field: string) =>
  z.coerce
    .number({ error: `${field} must be a number of minutes.` })
    .int(`${field} must be whole minutes.`)
    .min(-MAX_MARGIN_MINUTES, `${field} must be within 24 h (1440 minutes) either way.`)
    .max(MAX_MARGIN_MINUTES, `${field} must be within 24 h (1440 minutes) either way.`);

export const weeklyWindowSchema = z.object({
  kind: z.literal('weekly'),
  days: z
    .array(z.coerce.number({ error: 'Days must be weekday numbers.' }), {
      error: 'Days must be a list of weekdays.',
    })
    .min(1, 'Choose at least one day.')
    .refine(
      (days) => days.every((d) => Number.isInteger(d) && d >= 1 && d <= 7),
      'Days must be numbers from 1 (Monday) to 7 (Sunday).',
    )
    .transform((days) => [...new Set(days)].sort((a, b) => a - b)),
  startTime: time('Start time'),
  endTime: time('End time'),
});

export const turnoverWindowSchema = z.object({
  kind: z.literal('turnover'),
  opensAfterCheckOutMinutes: margin('Minutes after check-out').default(0),
  closesBeforeCheckInMinutes: margin('Minutes before the next check-in').default(0),
});

export const staffWindowSchema = z.discriminatedUnion('kind', [
  weeklyWindowSchema,
  turnoverWindowSchema,
]);

const optionalText = z
  .string()
  .trim()
  .nullish()
  .transform((v) => v || null);

const ids = (error: string) =>
  z
    .array(z.uuid({ error }))
    .max(MAX_DOORS, `At most ${MAX_DOORS} doors.`)
    .default([])
    .transform((list) => [...new Set(list)]);

const doorsSchema = z.object({
  deviceIds: ids('Each lock must be a lock id.'),
  groupIds: ids('Each group must be a lock group id.'),
});

export const staffMemberSchema = z.object({
  name: z
    .string({ error: 'Name is required.' })
    .trim()
    .min(1, 'Name is required.')
    .max(100, 'Name must be at most 100 characters.'),
  role: z.enum(staffRole.enumValues, {
    error: 'Role must be cleaning, maintenance, owner or other.',
  }),
  email: optionalText.pipe(
    z.email({ error: 'Email must be an email address, like maria@example.com.' }).nullable(),
  ),
  phone: optionalText.transform((typed, ctx) => {
    if (typed === null) return null;
    const phone = toE164(typed);
    if (!phone) {
      ctx.addIssue({
        code: 'custom',
        message: 'Phone must be a phone number with its country code, like +1 415 555 0123.',
      });
      return z.NEVER;
    }
    return phone;
  }),
  /** The person's digits; generated to fit their doors when left out. */
  code: optionalText.pipe(
    z
      .string()
      .regex(/^\d{4,12}$/, 'Code must be 4 to 12 digits.')
      .nullable(),
  ),
  ...doorsSchema.shape,
  windows: z
    .array(staffWindowSchema, { error: 'Windows must be a list.' })
    .min(1, 'Add at least one window: when the code should work.')
    .max(MAX_WINDOWS, `At most ${MAX_WINDOWS} windows.`),
});

export type StaffMemberInput = z.input<typeof staffMemberSchema>;
export type StaffMemberData = z.output<typeof staffMemberSchema>;
export type StaffWindowData = z.output<typeof staffWindowSchema>;

/** Every field's first problem, a window's by its row (`windows.0.days`). */
function staffFieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const [first, row, field] = issue.path;
    const key =
      first === 'windows' && typeof row === 'number'
        ? `windows.${row}${field === undefined ? '' : `.${String(field)}`}`
        : String(first ?? '');
    if (!Object.hasOwn(errors, key)) errors[key] = issue.message;
  }
  return errors;
}

/** The person, or every problem at once ("at least one door" beside the others, not after them). */
export function parseStaffMember(input: unknown): StaffMemberData {
  const result = staffMemberSchema.safeParse(input);
  const doors = doorsSchema.safeParse(input);
  const noDoors = doors.success && doors.data.deviceIds.length + doors.data.groupIds.length === 0;
  if (result.success && !noDoors) return result.data;
  const errors = result.success ? {} : staffFieldErrors(result.error);
  if (noDoors) errors.doors = 'Choose at least one door: a lock or a group of locks.';
  throw new InvalidInputError(errors);
}
