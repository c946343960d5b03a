import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { zodFieldErrors } from '@/lib/validation';
import { createInputFromForm, formField, formFieldErrors, updateInputFromForm } from './form';
import { createReservationSchema, updateReservationSchema } from './stay-input';

/** Every field the schema refuses, as the operations report them. */
function problems(schema: z.ZodType, input: unknown) {
  const result = schema.safeParse(input);
  return result.success ? null : zodFieldErrors(result.error);
}

const PROPERTY = '0b0c7d2e-1f3a-4b5c-8d9e-0f1a2b3c4d5e';
const LOCK_A = '1b0c7d2e-1f3a-4b5c-8d9e-0f1a2b3c4d5e';
const LOCK_B = '2b0c7d2e-1f3a-4b5c-8d9e-0f1a2b3c4d5e';

function form(entries: [string, string][]): FormData {
  const data = new FormData();
  for (const [key, value] of entries) data.append(key, value);
  return data;
}

describe('createInputFromForm', () => {
  it('reads blanks as not given and every checked lock', () => {
    const input = createInputFromForm(
      form([
        ['propertyId', PROPERTY],
        ['guestName', '  Ada Lovelace '],
        ['guestEmail', ''],
        ['guestPhone', '   '],
        ['checkInDate', '2026-12-10'],
        ['checkInTime', ''],
        ['checkOutDate', '2026-12-12'],
        ['checkOutTime', '10:00'],
        ['deviceIds', LOCK_A],
        ['deviceIds', LOCK_B],
      ]),
    );
    expect(input).toEqual({
      propertyId: PROPERTY,
      guestName: 'Ada Lovelace',
      guestEmail: null,
      guestPhone: null,
      checkInDate: '2026-12-10',
      checkInTime: undefined,
      checkOutDate: '2026-12-12',
      checkOutTime: '10:00',
      deviceIds: [LOCK_A, LOCK_B],
      allowOverlap: false,
    });
    expect(problems(createReservationSchema, input)).toBeNull();
  });

  it('reads the checked "Book anyway" box as confirming a double booking', () => {
    const base: [string, string][] = [
      ['propertyId', PROPERTY],
      ['guestName', 'Ada Lovelace'],
    ];
    expect(createInputFromForm(form([...base, ['allowOverlap', 'on']])).allowOverlap).toBe(true);
    expect(updateInputFromForm(form([...base, ['allowOverlap', 'on']])).allowOverlap).toBe(true);
    expect(updateInputFromForm(form(base)).allowOverlap).toBe(false);
  });

  it('names every field with a problem at once', () => {
    const input = createInputFromForm(
      form([
        ['propertyId', PROPERTY],
        ['guestEmail', 'not an email'],
        ['guestPhone', '555-0123'],
        ['checkInDate', '10/12/2026'],
        ['checkOutDate', '2026-12-12'],
        ['checkOutTime', '25:00'],
      ]),
    );
    expect(problems(createReservationSchema, input)).toEqual({
      guestName: 'Guest name is required.',
      guestEmail: 'Guest email must be a valid email address.',
      guestPhone:
        'Guest phone must be in international form with its country code, like +1 415 555 0123.',
      checkInDate: 'Check-in date must be a date like 2026-12-24.',
      checkOutTime: 'Check-out time must be a time like 15:00.',
      deviceIds: 'Choose at least one lock.',
    });
  });
});

describe('updateInputFromForm', () => {
  it('clears a blanked email but refuses a blanked name instead of keeping the old one', () => {
    const input = updateInputFromForm(
      form([
        ['guestName', ''],
        ['guestEmail', ''],
        ['checkInDate', '2026-12-10'],
        ['checkOutDate', '2026-12-12'],
        ['deviceIds', LOCK_A],
      ]),
    );
    expect(input.guestEmail).toBeNull();
    expect(problems(updateReservationSchema, input)).toEqual({
      guestName: 'Guest name is required.',
    });
  });
});

describe('formFieldErrors', () => {
  it('moves the API’s field names onto the form’s inputs, keeping the first problem of each', () => {
    expect(
      formFieldErrors({
        guestEmail: 'Guest email must be a valid email address.',
        device_id: 'One of the chosen locks does not exist.',
        deviceIds: 'Choose at least one lock.',
      }),
    ).toEqual({
      guestEmail: 'Guest email must be a valid email address.',
      deviceIds: 'One of the chosen locks does not exist.',
    });
  });
});

describe('formField', () => {
  it.each([
    ['device_id', 'deviceIds'],
    ['device_ids', 'deviceIds'],
    ['checkOutDate', 'checkOutDate'],
    [undefined, undefined],
  ])('%s → %s', (field, expected) => {
    expect(formField(field)).toBe(expected);
  });
});
