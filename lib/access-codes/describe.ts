import type { AccessCodeStatus, Issue } from '@/db/schema';
import { describeIssue, humanize, ISSUES, type Tone } from '@/lib/issues';
import { formatZoned } from '@/lib/time';
import { isConfirmedOnLock, isFinished, isSet, isTracked, mayBeOnLock } from './predicates';
import { type CodeState, type LockPolicy, NATIVE_SCHEDULING_HOURS, programmingTime } from './state';

/**
 * Plain words for codes, their state and their history. Every screen shows
 * these (issues' words come from `lib/issues.ts`) and keeps the Seam name for
 * a tooltip, so staff read "Someone changed the code at the lock" while an
 * integrator can still match `conflicting_external_modification`.
 */

export type { Tone };

/**
 * Where a code stands, as every page tells it. Seam's `status` alone cannot
 * say it: `unset` covers "not there yet" and "stored on the lock, waiting for
 * check-in", and errors and warnings sit beside the status.
 */
export type CodeCondition =
  /** Not on the lock, and not due there yet. */
  | 'not_yet_due'
  /** On the lock, working from check-in (stored with its window, or put on ahead of it). */
  | 'stored'
  /** Keyhold (or the lock's service) is putting it on the lock now. */
  | 'being_set'
  /** On the lock, opening the door. */
  | 'set'
  /** A try failed or is late; Keyhold is still trying. */
  | 'delayed'
  /** An error: it may not open the door, or may open it when it should not. */
  | 'failed'
  /** Coming off the lock. */
  | 'being_removed'
  /** Off the lock for good. */
  | 'removed';

export type CodeStatusWords = {
  condition: CodeCondition;
  title: string;
  /** One sentence with what follows, in the property's zone; empty when the title says it all. */
  explanation: string;
  tone: Tone;
  /** What a person should do now, when there is something to do. */
  action: string | null;
};

/** What a code's words need: the code, its lock, the time. */
export type CodeForStatus = CodeState & { isScheduledOnDevice: boolean };
export type LockForStatus = { name: string; online: boolean; policy: LockPolicy };

/** Each condition's title: one set of words for legends, lists and pills alike. */
export const CONDITION_TITLES: Record<CodeCondition, string> = {
  not_yet_due: 'Not on the lock yet',
  stored: 'On the lock, from check-in',
  being_set: 'Being set',
  set: 'Set on the lock',
  delayed: 'Programming delayed',
  failed: 'Not on the lock',
  being_removed: 'Being removed',
  removed: 'Off the lock',
};

const CONDITION_TONES: Record<CodeCondition, Tone> = {
  not_yet_due: 'info',
  stored: 'ok',
  being_set: 'info',
  set: 'ok',
  delayed: 'warning',
  failed: 'error',
  being_removed: 'info',
  removed: 'info',
};

const REMOVAL_ISSUES = ['failed_to_remove_from_device'];

/** The first issue of a list that the catalogue or the adapter names, for its words. */
const first = (issues: Issue[], skip: string[] = []) => issues.find((i) => !skip.includes(i.code));

/**
 * A code's state in the words, tone and next step every page shows: Arrivals,
 * the front desk, Reservations, a reservation, a lock and its timeline. The
 * same rules as the tick (`predicates.ts`, `state.ts`), so the words promise
 * what the tick will do.
 */
export function describeCodeStatus(
  code: CodeForStatus,
  lock: LockForStatus,
  zone: string,
  now: Date,
): CodeStatusWords {
  const words = (
    condition: CodeCondition,
    explanation: string,
    extra: Partial<CodeStatusWords> = {},
  ): CodeStatusWords => ({
    condition,
    title: CONDITION_TITLES[condition],
    explanation,
    tone: CONDITION_TONES[condition],
    action: null,
    ...extra,
  });
  const offline = lock.online
    ? ''
    : ` ${lock.name} is offline: Keyhold keeps trying and shows an error if it cannot reach it in time.`;
  // Formatted only where the words say it (a board describes hundreds of codes).
  const until = () => (code.endsAt ? ` until ${formatZoned(code.endsAt, zone)}` : '');

  if (!isTracked.test(code)) return words('removed', 'The code is off the lock.');
  const finished = isFinished.test(code, now);
  if (finished && !mayBeOnLock.test(code)) {
    return words(
      'removed',
      code.deletedAt ? 'Cancelled before it reached the lock.' : 'The code is off the lock.',
    );
  }
  // Coming off: the stay is over or cancelled, or its code is not due on the lock yet after a change.
  if (finished || code.status === 'removing') {
    const failedRemoval = code.errors.find((i) => i.code === 'failed_to_remove_from_device');
    if (failedRemoval) {
      const issue = describeIssue(failedRemoval.code);
      return words('failed', `${issue.explanation}${offline}`, {
        title: issue.title,
        action: `Check ${lock.name}: the code may still open the door.`,
      });
    }
    // A removal that is late is still a removal under way: the warning sits beside it.
    const late = code.warnings.some((w) => w.code === 'delay_in_removing_from_device');
    return words(
      'being_removed',
      late
        ? `${describeIssue('delay_in_removing_from_device').explanation}${offline}`
        : `Keyhold is taking the code off ${lock.name}.${offline}`,
      late ? { tone: 'warning' } : {},
    );
  }

  const error = first(code.errors, REMOVAL_ISSUES);
  if (error) {
    const issue = describeIssue(error.code);
    return words('failed', error.message || issue.explanation, {
      title: issue.title,
      action: 'Give the guest a backup code.',
    });
  }
  const delay = code.warnings.find(
    (w) => w.code === 'delay_in_setting_on_device' || w.code === 'delay_in_setting_code_on_device',
  );
  if (delay) {
    return words('delayed', `${describeIssue(delay.code).explanation}${offline}`);
  }
  if (isConfirmedOnLock.test(code)) {
    if (isSet.test(code, now)) return words('set', `The code opens the door${until()}.`);
    const from = code.startsAt ? formatZoned(code.startsAt, zone) : 'check-in';
    return words(
      'stored',
      code.isScheduledOnDevice
        ? `${lock.name} holds the code with its window; it opens the door from ${from}.`
        : `The code is on ${lock.name} ahead of check-in (${from}).`,
    );
  }
  if (code.status === 'setting') {
    return words('being_set', `Keyhold is putting the code on ${lock.name}.${offline}`);
  }
  const at = programmingTime(code, lock.policy);
  if (at && at > now) {
    return words(
      'not_yet_due',
      lock.policy.nativeScheduling
        ? `Stored on ${lock.name} from ${formatZoned(at, zone)} (${NATIVE_SCHEDULING_HOURS} hours ahead), working from check-in.`
        : `Set on ${lock.name} by ${formatZoned(at, zone)}, before check-in.`,
    );
  }
  return words('being_set', `Keyhold is putting the code on ${lock.name}.${offline}`);
}

/** Worst first: what a summary of several codes leads with. */
const CONDITION_ORDER: CodeCondition[] = [
  'failed',
  'delayed',
  'being_removed',
  'being_set',
  'not_yet_due',
  'stored',
  'set',
  'removed',
];

/**
 * Several codes of one stay in one line, for a list: their shared state when
 * they agree ("Set on the lock"), else the one that needs attention first
 * with how many locks it concerns ("Being set · 1 of 2 locks").
 */
export function summarizeCodeStatus(states: CodeStatusWords[]): CodeStatusWords | null {
  const rank = (s: CodeStatusWords) => CONDITION_ORDER.indexOf(s.condition);
  const [worst] = [...states].sort((a, b) => rank(a) - rank(b));
  if (!worst) return null;
  const alike = states.filter((s) => s.condition === worst.condition && s.title === worst.title);
  if (alike.length === states.length) {
    return states.length === 1
      ? worst
      : { ...worst, title: `${worst.title} · all ${states.length} locks` };
  }
  return { ...worst, title: `${worst.title} · ${alike.length} of ${states.length} locks` };
}

export type EventForWords = {
  eventType: string;
  statusFrom: AccessCodeStatus | null;
  statusTo: AccessCodeStatus | null;
  detail: Record<string, unknown> | null;
};

const EVENT_WORDS: Record<string, string> = {
  created: 'Code created',
  code_changed: 'Digits changed',
  name_changed: 'Name changed',
  deleted: 'Code cancelled; it comes off the lock',
  mutations_requested: 'Sent to the lock’s service; waiting for it to reach the lock',
  set_on_device: 'Set on the lock',
  scheduled_on_device: 'Stored on the lock, to work from check-in',
  removed_from_device: 'Removed from the lock',
  backup_access_code_pulled: 'Backup code pulled',
  deleted_external_to_seam: 'Someone removed the code at the lock',
  modified_external_to_seam: 'Someone changed the code at the lock',
  // A replaced lock's codes move, ids and all (lib/devices/replacement-codes.ts).
  moved_to_new_lock: 'Moved to the lock that replaced a reset one',
  replacement_undone: 'Back on its own lock: the replacement was undone',
};

/** One history line, in the property's zone where it names a time. */
export function describeEvent(event: EventForWords, zone: string): { text: string; tone: Tone } {
  const type = event.eventType.replace(/^access_code\./, '');
  if (type === 'time_frame_changed') {
    const from = timeOf(event.detail?.starts_at);
    const to = timeOf(event.detail?.ends_at);
    return {
      text:
        from && to
          ? `Times changed to ${formatZoned(from, zone)} – ${formatZoned(to, zone)}`
          : 'Times changed',
      tone: 'info',
    };
  }
  const words = EVENT_WORDS[type];
  if (words) {
    const tone: Tone = type.endsWith('_external_to_seam')
      ? 'warning'
      : type === 'set_on_device'
        ? 'ok'
        : 'info';
    return { text: words, tone };
  }
  const issue = ISSUES[type];
  if (issue) {
    const label = issue.tone === 'error' ? 'Error' : issue.tone === 'warning' ? 'Warning' : 'Note';
    return { text: `${label}: ${issue.title.toLowerCase()}`, tone: issue.tone };
  }
  return { text: humanize(type), tone: 'info' };
}

/** An event type in words when its detail is not at hand (no times to name). */
export function describeEventType(eventType: string): string {
  return describeEvent({ eventType, statusFrom: null, statusTo: null, detail: null }, 'UTC').text;
}

/** "1 code", "3 codes". */
export function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

/**
 * How long a lock holds a code's digits (`timeOnLock` in ./state), in words for
 * a refusal: "from 72 hours before check-in until check-out".
 */
export function describeTimeOnLock(policy: LockPolicy): string {
  const ahead = policy.nativeScheduling
    ? plural(NATIVE_SCHEDULING_HOURS, 'hour')
    : policy.leadMinutes > 0
      ? plural(policy.leadMinutes, 'minute')
      : null;
  return `from ${ahead ? `${ahead} before check-in` : 'check-in'} until check-out`;
}

function timeOf(value: unknown): Date | null {
  if (typeof value !== 'string') return null;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** What happens to a code next, as a kind a summary can group and a sentence for one lock. */
export type NextStep =
  | { kind: 'on_lock'; at: Date }
  | { kind: 'stored'; at: Date }
  | { kind: 'setting_now' }
  | { kind: 'set_by'; at: Date; startsAt: Date; native: boolean }
  | { kind: 'removing' }
  | { kind: 'off' };

/** A code as the reconciler sees it, plus how it sits on the lock. */
export type CodeForPlan = CodeForStatus;

/**
 * Where the reconciler will take this code (DESIGN.md "The reconciler"), told
 * from what is stored: the same lead time and native-scheduling rule the tick
 * uses, so the words promise what the tick will do.
 */
export function nextStep(code: CodeForPlan, policy: LockPolicy, now: Date): NextStep {
  if (!isTracked.test(code)) return { kind: 'off' };
  if (isFinished.test(code, now)) {
    return mayBeOnLock.test(code) ? { kind: 'removing' } : { kind: 'off' };
  }
  if (isSet.test(code, now)) return { kind: 'on_lock', at: code.endsAt ?? now };
  if (code.status === 'setting' || code.status === 'removing') return { kind: 'setting_now' };
  if (code.externalRef !== null) return { kind: 'stored', at: code.startsAt ?? now };
  const at = programmingTime(code, policy);
  if (!at || at <= now || !code.startsAt) return { kind: 'setting_now' };
  return { kind: 'set_by', at, startsAt: code.startsAt, native: policy.nativeScheduling };
}

/** One sentence for one lock, e.g. "Set on Room 101 by Fri, 27 Nov 2026, 14:30 EST, before check-in." */
export function describeNextStep(
  step: NextStep,
  lockName: string,
  zone: string,
  lockOnline = true,
): string {
  const offline = lockOnline
    ? ''
    : ` ${lockName} is offline: Keyhold keeps trying and shows an error if it cannot reach it in time.`;
  switch (step.kind) {
    case 'on_lock':
      return `On ${lockName} until ${formatZoned(step.at, zone)}.`;
    case 'stored':
      return `Stored on ${lockName}; it works from ${formatZoned(step.at, zone)}.`;
    case 'setting_now':
      return `Being set on ${lockName} now.${offline}`;
    case 'set_by':
      return step.native
        ? `Stored on ${lockName} from ${formatZoned(step.at, zone)} (${NATIVE_SCHEDULING_HOURS} hours ahead), working from check-in.${offline}`
        : `Set on ${lockName} by ${formatZoned(step.at, zone)}, before check-in.${offline}`;
    case 'removing':
      return `Coming off ${lockName} now.${offline}`;
    case 'off':
      return `Not on ${lockName}.`;
  }
}

/** "Room 101", "Room 101 and Room 102", "Room 101, Room 102 and Gate". */
export function listNames(names: string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}

/**
 * The effect of a change on a stay's codes, locks with the same outcome told
 * together: "Codes will be set on Room 101 and Room 102 by Thu, 26 Nov 2026, 14:30 EST."
 */
export function summarizeSteps(
  items: { step: NextStep; lockName: string; lockOnline: boolean }[],
  zone: string,
): string[] {
  const groups = new Map<string, { step: NextStep; names: string[] }>();
  for (const item of items) {
    const at = 'at' in item.step ? item.step.at.toISOString() : '';
    const key = `${item.step.kind}|${at}|${item.step.kind === 'set_by' && item.step.native}`;
    const group = groups.get(key) ?? { step: item.step, names: [] };
    group.names.push(item.lockName);
    groups.set(key, group);
  }
  const sentences = [...groups.values()].map(({ step, names }) => groupSentence(step, names, zone));
  const offline = items.filter((i) => !i.lockOnline && i.step.kind !== 'off');
  if (offline.length > 0) {
    const names = listNames(offline.map((i) => i.lockName));
    sentences.push(
      `${names} ${offline.length > 1 ? 'are' : 'is'} offline: Keyhold keeps trying and shows an error if it cannot reach ${offline.length > 1 ? 'them' : 'it'} in time.`,
    );
  }
  return sentences;
}

function groupSentence(step: NextStep, names: string[], zone: string): string {
  const many = names.length > 1;
  const subject = many ? 'Codes' : 'The code';
  const is = many ? 'are' : 'is';
  const locks = listNames(names);
  switch (step.kind) {
    case 'on_lock':
      return `${subject} ${is} on ${locks} until ${formatZoned(step.at, zone)}.`;
    case 'stored':
      return `${subject} ${is} stored on ${locks} and work${many ? '' : 's'} from ${formatZoned(step.at, zone)}.`;
    case 'setting_now':
      return `${subject} ${is} being set on ${locks} now.`;
    case 'set_by':
      return step.native
        ? `${subject} will be stored on ${locks} from ${formatZoned(step.at, zone)}, ready for check-in.`
        : `${subject} will be set on ${locks} by ${formatZoned(step.at, zone)}.`;
    case 'removing':
      return `${subject} ${is} coming off ${locks}.`;
    case 'off':
      return `No code is on ${locks}.`;
  }
}
