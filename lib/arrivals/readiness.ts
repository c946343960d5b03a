import {
  type CodeForStatus,
  type CodeStatusWords,
  describeCodeStatus,
} from '@/lib/access-codes/describe';
import { isConfirmedOnLock } from '@/lib/access-codes/predicates';
import { programmingTime } from '@/lib/access-codes/state';
import type { Pullability } from '@/lib/backup-pools/pullability';
import { LOW_BATTERY } from '@/lib/devices/battery';
import { lockLabel } from '@/lib/devices/lock-label';
import { type LockFacts, lockTrouble, offlineSince } from '@/lib/devices/predicates';
import { NO_ENTRY_YET } from '@/lib/lock-events/describe';
import { lockAlsoBooked, type Overlap } from '@/lib/reservations/overlap';
import { type PendingCancellation, pendingCancellationText } from '@/lib/sources/safety-net';
import { formatInZone, localDateTimeParts, toIso, zonedInstant } from '@/lib/time';

/**
 * Is a stay ready for its guest? One verdict per arriving stay from checks on
 * each of its locks — the guest code is on the lock, the lock is online and
 * can honour codes (not reset, replaced or retired), no other stay holds it,
 * its battery is not low, its backup pool is full — and the guest has been
 * sent their code; and, past the organization's alert time on check-in day,
 * that someone has come in (`noEntryYet`). A backup code is offered only where the desk could pull
 * one (`pullability`); where it could not, the organization's fallback is.
 * Pure: the data comes from ./arrivals.ts.
 */

export type CheckName =
  | 'code'
  | 'lock'
  | 'online'
  | 'battery'
  | 'backup_pool'
  | 'message'
  | 'overlap'
  /** The booking's source no longer lists it (lib/sources/). */
  | 'source'
  /** Nobody has come in with the stay's codes by the organization's alert time. */
  | 'entry';

export type Problem = {
  check: CheckName;
  /** error: the guest may not get in; warning: fix before arrival. */
  severity: 'error' | 'warning';
  /** What is wrong, in plain words. */
  message: string;
  /** The one action that fixes it. */
  fix: { label: string; href: string };
  deviceId?: string;
};

export type Verdict = 'at_risk' | 'needs_attention' | 'on_track' | 'ready';

export type StayLock = LockFacts & {
  deviceId: string;
  name: string;
  room: string | null;
  batteryLevel: number | null;
  supportsNativeScheduling: boolean;
  backupPoolEnabled: boolean;
  /** How many backup codes the lock's pool keeps (lib/backup-pools/pool-size.ts). */
  poolSize: number;
  /** Backup codes ready for a guest (0 on a lock that cannot honour them). */
  availableBackups: number;
  code: (CodeForStatus & { id: string }) | null;
  /** Other stays holding this lock at the same time: a double booking someone confirmed. */
  overlaps?: readonly Overlap[];
  /** Whether the desk may pull a backup code for the guest code; null without one, or when it offers none (`offersBackup`). */
  pull: Pullability | null;
};

export type StayFacts = {
  reservationId: string;
  guestName: string;
  startsAt: Date;
  /** The property's zone, for the words of each code's state. */
  timeZone: string;
  locks: StayLock[];
  /** A guest-code message or a correction reached its provider (or the log). */
  messageSent: boolean;
  /** The guest left an email or a phone number to send it to. */
  reachable: boolean;
  /** A feed that brought the stay no longer lists it: cancelled if it stays missing. */
  pendingCancellation?: PendingCancellation | null;
  /** When the guest first came in (lib/lock-events/entries.ts); null: not yet. */
  firstEntryAt?: Date | null;
};

export type LockReadiness = {
  deviceId: string;
  name: string;
  room: string | null;
  code: 'set' | 'pending' | 'problem';
  /** When a pending code goes on the lock (ISO: the arrivals board crosses JSON). */
  programmedAt: string | null;
  /** The guest code's state in the words every page uses; null when the lock has none. */
  state: CodeStatusWords | null;
};

export type Readiness = {
  verdict: Verdict;
  problems: Problem[];
  locks: LockReadiness[];
};

export type ReadinessPolicy = {
  leadMinutes: number;
  /** How long before arrival the guest should have their code. */
  messageLeadMinutes: number;
  /** What the desk does when no code can work (Settings). */
  deskFallbackText: string;
  /**
   * "HH:MM" in the property's zone on the check-in day after which a stay
   * with no entry needs attention (Settings); null or absent: off.
   */
  noEntryAlertTime?: string | null;
};

/**
 * Whether a lock's guest code needs `pull` (whether the desk may pull a
 * backup code for it): only a code with an error offers one, so the board
 * loads pullability for those codes alone.
 */
export const offersBackup = (code: { errors: readonly unknown[] }): boolean =>
  code.errors.length > 0;

const lockHref = (deviceId: string) => `/locks/${deviceId}`;
const deskHref = (guestName: string) => `/front-desk?q=${encodeURIComponent(guestName)}`;

/**
 * `words: false` leaves out what only a reader needs and costs formatting:
 * each code's state in words (null) and the times in problems' messages
 * (empty). The verdict, and every problem's check and severity, are the
 * same: the board ranks and counts all its stays this way and words the
 * page it shows.
 */
export function assessStay(
  stay: StayFacts,
  policy: ReadinessPolicy,
  now: Date,
  options: { words?: boolean } = {},
): Readiness {
  const words = options.words ?? true;
  const say = (message: () => string) => (words ? message() : '');
  const problems: Problem[] = [];
  const locks: LockReadiness[] = [];
  for (const lock of stay.locks) {
    const name = lockLabel(lock);
    const code = lock.code;
    const trouble = lockTrouble(lock, now);
    const lockPolicy = {
      leadMinutes: policy.leadMinutes,
      nativeScheduling: lock.supportsNativeScheduling,
    };
    const programmedAt = code ? programmingTime(code, lockPolicy) : null;
    const state =
      code && words
        ? describeCodeStatus(
            code,
            { name: lock.name, online: lock.online, policy: lockPolicy },
            stay.timeZone,
            now,
          )
        : null;
    let onLock: LockReadiness['code'] = 'problem';
    if (!code) {
      problems.push({
        check: 'code',
        severity: 'error',
        message: `${name} has no guest code for this stay.`,
        fix: { label: 'Open the reservation', href: `/reservations/${stay.reservationId}` },
        deviceId: lock.deviceId,
      });
    } else if (offersBackup(code)) {
      // One truthful action for a guest whose code fails: a backup code only where the desk can pull one.
      const canPull = lock.pull?.ok === true && lock.availableBackups > 0;
      const insteadOfBackup = !lock.pull
        ? ''
        : !lock.pull.ok
          ? ` ${lock.pull.reason}`
          : ` No backup code is ready — ${policy.deskFallbackText}`;
      problems.push({
        check: 'code',
        severity: 'error',
        message: `${name}: ${code.errors[0]?.message ?? 'the code has an error.'}${canPull ? '' : insteadOfBackup}`,
        fix: canPull
          ? { label: 'Pull a backup code', href: deskHref(stay.guestName) }
          : { label: 'Open the lock', href: lockHref(lock.deviceId) },
        deviceId: lock.deviceId,
      });
    } else if (isConfirmedOnLock.test(code)) {
      // On the lock, or stored there with its window by a lock that keeps schedules.
      onLock = 'set';
    } else if (programmedAt && programmedAt > now) {
      onLock = 'pending';
    } else {
      // Due, not on the lock yet, no error: the next ticks are on it, unless the lock is offline.
      onLock = 'pending';
      if (lock.online) {
        problems.push({
          check: 'code',
          severity: 'warning',
          message: `${name}: the guest code is due and not on the lock yet.`,
          fix: { label: 'Open the lock', href: lockHref(lock.deviceId) },
          deviceId: lock.deviceId,
        });
      }
    }
    locks.push({
      deviceId: lock.deviceId,
      name: lock.name,
      room: lock.room,
      code: onLock,
      programmedAt:
        onLock === 'pending' && programmedAt && programmedAt > now ? toIso(programmedAt) : null,
      state,
    });

    if (trouble && trouble.kind !== 'offline') {
      const what = {
        reset: 'was reset and has no codes',
        replaced: 'was replaced',
        retired: 'was retired',
      }[trouble.kind];
      problems.push({
        check: 'lock',
        severity: 'error',
        message: `${name} ${what} — ${policy.deskFallbackText}`,
        fix: { label: 'Open the lock', href: lockHref(lock.deviceId) },
        deviceId: lock.deviceId,
      });
    } else if (!lock.online) {
      const since = offlineSince(lock);
      problems.push({
        check: 'online',
        severity: 'error',
        message: say(
          () =>
            `${name} is offline${since ? ` since ${formatInZone(since, stay.timeZone)}` : ''}: codes cannot reach it.${trouble ? ` If the guest cannot get in — ${policy.deskFallbackText}` : ''}`,
        ),
        fix: { label: 'Check the lock’s power and connection', href: lockHref(lock.deviceId) },
        deviceId: lock.deviceId,
      });
    }
    if (lock.overlaps && lock.overlaps.length > 0) {
      problems.push({
        check: 'overlap',
        severity: 'warning',
        message: say(() => lockAlsoBooked(name, lock.overlaps ?? [])),
        fix: { label: 'Open the reservation', href: `/reservations/${stay.reservationId}` },
        deviceId: lock.deviceId,
      });
    }
    if (lock.batteryLevel !== null && lock.batteryLevel < LOW_BATTERY) {
      problems.push({
        check: 'battery',
        severity: 'warning',
        message: `${name}: battery at ${Math.round(lock.batteryLevel * 100)}%.`,
        fix: { label: 'Replace the batteries', href: lockHref(lock.deviceId) },
        deviceId: lock.deviceId,
      });
    }
    // A lock that cannot honour codes has said so above, with what to do.
    if (!trouble && lock.backupPoolEnabled && lock.availableBackups < lock.poolSize) {
      const empty = lock.availableBackups === 0;
      problems.push({
        check: 'backup_pool',
        severity: empty ? 'error' : 'warning',
        message: empty
          ? `${name} has no backup code ready for a guest who cannot get in.`
          : `${name} has ${lock.availableBackups} of ${lock.poolSize} backup codes ready.`,
        fix: { label: 'See the lock’s pool', href: lockHref(lock.deviceId) },
        deviceId: lock.deviceId,
      });
    }
  }

  // The tick sends the code once it is on every lock; until then the code checks say what is wrong.
  const messageDue = stay.startsAt.getTime() - policy.messageLeadMinutes * 60_000 <= now.getTime();
  const codesOnLocks =
    stay.locks.length > 0 &&
    stay.locks.every((l) => l.code && l.code.errors.length === 0 && isConfirmedOnLock.test(l.code));
  if (!stay.messageSent && messageDue && (codesOnLocks || !stay.reachable)) {
    problems.push({
      check: 'message',
      severity: 'warning',
      message: stay.reachable
        ? 'The guest has not been sent their code.'
        : 'The guest left no email or phone: give them their code yourself.',
      fix: {
        label: stay.reachable ? 'Send the code' : 'Copy the code for the guest',
        href: `/reservations/${stay.reservationId}`,
      },
    });
  }

  if (stay.pendingCancellation) {
    problems.push({
      check: 'source',
      severity: 'warning',
      message: pendingCancellationText(stay.pendingCancellation),
      fix: { label: 'Open the reservation', href: `/reservations/${stay.reservationId}` },
    });
  }

  if (noEntryYet(stay, policy.noEntryAlertTime ?? null, now)) {
    problems.push({
      check: 'entry',
      severity: 'warning',
      // The time the rule looked at: the alert time, or check-in when that is later.
      message: say(
        () =>
          `${NO_ENTRY_YET}: nobody has come in with ${stay.guestName}'s codes by ${
            localDateTimeParts(
              noEntryAlertAt(stay.startsAt, stay.timeZone, policy.noEntryAlertTime ?? '00:00'),
              stay.timeZone,
            ).time
          }.`,
      ),
      fix: { label: 'Open the reservation', href: `/reservations/${stay.reservationId}` },
    });
  }

  return { verdict: verdictOf(problems, locks), problems, locks };
}

/**
 * The moment a stay with no entry needs attention: the alert time on the
 * check-in day, in the property's zone (so a DST change moves it with the
 * clocks), and never before check-in itself.
 */
export function noEntryAlertAt(startsAt: Date, timeZone: string, alertTime: string): Date {
  const day = localDateTimeParts(startsAt, timeZone).date;
  const at = zonedInstant(day, alertTime, timeZone);
  return at > startsAt ? at : startsAt;
}

/**
 * The rule, in one place: the organization set an alert time, it has passed
 * on the check-in day, and nobody has come in with the stay's codes.
 */
export function noEntryYet(
  stay: Pick<StayFacts, 'startsAt' | 'timeZone' | 'firstEntryAt'>,
  alertTime: string | null,
  now: Date,
): boolean {
  if (!alertTime || stay.firstEntryAt) return false;
  return now >= noEntryAlertAt(stay.startsAt, stay.timeZone, alertTime);
}

function verdictOf(problems: Problem[], locks: LockReadiness[]): Verdict {
  if (problems.some((p) => p.severity === 'error')) return 'at_risk';
  if (problems.length > 0) return 'needs_attention';
  return locks.every((l) => l.code === 'set') ? 'ready' : 'on_track';
}

const VERDICT_ORDER: Record<Verdict, number> = {
  at_risk: 0,
  needs_attention: 1,
  on_track: 2,
  ready: 3,
};

/** At-risk stays first, then the soonest arrival. */
export function byUrgency<T extends { readiness: Readiness; startsAt: Date }>(a: T, b: T): number {
  return (
    VERDICT_ORDER[a.readiness.verdict] - VERDICT_ORDER[b.readiness.verdict] ||
    a.startsAt.getTime() - b.startsAt.getTime()
  );
}
