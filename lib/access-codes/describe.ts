import type { AccessCodeStatus } from '@/db/schema';
import { formatZoned } from '@/lib/time';
import {
  type CodeState,
  type LockPolicy,
  mayBeOnLock,
  NATIVE_SCHEDULING_HOURS,
  programmingTime,
} from './state';

/**
 * Plain words for what Keyhold (and Seam) call codes, statuses, issues and
 * events. Every screen shows these and keeps the Seam name for a tooltip, so
 * staff read "Someone changed the code at the lock" while an integrator can
 * still match `conflicting_external_modification`. Names are open strings:
 * an unknown one is shown readably rather than dropped.
 */

export type Tone = 'ok' | 'info' | 'warning' | 'error';

export type Words = { title: string; explanation: string; tone: Tone };

/** Seam's current names, their older aliases, and the device issues that show up on codes. */
export const ISSUE_WORDS: Record<string, Words> = {
  // Code errors.
  failed_to_set_on_device: {
    title: 'Not on the lock',
    explanation:
      'Keyhold could not put the code on the lock, or check-in came before it was there. Give the guest a backup code.',
    tone: 'error',
  },
  failed_to_remove_from_device: {
    title: 'Could not be removed',
    explanation:
      'The code may still open the door after the stay. Keyhold keeps trying; check the lock.',
    tone: 'error',
  },
  no_space_for_access_code_on_device: {
    title: 'Lock is full',
    explanation: 'The lock has no free code slots. Remove old codes at the lock or in Keyhold.',
    tone: 'error',
  },
  duplicate_code_on_device: {
    title: 'Digits already on the lock',
    explanation: 'Another code with the same digits is on this lock. Change the guest code.',
    tone: 'error',
  },
  conflicting_external_modification: {
    title: 'Changed at the lock',
    explanation:
      'Someone changed or removed the code at the lock. Keyhold is putting it back; this clears once it is.',
    tone: 'error',
  },
  code_modified_external_to_seam: {
    title: 'Changed at the lock',
    explanation: 'Someone changed or removed the code at the lock (older name of this error).',
    tone: 'error',
  },
  // Code warnings.
  delay_in_setting_on_device: {
    title: 'Programming delayed',
    explanation: 'A try to put the code on the lock failed or is late. Keyhold is still retrying.',
    tone: 'warning',
  },
  delay_in_setting_code_on_device: {
    title: 'Programming delayed',
    explanation: 'A try to put the code on the lock failed or is late. Keyhold is still retrying.',
    tone: 'warning',
  },
  delay_in_removing_from_device: {
    title: 'Removal delayed',
    explanation:
      'A try to take the code off the lock failed or is late. Keyhold is still retrying.',
    tone: 'warning',
  },
  using_backup_access_code: {
    title: 'Backup code in use',
    explanation: 'A backup code was pulled for this guest; it works until check-out.',
    tone: 'info',
  },
  // Device issues.
  device_removed: {
    title: 'Gone from its account',
    explanation:
      'The lock no longer answers under its id: it was factory reset or removed. An admin replaces it with the new lock, or retires it.',
    tone: 'error',
  },
  new_lock_found: {
    title: 'New lock found',
    explanation:
      'Keyhold has not seen this lock before. An admin places it at a property, or lets it replace a lock that was factory reset.',
    tone: 'warning',
  },
  device_disconnected: {
    title: 'Lock offline',
    explanation:
      'Keyhold cannot reach the lock. Codes go on and come off once it is back; check its connection.',
    tone: 'error',
  },
  device_offline: {
    title: 'Lock offline',
    explanation: 'Keyhold cannot reach the lock (older name of this error).',
    tone: 'error',
  },
  empty_backup_access_code_pool: {
    title: 'No backup codes ready',
    explanation: 'This lock has no backup code ready to hand out.',
    tone: 'error',
  },
  partial_backup_access_code_pool: {
    title: 'Backup codes running low',
    explanation: 'Fewer backup codes than usual are ready on this lock.',
    tone: 'warning',
  },
  many_active_backup_codes: {
    title: 'Many backup codes in use',
    explanation: 'Several backup codes were pulled here, which often means programming trouble.',
    tone: 'warning',
  },
  max_access_codes_reached: {
    title: 'Lock nearly full',
    explanation: 'The lock holds as many codes as it can.',
    tone: 'warning',
  },
};

/** "some_new_code" → "Some new code", for names this file does not know yet. */
export function humanize(name: string): string {
  const words = name
    .replace(/^access_code\./, '')
    .replace(/[._]+/g, ' ')
    .trim();
  return words ? words.charAt(0).toUpperCase() + words.slice(1) : 'Unknown';
}

export function describeIssue(code: string, severity: 'error' | 'warning' = 'error'): Words {
  return ISSUE_WORDS[code] ?? { title: humanize(code), explanation: '', tone: severity };
}

/** The state of a code as far as a person needs to know it. */
export type CodeForWords = {
  status: AccessCodeStatus;
  externalRef: string | null;
  isScheduledOnDevice: boolean;
  deletedAt: Date | null;
};

const STATUS_WORDS: Record<AccessCodeStatus, Words> = {
  unset: {
    title: 'Not on the lock yet',
    explanation: 'It goes on shortly before check-in.',
    tone: 'info',
  },
  setting: {
    title: 'Being set',
    explanation: 'Keyhold is putting the code on the lock.',
    tone: 'info',
  },
  set: { title: 'Set on the lock', explanation: 'The code opens the door now.', tone: 'ok' },
  removing: {
    title: 'Being removed',
    explanation: 'Keyhold is taking the code off the lock.',
    tone: 'info',
  },
  removed: { title: 'Removed', explanation: 'The code is off the lock.', tone: 'info' },
};

/** A status's short title alone, for legends and lists that know nothing else of the code. */
export const STATUS_TITLES = Object.fromEntries(
  Object.entries(STATUS_WORDS).map(([status, words]) => [status, words.title]),
) as Record<AccessCodeStatus, string>;

/**
 * Seam's `unset` covers both "not there yet" and "stored on the lock, waiting
 * for check-in"; staff need to tell those apart, so they read differently.
 */
export function describeStatus(code: CodeForWords): Words {
  if (code.status === 'unset' && code.externalRef !== null) {
    return code.isScheduledOnDevice
      ? {
          title: 'Scheduled on the lock',
          explanation: 'The lock holds the code and lets it work from check-in.',
          tone: 'ok',
        }
      : {
          title: 'On the lock, from check-in',
          explanation: 'The code is on the lock ahead of check-in.',
          tone: 'ok',
        };
  }
  if (code.deletedAt && code.status !== 'removed' && code.status !== 'removing') {
    return code.externalRef !== null
      ? { title: 'Coming off the lock', explanation: '', tone: 'info' }
      : { title: 'Cancelled', explanation: 'It never reached the lock.', tone: 'info' };
  }
  return STATUS_WORDS[code.status];
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
  const issue = ISSUE_WORDS[type];
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
export type CodeForPlan = CodeState & Pick<CodeForWords, 'isScheduledOnDevice'>;

/**
 * Where the reconciler will take this code (DESIGN.md "The reconciler"), told
 * from what is stored: the same lead time and native-scheduling rule the tick
 * uses, so the words promise what the tick will do.
 */
export function nextStep(code: CodeForPlan, policy: LockPolicy, now: Date): NextStep {
  const finished =
    code.deletedAt !== null ||
    code.desiredState === 'absent' ||
    (code.type === 'time_bound' && code.endsAt !== null && now >= code.endsAt);
  if (code.status === 'removed') return { kind: 'off' };
  if (finished) {
    return mayBeOnLock(code) ? { kind: 'removing' } : { kind: 'off' };
  }
  if (code.status === 'set') return { kind: 'on_lock', at: code.endsAt ?? now };
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
