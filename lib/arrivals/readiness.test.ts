import { describe, expect, it } from 'vitest';
import { assessStay, byUrgency, offersBackup, type StayFacts, type StayLock } from './readiness';

type Code = NonNullable<StayLock['code']>;

const NOW = new Date('2026-11-26T12:00:00Z');
const hours = (n: number) => new Date(NOW.getTime() + n * 3_600_000);
const FALLBACK = 'Let the guest in with a key, or call maintenance.';
const POLICY = {
  leadMinutes: 30,
  messageLeadMinutes: 24 * 60,
  deskFallbackText: FALLBACK,
};

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
    status: 'active',
    errors: [],
    online: true,
    pull: { ok: true },
    batteryLevel: 0.9,
    supportsNativeScheduling: false,
    backupPoolEnabled: true,
    poolSize: 5,
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

  it('reads pullability only for a code that offers a backup, so the board loads it for those alone', () => {
    // Every kind of code without an error, on locks in every state: what the
    // desk could pull must not change a word, a fix or a verdict.
    const refusal = {
      ok: false,
      kind: 'lock',
      reason: 'Nothing can be pulled.',
      possibleFrom: null,
    } as const;
    const offline = [
      { code: 'device_disconnected', message: 'offline', createdAt: hours(-1).toISOString() },
    ];
    const codes: (Partial<Code> | null)[] = [
      null,
      { status: 'set', externalRef: 'r1' },
      { status: 'unset', startsAt: hours(0.1) },
      { status: 'unset', startsAt: hours(40) },
      {
        status: 'setting',
        warnings: [{ code: 'delay_in_setting_on_device', message: 'late', createdAt: '' }],
      },
    ];
    const locks: Partial<Omit<StayLock, 'code'>>[] = [
      {},
      { online: false, errors: offline, availableBackups: 0 },
      { availableBackups: 0 },
      { status: 'replaced' },
      { errors: [{ code: 'device_removed', message: 'reset', createdAt: '' }] },
      { batteryLevel: 0.05, availableBackups: 2 },
    ];
    for (const code of codes) {
      for (const facts of locks) {
        const assess = (pull: StayLock['pull']) =>
          assessStay(stay({ locks: [lock({ ...facts, code, pull })] }), POLICY, NOW);
        expect(code !== null && offersBackup(fullCode(code))).toBe(false);
        expect(assess({ ok: true })).toEqual(assess(null));
        expect(assess(refusal)).toEqual(assess(null));
      }
    }
    // With an error it does change them: the rule above is what keeps the board exact.
    const failedLock = (pull: StayLock['pull']) =>
      assessStay(stay({ locks: [lock({ code: { errors: [failed] }, pull })] }), POLICY, NOW);
    expect(offersBackup(fullCode({ errors: [failed] }))).toBe(true);
    expect(failedLock({ ok: true })).not.toEqual(failedLock(refusal));
  });

  describe('a guest whose code failed is offered one truthful action', () => {
    const failedCode: Partial<Code> = {
      id: 'c1',
      type: 'time_bound',
      status: 'setting',
      startsAt: hours(4),
      errors: [failed],
    };
    const offlineAt = (h: number) => [
      { code: 'device_disconnected', message: 'offline', createdAt: hours(h).toISOString() },
    ];
    const actions = (l: StayLock) => {
      const { problems } = assessStay(stay({ locks: [l] }), POLICY, NOW);
      return problems.map((p) => ({ check: p.check, message: p.message, fix: p.fix.label }));
    };

    it('a backup code from the desk, where one can be pulled', () => {
      expect(actions(lock({ code: failedCode }))).toEqual([
        { check: 'code', message: expect.any(String), fix: 'Pull a backup code' },
      ]);
    });

    it('the fallback, with no pull offered, when no backup is ready', () => {
      const problems = actions(lock({ code: failedCode, availableBackups: 0 }));
      expect(problems.map((p) => p.fix)).not.toContain('Pull a backup code');
      expect(problems[0]?.message).toContain(`No backup code is ready — ${FALLBACK}`);
    });

    it('the refusal and the fallback for a lock offline past the grace: no pull, no "no backup ready" beside it', () => {
      const reason = `Room 101 has been offline since … — ${FALLBACK}`;
      const problems = actions(
        lock({
          code: failedCode,
          online: false,
          errors: offlineAt(-1),
          availableBackups: 0,
          pull: { ok: false, kind: 'lock', reason, possibleFrom: null },
        }),
      );
      expect(problems.map((p) => p.check)).toEqual(['code', 'online']);
      expect(problems.map((p) => p.fix)).not.toContain('Pull a backup code');
      expect(problems[0]?.message).toContain(reason);
      expect(problems[1]?.message).toContain('Room 101 is offline since 26 Nov, 06:00');
      expect(problems[1]?.message).toContain(FALLBACK);
    });

    it('a lock offline within the grace still counts its backups: a short blip is not a dead lock', () => {
      const problems = actions(lock({ online: false, errors: offlineAt(-0.1) }));
      expect(problems).toEqual([
        {
          check: 'online',
          message: 'Room 101 is offline since 26 Nov, 06:54: codes cannot reach it.',
          fix: 'Check the lock’s power and connection',
        },
      ]);
    });

    it.each([
      [
        'reset',
        { errors: [{ code: 'device_removed', message: 'gone', createdAt: '' }] },
        'was reset and has no codes',
      ],
      ['replaced', { status: 'replaced' as const }, 'was replaced'],
      ['retired', { status: 'removed' as const }, 'was retired'],
    ])('a %s lock says so with the fallback, and not that its pool is empty', (_, facts, words) => {
      const problems = actions(lock({ ...facts, availableBackups: 0 }));
      expect(problems).toEqual([
        { check: 'lock', message: `Room 101 ${words} — ${FALLBACK}`, fix: 'Open the lock' },
      ]);
    });
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

describe('the no-entry check', () => {
  // Check-in 15:00 in New York on 26 Nov (EST, UTC-5); the alert time 22:00 is 03:00 UTC on the 27th.
  const checkIn = new Date('2026-11-26T20:00:00Z');
  const noEntry = (overrides: Partial<StayFacts>, alert: string | null, now: Date) =>
    assessStay(
      stay({ startsAt: checkIn, ...overrides }),
      { ...POLICY, noEntryAlertTime: alert },
      now,
    ).problems.filter((p) => p.check === 'entry');

  it('is off by default: no alert time, no warning, however late', () => {
    const late = new Date('2026-11-27T04:30:00Z');
    expect(
      assessStay(stay({ startsAt: checkIn, firstEntryAt: null }), POLICY, late).problems,
    ).toEqual([]);
    expect(noEntry({ firstEntryAt: null }, null, late)).toEqual([]);
  });

  it('warns once the local alert time on the check-in day has passed with no entry', () => {
    expect(noEntry({ firstEntryAt: null }, '22:00', new Date('2026-11-27T02:59:00Z'))).toEqual([]);
    const after = assessStay(
      stay({ startsAt: checkIn, firstEntryAt: null }),
      { ...POLICY, noEntryAlertTime: '22:00' },
      new Date('2026-11-27T03:01:00Z'),
    );
    expect(after.problems).toEqual([
      {
        check: 'entry',
        severity: 'warning',
        message: "Not yet arrived: nobody has come in with Ana Silva's codes by 22:00.",
        fix: { label: 'Open the reservation', href: '/reservations/r1' },
      },
    ]);
    expect(after.verdict).toBe('needs_attention');
  });

  it('says nothing once the guest has come in', () => {
    const arrived = new Date('2026-11-26T21:00:00Z');
    expect(noEntry({ firstEntryAt: arrived }, '22:00', new Date('2026-11-27T04:00:00Z'))).toEqual(
      [],
    );
  });

  it('never warns before check-in, even with an alert time earlier in the day', () => {
    expect(noEntry({ firstEntryAt: null }, '10:00', new Date('2026-11-26T19:00:00Z'))).toEqual([]);
    expect(noEntry({ firstEntryAt: null }, '10:00', new Date('2026-11-26T20:01:00Z'))).toHaveLength(
      1,
    );
  });

  it('follows the property’s clock across a DST change', () => {
    // 8 March 2026: New York springs forward; 22:00 that night is EDT (UTC-4), 02:00 UTC on the 9th.
    const dstCheckIn = new Date('2026-03-08T19:00:00Z');
    const beforeAlert = new Date('2026-03-09T01:59:00Z');
    const afterAlert = new Date('2026-03-09T02:01:00Z');
    expect(noEntry({ startsAt: dstCheckIn, firstEntryAt: null }, '22:00', beforeAlert)).toEqual([]);
    // A fixed EST offset would wait until 03:00 UTC.
    expect(noEntry({ startsAt: dstCheckIn, firstEntryAt: null }, '22:00', afterAlert)).toHaveLength(
      1,
    );
  });
});
