import { describe, expect, it } from 'vitest';
import {
  codeProblem,
  commonLengths,
  defaultLength,
  generateCode,
  isWeakCode,
  windowProblem,
  windowsOverlap,
} from './rules';

const lock = { allowedLengths: [4, 6], digitsOnly: true };
const at = (iso: string) => new Date(iso);

describe('codeProblem', () => {
  it.each([
    ['4821', null],
    ['482193', null],
    ['48219', 'Code must be 4 or 6 digits long for this lock.'],
    ['48a1', 'Code must contain digits only.'],
    ['', 'Code must contain digits only.'],
    [' 4821', 'Code must contain digits only.'],
  ])('%j → %s', (code, problem) => {
    expect(codeProblem(code, lock)).toBe(problem);
  });

  it('allows letters when the lock does', () => {
    expect(codeProblem('AB12', { allowedLengths: [4], digitsOnly: false })).toBeNull();
  });
});

describe('lengths', () => {
  it('finds lengths every lock of a stay accepts', () => {
    expect(
      commonLengths([
        { allowedLengths: [4, 5, 6], digitsOnly: true },
        { allowedLengths: [6, 8, 4], digitsOnly: true },
      ]),
    ).toEqual([4, 6]);
    expect(commonLengths([])).toEqual([]);
  });

  it.each([
    [[4, 5, 6, 7, 8], undefined, 6],
    [[4, 5], undefined, 5],
    [[4, 6, 8], 8, 8],
    [[4, 6], 7, 6],
    [[], undefined, undefined],
  ])('defaultLength(%j, %s) → %s', (lengths, preferred, expected) => {
    expect(defaultLength(lengths, preferred)).toBe(expected);
  });
});

describe('generateCode', () => {
  it('avoids taken and weak codes', () => {
    // A "random" source that first yields 1111, then 1234, then 4821.
    const digits = [1, 1, 1, 1, 1, 2, 3, 4, 4, 8, 2, 1, 5, 5, 5, 6];
    let i = 0;
    const random = () => digits[i++ % digits.length] ?? 0;
    expect(generateCode(4, new Set(), random)).toBe('4821');
    i = 0;
    expect(generateCode(4, new Set(['4821']), random)).toBe('5556');
  });

  it('makes codes of the asked length', () => {
    for (let n = 0; n < 50; n++) expect(generateCode(6, new Set())).toMatch(/^\d{6}$/);
  });

  it.each([
    ['0000', true],
    ['1234', true],
    ['9876', true],
    ['123456', true],
    ['4821', false],
    ['1235', false],
  ])('isWeakCode(%s) → %s', (code, weak) => {
    expect(isWeakCode(code)).toBe(weak);
  });
});

describe('windowsOverlap', () => {
  const stay = { startsAt: at('2026-12-01T20:00:00Z'), endsAt: at('2026-12-03T16:00:00Z') };
  it.each([
    [
      'the next stay starting at check-out',
      { startsAt: at('2026-12-03T16:00:00Z'), endsAt: at('2026-12-05T16:00:00Z') },
      false,
    ],
    [
      'an earlier stay ending at check-in',
      { startsAt: at('2026-11-29T20:00:00Z'), endsAt: at('2026-12-01T20:00:00Z') },
      false,
    ],
    [
      'a stay inside',
      { startsAt: at('2026-12-02T00:00:00Z'), endsAt: at('2026-12-02T10:00:00Z') },
      true,
    ],
    ['an ongoing code', { startsAt: null, endsAt: null }, true],
    [
      'a stay one minute into it',
      { startsAt: at('2026-12-03T15:59:00Z'), endsAt: at('2026-12-04T10:00:00Z') },
      true,
    ],
  ])('%s → %s', (_name, other, overlaps) => {
    expect(windowsOverlap(stay, other)).toBe(overlaps);
    expect(windowsOverlap(other, stay)).toBe(overlaps);
  });
});

describe('windowProblem', () => {
  const now = at('2026-11-26T12:00:00Z');
  it.each([
    ['a normal stay', '2026-12-01T20:00:00Z', '2026-12-03T16:00:00Z', null],
    [
      'ending before it starts',
      '2026-12-03T16:00:00Z',
      '2026-12-01T20:00:00Z',
      'ends_at must be after starts_at.',
    ],
    [
      'zero length',
      '2026-12-01T20:00:00Z',
      '2026-12-01T20:00:00Z',
      'ends_at must be after starts_at.',
    ],
    [
      'already over',
      '2026-11-20T20:00:00Z',
      '2026-11-22T16:00:00Z',
      'ends_at must be in the future.',
    ],
    ['in-house guest', '2026-11-25T20:00:00Z', '2026-11-27T16:00:00Z', null],
    [
      'over a year',
      '2026-12-01T20:00:00Z',
      '2027-12-03T16:00:00Z',
      'A time-bound code can last at most one year.',
    ],
    ['starting just inside two years', '2028-11-26T11:00:00Z', '2028-11-28T16:00:00Z', null],
    [
      'starting just past two years',
      '2028-11-26T13:00:00Z',
      '2028-11-28T16:00:00Z',
      'starts_at must be within 2 years.',
    ],
    [
      'starting in the year 9999',
      '9999-12-01T20:00:00Z',
      '9999-12-03T16:00:00Z',
      'starts_at must be within 2 years.',
    ],
  ])('%s', (_name, startsAt, endsAt, message) => {
    expect(
      windowProblem({ startsAt: at(startsAt), endsAt: at(endsAt) }, now)?.message ?? null,
    ).toBe(message);
  });
});
