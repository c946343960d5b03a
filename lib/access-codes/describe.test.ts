import { describe, expect, it } from 'vitest';
import { describeIssue, ISSUES } from '@/lib/issues';
import {
  CONDITION_TITLES,
  type CodeForPlan,
  describeCodeStatus,
  describeEvent,
  describeNextStep,
  listNames,
  nextStep,
  summarizeCodeStatus,
  summarizeSteps,
} from './describe';

const ZONE = 'America/New_York';
const NOW = new Date('2026-11-26T17:00:00Z');
const START = new Date('2026-11-27T20:00:00Z'); // Fri 15:00 EST
const END = new Date('2026-11-29T16:00:00Z'); // Sun 11:00 EST
const LATER = new Date('2026-12-05T20:00:00Z'); // Sat 15:00 EST, beyond the 72-hour preload
const LATER_END = new Date('2026-12-07T16:00:00Z');
const LEAD = { leadMinutes: 30, nativeScheduling: false };
const NATIVE = { leadMinutes: 30, nativeScheduling: true };

function code(overrides: Partial<CodeForPlan> = {}): CodeForPlan {
  return {
    type: 'time_bound',
    status: 'unset',
    externalRef: null,
    isScheduledOnDevice: false,
    deletedAt: null,
    desiredState: 'present',
    startsAt: START,
    endsAt: END,
    errors: [],
    warnings: [],
    attempts: 0,
    lastAttemptAt: null,
    removedFromDeviceAt: null,
    ...overrides,
  };
}

describe('the issue catalogue', () => {
  it('has plain words and an alert heading for every issue Keyhold raises', () => {
    const raised = [
      'delay_in_setting_on_device',
      'failed_to_set_on_device',
      'no_space_for_access_code_on_device',
      'duplicate_code_on_device',
      'conflicting_external_modification',
      'code_modified_external_to_seam',
      'delay_in_removing_from_device',
      'failed_to_remove_from_device',
      'using_backup_access_code',
      'device_disconnected',
      'device_removed',
      'new_lock_found',
      'empty_backup_access_code_pool',
      'partial_backup_access_code_pool',
      'many_active_backup_codes',
      'low_battery',
      'code_on_lock_after_check_out',
      'message_delivery_delayed',
      'message_failed',
      'unauthorized',
      'provider_service_unavailable',
      'credentials_unreadable',
    ];
    expect(Object.keys(ISSUES)).toEqual(expect.arrayContaining(raised));
    for (const name of Object.keys(ISSUES)) {
      const words = describeIssue(name);
      expect(words.title, name).not.toMatch(/_/);
      expect(words.group, name).not.toMatch(/_/);
      expect(words.explanation, name).not.toBe('');
    }
  });

  it('reads older Seam names like the current ones', () => {
    expect(describeIssue('delay_in_setting_code_on_device').title).toBe(
      describeIssue('delay_in_setting_on_device').title,
    );
    expect(describeIssue('device_offline').title).toBe('Lock offline');
    expect(describeIssue('code_modified_external_to_seam')).toMatchObject({
      title: 'Changed at the lock',
      // Told once the code is back: a warning, not the error of the change being undone.
      tone: 'warning',
    });
  });

  it('shows a name it does not know readably, with the severity it came with', () => {
    expect(describeIssue('schlage_detected_duplicate', 'warning')).toEqual({
      title: 'Schlage detected duplicate',
      explanation: '',
      tone: 'warning',
      group: 'Schlage detected duplicate',
    });
  });
});

describe('describeCodeStatus: one set of words for every page', () => {
  const lock = { name: 'Room 101', online: true, policy: LEAD };
  const issue = (name: string) => [{ code: name, message: '', createdAt: NOW.toISOString() }];
  const begun = { startsAt: new Date(NOW.getTime() - 3_600_000) };
  it.each([
    ['not yet due', code(), lock, 'not_yet_due', 'Not on the lock yet', 'info'],
    [
      'stored with its schedule',
      code({ externalRef: 'r', isScheduledOnDevice: true }),
      { ...lock, policy: NATIVE },
      'stored',
      'On the lock, from check-in',
      'ok',
    ],
    [
      'on a plain lock ahead of check-in',
      code({ externalRef: 'r' }),
      lock,
      'stored',
      'On the lock, from check-in',
      'ok',
    ],
    ['being set', code({ status: 'setting', ...begun }), lock, 'being_set', 'Being set', 'info'],
    [
      'due, not confirmed yet',
      code({ startsAt: new Date(NOW.getTime() + 10 * 60_000) }),
      lock,
      'being_set',
      'Being set',
      'info',
    ],
    [
      'set',
      code({ status: 'set', externalRef: 'r', ...begun }),
      lock,
      'set',
      'Set on the lock',
      'ok',
    ],
    [
      'set again after someone removed it at the lock',
      code({
        status: 'set',
        externalRef: 'r',
        warnings: issue('code_modified_external_to_seam'),
        ...begun,
      }),
      lock,
      'set',
      'Set on the lock',
      'ok',
    ],
    [
      'delayed',
      code({ status: 'setting', warnings: issue('delay_in_setting_on_device'), ...begun }),
      lock,
      'delayed',
      'Programming delayed',
      'warning',
    ],
    [
      'failed',
      code({ status: 'setting', errors: issue('failed_to_set_on_device'), ...begun }),
      lock,
      'failed',
      'Not on the lock',
      'error',
    ],
    [
      'a full lock',
      code({ errors: issue('no_space_for_access_code_on_device') }),
      lock,
      'failed',
      'Lock is full',
      'error',
    ],
    [
      'being removed',
      code({ status: 'removing', externalRef: 'r', endsAt: NOW }),
      lock,
      'being_removed',
      'Being removed',
      'info',
    ],
    [
      'cancelled while on the lock',
      code({ status: 'set', externalRef: 'r', deletedAt: NOW }),
      lock,
      'being_removed',
      'Being removed',
      'info',
    ],
    [
      'late coming off',
      code({
        status: 'removing',
        externalRef: 'r',
        endsAt: NOW,
        warnings: issue('delay_in_removing_from_device'),
      }),
      lock,
      'being_removed',
      'Being removed',
      'warning',
    ],
    [
      'taken off until its new time, after the stay moved later',
      code({ status: 'removing', externalRef: 'r' }),
      lock,
      'being_removed',
      'Being removed',
      'info',
    ],
    ['removed', code({ status: 'removed' }), lock, 'removed', 'Off the lock', 'info'],
    [
      'cancelled before the lock',
      code({ deletedAt: NOW }),
      lock,
      'removed',
      'Off the lock',
      'info',
    ],
    [
      'could not be removed',
      code({
        status: 'removing',
        externalRef: 'r',
        endsAt: NOW,
        errors: issue('failed_to_remove_from_device'),
      }),
      lock,
      'failed',
      'Could not be removed',
      'error',
    ],
  ] as const)('%s', (_name, state, lockFacts, condition, title, tone) => {
    const words = describeCodeStatus(state, lockFacts, ZONE, NOW);
    expect(words).toMatchObject({ condition, title, tone });
    // The timeline's legend uses the condition's title: the same words, except that a
    // failure names what failed.
    if (condition !== 'failed') expect(CONDITION_TITLES[condition]).toBe(title);
  });

  it('tells the desk what to do about a code that is not on the lock', () => {
    const failed = describeCodeStatus(
      code({ status: 'setting', errors: issue('failed_to_set_on_device') }),
      lock,
      ZONE,
      NOW,
    );
    expect(failed.action).toBe('Give the guest a backup code.');
  });

  it('names when a code will go on, in the property’s zone', () => {
    expect(describeCodeStatus(code(), lock, ZONE, NOW).explanation).toBe(
      'Set on Room 101 by Fri, 27 Nov 2026, 14:30 EST, before check-in.',
    );
  });
});

describe('nextStep', () => {
  it.each([
    ['a code not due yet goes on at check-in less the lead', code(), LEAD, 'set_by'],
    [
      'a natively scheduled lock takes it days ahead',
      code({ startsAt: LATER, endsAt: LATER_END }),
      NATIVE,
      'set_by',
    ],
    ['and may already be due to store it', code(), NATIVE, 'setting_now'],
    [
      'within the lead time it is being set',
      code({ startsAt: new Date(NOW.getTime() + 10 * 60_000) }),
      LEAD,
      'setting_now',
    ],
    ['stored ahead of check-in', code({ externalRef: 'r' }), LEAD, 'stored'],
    ['set', code({ status: 'set', externalRef: 'r' }), LEAD, 'on_lock'],
    ['cancelled while on the lock', code({ externalRef: 'r', deletedAt: NOW }), LEAD, 'removing'],
    ['cancelled before it got there', code({ deletedAt: NOW }), LEAD, 'off'],
    [
      'cancelled after a try that may have reached the lock',
      code({ deletedAt: NOW, lastAttemptAt: new Date(NOW.getTime() - 60_000) }),
      LEAD,
      'removing',
    ],
    [
      'past check-out and still on the lock',
      code({ status: 'set', externalRef: 'r', endsAt: new Date(NOW.getTime() - 1) }),
      LEAD,
      'removing',
    ],
    ['removed', code({ status: 'removed' }), LEAD, 'off'],
  ] as const)('%s', (_why, state, policy, kind) => {
    expect(nextStep(state, policy, NOW).kind).toBe(kind);
  });

  it('says when, in the property’s zone', () => {
    expect(describeNextStep(nextStep(code(), LEAD, NOW), 'Room 101', ZONE)).toBe(
      'Set on Room 101 by Fri, 27 Nov 2026, 14:30 EST, before check-in.',
    );
    expect(
      describeNextStep(
        nextStep(code({ startsAt: LATER, endsAt: LATER_END }), NATIVE, NOW),
        'Room 102',
        ZONE,
      ),
    ).toBe(
      'Stored on Room 102 from Wed, 2 Dec 2026, 15:00 EST (72 hours ahead), working from check-in.',
    );
    expect(describeNextStep({ kind: 'setting_now' }, 'Room 204', ZONE, false)).toMatch(
      /^Being set on Room 204 now\. Room 204 is offline/,
    );
  });
});

describe('summarizeSteps', () => {
  it('tells locks with the same outcome together, and names offline ones', () => {
    const setBy = nextStep(code(), LEAD, NOW);
    expect(
      summarizeSteps(
        [
          { step: setBy, lockName: 'Room 101', lockOnline: true },
          { step: setBy, lockName: 'Room 102', lockOnline: true },
          { step: { kind: 'setting_now' }, lockName: 'Pool gate', lockOnline: false },
        ],
        ZONE,
      ),
    ).toEqual([
      'Codes will be set on Room 101 and Room 102 by Fri, 27 Nov 2026, 14:30 EST.',
      'The code is being set on Pool gate now.',
      'Pool gate is offline: Keyhold keeps trying and shows an error if it cannot reach it in time.',
    ]);
  });

  it('lists names as people write them', () => {
    expect(listNames(['A'])).toBe('A');
    expect(listNames(['A', 'B', 'C'])).toBe('A, B and C');
  });
});

describe('describeEvent', () => {
  const event = (eventType: string, detail: Record<string, unknown> | null = null) => ({
    eventType,
    statusFrom: null,
    statusTo: null,
    detail,
  });

  it.each([
    ['created', 'Code created', 'info'],
    ['set_on_device', 'Set on the lock', 'ok'],
    ['access_code.set_on_device', 'Set on the lock', 'ok'],
    ['deleted_external_to_seam', 'Someone removed the code at the lock', 'warning'],
    ['moved_to_new_lock', 'Moved to the lock that replaced a reset one', 'info'],
    ['failed_to_set_on_device', 'Error: not on the lock', 'error'],
    ['delay_in_setting_on_device', 'Warning: programming delayed', 'warning'],
    ['something_new', 'Something new', 'info'],
  ])('%s reads “%s”', (type, text, tone) => {
    expect(describeEvent(event(type), ZONE)).toEqual({ text, tone });
  });

  it('gives a new window in the property’s zone', () => {
    expect(
      describeEvent(
        event('time_frame_changed', { starts_at: START.toISOString(), ends_at: END.toISOString() }),
        ZONE,
      ).text,
    ).toBe('Times changed to Fri, 27 Nov 2026, 15:00 EST – Sun, 29 Nov 2026, 11:00 EST');
  });
});

describe('summarizeCodeStatus', () => {
  const lock = { name: 'Room 101', online: true, policy: LEAD };
  const begun = { startsAt: new Date(NOW.getTime() - 3_600_000) };
  const set = describeCodeStatus(
    code({ status: 'set', externalRef: 'r', ...begun }),
    lock,
    ZONE,
    NOW,
  );
  const waiting = describeCodeStatus(code(), lock, ZONE, NOW);
  const failed = describeCodeStatus(
    code({
      status: 'setting',
      errors: [{ code: 'failed_to_set_on_device', message: '', createdAt: '' }],
      ...begun,
    }),
    lock,
    ZONE,
    NOW,
  );

  it('reads one code exactly as its own page does', () => {
    expect(summarizeCodeStatus([set])).toEqual(set);
    expect(summarizeCodeStatus([])).toBeNull();
  });

  it('says all locks agree, or leads with the code that needs attention first', () => {
    expect(summarizeCodeStatus([set, set])?.title).toBe('Set on the lock · all 2 locks');
    expect(summarizeCodeStatus([set, waiting])?.title).toBe('Not on the lock yet · 1 of 2 locks');
    expect(summarizeCodeStatus([waiting, failed, set])).toMatchObject({
      title: 'Not on the lock · 1 of 3 locks',
      tone: 'error',
    });
  });
});
