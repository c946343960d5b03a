import { describe, expect, it } from 'vitest';
import { describeDays, describeMinutes, describeWindow } from './describe';

describe('describeDays', () => {
  it.each([
    [[1, 2, 3, 4, 5], 'Mon–Fri'],
    [[1, 3, 5], 'Mon, Wed, Fri'],
    [[6, 7], 'Sat, Sun'],
    [[1, 2, 3, 4, 5, 6, 7], 'Every day'],
    [[5, 1, 2, 3], 'Mon–Wed, Fri'],
    [[7], 'Sun'],
  ])('%j reads %s', (days, words) => {
    expect(describeDays(days)).toBe(words);
  });
});

describe('describeWindow', () => {
  it('words a weekly window with its local times, and says when it runs overnight', () => {
    expect(
      describeWindow({
        kind: 'weekly',
        days: [1, 2, 3, 4, 5],
        startTime: '07:30:00',
        endTime: '17:30:00',
      }),
    ).toBe('Mon–Fri 07:30–17:30');
    expect(
      describeWindow({ kind: 'weekly', days: [5, 6], startTime: '22:00', endTime: '06:00' }),
    ).toBe('Fri, Sat 22:00–06:00 (overnight)');
  });

  it('words a turnover window with its margins either way', () => {
    expect(
      describeWindow({
        kind: 'turnover',
        opensAfterCheckOutMinutes: 0,
        closesBeforeCheckInMinutes: 0,
      }),
    ).toBe('Between stays: from check-out until the next check-in');
    expect(
      describeWindow({
        kind: 'turnover',
        opensAfterCheckOutMinutes: 30,
        closesBeforeCheckInMinutes: 90,
      }),
    ).toBe('Between stays: from 30 min after check-out until 1 h 30 min before the next check-in');
    expect(
      describeWindow({
        kind: 'turnover',
        opensAfterCheckOutMinutes: -60,
        closesBeforeCheckInMinutes: -15,
      }),
    ).toBe('Between stays: from 1 h before check-out until 15 min after the next check-in');
  });

  it('words minutes as hours and minutes', () => {
    expect(describeMinutes(120)).toBe('2 h');
    expect(describeMinutes(45)).toBe('45 min');
  });
});
