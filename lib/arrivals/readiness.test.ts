import { describe, expect, it } from 'vitest';
import { assessStay, byUrgency, type StayFacts, type StayLock } from './readiness';

type Code = NonNullable<StayLock['code']>;

const NOW = new Date('2026-11-26T12:00:00Z');
const hours = (n: number) => new Date(NOW.getTime() + n * 3_600_000);
const POLICY = { leadMinutes: 30, poolSize: 5, messageLeadMinutes: 24 * 60 };

/** A guest code's facts; only what a case names differs from a plain code. */
function fullCode(code: Partial<Code>): Code {
  return {
    id: 'c1',
    type: 'time_bound',
    status: 'unset',
    startsAt: hours(4),
    endsAt: hours(52),
    errors: [],
    warnings: [],
    desiredState: 'present',
    attempts: 0,
    externalRef: null,
    deletedAt: null,
    lastAttemptAt: null,
    removedFromDeviceAt: null,
    isScheduledOnDevice: false,
    ...code,
  };
}

function lock(
  overrides: Partial<Omit<StayLock, 'code'>> & { code?: Partial<Code> | null } = {},
): StayLock {
  const { code, ...rest } = overrides;
  return {
    deviceId: 'd1',
    name: 'Room 101',
    room: '101',
    online: true,
    batteryLevel: 0.9,
    supportsNativeScheduling: false,
    backupPoolEnabled: true,
    availableBackups: 5,
    ...rest,
    code:
      code === null
        ? null
        : fullCode(code ?? { status: 'set', externalRef: 'r1', startsAt: hours(4) }),
  };
}

function stay(overrides: Partial<StayFacts> = {}): StayFacts {
  return {
    reservationId: 'r1',
    guestName: 'Ana Silva',
    startsAt: hours(4),
    timeZone: 'America/New_York',
    locks: [lock()],
    messageSent: true,
    reachable: true,
    ...overrides,
  };
}

const failed = {
  code: 'failed_to_set_on_device',
  message: 'The code is not on the lock.',
  createdAt: '',
};

describe('assessStay', () => {
  it.each([
    ['every check passes', stay(), 'ready', []],
    [
      'the code goes on the lock later',
      stay({
        startsAt: hours(40),
        locks: [
          lock({
            code: {
              id: 'c1',
              type: 'time_bound',
              status: 'unset',
              startsAt: hours(40),
              errors: [],
            },
          }),
        ],
        messageSent: false,
      }),
      'on_track',
      [],
    ],
    [
      'the code failed to program',
      stay({
        locks: [
          lock({
            code: {
              id: 'c1',
              type: 'time_bound',
              status: 'setting',
              startsAt: hours(4),
              errors: [failed],
            },
          }),
        ],
      }),
      'at_risk',
      ['code:error'],
    ],
    [
      'the lock is offline',
      stay({ locks: [lock({ online: false })] }),
      'at_risk',
      ['online:error'],
    ],
    [
      'the lock has no guest code',
      stay({ locks: [lock({ code: null })] }),
      'at_risk',
      ['code:error'],
    ],
    [
      'the battery is low',
      stay({ locks: [lock({ batteryLevel: 0.15 })] }),
      'needs_attention',
      ['battery:warning'],
    ],
    [
      'the pool is short',
      stay({ locks: [lock({ availableBackups: 3 })] }),
      'needs_attention',
      ['backup_pool:warning'],
    ],
    [
      'the pool is empty',
      stay({ locks: [lock({ availableBackups: 0 })] }),
      'at_risk',
      ['backup_pool:error'],
    ],
    [
      'a pool that is off is no problem',
      stay({ locks: [lock({ backupPoolEnabled: false, availableBackups: 0 })] }),
      'ready',
      [],
    ],
    [
      'the message is due and not sent',
      stay({ messageSent: false }),
      'needs_attention',
      ['message:warning'],
    ],
    [
      'the message is due and waits for the code to reach the lock',
      stay({
        locks: [
          lock({
            code: { id: 'c1', type: 'time_bound', status: 'unset', startsAt: hours(4), errors: [] },
          }),
        ],
        messageSent: false,
      }),
      'on_track',
      [],
    ],
    [
      'the message is due, and the code waits on a lock that keeps schedules',
      stay({
        locks: [
          lock({
            supportsNativeScheduling: true,
            code: {
              id: 'c1',
              type: 'time_bound',
              status: 'unset',
              startsAt: hours(4),
              errors: [],
              externalRef: 'r1',
              isScheduledOnDevice: true,
            },
          }),
        ],
        messageSent: false,
      }),
      'needs_attention',
      ['message:warning'],
    ],
    [
      'the guest cannot be messaged',
      stay({
        locks: [
          lock({
            code: { id: 'c1', type: 'time_bound', status: 'unset', startsAt: hours(4), errors: [] },
          }),
        ],
        messageSent: false,
        reachable: false,
      }),
      'needs_attention',
      ['message:warning'],
    ],
    [
      'the code is due and not on an online lock yet',
      stay({
        startsAt: hours(0.25),
        locks: [
          lock({
            code: {
              id: 'c1',
              type: 'time_bound',
              status: 'unset',
              startsAt: hours(0.25),
              errors: [],
            },
          }),
        ],
      }),
      'needs_attention',
      ['code:warning'],
    ],
  ] as const)('%s → %s', (_, facts, verdict, problems) => {
    const readiness = assessStay(facts, POLICY, NOW);
    expect(readiness.verdict).toBe(verdict);
    expect(readiness.problems.map((p) => `${p.check}:${p.severity}`)).toEqual(problems);
  });

  it('says when a pending code goes on the lock: lead time before check-in; a scheduling lock takes it 72 h ahead, so it is due now', () => {
    const pending = (supportsNativeScheduling: boolean) =>
      assessStay(
        stay({
          startsAt: hours(40),
          locks: [
            lock({
              supportsNativeScheduling,
              code: {
                id: 'c1',
                type: 'time_bound',
                status: 'unset',
                startsAt: hours(40),
                errors: [],
              },
            }),
          ],
        }),
        POLICY,
        NOW,
      ).locks[0];
    expect(pending(false)).toMatchObject({
      code: 'pending',
      programmedAt: hours(39.5).toISOString(),
    });
    expect(pending(true)).toMatchObject({ code: 'pending', programmedAt: null });
  });

  it('gives every problem one action that fixes it, pointing at the lock or the guest', () => {
    const { problems } = assessStay(
      stay({ locks: [lock({ online: false, batteryLevel: 0.1 })], messageSent: false }),
      POLICY,
      NOW,
    );
    expect(problems.map((p) => p.fix.href)).toEqual(['/locks/d1', '/locks/d1', '/reservations/r1']);
  });
});

describe('byUrgency', () => {
  it('puts at-risk stays first, then the soonest arrival', () => {
    const at = (verdict: 'at_risk' | 'ready', h: number) => ({
      startsAt: hours(h),
      readiness: { verdict, problems: [], locks: [] },
    });
    const sorted = [at('ready', 1), at('at_risk', 30), at('ready', 0.5), at('at_risk', 2)].sort(
      byUrgency,
    );
    expect(
      sorted.map((s) => `${s.readiness.verdict}@${s.startsAt.getTime() - NOW.getTime()}`),
    ).toEqual(['at_risk@7200000', 'at_risk@108000000', 'ready@1800000', 'ready@3600000']);
  });
});
