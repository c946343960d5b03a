import { describe, expect, it } from 'vitest';
import { AppError } from './errors';
import { isId, parseId } from './ids';

const ID = '3f2c8a9e-6b1d-4c7a-9e5f-0a1b2c3d4e5f';

describe('parseId', () => {
  it.each([
    ['a lowercase uuid', ID],
    ['an uppercase uuid', ID.toUpperCase()],
    ['the nil uuid', '00000000-0000-0000-0000-000000000000'],
  ])('takes %s as it is', (_, value) => {
    expect(parseId('Device', value)).toBe(value);
    expect(isId(value)).toBe(true);
  });

  it.each([
    ['an empty string', ''],
    ['a word', 'x'],
    ['a uuid without dashes', ID.replaceAll('-', '')],
    ['a uuid in braces', `{${ID}}`],
    ['a uuid with spaces around', ` ${ID} `],
    ['a uuid with more after it', `${ID}/edit`],
    ['a uuid one digit short', ID.slice(0, -1)],
    ['a uuid with a letter past f', `${ID.slice(0, -1)}g`],
    ['SQL', "' or 1=1 --"],
    ['a number', 42],
    ['null', null],
    ['undefined', undefined],
    ['an array of one id', [ID]],
    ['an object', { id: ID }],
  ])('answers not found for %s', (_, value) => {
    expect(isId(value)).toBe(false);
    expect(() => parseId('AccessCode', value, { field: 'access_code_id' })).toThrow(
      expect.objectContaining({
        name: 'AppError',
        code: 'not_found',
        resource: 'AccessCode',
        message: 'Access code not found.',
        options: expect.objectContaining({ field: 'access_code_id' }),
      }),
    );
  });
});

describe('AppError.notFound', () => {
  it.each([
    ['Device', 'Lock not found.'],
    ['AccessCode', 'Access code not found.'],
    ['Reservation', 'Reservation not found.'],
    ['ApiKey', 'API key not found.'],
  ] as const)('a missing %s reads “%s” and keeps its resource', (resource, message) => {
    const error = AppError.notFound(resource);
    expect(error).toMatchObject({ code: 'not_found', resource, message });
  });
});
