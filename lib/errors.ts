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

/**
 * What a not-found error is about. Entry points choose their answer from this,
 * never from the message: the Seam-style API says `device_not_found` for a
 * Device whatever the sentence reads.
 */
export type Resource =
  | 'AccessCode'
  | 'ActionAttempt'
  | 'Alert'
  | 'ApiKey'
  | 'Connection'
  | 'Device'
  | 'Event'
  | 'Invitation'
  | 'LockGroup'
  | 'Member'
  | 'Organization'
  | 'Page'
  | 'Property'
  | 'Reservation'
  | 'Session'
  | 'SimulatedLock'
  | 'StaffMember'
  | 'Source'
  | 'Template'
  | 'WebhookEndpoint';

/** The words a user reads for each resource ("Lock not found."). */
const RESOURCE_NAMES: Record<Resource, string> = {
  AccessCode: 'Access code',
  ActionAttempt: 'Action attempt',
  Alert: 'Alert',
  ApiKey: 'API key',
  Connection: 'Connection',
  Device: 'Lock',
  Event: 'Event',
  Invitation: 'Invitation',
  LockGroup: 'Lock group',
  Member: 'Member',
  Organization: 'Organization',
  Page: 'Page',
  Property: 'Property',
  Reservation: 'Reservation',
  Session: 'Session',
  SimulatedLock: 'Simulated lock',
  StaffMember: 'Staff member',
  Source: 'Reservation source',
  Template: 'Template',
  WebhookEndpoint: 'Webhook endpoint',
};

export type AppErrorOptions = { field?: string; internal?: string; resource?: Resource };

export class AppError extends Error {
  /** What was not found, for a `not_found` error. */
  readonly resource?: Resource;

  // A not-found error always says what was not found.
  constructor(
    code: 'not_found',
    message: string,
    options: AppErrorOptions & { resource: Resource },
  );
  constructor(code: Exclude<AppErrorCode, 'not_found'>, message: string, options?: AppErrorOptions);
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly options: AppErrorOptions = {},
  ) {
    super(message);
    this.name = 'AppError';
    this.resource = options.resource;
  }

  static notFound(resource: Resource, options: { field?: string; internal?: string } = {}) {
    return new AppError('not_found', `${RESOURCE_NAMES[resource]} not found.`, {
      ...options,
      resource,
    });
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
