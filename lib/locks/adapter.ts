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
