import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { accessCodes, devices } from '@/db/schema';
import { isConfirmedOnLock } from '@/lib/access-codes/predicates';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { toIso } from '@/lib/time';
import { closedByReplacement, guestNames, liveOn } from './replacement-codes';
import { UNDO_REPLACEMENT_MINUTES } from './undo-replacement';

export type ReplacementProgress = {
  oldDeviceId: string | null;
  lockName: string;
  /** Codes that should be on the new lock now (pool included). */
  total: number;
  /** Of those, on it. */
  set: number;
  errors: { id: string; name: string | null; message: string }[];
  /** Guests whose code changed: the new lock refused the old digits. They get a correction. */
  changedDigits: { reservationId: string; guestName: string }[];
  /** Until when Undo is offered, if nothing has gone to the lock yet (ISO: the page polls it as JSON). */
  undoUntil: string | null;
};

/** How far the new lock is from holding everything it should, for the wizard's live progress. */
export async function replacementProgress(
  db: Executor,
  actor: Actor,
  newDeviceId: string,
  now: Date,
): Promise<ReplacementProgress> {
  assertCan(actor, 'devices.replace', 'Device');
  const id = parseId('Device', newDeviceId, { field: 'newDeviceId' });
  const [fresh] = await db
    .select({ id: devices.id, name: devices.name })
    .from(devices)
    .where(and(eq(devices.id, id), eq(devices.organizationId, actor.organizationId)));
  if (!fresh) throw AppError.notFound('Device', { field: 'newDeviceId' });
  const [old] = await db
    .select({ id: devices.id, replacedAt: devices.replacedAt })
    .from(devices)
    .where(
      and(
        eq(devices.replacedByDeviceId, fresh.id),
        eq(devices.organizationId, actor.organizationId),
      ),
    );
  const codes = await db
    .select({
      id: accessCodes.id,
      name: accessCodes.name,
      code: accessCodes.code,
      status: accessCodes.status,
      externalRef: accessCodes.externalRef,
      errors: accessCodes.errors,
      startsAt: accessCodes.startsAt,
      reservationId: accessCodes.reservationId,
      lastAttemptAt: accessCodes.lastAttemptAt,
      nextAttemptAt: accessCodes.nextAttemptAt,
    })
    .from(accessCodes)
    .where(liveOn(fresh.id, actor.organizationId));
  // Codes not due on the lock yet (a stay next week) are not counted against it.
  const due = codes.filter(
    (c) => c.nextAttemptAt === null || c.nextAttemptAt <= now || c.externalRef,
  );
  let changedDigits: ReplacementProgress['changedDigits'] = [];
  if (old?.replacedAt) {
    const before = await db
      .select({ reservationId: accessCodes.reservationId, code: accessCodes.code })
      .from(accessCodes)
      .where(and(closedByReplacement(old.id, old.replacedAt), eq(accessCodes.isBackup, false)));
    const changed = codes
      .filter((c) => c.reservationId)
      .filter((c) => before.some((b) => b.reservationId === c.reservationId && b.code !== c.code))
      .map((c) => c.reservationId as string);
    changedDigits = await guestNames(db, actor.organizationId, changed);
  }
  const untouched = codes.every((c) => c.lastAttemptAt === null);
  const undoUntil =
    old?.replacedAt && untouched
      ? new Date(old.replacedAt.getTime() + UNDO_REPLACEMENT_MINUTES * 60_000)
      : null;
  return {
    oldDeviceId: old?.id ?? null,
    lockName: fresh.name,
    total: due.length,
    set: due.filter((c) => isConfirmedOnLock.test(c)).length,
    errors: codes
      .filter((c) => c.errors.length > 0)
      .map((c) => ({
        id: c.id,
        name: c.name,
        message: c.errors[0]?.message ?? 'Not on the lock.',
      })),
    changedDigits,
    undoUntil: undoUntil && undoUntil > now ? toIso(undoUntil) : null,
  };
}
