import { randomBytes } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { simulatedLockCodes, simulatedLockEvents, simulatedLocks } from '@/db/schema';
import { AppError } from '@/lib/errors';

/**
 * The simulated lock's knobs and the things a person can do to real hardware:
 * unplug it, punch codes in at the keypad, factory-reset it. For demos, tests
 * and the admin CLI; each caller checks the actor's role first.
 */

export type SimulatedLockKnobs = {
  online: boolean;
  batteryLevel: number;
  latencyMs: number;
  slotLimit: number;
  failureRate: number;
  supportsNativeScheduling: boolean;
  allowedLengths: number[];
  /** Whether an entry by code names the code in the lock's log. */
  reportsEntryCode: boolean;
};

export function newSimulatedLockId(): string {
  return `sim_${randomBytes(8).toString('hex')}`;
}

export async function createSimulatedLock(
  db: Executor,
  organizationId: string,
  lock: { name: string; id?: string } & Partial<SimulatedLockKnobs>,
): Promise<string> {
  const id = lock.id ?? newSimulatedLockId();
  await db.insert(simulatedLocks).values({ ...lock, id, organizationId });
  return id;
}

async function findLock(db: Executor, organizationId: string, lockId: string) {
  const [lock] = await db
    .select()
    .from(simulatedLocks)
    .where(and(eq(simulatedLocks.id, lockId), eq(simulatedLocks.organizationId, organizationId)));
  if (!lock) throw AppError.notFound('SimulatedLock');
  return lock;
}

export async function setSimulatedLockKnobs(
  db: Executor,
  organizationId: string,
  lockId: string,
  knobs: Partial<SimulatedLockKnobs>,
): Promise<void> {
  const lock = await findLock(db, organizationId, lockId);
  if (lock.resetAt) {
    throw new AppError('conflict', 'This lock was factory reset; it answers under its new id.');
  }
  await db
    .update(simulatedLocks)
    .set(knobs)
    .where(and(eq(simulatedLocks.id, lockId), eq(simulatedLocks.organizationId, organizationId)));
}

/** Someone deletes Keyhold's code at the keypad or in the vendor's app. */
export async function removeCodeAtLock(
  db: Executor,
  organizationId: string,
  lockId: string,
  keyholdCodeId: string,
): Promise<void> {
  await findLock(db, organizationId, lockId);
  await db
    .delete(simulatedLockCodes)
    .where(
      and(
        eq(simulatedLockCodes.lockId, lockId),
        eq(simulatedLockCodes.keyholdCodeId, keyholdCodeId),
      ),
    );
}

/** Someone changes the digits of Keyhold's code at the lock. */
export async function changeCodeAtLock(
  db: Executor,
  organizationId: string,
  lockId: string,
  keyholdCodeId: string,
  digits: string,
): Promise<void> {
  await findLock(db, organizationId, lockId);
  await db
    .update(simulatedLockCodes)
    .set({ code: digits })
    .where(
      and(
        eq(simulatedLockCodes.lockId, lockId),
        eq(simulatedLockCodes.keyholdCodeId, keyholdCodeId),
      ),
    );
}

/** A code someone added at the lock itself, outside Keyhold. */
export async function addCodeAtLock(
  db: Executor,
  organizationId: string,
  lockId: string,
  digits: string,
  name = 'Added at the lock',
): Promise<void> {
  await findLock(db, organizationId, lockId);
  await db.insert(simulatedLockCodes).values({ lockId, code: digits, name });
}

/**
 * A factory reset: the lock forgets every code and comes back under a new
 * device id; the old id stays offline for good. Returns the new id.
 */
export async function factoryResetLock(
  db: Executor,
  organizationId: string,
  lockId: string,
  now: Date,
): Promise<string> {
  return db.transaction(async (tx) => {
    const lock = await findLock(tx, organizationId, lockId);
    if (lock.resetAt) throw new AppError('conflict', 'This lock was already factory reset.');
    const newId = newSimulatedLockId();
    await tx.delete(simulatedLockCodes).where(eq(simulatedLockCodes.lockId, lockId));
    await tx
      .update(simulatedLocks)
      .set({ online: false, resetAt: now })
      .where(and(eq(simulatedLocks.id, lockId), eq(simulatedLocks.organizationId, organizationId)));
    const { id: _old, resetAt: _reset, createdAt: _created, ...knobs } = lock;
    await tx.insert(simulatedLocks).values({ ...knobs, id: newId, online: true });
    return newId;
  });
}

export type KeypadEntry = {
  /** What the lock did: opened for a code it holds (in its window), or refused the digits. */
  outcome: 'unlocked' | 'access_denied';
  /** Keyhold's code id the lock matched, when it holds one with these digits. */
  keyholdCodeId: string | null;
};

/**
 * Someone types digits at the keypad. The lock opens for a code it holds
 * whose stored window (if any) has begun and not ended, and logs the entry
 * with the code, or only "unlocked at the keypad" when the lock does not
 * report codes (`reports_entry_code`); other digits are refused and logged.
 * Works offline, as a keypad does; the log is read when the lock answers again.
 */
export async function enterCodeAtKeypad(
  db: Executor,
  organizationId: string,
  lockId: string,
  digits: string,
  at: Date,
): Promise<KeypadEntry> {
  const lock = await findLock(db, organizationId, lockId);
  if (lock.resetAt) throw new AppError('conflict', 'This lock was factory reset.');
  const held = await db
    .select()
    .from(simulatedLockCodes)
    .where(and(eq(simulatedLockCodes.lockId, lockId), eq(simulatedLockCodes.code, digits)));
  const opens = held.find((c) => (!c.startsAt || c.startsAt <= at) && (!c.endsAt || c.endsAt > at));
  const named = opens && lock.reportsEntryCode;
  await db.insert(simulatedLockEvents).values({
    lockId,
    kind: opens ? 'unlocked' : 'access_denied',
    method: 'keycode',
    codeRef: named ? opens.id : null,
    keyholdCodeId: named ? opens.keyholdCodeId : null,
    occurredAt: at,
  });
  return {
    outcome: opens ? 'unlocked' : 'access_denied',
    keyholdCodeId: opens?.keyholdCodeId ?? null,
  };
}

/** What else a lock logs: a key or thumb-turn opening it, locking, a jam, a tamper, a low battery. */
export type LockReport = 'unlocked_with_key' | 'locked' | 'jammed' | 'tamper' | 'low_battery';

/** Someone opens the lock with a key (or locks it, or it jams…): the lock logs it. */
export async function reportAtLock(
  db: Executor,
  organizationId: string,
  lockId: string,
  report: LockReport,
  at: Date,
): Promise<void> {
  const lock = await findLock(db, organizationId, lockId);
  if (lock.resetAt) throw new AppError('conflict', 'This lock was factory reset.');
  const kind = report === 'unlocked_with_key' ? 'unlocked' : report;
  await db.insert(simulatedLockEvents).values({
    lockId,
    kind,
    method: report === 'unlocked_with_key' ? 'manual' : null,
    occurredAt: at,
  });
}
