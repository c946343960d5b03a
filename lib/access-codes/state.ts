import type { AccessCode, AccessCodeStatus, Issue } from '@/db/schema';
import { issueMessage } from '@/lib/issues';
import type { AdapterIssue, LockFailureKind } from '@/lib/locks/adapter';
import {
  hasBegun as begun,
  isFinished as finished,
  isConfirmedOnLock,
  mayBeOnLock,
} from './predicates';
import { type Window, windowsMeet } from './windows';

/**
 * The access-code state machine (DESIGN.md "The reconciler"): given what
 * Keyhold knows about a code and the time, what should the tick do; given what
 * the lock answered, what does the code look like afterwards. Pure: no
 * database, no adapter, no clock.
 */

export type CodeState = Pick<
  AccessCode,
  | 'type'
  | 'startsAt'
  | 'endsAt'
  | 'status'
  | 'errors'
  | 'warnings'
  | 'desiredState'
  | 'attempts'
  | 'externalRef'
  | 'deletedAt'
  | 'lastAttemptAt'
  | 'removedFromDeviceAt'
>;

export type LockPolicy = {
  /** Minutes before starts_at a code is put on a lock without native schedules. */
  leadMinutes: number;
  /** The lock stores the window itself, so codes can go on early. */
  nativeScheduling: boolean;
};

/** Seam preloads natively scheduled codes this long before starts_at. */
export const NATIVE_SCHEDULING_HOURS = 72;
export const MAX_SET_ATTEMPTS = 5;
export const MAX_REMOVE_ATTEMPTS = 3;
const BACKOFF_BASE_MS = 30_000;
const BACKOFF_CAP_MS = 15 * 60_000;
/** A code a service is still programming is asked about again after 15 s, doubling to 5 min. */
const PENDING_POLL_BASE_MS = 15_000;
const PENDING_POLL_CAP_MS = 5 * 60_000;
/** Asked this many times and still not on the lock: Keyhold warns of the delay itself. */
export const PENDING_POLLS_BEFORE_DELAY = 4;

export type Decision =
  /** Put the code on the lock (or rewrite it there). */
  | { kind: 'set'; scheduleOnLock: boolean }
  /** Take the code off the lock. */
  | { kind: 'remove' }
  /** It is on the lock and its window has begun: it is `set` now. */
  | { kind: 'activate' }
  /** It never reached the lock and is no longer wanted: done. */
  | { kind: 'forget' }
  /** Nothing to do until `until` (null: until something changes). */
  | { kind: 'wait'; until: Date | null };

/** When a time-bound code should start going onto its lock; null for ongoing codes (at once). */
export function programmingTime(
  code: Pick<CodeState, 'type' | 'startsAt'>,
  policy: LockPolicy,
): Date | null {
  if (code.type === 'ongoing' || !code.startsAt) return null;
  const aheadMs = policy.nativeScheduling
    ? NATIVE_SCHEDULING_HOURS * 3_600_000
    : policy.leadMinutes * 60_000;
  return new Date(code.startsAt.getTime() - aheadMs);
}

/**
 * When a code holds its digits on its lock: from its programming time (always,
 * for an ongoing code) until its end (for ever, for an ongoing code). Not its
 * window: a lock that keeps schedules stores the code 72 hours before it
 * opens the door, and refuses digits it already holds.
 */
export function timeOnLock(
  code: Pick<CodeState, 'type' | 'startsAt' | 'endsAt'>,
  policy: LockPolicy,
): Window {
  return {
    startsAt: programmingTime(code, policy),
    endsAt: code.type === 'ongoing' ? null : code.endsAt,
  };
}

/**
 * Whether two codes on one lock would hold their digits at once, so the same
 * digits on both would keep the later one off the lock. The tick takes a code
 * off at its first tick after the end, so a time that begins at the other's
 * end meets it: the same digits back to back are one clash, never a late code.
 */
export function holdDigitsAtOnce(
  a: Pick<CodeState, 'type' | 'startsAt' | 'endsAt'>,
  b: Pick<CodeState, 'type' | 'startsAt' | 'endsAt'>,
  policy: LockPolicy,
): boolean {
  return windowsMeet(timeOnLock(a, policy), timeOnLock(b, policy));
}

const isFinished = (code: CodeState, now: Date) => finished.test(code, now);

/** Whether the code belongs on its lock at `now`. */
export function wantsOnLock(code: CodeState, policy: LockPolicy, now: Date): boolean {
  if (isFinished(code, now)) return false;
  if (code.type === 'ongoing') return true;
  const from = programmingTime(code, policy);
  return from !== null && now >= from;
}

const hasBegun = (code: CodeState, now: Date) => begun.test(code, now);

export function decide(code: CodeState, policy: LockPolicy, now: Date): Decision {
  if (code.status === 'removed') return { kind: 'wait', until: null };
  if (wantsOnLock(code, policy, now)) {
    if (!isConfirmedOnLock.test(code)) {
      return { kind: 'set', scheduleOnLock: policy.nativeScheduling && code.type === 'time_bound' };
    }
    if (code.status === 'unset' && hasBegun(code, now)) return { kind: 'activate' };
    return { kind: 'wait', until: nextBoundary(code, now) };
  }
  if (mayBeOnLock.test(code)) return { kind: 'remove' };
  if (isFinished(code, now)) return { kind: 'forget' };
  return { kind: 'wait', until: programmingTime(code, policy) };
}

/** The next moment the code's situation changes by itself: its start, then its end. */
function nextBoundary(code: CodeState, now: Date): Date | null {
  if (code.type === 'ongoing') return null;
  if (code.startsAt && now < code.startsAt) return code.startsAt;
  return code.endsAt;
}

/** The status to show while the tick acts on a decision. */
export function workingStatus(
  code: CodeState,
  decision: Decision,
  now: Date,
): AccessCodeStatus | null {
  if (decision.kind === 'remove') return 'removing';
  // Before starts_at a code being programmed early stays `unset`, as in Seam.
  if (decision.kind === 'set' && hasBegun(code, now)) return 'setting';
  return null;
}

export function backoffMs(attempts: number, random: () => number = Math.random): number {
  const base = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  return Math.round(base * (0.5 + random() * 0.5));
}

export type LockFailureResult = { ok: false; kind: LockFailureKind; message: string };
export type LockSuccess = {
  ok: true;
  ref: string | null;
  /** Accepted, but the service behind the adapter has not put it on the lock yet. */
  pending?: boolean;
  /** What the adapter reports on the code now (Seam's errors and warnings). */
  reported?: { errors: AdapterIssue[]; warnings: AdapterIssue[] };
};
export type LockResult = LockSuccess | LockFailureResult;

export type CodePatch = {
  status: AccessCodeStatus;
  errors: Issue[];
  warnings: Issue[];
  attempts: number;
  nextAttemptAt: Date | null;
  externalRef: string | null;
  isScheduledOnDevice?: boolean;
  setOnDeviceAt?: Date;
  removedFromDeviceAt?: Date;
  lastAttemptAt?: Date;
};

export type CodeEventDraft = {
  eventType: string;
  statusFrom: AccessCodeStatus;
  statusTo: AccessCodeStatus;
  detail?: Record<string, unknown>;
};

const SET_PROBLEMS = [
  'delay_in_setting_on_device',
  'failed_to_set_on_device',
  'no_space_for_access_code_on_device',
  'duplicate_code_on_device',
  'conflicting_external_modification',
];
const REMOVE_PROBLEMS = ['delay_in_removing_from_device', 'failed_to_remove_from_device'];

/** Each phase's delay warning and the error that replaces it once the delay becomes a failure. */
export const PHASE_ISSUES = {
  set: { delay: 'delay_in_setting_on_device', failed: 'failed_to_set_on_device' },
  remove: { delay: 'delay_in_removing_from_device', failed: 'failed_to_remove_from_device' },
} as const;

/**
 * A code is in one state: once a delay has become a failure, the error says
 * more than the warning, so the warning goes.
 */
function inOneState(errors: Issue[], warnings: Issue[]): Issue[] {
  const replaced = Object.values(PHASE_ISSUES)
    .filter((p) => errors.some((e) => e.code === p.failed))
    .map((p) => p.delay);
  return withoutIssues(warnings, replaced);
}

/**
 * The last tries of this phase failed: its delay warning, or the failure that
 * replaced it, from a failed try rather than from waiting on the service.
 */
function failingIn(code: CodeState, phase: 'set' | 'remove'): boolean {
  const { delay, failed } = PHASE_ISSUES[phase];
  return (
    code.warnings.some((w) => w.code === delay && !isWaiting(w)) ||
    code.errors.some((e) => e.code === failed && !isWaiting(e))
  );
}

/** Failures count per phase: the first failed removal after failed sets is attempt 1. */
function attemptsIn(code: CodeState, phase: 'set' | 'remove'): number {
  return failingIn(code, phase) ? code.attempts + 1 : 1;
}

/**
 * Marks an issue raised while the adapter's service is still working (a
 * pending code's delay, or its check-in come before it is on the lock), so its
 * count of asks never passes for a count of failures.
 */
const WAITING = { waiting_on: 'adapter' } as const;
const isWaiting = (issue: Issue) => issue.detail?.waiting_on === WAITING.waiting_on;

/** Asks since the service accepted the change; a failure streak before it does not count. */
function pollsIn(code: CodeState, phase: 'set' | 'remove'): number {
  return failingIn(code, phase) ? 1 : code.attempts + 1;
}

export function withIssue(
  list: Issue[],
  code: string,
  now: Date,
  detail?: Record<string, unknown>,
  message = issueMessage(code),
): Issue[] {
  if (list.some((i) => i.code === code)) return list;
  return [...list, { code, message, createdAt: now.toISOString(), ...(detail ? { detail } : {}) }];
}

export function withoutIssues(list: Issue[], codes: string[]): Issue[] {
  return list.filter((i) => !codes.includes(i.code));
}

/** Marks an issue copied from the adapter's report, so the next report replaces it. */
const FROM_ADAPTER = { source: 'adapter' } as const;

/**
 * `list` with the adapter's previous report swapped for `reported`. An issue
 * Keyhold raised itself stays; one the adapter keeps reporting keeps the time
 * it was first seen.
 */
export function withReportedIssues(list: Issue[], reported: AdapterIssue[], now: Date): Issue[] {
  const own = list.filter((i) => i.detail?.source !== FROM_ADAPTER.source);
  const before = new Map(list.map((i) => [i.code, i]));
  const fresh = reported
    .filter(
      (r, index) =>
        !own.some((i) => i.code === r.code) &&
        reported.findIndex((x) => x.code === r.code) === index,
    )
    .map(
      (r): Issue => ({
        code: r.code,
        message: r.message || issueMessage(r.code),
        createdAt: before.get(r.code)?.createdAt ?? now.toISOString(),
        detail: { ...FROM_ADAPTER },
      }),
    );
  return [...own, ...fresh];
}

/** Events for issues that appeared in `after` and were not in `before`. */
function raised(before: Issue[], after: Issue[], status: [AccessCodeStatus, AccessCodeStatus]) {
  return after
    .filter((i) => !before.some((b) => b.code === i.code))
    .map(
      (i): CodeEventDraft => ({
        eventType: i.code,
        statusFrom: status[0],
        statusTo: status[1],
        detail: i.detail,
      }),
    );
}

/**
 * What the code looks like after the tick acted on `decision` and the lock
 * answered `result` (undefined for decisions that need no lock call).
 */
export function applyOutcome(
  code: CodeState,
  decision: Exclude<Decision, { kind: 'wait' }>,
  result: LockResult | undefined,
  policy: LockPolicy,
  now: Date,
  random: () => number = Math.random,
): { patch: CodePatch; events: CodeEventDraft[] } {
  const from = code.status;
  const base = {
    errors: code.errors,
    warnings: code.warnings,
    attempts: code.attempts,
    externalRef: code.externalRef,
  };

  switch (decision.kind) {
    case 'activate': {
      const patch: CodePatch = {
        ...base,
        status: 'set',
        errors: withoutIssues(code.errors, ['failed_to_set_on_device']),
        nextAttemptAt: nextBoundary(code, now),
      };
      return { patch, events: [{ eventType: 'set_on_device', statusFrom: from, statusTo: 'set' }] };
    }
    case 'forget':
      return {
        patch: { ...base, status: 'removed', nextAttemptAt: null, attempts: 0 },
        events: [],
      };
    case 'set': {
      if (result?.ok && result.pending) return pendingOutcome(code, result, now, random);
      if (result?.ok) {
        const begun = hasBegun(code, now);
        const status: AccessCodeStatus = begun ? 'set' : 'unset';
        const patch: CodePatch = {
          status,
          errors: withReportedIssues(
            withoutIssues(code.errors, [...SET_PROBLEMS, ...REMOVE_PROBLEMS]),
            result.reported?.errors ?? [],
            now,
          ),
          warnings: withReportedIssues(
            withoutIssues(code.warnings, [...SET_PROBLEMS, ...REMOVE_PROBLEMS]),
            result.reported?.warnings ?? [],
            now,
          ),
          attempts: 0,
          externalRef: result.ref ?? code.externalRef,
          isScheduledOnDevice: decision.scheduleOnLock,
          setOnDeviceAt: now,
          lastAttemptAt: now,
          nextAttemptAt: nextBoundary(code, now),
        };
        return {
          patch,
          events: [
            {
              eventType: begun ? 'set_on_device' : 'scheduled_on_device',
              statusFrom: from,
              statusTo: status,
            },
          ],
        };
      }
      const failure = result ?? { ok: false, kind: 'transient', message: 'no answer' };
      const attempts = attemptsIn(code, 'set');
      const begun = hasBegun(code, now);
      // A failure while the service had the change is a failed try now.
      let errors = code.errors.filter((e) => !isWaiting(e));
      if (failure.kind === 'no_space') {
        errors = withIssue(errors, 'no_space_for_access_code_on_device', now);
      }
      if (failure.kind === 'duplicate_code')
        errors = withIssue(errors, 'duplicate_code_on_device', now);
      if (attempts >= MAX_SET_ATTEMPTS || (code.type === 'time_bound' && begun)) {
        errors = withIssue(errors, 'failed_to_set_on_device', now);
      }
      const warnings = inOneState(
        errors,
        withIssue(
          withoutIssues(code.warnings, ['delay_in_removing_from_device']).filter(
            (w) => !isWaiting(w),
          ),
          'delay_in_setting_on_device',
          now,
        ),
      );
      const status: AccessCodeStatus = begun ? 'setting' : 'unset';
      let next = new Date(now.getTime() + backoffMs(attempts, random));
      // Never sleep through check-in: at starts_at the missing code becomes an error.
      if (!begun && code.startsAt && next > code.startsAt) next = code.startsAt;
      const patch: CodePatch = {
        ...base,
        status,
        errors,
        warnings,
        attempts,
        lastAttemptAt: now,
        nextAttemptAt: next,
      };
      return {
        patch,
        events: [
          ...raised(code.warnings, warnings, [from, status]),
          ...raised(code.errors, errors, [from, status]),
        ],
      };
    }
    case 'remove': {
      if (result?.ok && result.pending) return pendingRemovalOutcome(code, result, now, random);
      if (result?.ok) {
        const finished = isFinished(code, now);
        const status: AccessCodeStatus = finished ? 'removed' : 'unset';
        const patch: CodePatch = {
          status,
          // Off the lock: what the adapter reported about it is over too.
          errors: withReportedIssues(
            withoutIssues(code.errors, [...REMOVE_PROBLEMS, ...SET_PROBLEMS]),
            [],
            now,
          ),
          warnings: withReportedIssues(
            withoutIssues(code.warnings, [...REMOVE_PROBLEMS, ...SET_PROBLEMS]),
            [],
            now,
          ),
          attempts: 0,
          externalRef: null,
          isScheduledOnDevice: false,
          removedFromDeviceAt: now,
          lastAttemptAt: now,
          nextAttemptAt: finished ? null : programmingTime(code, policy),
        };
        return {
          patch,
          events: [{ eventType: 'removed_from_device', statusFrom: from, statusTo: status }],
        };
      }
      const attempts = attemptsIn(code, 'remove');
      const errors =
        attempts >= MAX_REMOVE_ATTEMPTS
          ? withIssue(code.errors, 'failed_to_remove_from_device', now)
          : code.errors;
      const warnings = inOneState(
        errors,
        withIssue(
          withoutIssues(code.warnings, ['delay_in_setting_on_device']).filter((w) => !isWaiting(w)),
          'delay_in_removing_from_device',
          now,
        ),
      );
      const patch: CodePatch = {
        ...base,
        status: 'removing',
        errors,
        warnings,
        attempts,
        lastAttemptAt: now,
        nextAttemptAt: new Date(now.getTime() + backoffMs(attempts, random)),
      };
      return {
        patch,
        events: [
          ...raised(code.warnings, warnings, [from, 'removing']),
          ...raised(code.errors, errors, [from, 'removing']),
        ],
      };
    }
  }
}

/**
 * A code's warnings while the service works on it: the other phase's delay
 * and a delay from failed tries go (the service accepted the change), and
 * what it reports now comes in. Keyhold's own waiting delay stays.
 */
function warningsWhileWaiting(
  code: CodeState,
  phase: 'set' | 'remove',
  result: LockSuccess,
  now: Date,
): Issue[] {
  const [mine, other] =
    phase === 'set'
      ? ['delay_in_setting_on_device', 'delay_in_removing_from_device']
      : ['delay_in_removing_from_device', 'delay_in_setting_on_device'];
  return withReportedIssues(
    withoutIssues(code.warnings, [other]).filter((w) => w.code !== mine || isWaiting(w)),
    result.reported?.warnings ?? [],
    now,
  );
}

/** Seam programs a code just in time this long before it starts, when the lock keeps no schedule. */
const SERVICE_LEAD_MS = 60 * 60_000;

/** When to ask again: 15 s doubling to 5 min; up to 30 min while the code is hours from its start. */
function nextPoll(code: CodeState, polls: number, now: Date, random: () => number): Date {
  const farOff = code.startsAt !== null && code.startsAt.getTime() - now.getTime() > 2 * 3_600_000;
  const cap = farOff ? 30 * 60_000 : PENDING_POLL_CAP_MS;
  const waitMs = Math.min(cap, PENDING_POLL_BASE_MS * 2 ** (polls - 1));
  const next = new Date(now.getTime() + Math.round(waitMs * (0.8 + random() * 0.2)));
  return !hasBegun(code, now) && code.startsAt && next > code.startsAt ? code.startsAt : next;
}

/**
 * The service behind the adapter (Seam) accepted the code and is programming
 * the lock: keep asking, sooner at first, and show what it reports. Not on the
 * lock until it says so: a guest's code not there by check-in is an error, as
 * when the lock refuses it; one that takes long once it should be there (Seam
 * programs an hour before the start at the latest) gets Keyhold's delay warning.
 */
function pendingOutcome(
  code: CodeState,
  result: LockSuccess,
  now: Date,
  random: () => number,
): { patch: CodePatch; events: CodeEventDraft[] } {
  const from = code.status;
  const begun = hasBegun(code, now);
  const status: AccessCodeStatus = begun ? 'setting' : 'unset';
  const polls = pollsIn(code, 'set');
  const due = !code.startsAt || now.getTime() >= code.startsAt.getTime() - SERVICE_LEAD_MS;
  let warnings = warningsWhileWaiting(code, 'set', result, now);
  if ((polls > PENDING_POLLS_BEFORE_DELAY && due) || (begun && code.type === 'time_bound')) {
    warnings = withIssue(warnings, 'delay_in_setting_on_device', now, { ...WAITING });
  }
  // Accepted: the refusals of earlier tries are over; what the service reports now stands.
  let errors = withReportedIssues(
    withoutIssues(code.errors, SET_PROBLEMS),
    result.reported?.errors ?? [],
    now,
  );
  if (begun && code.type === 'time_bound') {
    errors = withIssue(errors, 'failed_to_set_on_device', now, { ...WAITING });
  }
  warnings = inOneState(errors, warnings);
  const patch: CodePatch = {
    status,
    errors,
    warnings,
    attempts: polls,
    // Not confirmed: without a reference the next tick asks the adapter again.
    externalRef: null,
    lastAttemptAt: now,
    nextAttemptAt: nextPoll(code, polls, now, random),
  };
  return {
    patch,
    events: [
      ...(polls === 1 || from !== status
        ? [{ eventType: 'mutations_requested', statusFrom: from, statusTo: status }]
        : []),
      ...raised(code.warnings, warnings, [from, status]),
      ...raised(code.errors, errors, [from, status]),
    ],
  };
}

/**
 * The service accepted the removal and is taking the code off the lock: it
 * stays `removing` (so a code still on the lock after check-out is an alert)
 * and is asked about again; a long wait gets the removal delay warning.
 */
function pendingRemovalOutcome(
  code: CodeState,
  result: LockSuccess,
  now: Date,
  random: () => number,
): { patch: CodePatch; events: CodeEventDraft[] } {
  const from = code.status;
  const polls = pollsIn(code, 'remove');
  let warnings = warningsWhileWaiting(code, 'remove', result, now);
  if (polls > PENDING_POLLS_BEFORE_DELAY) {
    warnings = withIssue(warnings, 'delay_in_removing_from_device', now, { ...WAITING });
  }
  // Accepted: the refusals of earlier tries are over. A guest code still there
  // after check-out is an alert of its own.
  const errors = withoutIssues(code.errors, ['failed_to_remove_from_device']);
  const patch: CodePatch = {
    status: 'removing',
    errors,
    warnings,
    attempts: polls,
    externalRef: code.externalRef,
    lastAttemptAt: now,
    nextAttemptAt: nextPoll({ ...code, startsAt: null }, polls, now, random),
  };
  return { patch, events: raised(code.warnings, warnings, [from, 'removing']) };
}
