import type { z } from 'zod';
import { AppError } from './errors';

/** Each refused field's first problem, by the field's name in the input. */
export type FieldErrors = Record<string, string>;

/** Fields named as the Seam-style API and its users know them. */
const SEAM_FIELD: Record<string, string> = {
  deviceId: 'device_id',
  startsAt: 'starts_at',
  endsAt: 'ends_at',
  preferredCodeLength: 'preferred_code_length',
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
