import type { CodeConstraints, LockAdapter as LockAdapterName } from '@/db/schema';

/**
 * One interface for every way Keyhold reaches a lock (DESIGN.md "Lock
 * adapters"). Devices are named by their id at the adapter (`externalId`);
 * codes by Keyhold's access-code id, so a retried call after a lost reply
 * finds the code it already made instead of adding a second.
 */
export interface LockAdapter {
  readonly name: string;
  /** Every device the account can see now. */
  listDevices(): Promise<AdapterDevice[]>;
  /** One device, or null when the adapter no longer knows it. */
  getDevice(externalId: string): Promise<AdapterDevice | null>;
  /** The codes on the lock now, Keyhold's and anyone else's. */
  listCodes(externalId: string): Promise<CodeOnLock[]>;
  /** Put a code on the lock, or rewrite Keyhold's code of that id. */
  setCode(externalId: string, code: SetCodeRequest): Promise<CodeOnLock>;
  /**
   * Take Keyhold's code off the lock. Removing a code that is not there
   * succeeds. `pending`: the service behind the adapter accepted the removal
   * and is still taking it off the lock; ask again.
   */
  removeCode(externalId: string, keyholdCodeId: string): Promise<{ pending: boolean }>;
}

/** Which adapter reaches a lock, for which organization, through which of its connections. */
export type AdapterTarget = {
  adapter: LockAdapterName;
  organizationId: string;
  connectionId: string | null;
};

/** Finds the adapter that reaches a lock. The tick gets one per run; tests pass their own. */
export type AdapterResolver = (target: AdapterTarget) => LockAdapter;

export type AdapterDevice = {
  externalId: string;
  name: string;
  online: boolean;
  batteryLevel: number | null;
  constraints: CodeConstraints;
  slotLimit: number | null;
  supportsNativeScheduling: boolean;
  manufacturer?: string | null;
  model?: string | null;
};

/** A problem the adapter reports on a code, under Seam's name for it (DESIGN.md "Words"). */
export type AdapterIssue = { code: string; message: string };

/**
 * Where a code is: working on the lock (`set`), stored on the lock with its
 * window to start later (`scheduled`), or accepted by a service that is still
 * programming the lock (`pending`: Seam answers at once and programs the lock
 * afterwards, so the code is asked about again until it is on the lock).
 */
export type CodeOnLockState = 'set' | 'scheduled' | 'pending';

export type CodeOnLock = {
  /** The code's reference at the adapter. */
  ref: string;
  code: string;
  name: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  /** Set when Keyhold put it there. */
  keyholdCodeId: string | null;
  state: CodeOnLockState;
  /** Errors and warnings the adapter reports on the code now; none for a plain lock. */
  errors: AdapterIssue[];
  warnings: AdapterIssue[];
};

export type SetCodeRequest = {
  keyholdCodeId: string;
  code: string;
  name: string | null;
  /** Sent only when the lock should keep the window itself (native scheduling). */
  startsAt?: Date | null;
  endsAt?: Date | null;
};

export type LockFailureKind = 'offline' | 'no_space' | 'duplicate_code' | 'transient' | 'not_found';

/** An expected failure at the lock. Anything else an adapter throws is a bug. */
export class LockFailure extends Error {
  constructor(
    readonly kind: LockFailureKind,
    message: string,
    /** Set when the trouble is the adapter account's, not the lock's (e.g. `unauthorized`). */
    readonly accountIssue?: string,
  ) {
    super(message);
    this.name = 'LockFailure';
  }
}

/**
 * What a lock reports, under Seam's event names. `lock.jammed` is Keyhold's
 * own: Seam has no name for it.
 */
export const LOCK_EVENT_TYPES = [
  'lock.unlocked',
  'lock.locked',
  'lock.access_denied',
  'lock.jammed',
  'device.tampered',
  'device.low_battery',
] as const;
export type LockEventType = (typeof LOCK_EVENT_TYPES)[number];

/** How a door was opened (Seam's `method` on lock.unlocked). */
export const ENTRY_METHODS = ['keycode', 'manual', 'unknown'] as const;
export type EntryMethod = (typeof ENTRY_METHODS)[number];

/**
 * One thing a lock reported: an entry (by code, or by key or thumb-turn),
 * a lock, a refused code, a tamper, a jam, a low battery.
 */
export type LockEventReport = {
  /** The lock's (or its service's) own id for it: the same event read twice is stored once. */
  externalEventId: string;
  type: LockEventType;
  /** When it happened at the lock. Reports may arrive late or out of order. */
  occurredAt: Date;
  /** For `lock.unlocked` and `lock.access_denied`: how. */
  method?: EntryMethod | null;
  /**
   * The code the lock named, as precisely as the adapter knows it: Keyhold's
   * code id, else the code's reference at the adapter (`CodeOnLock.ref`),
   * else its slot. Null when the lock did not say which code: such an entry
   * is never credited to anyone.
   */
  code?: { keyholdCodeId?: string | null; ref?: string | null; slot?: number | null } | null;
};

/**
 * The optional capability to read a lock's events (DESIGN.md "Lock events").
 * `cursor` is what the previous read returned (null: from now on, or as far
 * back as the adapter keeps); events come oldest first, at most `limit`.
 */
export interface LockEventReader {
  readEvents(
    externalId: string,
    cursor: string | null,
    options?: { limit?: number },
  ): Promise<{ events: LockEventReport[]; cursor: string | null }>;
}

/** Whether an adapter can report its locks' events. */
export function readsEvents(adapter: LockAdapter): adapter is LockAdapter & LockEventReader {
  return typeof (adapter as Partial<LockEventReader>).readEvents === 'function';
}
