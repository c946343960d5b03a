import { describe, expect, it } from 'vitest';
import type { Issue } from '@/db/schema';
import { issueMessage } from '@/lib/issues';
import { mayBeOnLock } from './predicates';
import {
  applyOutcome,
  backoffMs,
  type CodeState,
  type Decision,
  decide,
  holdDigitsAtOnce,
  type LockFailureResult,
  type LockPolicy,
  PENDING_POLLS_BEFORE_DELAY,
  programmingTime,
  wantsOnLock,
  withIssue,
  withoutIssues,
  workingStatus,
} from './state';

const at = (iso: string) => new Date(iso);
const iso = (date: Date | null | undefined) => date?.toISOString() ?? null;
const plus = (isoString: string, ms: number) => new Date(at(isoString).getTime() + ms);
const issueCodes = (list: Issue[]) => list.map((i) => i.code);
const minutes = (n: number) => n * 60_000;

// A stay: check-in Tuesday 2026-12-01 20:00 UTC, check-out Thursday 16:00 UTC.
const STARTS = '2026-12-01T20:00:00.000Z';
const ENDS = '2026-12-03T16:00:00.000Z';
// 30 minutes before check-in (lead), and 72 hours before it (native scheduling).
const LEAD_FROM = '2026-12-01T19:30:00.000Z';
const NATIVE_FROM = '2026-11-28T20:00:00.000Z';
const INSIDE = '2026-12-02T10:00:00.000Z';
const AFTER = '2026-12-03T17:00:00.000Z';

const lead: LockPolicy = { leadMinutes: 30, nativeScheduling: false };
const native: LockPolicy = { leadMinutes: 30, nativeScheduling: true };

/** A time-bound code for the stay above that Keyhold has not yet put on the lock. */
function code(overrides: Partial<CodeState> = {}): CodeState {
  return {
    type: 'time_bound',
    startsAt: at(STARTS),
    endsAt: at(ENDS),
    status: 'unset',
    errors: [],
    warnings: [],
    desiredState: 'present',
    attempts: 0,
    externalRef: null,
    deletedAt: null,
    lastAttemptAt: null,
    removedFromDeviceAt: null,
    ...overrides,
  };
}

function ongoing(overrides: Partial<CodeState> = {}): CodeState {
  return code({ type: 'ongoing', startsAt: null, endsAt: null, ...overrides });
}

const issue = (issueCode: string, createdAt = '2026-11-30T00:00:00.000Z'): Issue => ({
  code: issueCode,
  message: issueMessage(issueCode),
  createdAt,
});

const failure = (kind: LockFailureResult['kind']): LockFailureResult => ({
  ok: false,
  kind,
  message: `lock said ${kind}`,
});

const SET: Extract<Decision, { kind: 'set' }> = { kind: 'set', scheduleOnLock: false };
const REMOVE: Decision = { kind: 'remove' };
const lowJitter = () => 0;
const highJitter = () => 0.999;

describe('programmingTime', () => {
  it.each([
    ['time-bound, 30 min lead', code(), lead, LEAD_FROM],
    ['time-bound, 90 min lead', code(), { ...lead, leadMinutes: 90 }, '2026-12-01T18:30:00.000Z'],
    ['time-bound, no lead', code(), { ...lead, leadMinutes: 0 }, STARTS],
    ['time-bound, native scheduling ignores the lead', code(), native, NATIVE_FROM],
    ['ongoing, lead', ongoing(), lead, null],
    ['ongoing, native', ongoing(), native, null],
  ])('%s → %s', (_name, c, policy, expected) => {
    expect(iso(programmingTime(c, policy))).toBe(expected);
  });

  // Instants are UTC, so a DST change between the two is plain arithmetic:
  // exactly 30 minutes / 72 hours earlier, though the wall clock moved by more.
  it.each([
    // New York springs forward 2026-03-08 07:00 UTC: 03:10 EDT → 01:40 EST.
    [
      'lead across the US spring-forward',
      '2026-03-08T07:10:00.000Z',
      lead,
      '2026-03-08T06:40:00.000Z',
    ],
    // 15:00 EDT Monday → 14:00 EST Friday, still 72 real hours.
    [
      'native across the US spring-forward',
      '2026-03-09T19:00:00.000Z',
      native,
      '2026-03-06T19:00:00.000Z',
    ],
    // Europe falls back 2026-10-25 01:00 UTC.
    ['lead across the EU fall-back', '2026-10-25T01:15:00.000Z', lead, '2026-10-25T00:45:00.000Z'],
    [
      'native across the EU fall-back',
      '2026-10-26T14:00:00.000Z',
      native,
      '2026-10-23T14:00:00.000Z',
    ],
  ])('%s', (_name, startsAt, policy, expected) => {
    const from = programmingTime(code({ startsAt: at(startsAt) }), policy);
    expect(iso(from)).toBe(expected);
  });
});

describe('holdDigitsAtOnce', () => {
  const hours = (n: number) => n * 3_600_000;
  /** A code starting `gap` after the stay's check-out, for an hour. */
  const next = (gap: number) =>
    code({ startsAt: plus(ENDS, gap), endsAt: plus(ENDS, gap + hours(1)) });
  it.each([
    ['overlapping windows', code(), code({ endsAt: plus(ENDS, hours(1)) }), lead, true],
    ['back to back: the first is off only at the tick after its end', code(), next(0), lead, true],
    ['within the lead after check-out', code(), next(minutes(29)), lead, true],
    ['going on the instant the other comes off', code(), next(minutes(30)), lead, true],
    ['past the lead', code(), next(minutes(31)), lead, false],
    ['within 72 h, on a lock that keeps schedules', code(), next(hours(71)), native, true],
    ['past 72 h, on a lock that keeps schedules', code(), next(hours(73)), native, false],
    ['an ongoing code and a stay a year on', ongoing(), next(hours(8760)), lead, true],
    ['two ongoing codes', ongoing(), ongoing(), native, true],
  ])('%s → %s', (_name, first, other, policy, expected) => {
    expect(holdDigitsAtOnce(first, other, policy)).toBe(expected);
    expect(holdDigitsAtOnce(other, first, policy)).toBe(expected);
  });
});

describe('wantsOnLock / mayBeOnLock', () => {
  it.each([
    ['before the lead', code(), lead, '2026-12-01T19:29:59.999Z', false],
    ['at programming time', code(), lead, LEAD_FROM, true],
    ['three days early on a native lock', code(), native, NATIVE_FROM, true],
    ['inside the window', code(), lead, INSIDE, true],
    ['at ends_at', code(), lead, ENDS, false],
    ['deleted inside the window', code({ deletedAt: at(INSIDE) }), lead, INSIDE, false],
    ['desired absent inside the window', code({ desiredState: 'absent' }), lead, INSIDE, false],
    ['ongoing', ongoing(), lead, INSIDE, true],
    ['ongoing, deleted', ongoing({ desiredState: 'absent' }), lead, INSIDE, false],
  ])('wantsOnLock: %s → %s', (_name, c, policy, now, expected) => {
    expect(wantsOnLock(c, policy, at(now))).toBe(expected);
  });

  it.each([
    ['never programmed', code(), false],
    ['programmed (has a reference)', code({ status: 'set', externalRef: 'r1' }), true],
    ['a set call under way', code({ status: 'setting' }), true],
    ['a remove call under way', code({ status: 'removing' }), true],
    ['removed', code({ status: 'removed' }), false],
  ])('mayBeOnLock: %s → %s', (_name, c, expected) => {
    expect(mayBeOnLock.test(c)).toBe(expected);
  });
});

describe('decide', () => {
  const onLock = { externalRef: 'r1' } as const;
  it.each<[string, CodeState, LockPolicy, string, Decision]>([
    // Not yet time.
    [
      'future code waits for its lead',
      code(),
      lead,
      '2026-11-30T12:00:00Z',
      { kind: 'wait', until: at(LEAD_FROM) },
    ],
    [
      'future code on a native lock waits until 72 h ahead',
      code(),
      native,
      '2026-11-27T12:00:00Z',
      { kind: 'wait', until: at(NATIVE_FROM) },
    ],
    // Programming.
    [
      'at programming time, not on the lock',
      code(),
      lead,
      LEAD_FROM,
      { kind: 'set', scheduleOnLock: false },
    ],
    [
      'at programming time on a native lock: the lock keeps the window',
      code(),
      native,
      NATIVE_FROM,
      { kind: 'set', scheduleOnLock: true },
    ],
    [
      'inside the window, not on the lock',
      code(),
      lead,
      INSIDE,
      { kind: 'set', scheduleOnLock: false },
    ],
    ['ongoing, not on the lock', ongoing(), lead, INSIDE, { kind: 'set', scheduleOnLock: false }],
    [
      'ongoing on a native lock is never scheduled',
      ongoing(),
      native,
      INSIDE,
      { kind: 'set', scheduleOnLock: false },
    ],
    // On the lock.
    [
      'on the lock before starts_at waits for starts_at',
      code(onLock),
      lead,
      '2026-12-01T19:45:00Z',
      { kind: 'wait', until: at(STARTS) },
    ],
    ['on the lock at starts_at is activated', code(onLock), lead, STARTS, { kind: 'activate' }],
    [
      'on the lock after starts_at is activated',
      code(onLock),
      native,
      INSIDE,
      { kind: 'activate' },
    ],
    [
      'set inside the window waits for ends_at',
      code({ ...onLock, status: 'set' }),
      lead,
      INSIDE,
      { kind: 'wait', until: at(ENDS) },
    ],
    [
      'ongoing and set waits for nothing',
      ongoing({ ...onLock, status: 'set' }),
      lead,
      INSIDE,
      { kind: 'wait', until: null },
    ],
    // Ending.
    ['set at ends_at is removed', code({ ...onLock, status: 'set' }), lead, ENDS, REMOVE],
    ['set after ends_at is removed', code({ ...onLock, status: 'set' }), native, AFTER, REMOVE],
    [
      'ended while a set call may have reached the lock',
      code({ status: 'setting' }),
      lead,
      AFTER,
      REMOVE,
    ],
    ['ended and never reached the lock', code(), lead, AFTER, { kind: 'forget' }],
    // Deleted.
    [
      'deleted (desired absent) while on the lock',
      code({ ...onLock, status: 'set', desiredState: 'absent' }),
      lead,
      INSIDE,
      REMOVE,
    ],
    [
      'deleted (deleted_at) while on the lock',
      code({ ...onLock, status: 'set', deletedAt: at(INSIDE) }),
      lead,
      INSIDE,
      REMOVE,
    ],
    [
      'deleted while programmed early',
      code({ ...onLock, desiredState: 'absent' }),
      lead,
      '2026-12-01T19:45:00Z',
      REMOVE,
    ],
    [
      'deleted ongoing code on the lock',
      ongoing({ ...onLock, status: 'set', desiredState: 'absent' }),
      lead,
      INSIDE,
      REMOVE,
    ],
    [
      'deleted before it was ever programmed',
      code({ desiredState: 'absent', deletedAt: at('2026-11-20T00:00:00Z') }),
      lead,
      '2026-11-20T00:00:00Z',
      { kind: 'forget' },
    ],
    [
      'deleted inside the window, never on the lock',
      code({ deletedAt: at(INSIDE) }),
      lead,
      INSIDE,
      { kind: 'forget' },
    ],
    [
      'deleted ongoing code never on the lock',
      ongoing({ desiredState: 'absent' }),
      lead,
      INSIDE,
      { kind: 'forget' },
    ],
    // Interrupted and half-known states.
    [
      "'setting' with a reference is set again",
      code({ ...onLock, status: 'setting' }),
      lead,
      INSIDE,
      { kind: 'set', scheduleOnLock: false },
    ],
    [
      "'setting' with a reference on a native lock is set again with its window",
      code({ ...onLock, status: 'setting' }),
      native,
      INSIDE,
      { kind: 'set', scheduleOnLock: true },
    ],
    [
      'removed at the lock (conflicting_external_modification) is set again',
      code({ status: 'setting', errors: [issue('conflicting_external_modification')] }),
      lead,
      INSIDE,
      { kind: 'set', scheduleOnLock: false },
    ],
    [
      "'removing' without a reference after ends_at is removed again",
      code({ status: 'removing' }),
      lead,
      AFTER,
      REMOVE,
    ],
    [
      "'removing' without a reference after deletion is removed again",
      code({ status: 'removing', deletedAt: at(INSIDE) }),
      lead,
      INSIDE,
      REMOVE,
    ],
    [
      "'removing' a code that is wanted again is set again",
      code({ ...onLock, status: 'removing' }),
      lead,
      INSIDE,
      { kind: 'set', scheduleOnLock: false },
    ],
    // Done.
    [
      'removed waits for nothing',
      code({ status: 'removed' }),
      lead,
      AFTER,
      { kind: 'wait', until: null },
    ],
    [
      'removed stays removed inside the window',
      code({ status: 'removed' }),
      lead,
      INSIDE,
      { kind: 'wait', until: null },
    ],
  ])('%s', (_name, c, policy, now, expected) => {
    expect(decide(c, policy, at(now))).toEqual(expected);
  });

  describe('windows that are empty or inverted', () => {
    const zero = { startsAt: at(STARTS), endsAt: at(STARTS) };
    const inverted = { startsAt: at(STARTS), endsAt: at('2026-12-01T19:00:00Z') };
    it.each<[string, Partial<CodeState>, LockPolicy, string, Decision['kind']]>([
      ['zero length, never on the lock, at its end', zero, lead, STARTS, 'forget'],
      [
        'zero length, on the lock, at its end',
        { ...zero, externalRef: 'r1' },
        lead,
        STARTS,
        'remove',
      ],
      ['zero length on a native lock, at its end', zero, native, STARTS, 'forget'],
      // ends_at is before the 19:30 programming time: nothing is ever programmed.
      ['inverted, before its programming time', inverted, lead, '2026-12-01T19:10:00Z', 'forget'],
      ['inverted, at its programming time', inverted, lead, LEAD_FROM, 'forget'],
      ['inverted, at starts_at', inverted, lead, STARTS, 'forget'],
      ['inverted, on the lock', { ...inverted, externalRef: 'r1' }, native, LEAD_FROM, 'remove'],
      ['inverted, mid-call', { ...inverted, status: 'setting' }, lead, STARTS, 'remove'],
    ])('%s → %s', (_name, overrides, policy, now, kind) => {
      expect(decide(code(overrides), policy, at(now)).kind).toBe(kind);
    });

    it.each([
      ['zero length', zero],
      ['inverted', inverted],
    ])('%s: never set or activated once ends_at has passed', (_name, window) => {
      const ends = window.endsAt.getTime();
      for (const policy of [lead, native]) {
        for (const offset of [0, 1, 60_000, 3_600_000, 86_400_000]) {
          for (const state of [
            code(window),
            code({ ...window, externalRef: 'r1' }),
            code({ ...window, externalRef: 'r1', status: 'set' }),
            code({ ...window, status: 'setting' }),
          ]) {
            const kind = decide(state, policy, new Date(ends + offset)).kind;
            expect(['remove', 'forget']).toContain(kind);
          }
        }
      }
    });
  });
});

describe('workingStatus', () => {
  it.each<[string, CodeState, Decision, string, string | null]>([
    ['remove', code({ status: 'set', externalRef: 'r1' }), REMOVE, AFTER, 'removing'],
    ['remove before starts_at', code({ externalRef: 'r1' }), REMOVE, LEAD_FROM, 'removing'],
    ['set once the window has begun', code(), SET, INSIDE, 'setting'],
    ['set exactly at starts_at', code(), SET, STARTS, 'setting'],
    ['set an ongoing code', ongoing(), SET, INSIDE, 'setting'],
    ['set before starts_at stays as it is (unset)', code(), SET, LEAD_FROM, null],
    [
      'set three days early on a native lock',
      code(),
      { kind: 'set', scheduleOnLock: true },
      NATIVE_FROM,
      null,
    ],
    ['activate', code({ externalRef: 'r1' }), { kind: 'activate' }, STARTS, null],
    ['forget', code({ deletedAt: at(INSIDE) }), { kind: 'forget' }, INSIDE, null],
    ['wait', code(), { kind: 'wait', until: at(LEAD_FROM) }, '2026-11-30T00:00:00Z', null],
  ])('%s → %s', (_name, c, decision, now, expected) => {
    expect(workingStatus(c, decision, at(now))).toBe(expected);
  });
});

describe('backoffMs', () => {
  it.each([
    [0, 15_000, 29_985],
    [1, 15_000, 29_985],
    [2, 30_000, 59_970],
    [3, 60_000, 119_940],
    [4, 120_000, 239_880],
    [5, 240_000, 479_760],
    // 30 s · 2^5 = 16 min: capped at 15 min.
    [6, 450_000, 899_550],
    [7, 450_000, 899_550],
    [50, 450_000, 899_550],
    [5_000, 450_000, 899_550],
  ])('attempt %i: %i ms to %i ms', (attempts, low, high) => {
    expect(backoffMs(attempts, lowJitter)).toBe(low);
    expect(backoffMs(attempts, highJitter)).toBe(high);
  });

  it('stays between half and all of the step with real randomness', () => {
    for (let attempts = 1; attempts <= 8; attempts++) {
      const full = Math.min(15 * 60_000, 30_000 * 2 ** (attempts - 1));
      for (let n = 0; n < 50; n++) {
        const ms = backoffMs(attempts);
        expect(ms).toBeGreaterThanOrEqual(full / 2);
        expect(ms).toBeLessThanOrEqual(full);
      }
    }
  });
});

describe('applyOutcome: set succeeds', () => {
  const earlier = {
    errors: [issue('no_space_for_access_code_on_device'), issue('duplicate_code_on_device')],
    warnings: [issue('delay_in_setting_on_device')],
    attempts: 3,
  };

  it('before starts_at: stays unset, scheduled_on_device, next look at starts_at', () => {
    const now = at(LEAD_FROM);
    const { patch, events } = applyOutcome(code(earlier), SET, { ok: true, ref: 'r1' }, lead, now);
    expect(patch).toEqual({
      status: 'unset',
      errors: [],
      warnings: [],
      attempts: 0,
      externalRef: 'r1',
      isScheduledOnDevice: false,
      setOnDeviceAt: now,
      lastAttemptAt: now,
      nextAttemptAt: at(STARTS),
    });
    expect(events).toEqual([
      { eventType: 'scheduled_on_device', statusFrom: 'unset', statusTo: 'unset' },
    ]);
  });

  it('three days early on a native lock: marked as scheduled on the device', () => {
    const { patch, events } = applyOutcome(
      code(),
      { kind: 'set', scheduleOnLock: true },
      { ok: true, ref: 'r1' },
      native,
      at(NATIVE_FROM),
    );
    expect(patch.status).toBe('unset');
    expect(patch.isScheduledOnDevice).toBe(true);
    expect(iso(patch.nextAttemptAt)).toBe(STARTS);
    expect(events.map((e) => e.eventType)).toEqual(['scheduled_on_device']);
  });

  it('after starts_at: set, set_on_device, next look at ends_at', () => {
    const now = at(INSIDE);
    const state = code({
      ...earlier,
      status: 'setting',
      errors: [...earlier.errors, issue('failed_to_set_on_device')],
    });
    const { patch, events } = applyOutcome(state, SET, { ok: true, ref: 'r1' }, lead, now);
    expect(patch).toEqual({
      status: 'set',
      errors: [],
      warnings: [],
      attempts: 0,
      externalRef: 'r1',
      isScheduledOnDevice: false,
      setOnDeviceAt: now,
      lastAttemptAt: now,
      nextAttemptAt: at(ENDS),
    });
    expect(events).toEqual([
      { eventType: 'set_on_device', statusFrom: 'setting', statusTo: 'set' },
    ]);
  });

  it('an ongoing code: set, with nothing further to wait for', () => {
    const { patch, events } = applyOutcome(
      ongoing({ status: 'setting' }),
      SET,
      { ok: true, ref: 'r9' },
      lead,
      at(INSIDE),
    );
    expect(patch.status).toBe('set');
    expect(patch.externalRef).toBe('r9');
    expect(patch.nextAttemptAt).toBeNull();
    expect(events.map((e) => e.eventType)).toEqual(['set_on_device']);
  });

  it('keeps the known reference when the lock answers without one', () => {
    const state = code({ status: 'setting', externalRef: 'r1' });
    const { patch } = applyOutcome(state, SET, { ok: true, ref: null }, lead, at(INSIDE));
    expect(patch.externalRef).toBe('r1');
    expect(patch.status).toBe('set');
  });

  it('clears conflicting_external_modification once the code is back on the lock', () => {
    const state = code({
      status: 'setting',
      errors: [
        {
          ...issue('conflicting_external_modification'),
          detail: { change_type: 'removed' },
        },
      ],
    });
    const now = at(INSIDE);
    const decision = decide(state, lead, now);
    expect(decision).toEqual({ kind: 'set', scheduleOnLock: false });
    if (decision.kind !== 'set') return;
    const { patch } = applyOutcome(state, decision, { ok: true, ref: 'r2' }, lead, now);
    expect(patch.errors).toEqual([]);
    expect(patch.status).toBe('set');
    expect(patch.externalRef).toBe('r2');
  });
});

describe('failure counts per phase', () => {
  it('starts a removal’s count afresh after failed sets, and a set’s after failed removals', () => {
    const now = at(INSIDE);
    const afterSets = code({
      type: 'ongoing',
      startsAt: null,
      endsAt: null,
      status: 'removing',
      attempts: 4,
      warnings: [issue('delay_in_setting_on_device')],
      deletedAt: now,
      desiredState: 'absent',
    });
    const removal = applyOutcome(
      afterSets,
      { kind: 'remove' },
      failure('offline'),
      lead,
      now,
    ).patch;
    expect(removal.attempts).toBe(1);
    expect(issueCodes(removal.errors)).not.toContain('failed_to_remove_from_device');
    expect(issueCodes(removal.warnings)).toEqual(['delay_in_removing_from_device']);
  });

  it('treats a code whose set was attempted before check-in as possibly on the lock', () => {
    const tried = code({ lastAttemptAt: plus(STARTS, -minutes(30)) });
    expect(mayBeOnLock.test(tried)).toBe(true);
    const cancelled = {
      ...tried,
      deletedAt: plus(STARTS, -minutes(10)),
      desiredState: 'absent' as const,
    };
    expect(decide(cancelled, lead, plus(STARTS, -minutes(10)))).toEqual({ kind: 'remove' });
    const removedSince = code({
      lastAttemptAt: plus(STARTS, -minutes(30)),
      removedFromDeviceAt: plus(STARTS, -minutes(30)),
    });
    expect(mayBeOnLock.test(removedSince)).toBe(false);
  });
});

describe('applyOutcome: set fails', () => {
  it.each<
    [
      string,
      CodeState,
      string,
      LockFailureResult['kind'],
      { status: string; warnings: string[]; errors: string[]; events: string[] },
    ]
  >([
    [
      'offline before starts_at',
      code(),
      LEAD_FROM,
      'offline',
      {
        status: 'unset',
        warnings: ['delay_in_setting_on_device'],
        errors: [],
        events: ['delay_in_setting_on_device'],
      },
    ],
    [
      'offline after starts_at',
      code({ status: 'setting' }),
      INSIDE,
      'offline',
      {
        status: 'setting',
        warnings: [],
        errors: ['failed_to_set_on_device'],
        events: ['failed_to_set_on_device'],
      },
    ],
    [
      'transient exactly at starts_at',
      code({ status: 'setting' }),
      STARTS,
      'transient',
      {
        status: 'setting',
        warnings: [],
        errors: ['failed_to_set_on_device'],
        events: ['failed_to_set_on_device'],
      },
    ],
    [
      'the 5th failure before starts_at',
      code({ attempts: 4, warnings: [issue('delay_in_setting_on_device')] }),
      LEAD_FROM,
      'transient',
      {
        status: 'unset',
        warnings: [],
        errors: ['failed_to_set_on_device'],
        events: ['failed_to_set_on_device'],
      },
    ],
    [
      'the 4th failure of an ongoing code',
      ongoing({ status: 'setting', attempts: 3, warnings: [issue('delay_in_setting_on_device')] }),
      INSIDE,
      'offline',
      { status: 'setting', warnings: ['delay_in_setting_on_device'], errors: [], events: [] },
    ],
    [
      'the 5th failure of an ongoing code',
      ongoing({ status: 'setting', attempts: 4, warnings: [issue('delay_in_setting_on_device')] }),
      INSIDE,
      'offline',
      {
        status: 'setting',
        warnings: [],
        errors: ['failed_to_set_on_device'],
        events: ['failed_to_set_on_device'],
      },
    ],
    [
      'no free slot before starts_at',
      code(),
      LEAD_FROM,
      'no_space',
      {
        status: 'unset',
        warnings: ['delay_in_setting_on_device'],
        errors: ['no_space_for_access_code_on_device'],
        events: ['delay_in_setting_on_device', 'no_space_for_access_code_on_device'],
      },
    ],
    [
      'no free slot for an ongoing code',
      ongoing({ status: 'setting' }),
      INSIDE,
      'no_space',
      {
        status: 'setting',
        warnings: ['delay_in_setting_on_device'],
        errors: ['no_space_for_access_code_on_device'],
        events: ['delay_in_setting_on_device', 'no_space_for_access_code_on_device'],
      },
    ],
    [
      'the digits are already on the lock',
      code(),
      LEAD_FROM,
      'duplicate_code',
      {
        status: 'unset',
        warnings: ['delay_in_setting_on_device'],
        errors: ['duplicate_code_on_device'],
        events: ['delay_in_setting_on_device', 'duplicate_code_on_device'],
      },
    ],
    [
      'the digits are already on the lock after starts_at',
      code({ status: 'setting' }),
      INSIDE,
      'duplicate_code',
      {
        status: 'setting',
        warnings: [],
        errors: ['duplicate_code_on_device', 'failed_to_set_on_device'],
        events: ['duplicate_code_on_device', 'failed_to_set_on_device'],
      },
    ],
  ])('%s', (_name, state, now, kind, expected) => {
    const { patch, events } = applyOutcome(state, SET, failure(kind), lead, at(now), lowJitter);
    expect(patch.status).toBe(expected.status);
    expect(issueCodes(patch.warnings)).toEqual(expected.warnings);
    expect(issueCodes(patch.errors)).toEqual(expected.errors);
    expect(events.map((e) => e.eventType)).toEqual(expected.events);
    for (const event of events) {
      expect(event.statusFrom).toBe(state.status);
      expect(event.statusTo).toBe(expected.status);
    }
    expect(patch.attempts).toBe(state.attempts + 1);
    expect(patch.lastAttemptAt).toEqual(at(now));
  });

  it('new issues carry the time they appeared and the message staff see', () => {
    const now = at(INSIDE);
    const { patch } = applyOutcome(code({ status: 'setting' }), SET, failure('offline'), lead, now);
    expect(patch.errors).toEqual([
      {
        code: 'failed_to_set_on_device',
        message:
          'Keyhold could not put the code on the lock, or check-in came before it was there. Give the guest a backup code.',
        createdAt: INSIDE,
      },
    ]);
  });

  it('retries after the back-off', () => {
    const now = at(INSIDE);
    const state = code({
      status: 'setting',
      attempts: 2,
      warnings: [issue('delay_in_setting_on_device')],
    });
    const low = applyOutcome(state, SET, failure('offline'), lead, now, lowJitter).patch;
    const high = applyOutcome(state, SET, failure('offline'), lead, now, highJitter).patch;
    // 3rd attempt: 120 s step.
    expect(iso(low.nextAttemptAt)).toBe('2026-12-02T10:01:00.000Z');
    expect(iso(high.nextAttemptAt)).toBe('2026-12-02T10:01:59.940Z');
  });

  it.each([
    ['a minute before check-in', plus(STARTS, -60_000), 0, iso(plus(STARTS, -60_000 + 15_000))],
    ['ten seconds before check-in', plus(STARTS, -10_000), 0, STARTS],
    ['a millisecond before check-in, many failures', plus(STARTS, -1), 8, STARTS],
  ])('offline %s: never sleeps through check-in', (_name, now, attempts, expected) => {
    for (const random of [lowJitter, highJitter]) {
      const { patch } = applyOutcome(
        code({ attempts }),
        SET,
        failure('offline'),
        lead,
        now,
        random,
      );
      expect(patch.nextAttemptAt).not.toBeNull();
      expect(patch.nextAttemptAt?.getTime()).toBeLessThanOrEqual(at(STARTS).getTime());
      expect(patch.nextAttemptAt?.getTime()).toBeGreaterThan(now.getTime());
      expect(patch.status).toBe('unset');
      if (random === lowJitter) expect(iso(patch.nextAttemptAt)).toBe(expected);
    }
  });

  it('raises each issue once, not again on the next failure', () => {
    let state = code({ status: 'setting' });
    const seen: string[][] = [];
    for (let n = 0; n < 3; n++) {
      const { patch, events } = applyOutcome(
        state,
        SET,
        failure('offline'),
        lead,
        plus(INSIDE, n * 60_000),
        lowJitter,
      );
      seen.push(events.map((e) => e.eventType));
      state = { ...state, ...patch };
    }
    expect(seen).toEqual([['failed_to_set_on_device'], [], []]);
    expect(state.attempts).toBe(3);
    // The issue keeps the time it first appeared.
    expect(state.errors.map((e) => e.createdAt)).toEqual([INSIDE]);
  });

  it('an ongoing code raises failed_to_set_on_device once, on the 5th failure', () => {
    let state = ongoing({ status: 'setting' });
    const seen: string[][] = [];
    for (let n = 0; n < 7; n++) {
      const { patch, events } = applyOutcome(
        state,
        SET,
        failure('offline'),
        lead,
        at(INSIDE),
        lowJitter,
      );
      seen.push(events.map((e) => e.eventType));
      state = { ...state, ...patch };
    }
    expect(seen).toEqual([
      ['delay_in_setting_on_device'],
      [],
      [],
      [],
      ['failed_to_set_on_device'],
      [],
      [],
    ]);
  });

  it('keeps conflicting_external_modification while the code is still not back', () => {
    const state = code({
      status: 'setting',
      errors: [issue('conflicting_external_modification')],
    });
    const { patch, events } = applyOutcome(state, SET, failure('offline'), lead, at(INSIDE));
    expect(issueCodes(patch.errors)).toEqual([
      'conflicting_external_modification',
      'failed_to_set_on_device',
    ]);
    expect(events.map((e) => e.eventType)).not.toContain('conflicting_external_modification');
  });

  it('treats no answer at all as a failure', () => {
    const { patch, events } = applyOutcome(code(), SET, undefined, lead, at(LEAD_FROM), lowJitter);
    expect(patch.attempts).toBe(1);
    expect(issueCodes(patch.warnings)).toEqual(['delay_in_setting_on_device']);
    expect(events.map((e) => e.eventType)).toEqual(['delay_in_setting_on_device']);
  });
});

describe('applyOutcome: remove', () => {
  it('when the code is finished: removed, removed_from_device, nothing more to do', () => {
    const now = at(AFTER);
    const state = code({
      status: 'removing',
      externalRef: 'r1',
      attempts: 2,
      warnings: [issue('delay_in_removing_from_device')],
      errors: [issue('failed_to_remove_from_device')],
    });
    const { patch, events } = applyOutcome(state, REMOVE, { ok: true, ref: null }, lead, now);
    expect(patch).toEqual({
      status: 'removed',
      errors: [],
      warnings: [],
      attempts: 0,
      externalRef: null,
      isScheduledOnDevice: false,
      removedFromDeviceAt: now,
      lastAttemptAt: now,
      nextAttemptAt: null,
    });
    expect(events).toEqual([
      { eventType: 'removed_from_device', statusFrom: 'removing', statusTo: 'removed' },
    ]);
  });

  it.each([
    ['deleted', code({ status: 'removing', externalRef: 'r1', deletedAt: at(INSIDE) })],
    ['desired absent', code({ status: 'removing', externalRef: 'r1', desiredState: 'absent' })],
    [
      'an ongoing code, deleted',
      ongoing({ status: 'removing', externalRef: 'r1', deletedAt: at(INSIDE) }),
    ],
  ])('%s inside the window: removed', (_name, state) => {
    const { patch } = applyOutcome(state, REMOVE, { ok: true, ref: null }, lead, at(INSIDE));
    expect(patch.status).toBe('removed');
    expect(patch.externalRef).toBeNull();
    expect(patch.nextAttemptAt).toBeNull();
  });

  it.each([
    ['lead', lead, '2026-12-08T19:30:00.000Z'],
    ['native', native, '2026-12-05T20:00:00.000Z'],
  ])(
    'window moved later (%s lock): unset, back at the new programming time',
    (_name, policy, expected) => {
      const now = at('2026-12-01T19:45:00Z');
      const moved = code({
        status: 'removing',
        externalRef: 'r1',
        startsAt: at('2026-12-08T20:00:00Z'),
        endsAt: at('2026-12-10T16:00:00Z'),
      });
      expect(decide({ ...moved, status: 'unset' }, lead, now)).toEqual(REMOVE);
      const { patch, events } = applyOutcome(moved, REMOVE, { ok: true, ref: null }, policy, now);
      expect(patch.status).toBe('unset');
      expect(patch.externalRef).toBeNull();
      expect(iso(patch.nextAttemptAt)).toBe(expected);
      expect(events).toEqual([
        { eventType: 'removed_from_device', statusFrom: 'removing', statusTo: 'unset' },
      ]);
    },
  );

  it.each([
    [0, 'removing', ['delay_in_removing_from_device'], [], ['delay_in_removing_from_device']],
    [1, 'removing', ['delay_in_removing_from_device'], [], []],
    [2, 'removing', [], ['failed_to_remove_from_device'], ['failed_to_remove_from_device']],
    [3, 'removing', [], ['failed_to_remove_from_device'], []],
  ])(
    'failure after %i earlier ones → %s, warnings %j, errors %j, events %j',
    (attempts, status, warnings, errors, events) => {
      // Each earlier failure left what it leaves.
      const state = code({
        status: 'removing',
        externalRef: 'r1',
        attempts,
        warnings: attempts > 0 && attempts < 3 ? [issue('delay_in_removing_from_device')] : [],
        errors: attempts >= 3 ? [issue('failed_to_remove_from_device')] : [],
      });
      const now = at(AFTER);
      const result = applyOutcome(state, REMOVE, failure('offline'), lead, now, lowJitter);
      expect(result.patch.status).toBe(status);
      expect(result.patch.attempts).toBe(attempts + 1);
      expect(result.patch.externalRef).toBe('r1');
      expect(issueCodes(result.patch.warnings)).toEqual(warnings);
      expect(issueCodes(result.patch.errors)).toEqual(errors);
      expect(result.events.map((e) => e.eventType)).toEqual(events);
      expect(result.patch.nextAttemptAt?.getTime()).toBe(
        now.getTime() + backoffMs(attempts + 1, lowJitter),
      );
    },
  );

  it('three failures in a row from set: warning first, error on the 3rd, each once', () => {
    let state = code({ status: 'set', externalRef: 'r1' });
    const seen: { status: string; events: string[] }[] = [];
    for (let n = 0; n < 4; n++) {
      const { patch, events } = applyOutcome(
        state,
        REMOVE,
        failure('transient'),
        lead,
        at(AFTER),
        lowJitter,
      );
      seen.push({ status: patch.status, events: events.map((e) => e.eventType) });
      state = { ...state, ...patch };
    }
    expect(seen).toEqual([
      { status: 'removing', events: ['delay_in_removing_from_device'] },
      { status: 'removing', events: [] },
      { status: 'removing', events: ['failed_to_remove_from_device'] },
      { status: 'removing', events: [] },
    ]);
    // Still on the lock as far as Keyhold knows: the next tick tries again.
    expect(decide(state, lead, at(AFTER))).toEqual(REMOVE);
  });
});

describe('applyOutcome: activate and forget', () => {
  it('activate: set, clears failed_to_set_on_device, next look at ends_at', () => {
    const state = code({
      externalRef: 'r1',
      errors: [issue('failed_to_set_on_device')],
    });
    const { patch, events } = applyOutcome(
      state,
      { kind: 'activate' },
      undefined,
      lead,
      at(STARTS),
    );
    expect(patch.status).toBe('set');
    expect(patch.errors).toEqual([]);
    expect(patch.externalRef).toBe('r1');
    expect(iso(patch.nextAttemptAt)).toBe(ENDS);
    expect(events).toEqual([{ eventType: 'set_on_device', statusFrom: 'unset', statusTo: 'set' }]);
  });

  it('forget: removed without a lock call or event', () => {
    const state = code({ deletedAt: at(INSIDE), attempts: 2 });
    const { patch, events } = applyOutcome(state, { kind: 'forget' }, undefined, lead, at(INSIDE));
    expect(patch.status).toBe('removed');
    expect(patch.nextAttemptAt).toBeNull();
    expect(patch.attempts).toBe(0);
    expect(patch.externalRef).toBeNull();
    expect(events).toEqual([]);
  });
});

describe('a stay from booking to check-out', () => {
  it.each([
    ['lead', lead, LEAD_FROM, false],
    ['native', native, NATIVE_FROM, true],
  ])('%s lock', (_name, policy, programAt, scheduleOnLock) => {
    let state = code();
    const step = (now: string, result?: { ok: true; ref: string | null }) => {
      const decision = decide(state, policy, at(now));
      if (decision.kind === 'wait') return decision;
      const working = workingStatus(state, decision, at(now));
      if (working) state = { ...state, status: working };
      state = { ...state, ...applyOutcome(state, decision, result, policy, at(now)).patch };
      return decision;
    };

    expect(step('2026-11-20T12:00:00Z')).toEqual({ kind: 'wait', until: at(programAt) });
    expect(step(programAt, { ok: true, ref: 'r1' })).toEqual({ kind: 'set', scheduleOnLock });
    expect(state.status).toBe('unset');
    expect(step(programAt)).toEqual({ kind: 'wait', until: at(STARTS) });
    expect(step(STARTS)).toEqual({ kind: 'activate' });
    expect(state.status).toBe('set');
    expect(step(INSIDE)).toEqual({ kind: 'wait', until: at(ENDS) });
    expect(step(ENDS, { ok: true, ref: null })).toEqual(REMOVE);
    expect(state.status).toBe('removed');
    expect(state.externalRef).toBeNull();
    expect(step(AFTER)).toEqual({ kind: 'wait', until: null });
  });
});

describe('withIssue / withoutIssues', () => {
  const now = at(INSIDE);

  it('adds an issue with its message and time', () => {
    expect(withIssue([], 'no_space_for_access_code_on_device', now)).toEqual([
      {
        code: 'no_space_for_access_code_on_device',
        message: 'The lock has no free code slots. Remove old codes at the lock or in Keyhold.',
        createdAt: INSIDE,
      },
    ]);
  });

  it('keeps detail, and falls back to the code for unknown issues', () => {
    expect(
      withIssue([], 'conflicting_external_modification', now, { change_type: 'modified' }),
    ).toEqual([
      {
        code: 'conflicting_external_modification',
        message: issueMessage('conflicting_external_modification'),
        createdAt: INSIDE,
        detail: { change_type: 'modified' },
      },
    ]);
    expect(withIssue([], 'lock_exploded', now)[0]?.message).toBe('Lock exploded');
  });

  it('does not add an issue twice nor move its first time', () => {
    const list = [issue('delay_in_setting_on_device', '2026-12-01T00:00:00.000Z')];
    expect(withIssue(list, 'delay_in_setting_on_device', now)).toBe(list);
  });

  it('removes only the named issues', () => {
    const list = [
      issue('delay_in_setting_on_device'),
      issue('failed_to_remove_from_device'),
      issue('failed_to_set_on_device'),
    ];
    expect(
      issueCodes(withoutIssues(list, ['delay_in_setting_on_device', 'failed_to_set_on_device'])),
    ).toEqual(['failed_to_remove_from_device']);
    expect(withoutIssues(list, [])).toEqual(list);
  });
});

describe('applyOutcome: set accepted but pending (Seam still programming the lock)', () => {
  const fullWait = () => 1;
  const pending = (reported?: { errors?: Issue[]; warnings?: Issue[] }) => ({
    ok: true as const,
    ref: 'access_code_1',
    pending: true,
    reported: {
      errors: (reported?.errors ?? []).map(({ code, message }) => ({ code, message })),
      warnings: (reported?.warnings ?? []).map(({ code, message }) => ({ code, message })),
    },
  });

  it('stays not confirmed, asks again after 15 s, and records the request once', () => {
    const now = at(LEAD_FROM);
    const { patch, events } = applyOutcome(code(), SET, pending(), lead, now, fullWait);
    expect(patch).toMatchObject({ status: 'unset', externalRef: null, attempts: 1 });
    expect(iso(patch.nextAttemptAt)).toBe(iso(plus(LEAD_FROM, 15_000)));
    expect(events).toEqual([
      { eventType: 'mutations_requested', statusFrom: 'unset', statusTo: 'unset' },
    ]);
    // Asked again: not confirmed, so the tick asks the adapter again.
    const again = applyOutcome(
      code({ ...patch, lastAttemptAt: now }),
      SET,
      pending(),
      lead,
      plus(LEAD_FROM, 15_000),
      fullWait,
    );
    expect(again.events).toEqual([]);
    expect(again.patch.attempts).toBe(2);
    expect(iso(again.patch.nextAttemptAt)).toBe(iso(plus(LEAD_FROM, 45_000)));
    expect(decide(code({ ...again.patch }), lead, plus(LEAD_FROM, 60_000)).kind).toBe('set');
  });

  it('warns of the delay after four asks, and never waits past check-in', () => {
    const now = at(LEAD_FROM);
    const { patch, events } = applyOutcome(
      code({ attempts: PENDING_POLLS_BEFORE_DELAY }),
      SET,
      pending(),
      lead,
      now,
      fullWait,
    );
    expect(issueCodes(patch.warnings)).toEqual(['delay_in_setting_on_device']);
    expect(events.map((e) => e.eventType)).toEqual(['delay_in_setting_on_device']);
    // 15 s × 2⁴ = 4 min, but check-in is at 20:00, 30 min after 19:30: within it.
    expect(iso(patch.nextAttemptAt)).toBe(iso(plus(LEAD_FROM, minutes(4))));
    const late = applyOutcome(
      code({ attempts: 9, startsAt: plus(LEAD_FROM, minutes(1)) }),
      SET,
      pending(),
      lead,
      now,
      fullWait,
    );
    expect(iso(late.patch.nextAttemptAt)).toBe(iso(plus(LEAD_FROM, minutes(1))));
  });

  it('at check-in a guest code still not on the lock is an error: give a backup code', () => {
    const now = at(INSIDE);
    const { patch } = applyOutcome(code({ status: 'setting' }), SET, pending(), lead, now);
    expect(patch.status).toBe('setting');
    expect(issueCodes(patch.errors)).toEqual(['failed_to_set_on_device']);
    // One state: the error says more than the delay would.
    expect(patch.warnings).toEqual([]);
  });

  it('shows what Seam reports, replacing its last report', () => {
    const now = at(LEAD_FROM);
    const first = applyOutcome(
      code({
        warnings: [issue('delay_in_removing_from_device')],
        errors: [issue('duplicate_code_on_device')],
      }),
      SET,
      pending({
        warnings: [{ ...issue('third_party_integration_detected'), message: 'Seam says so' }],
      }),
      lead,
      now,
    );
    expect(first.patch.warnings).toEqual([
      {
        code: 'third_party_integration_detected',
        message: 'Seam says so',
        createdAt: now.toISOString(),
        detail: { source: 'adapter' },
      },
    ]);
    // Accepted: the refusal of an earlier try is over.
    expect(issueCodes(first.patch.errors)).toEqual([]);
    const second = applyOutcome(
      code({ ...first.patch }),
      SET,
      pending({ warnings: [issue('code_rotates_periodically')] }),
      lead,
      plus(LEAD_FROM, 15_000),
    );
    expect(issueCodes(second.patch.warnings)).toEqual(['code_rotates_periodically']);
  });

  it('once Seam confirms: set like any lock, its report kept, the delay cleared', () => {
    const now = at(INSIDE);
    const { patch } = applyOutcome(
      code({ status: 'setting', attempts: 6, warnings: [issue('delay_in_setting_on_device')] }),
      SET,
      {
        ok: true,
        ref: 'access_code_1',
        reported: { errors: [], warnings: [{ code: 'code_rotates_periodically', message: 'x' }] },
      },
      lead,
      now,
    );
    expect(patch).toMatchObject({ status: 'set', externalRef: 'access_code_1', attempts: 0 });
    expect(issueCodes(patch.warnings)).toEqual(['code_rotates_periodically']);
  });
});

describe('pending and failing do not share a count', () => {
  const accepted = { ok: true as const, ref: 'access_code_1', pending: true };
  const fullWait = () => 1;

  it('a failure after many asks starts its own count: no false failed_to_set_on_device', () => {
    const now = at(LEAD_FROM);
    let state = code({ type: 'ongoing', startsAt: null, endsAt: null });
    for (let i = 0; i < 8; i++)
      state = code({ ...state, ...applyOutcome(state, SET, accepted, lead, now, fullWait).patch });
    expect(state.attempts).toBe(8);
    expect(issueCodes(state.warnings)).toEqual(['delay_in_setting_on_device']);
    const failed = applyOutcome(state, SET, failure('transient'), lead, now, fullWait).patch;
    expect(failed.attempts).toBe(1);
    expect(issueCodes(failed.errors)).toEqual([]);
  });

  it('does not warn of a delay days before check-in while Seam may still program just in time', () => {
    const now = at(NATIVE_FROM);
    const { patch } = applyOutcome(code({ attempts: 9 }), SET, accepted, native, now, fullWait);
    expect(patch.warnings).toEqual([]);
    // Hours from the start, it asks every 30 min at most.
    expect(iso(patch.nextAttemptAt)).toBe(iso(plus(NATIVE_FROM, minutes(30))));
  });

  it('a removal Seam is still doing stays removing, asked again, and warns after four asks', () => {
    const now = at(AFTER);
    const removing = code({ status: 'removing', externalRef: 'access_code_1' });
    const first = applyOutcome(removing, REMOVE, accepted, lead, now, fullWait);
    expect(first.patch).toMatchObject({
      status: 'removing',
      attempts: 1,
      externalRef: 'access_code_1',
    });
    expect(iso(first.patch.nextAttemptAt)).toBe(iso(plus(AFTER, 15_000)));
    expect(decide(code({ ...removing, ...first.patch }), lead, plus(AFTER, 20_000)).kind).toBe(
      'remove',
    );
    const later = applyOutcome(
      code({ ...removing, attempts: PENDING_POLLS_BEFORE_DELAY }),
      REMOVE,
      accepted,
      lead,
      now,
      fullWait,
    );
    expect(issueCodes(later.patch.warnings)).toEqual(['delay_in_removing_from_device']);
    // Gone at last: removed, and what Seam said about it goes with it.
    const done = applyOutcome(
      code({ ...removing, ...later.patch }),
      REMOVE,
      { ok: true, ref: null },
      lead,
      now,
    );
    expect(done.patch).toMatchObject({ status: 'removed', warnings: [], errors: [] });
  });
});

describe('one state per code', () => {
  const both = (state: Pick<CodeState, 'errors' | 'warnings'>) =>
    (['set', 'remove'] as const).some((phase) => {
      const [delay, failed] =
        phase === 'set'
          ? ['delay_in_setting_on_device', 'failed_to_set_on_device']
          : ['delay_in_removing_from_device', 'failed_to_remove_from_device'];
      return (
        state.warnings.some((w) => w.code === delay) && state.errors.some((e) => e.code === failed)
      );
    });

  it('never holds a delay warning beside the failure it became, through sets and removals', () => {
    // Offline from the programming time until after check-out, a try a minute.
    let state = code();
    const seen: string[] = [];
    for (let t = at(LEAD_FROM).getTime(); t <= at(AFTER).getTime(); t += 3_600_000) {
      const now = new Date(t);
      const decision = decide(state, lead, now);
      if (decision.kind === 'wait') continue;
      const { patch } = applyOutcome(state, decision, failure('offline'), lead, now, lowJitter);
      state = { ...state, ...patch };
      expect(both(state), now.toISOString()).toBe(false);
      seen.push([...issueCodes(state.warnings), ...issueCodes(state.errors)].join('+'));
    }
    // Delayed before check-in, failed from it; the code is never both.
    expect(seen[0]).toBe('delay_in_setting_on_device');
    expect(seen).toContain('failed_to_set_on_device');
  });

  it('counts failures on after the warning gave way to the error', () => {
    let state = ongoing({ status: 'setting' });
    let next: Date | null = null;
    for (let n = 0; n < 7; n++) {
      const { patch } = applyOutcome(state, SET, failure('offline'), lead, at(INSIDE), lowJitter);
      state = { ...state, ...patch };
      next = patch.nextAttemptAt;
    }
    expect(state.attempts).toBe(7);
    expect(issueCodes(state.errors)).toEqual(['failed_to_set_on_device']);
    expect(state.warnings).toEqual([]);
    // The back-off keeps growing with the streak, to its cap.
    expect(next?.getTime()).toBe(at(INSIDE).getTime() + backoffMs(7, lowJitter));
  });

  it('a removal the service accepts after failed tries is under way, not failed', () => {
    const failedRemoval = code({
      status: 'removing',
      externalRef: 'access_code_1',
      attempts: 3,
      errors: [issue('failed_to_remove_from_device')],
    });
    const accepted = { ok: true as const, ref: null, pending: true };
    let state = failedRemoval;
    for (let n = 0; n <= PENDING_POLLS_BEFORE_DELAY; n++)
      state = {
        ...state,
        ...applyOutcome(state, REMOVE, accepted, lead, at(AFTER), () => 1).patch,
      };
    expect(state.errors).toEqual([]);
    expect(state.attempts).toBe(PENDING_POLLS_BEFORE_DELAY + 1);
    expect(issueCodes(state.warnings)).toEqual(['delay_in_removing_from_device']);
  });
});
