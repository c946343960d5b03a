import { ZodError } from 'zod';
import { AppError, GENERIC_ERROR_MESSAGE, httpStatus, type Resource } from '@/lib/errors';
import { logger } from '@/lib/log';
import { BadBody } from './params';

export type SeamErrorBody = {
  error: {
    type: string;
    message: string;
    /** Seam's shape: `{ <param>: { _errors: [...] } }`, or `{ _errors: [...] }` for the whole request. */
    validation_errors?: Record<string, unknown>;
  };
  ok: false;
};

/** Seam's own error types for what it serves; anything else is a plain `not_found`. */
const NOT_FOUND_TYPES: Partial<Record<Resource, string>> = {
  AccessCode: 'access_code_not_found',
  ActionAttempt: 'action_attempt_not_found',
  Device: 'device_not_found',
  Event: 'event_not_found',
};

/** The type Seam's SDK chooses its error class by, from the error's kind and resource. */
function seamType(error: AppError): string {
  if (error.code === 'not_found') {
    return (error.resource && NOT_FOUND_TYPES[error.resource]) ?? 'not_found';
  }
  return error.code === 'unauthenticated' ? 'unauthorized' : error.code;
}

function invalid(field: string | undefined, message: string): [number, SeamErrorBody] {
  return [
    400,
    {
      error: {
        type: 'invalid_input',
        message,
        validation_errors: field ? { [field]: { _errors: [message] } } : { _errors: [message] },
      },
      ok: false,
    },
  ];
}

/** Any thrown value as Seam's error envelope; unknown errors are logged and answered generically. */
export function toSeamError(error: unknown): [number, SeamErrorBody] {
  if (error instanceof ZodError) {
    const issue = error.issues[0];
    return invalid(
      issue?.path.map(String).join('.') || undefined,
      issue?.message ?? 'Invalid input.',
    );
  }
  if (error instanceof BadBody) return invalid(undefined, error.message);
  if (error instanceof AppError) {
    if (error.code === 'invalid_input') return invalid(error.options.field, error.message);
    return [
      httpStatus(error.code),
      { error: { type: seamType(error), message: error.message }, ok: false },
    ];
  }
  logger().error({ err: error }, 'Seam-style API request failed');
  return [
    500,
    { error: { type: 'internal_server_error', message: GENERIC_ERROR_MESSAGE }, ok: false },
  ];
}
