import { describe, expect, it } from 'vitest';
import { AppError, GENERIC_ERROR_MESSAGE, type Resource } from '@/lib/errors';
import { toSeamError } from './errors';

// Seam's SDK picks its error class from `type`; the words are for people and may change.
describe('toSeamError', () => {
  it.each([
    ['AccessCode', 'access_code_not_found'],
    ['Device', 'device_not_found'],
    ['ActionAttempt', 'action_attempt_not_found'],
    ['Reservation', 'not_found'],
    ['Page', 'not_found'],
  ] as const)('answers a missing %s with 404 %s', (resource, type) => {
    expect(toSeamError(AppError.notFound(resource))).toEqual([
      404,
      { error: { type, message: AppError.notFound(resource).message }, ok: false },
    ]);
  });

  it.each<[Resource, string, string]>([
    ['AccessCode', 'Lock not found.', 'access_code_not_found'],
    ['Device', 'Access code not found.', 'device_not_found'],
    ['Device', 'New lock not found.', 'device_not_found'],
    ['Reservation', 'Access code not found.', 'not_found'],
    ['Property', 'Action attempt not found.', 'not_found'],
  ])('chooses by the resource (%s), never by the words “%s”', (resource, message, type) => {
    const [status, body] = toSeamError(new AppError('not_found', message, { resource }));
    expect(status).toBe(404);
    expect(body.error).toEqual({ type, message });
  });

  it('answers the other kinds in Seam’s words and anything unknown generically', () => {
    expect(toSeamError(new AppError('unauthenticated', 'Key?'))).toEqual([
      401,
      { error: { type: 'unauthorized', message: 'Key?' }, ok: false },
    ]);
    expect(toSeamError(new AppError('conflict', 'Taken.'))[1].error.type).toBe('conflict');
    expect(toSeamError(new Error('SELECT * FROM secrets'))).toEqual([
      500,
      { error: { type: 'internal_server_error', message: GENERIC_ERROR_MESSAGE }, ok: false },
    ]);
  });
});
