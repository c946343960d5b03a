import { describe, expect, it } from 'vitest';
import { toE164 } from './phone';

describe('toE164', () => {
  it.each([
    ['+14155550123', '+14155550123'],
    ['+1 (415) 555-0123', '+14155550123'],
    ['  +44 20 7946 0958 ', '+442079460958'],
    ['0044 20 7946 0958', '+442079460958'],
    ['+33 6 12 34 56 78', '+33612345678'],
  ])('writes %s as %s', (typed, e164) => {
    expect(toE164(typed)).toBe(e164);
  });

  it.each([
    ['no country code', '415 555 0123'],
    ['too short', '+1234'],
    ['a digit short of a London number', '+4420794609'],
    ['no such country', '+999123456789'],
    ['letters', '+1 415 CALL NOW'],
  ])('refuses %s', (_why, typed) => {
    expect(toE164(typed)).toBeNull();
  });
});
