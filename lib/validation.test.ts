import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppError } from './errors';
import { fieldErrorsOf, InvalidInputError, parseInput } from './validation';

const schema = z
  .object({
    deviceId: z.uuid({ error: 'device_id must be a lock id.' }),
    name: z.string().max(5, 'name must be at most 5 characters.'),
    code: z.string().regex(/^\d+$/, 'code must be digits.').min(4, 'code is too short.'),
  })
  .refine((v) => v.name !== v.code, { message: 'name and code must differ.' });

describe('parseInput', () => {
  it('answers the parsed value when the input is good', () => {
    const deviceId = '1b0c7d2e-1f3a-4b5c-8d9e-0f1a2b3c4d5e';
    expect(parseInput(schema, { deviceId, name: 'Ada', code: '1234' })).toEqual({
      deviceId,
      name: 'Ada',
      code: '1234',
    });
  });

  it('refuses with every field’s first problem at once; the first also names the field the API’s way', () => {
    let caught: unknown;
    try {
      parseInput(schema, { deviceId: 'nope', name: 'Ada Lovelace', code: 'ab' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(InvalidInputError);
    const error = caught as InvalidInputError;
    expect(error.code).toBe('invalid_input');
    expect(error.fieldErrors).toEqual({
      deviceId: 'device_id must be a lock id.',
      name: 'name must be at most 5 characters.',
      code: 'code must be digits.',
    });
    expect(error.message).toBe('device_id must be a lock id.');
    expect(error.options.field).toBe('device_id');
  });

  it('keys a problem with the whole input as the empty field', () => {
    const deviceId = '1b0c7d2e-1f3a-4b5c-8d9e-0f1a2b3c4d5e';
    expect(() => parseInput(schema, { deviceId, name: '1234', code: '1234' })).toThrow(
      expect.objectContaining({ fieldErrors: { '': 'name and code must differ.' } }),
    );
  });
});

describe('fieldErrorsOf', () => {
  it('answers every field of invalid input, the one field another error names, or none', () => {
    expect(fieldErrorsOf(new InvalidInputError({ a: 'A is bad.', b: 'B is bad.' }))).toEqual({
      a: 'A is bad.',
      b: 'B is bad.',
    });
    expect(
      fieldErrorsOf(new AppError('conflict', 'That code is taken.', { field: 'code' })),
    ).toEqual({ code: 'That code is taken.' });
    expect(fieldErrorsOf(AppError.notFound('Device'))).toEqual({});
  });
});
