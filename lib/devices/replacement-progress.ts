import { and, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { accessCodes, devices, organizations, properties } from '@/db/schema';
import { codeFactColumns } from '@/lib/access-codes/code-status';
import { isConfirmedOnLock, isFinished } from '@/lib/access-codes/predicates';
import { programmingTime, wantsOnLock } from '@/lib/access-codes/state';
import { policyFor } from '@/lib/access-codes/store';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { formatZoned, localDateTimeParts, toIso } from '@/lib/time';
import { closedByReplacement, guestNames, liveOn } from './replacement-codes';
import { UNDO_REPLACEMENT_MINUTES } from './undo-replacement';

export type ReplacementProgress = {
  oldDeviceId: string | null;
  lockName: string;
  /** Codes that should be on the new lock now (pool included). */
  total: number;
  /** Of those, on it. */
  set: number;
  /**
   * Codes that go on the lock later (a stay next week), soonest first: whose
   * (the guest, or the code's name) and when, in the lock's zone. Not counted in `total`.
   */
  later: { id: string; name: string | null; goesOn: string }[];
  errors: { id: string; name: string | null; message: string }[];
  /** Guests whose code changed: the new lock refused the old digits. They get a correction. */
  changedDigits: { reservationId: string; guestName: string }[];
  /** Until when Undo is offered, if nothing has gone to the lock yet (ISO: the page polls it as JSON). */
  undoUntil: string | null;
  /** The same moment as the lock's local time ("14:05"), for the Undo button. */
  undoUntilTime: string | null;
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
    .select({
      id: devices.id,
      name: devices.name,
      supportsNativeScheduling: devices.supportsNativeScheduling,
      leadMinutes: organizations.programmingLeadMinutes,
      timeZone: sql<string>`coalesce(${properties.timeZone}, ${organizations.timeZone})`,
    })
    .from(devices)
    .innerJoin(organizations, eq(organizations.id, devices.organizationId))
    .leftJoin(properties, eq(properties.id, devices.propertyId))
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
      ...codeFactColumns,
      id: accessCodes.id,
      name: accessCodes.name,
      code: accessCodes.code,
      reservationId: accessCodes.reservationId,
    })
    .from(accessCodes)
    .where(liveOn(fresh.id, actor.organizationId));
  // Codes not due on the lock yet (a stay next week) are not counted against it: they are named, with when.
  const policy = policyFor(fresh, fresh.leadMinutes);
  const due = codes.filter((c) => wantsOnLock(c, policy, now) || c.externalRef);
  const waiting = codes
    .filter((c) => !due.includes(c) && !isFinished.test(c, now))
    .map((c) => ({ code: c, at: programmingTime(c, policy) }))
    .filter((w): w is { code: (typeof codes)[number]; at: Date } => w.at !== null)
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  const guests = await guestNames(
    db,
    actor.organizationId,
    waiting.flatMap((w) => (w.code.reservationId ? [w.code.reservationId] : [])),
  );
  const later = waiting.map((w) => ({
    id: w.code.id,
    name: guests.find((g) => g.reservationId === w.code.reservationId)?.guestName ?? w.code.name,
    goesOn: formatZoned(w.at, fresh.timeZone),
  }));
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
  const undoBy =
    old?.replacedAt && untouched
      ? new Date(old.replacedAt.getTime() + UNDO_REPLACEMENT_MINUTES * 60_000)
      : null;
  const undoUntil = undoBy && undoBy > now ? undoBy : null;
  return {
    oldDeviceId: old?.id ?? null,
    lockName: fresh.name,
    total: due.length,
    set: due.filter((c) => isConfirmedOnLock.test(c)).length,
    later,
    errors: codes
      .filter((c) => c.errors.length > 0)
      .map((c) => ({
        id: c.id,
        name: c.name,
        message: c.errors[0]?.message ?? 'Not on the lock.',
      })),
    changedDigits,
    undoUntil: undoUntil ? toIso(undoUntil) : null,
    undoUntilTime: undoUntil ? localDateTimeParts(undoUntil, fresh.timeZone).time : null,
  };
}
