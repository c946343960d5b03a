import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { type AccessCode, accessCodes, reservations } from '@/db/schema';
import { inBackupPool, isFinished, isLive } from '@/lib/access-codes/predicates';

/**
 * Which codes go with a lock when it is replaced, asked by the replacement
 * itself, its review step, its undo and its progress.
 */

/** A lock's codes that are not closed: on it, on their way, or coming off. */
export const liveOn = (deviceId: string, organizationId: string) =>
  and(
    eq(accessCodes.deviceId, deviceId),
    eq(accessCodes.organizationId, organizationId),
    isLive.sql(),
  );

/** The replaced lock's codes a replacement looks at: live and meant to be on it. */
export const replacementCandidatesOn = (deviceId: string, organizationId: string) =>
  and(liveOn(deviceId, organizationId), eq(accessCodes.desiredState, 'present'));

/** Unpulled backup codes, the lock's pool, stay behind; the tick fills the new lock's pool. */
const inPool = (code: Pick<AccessCode, 'isBackup' | 'pulledAt'>) => inBackupPool.test(code);

/**
 * Split the old lock's candidates into the codes that move to the new lock
 * (guest codes, pulled backups still in use, hand-made codes, all still
 * wanted at `now`) and its pool, which is closed.
 */
export function codesThatMove<
  C extends Pick<
    AccessCode,
    'isBackup' | 'pulledAt' | 'type' | 'endsAt' | 'desiredState' | 'deletedAt'
  >,
>(candidates: C[], now: Date): { moving: C[]; pool: C[] } {
  return {
    moving: candidates.filter((c) => !inPool(c) && !isFinished.test(c, now)),
    pool: candidates.filter(inPool),
  };
}

/** The old lock's codes a replacement closed (they carry its time as their deletion). */
export const closedByReplacement = (oldDeviceId: string, replacedAt: Date) =>
  and(eq(accessCodes.deviceId, oldDeviceId), eq(accessCodes.deletedAt, replacedAt));

/** Close codes on a lock that no longer holds them (reset, replaced, retired): no call to the lock. */
export async function closeCodes(tx: Executor, ids: string[], now: Date): Promise<void> {
  if (ids.length === 0) return;
  await tx
    .update(accessCodes)
    .set({
      status: 'removed',
      desiredState: 'absent',
      deletedAt: now,
      removedFromDeviceAt: now,
      nextAttemptAt: null,
      revision: sql`${accessCodes.revision} + 1`,
    })
    .where(inArray(accessCodes.id, ids));
}

/** The guests of these stays, for saying whose code changed. */
export async function guestNames(
  db: Executor,
  organizationId: string,
  reservationIds: string[],
): Promise<{ reservationId: string; guestName: string }[]> {
  if (reservationIds.length === 0) return [];
  return db
    .select({ reservationId: reservations.id, guestName: reservations.guestName })
    .from(reservations)
    .where(
      and(
        inArray(reservations.id, reservationIds),
        eq(reservations.organizationId, organizationId),
      ),
    );
}
