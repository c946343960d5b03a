/**
 * The one error type for expected outcomes. `message` is safe to show a user;
 * `internal` is for logs only. Anything that is not an AppError is a bug and
 * reaches users as a generic message.
 */
export type AppErrorCode =
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'invalid_input'
  | 'conflict'
  | 'rate_limited';

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly options: { field?: string; internal?: string } = {},
  ) {
    super(message);
    this.name = 'AppError';
  }

  static notFound(what: string) {
    return new AppError('not_found', `${what} not found.`);
  }
}

export const GENERIC_ERROR_MESSAGE = 'Something went wrong on our side. Please try again.';

export function httpStatus(code: AppErrorCode): number {
  switch (code) {
    case 'unauthenticated':
      return 401;
    case 'forbidden':
      return 403;
    case 'not_found':
      return 404;
    case 'invalid_input':
      return 400;
    case 'conflict':
      return 409;
    case 'rate_limited':
      return 429;
  }
}
