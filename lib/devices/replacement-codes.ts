import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { type AccessCode, accessCodeEvents, accessCodes, reservations } from '@/db/schema';
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

/** A code's history says where it went: to the new lock, and back if the replacement is undone. */
export const MOVED_TO_NEW_LOCK = 'moved_to_new_lock';
export const MOVED_BACK = 'replacement_undone';

export type CodeMove = { code: AccessCode; digits: string; nextAttemptAt: Date };

/** A code arriving on a lock that holds nothing of it yet: the tick programs it from scratch. */
const arrivingOn = (deviceId: string, digits: string, nextAttemptAt: Date, now: Date) => ({
  deviceId,
  code: digits,
  status: 'unset' as const,
  externalRef: null,
  lastExternalRef: null,
  isScheduledOnDevice: false,
  attempts: 0,
  lastAttemptAt: null,
  setOnDeviceAt: null,
  removedFromDeviceAt: null,
  errors: [],
  warnings: [],
  nextAttemptAt,
  revision: sql`${accessCodes.revision} + 1`,
  updatedAt: now,
});

/**
 * Move codes, ids and all, from a replaced lock to its successor, each with
 * an event. A code whose digits the new lock refused leaves its old digits
 * behind on the old lock, closed, so an undo can give them back (events never
 * hold a PIN, so they cannot).
 */
export async function moveCodes(
  tx: Executor,
  moves: CodeMove[],
  lock: { from: string; to: string },
  actorUserId: string | null,
  now: Date,
): Promise<void> {
  const events: (typeof accessCodeEvents.$inferInsert)[] = [];
  for (const { code, digits, nextAttemptAt } of moves) {
    let former: string | null = null;
    if (digits !== code.code) {
      const [left] = await tx
        .insert(accessCodes)
        .values({
          organizationId: code.organizationId,
          deviceId: lock.from,
          reservationId: code.reservationId,
          type: code.type,
          code: code.code,
          name: code.name,
          startsAt: code.startsAt,
          endsAt: code.endsAt,
          isBackup: code.isBackup,
          isPermanentBackup: code.isPermanentBackup,
          createdByUserId: code.createdByUserId,
          status: 'removed',
          desiredState: 'absent',
          deletedAt: now,
          removedFromDeviceAt: now,
          nextAttemptAt: null,
        })
        .returning({ id: accessCodes.id });
      former = left?.id ?? null;
    }
    await tx
      .update(accessCodes)
      .set(arrivingOn(lock.to, digits, nextAttemptAt, now))
      .where(eq(accessCodes.id, code.id));
    events.push({
      organizationId: code.organizationId,
      accessCodeId: code.id,
      deviceId: lock.to,
      eventType: MOVED_TO_NEW_LOCK,
      statusFrom: code.status,
      statusTo: 'unset',
      actorUserId,
      occurredAt: now,
      detail: {
        from_device_id: lock.from,
        digits_changed: former !== null,
        former_digits_access_code_id: former,
      },
    });
  }
  // One insert for the history of every code that moved.
  if (events.length > 0) await tx.insert(accessCodeEvents).values(events);
}

/**
 * Undo moveCodes: the codes a replacement at `replacedAt` moved to `lock.from`
 * go back to `lock.to` with their old digits, waiting to be set. Returns their ids.
 */
export async function moveCodesBack(
  tx: Executor,
  lock: { from: string; to: string },
  replacedAt: Date,
  actorUserId: string | null,
  now: Date,
): Promise<string[]> {
  const moved = await tx
    .select({
      id: accessCodes.id,
      organizationId: accessCodes.organizationId,
      status: accessCodes.status,
      code: accessCodes.code,
      former: sql<string | null>`${accessCodeEvents.detail} ->> 'former_digits_access_code_id'`,
    })
    .from(accessCodeEvents)
    .innerJoin(accessCodes, eq(accessCodes.id, accessCodeEvents.accessCodeId))
    .where(
      and(
        eq(accessCodeEvents.eventType, MOVED_TO_NEW_LOCK),
        eq(accessCodeEvents.deviceId, lock.from),
        eq(accessCodeEvents.occurredAt, replacedAt),
        sql`${accessCodeEvents.detail} ->> 'from_device_id' = ${lock.to}`,
        eq(accessCodes.deviceId, lock.from),
        isNull(accessCodes.deletedAt),
      ),
    );
  for (const code of moved) {
    let digits = code.code ?? '';
    if (code.former) {
      const [left] = await tx
        .delete(accessCodes)
        .where(eq(accessCodes.id, code.former))
        .returning({ code: accessCodes.code });
      digits = left?.code ?? digits;
    }
    await tx
      .update(accessCodes)
      .set(arrivingOn(lock.to, digits, now, now))
      .where(eq(accessCodes.id, code.id));
  }
  if (moved.length > 0) {
    await tx.insert(accessCodeEvents).values(
      moved.map((code) => ({
        organizationId: code.organizationId,
        accessCodeId: code.id,
        deviceId: lock.to,
        eventType: MOVED_BACK,
        statusFrom: code.status,
        statusTo: 'unset' as const,
        actorUserId,
        occurredAt: now,
        detail: { from_device_id: lock.from },
      })),
    );
  }
  return moved.map((c) => c.id);
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
