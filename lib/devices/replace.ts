import { and, eq, gt, inArray, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import {
  type AccessCode,
  accessCodes,
  devices,
  properties,
  reservationDevices,
  reservations,
} from '@/db/schema';
import { codeProblem, windowsOverlap } from '@/lib/access-codes/rules';
import { withIssue, withoutIssues } from '@/lib/access-codes/state';
import {
  firstAttemptAt,
  insertCodes,
  type LockForCodes,
  leadMinutesOf,
  liveCodesOn,
  lockCodeChanges,
  type NewCode,
  pickCode,
  policyFor,
} from '@/lib/access-codes/store';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { parseInput } from '@/lib/validation';
import { DEVICE_REMOVED, NEW_LOCK_FOUND } from './discovery';

export const replaceDeviceSchema = z.object({
  oldDeviceId: z.uuid({ error: 'Choose the lock being replaced.' }),
  newDeviceId: z.uuid({ error: 'Choose the new lock.' }),
});
export type ReplaceDeviceInput = z.input<typeof replaceDeviceSchema>;

/** A lock's codes that are not closed: on it, on their way, or coming off. */
const liveOn = (deviceId: string, organizationId: string) =>
  and(
    eq(accessCodes.deviceId, deviceId),
    eq(accessCodes.organizationId, organizationId),
    isNull(accessCodes.deletedAt),
    ne(accessCodes.status, 'removed'),
  );

/** The guests of these stays, for saying whose code changed. */
async function guestNames(
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

export type ReplacementResult = {
  oldDeviceId: string;
  newDeviceId: string;
  /** Codes queued for the new lock: guest codes, pulled backups still in use, hand-made codes. */
  moved: number;
  /** Stays whose code had to change because the new lock refused the old digits. */
  changedDigits: { reservationId: string; guestName: string }[];
  /** Unpulled backup codes closed; the tick fills the new lock's pool. */
  poolClosed: number;
};

/**
 * The new device takes the old one's place (DESIGN.md "Factory-reset locks"),
 * in one transaction: its name, property, room and pool setting; its stays;
 * every code that should be on it, queued for programming with the same
 * digits where the new lock takes them. The old device is kept for history as
 * `replaced`, linked to its successor, its codes closed (the reset lock holds
 * none of them). A guest whose digits changed gets a correction from the tick
 * once the new code is on the lock.
 */
export async function replaceDevice(
  db: Executor,
  actor: Actor,
  input: ReplaceDeviceInput,
  now: Date,
): Promise<ReplacementResult> {
  assertCan(actor, 'devices.replace', 'Device');
  const data = parseInput(replaceDeviceSchema, input);
  if (data.oldDeviceId === data.newDeviceId) {
    throw new AppError('invalid_input', 'A lock cannot replace itself.', { field: 'newDeviceId' });
  }
  return db.transaction(async (tx) => {
    const rows = await tx
      .select()
      .from(devices)
      .where(
        and(
          inArray(devices.id, [data.oldDeviceId, data.newDeviceId]),
          eq(devices.organizationId, actor.organizationId),
        ),
      )
      .for('update');
    const old = rows.find((d) => d.id === data.oldDeviceId);
    const fresh = rows.find((d) => d.id === data.newDeviceId);
    if (!old) throw AppError.notFound('Device', { field: 'oldDeviceId' });
    if (!fresh) throw AppError.notFound('Device', { field: 'newDeviceId' });
    if (old.status !== 'active') {
      throw new AppError('conflict', `${old.name} was already replaced or retired.`, {
        field: 'oldDeviceId',
      });
    }
    if (fresh.status !== 'active' || (fresh.propertyId !== null && !fresh.needsPlacement)) {
      throw new AppError(
        'invalid_input',
        `${fresh.name} is already in use; choose a lock that was just found.`,
        { field: 'newDeviceId' },
      );
    }
    await lockCodeChanges(tx, [old.id, fresh.id]);

    const live = await tx
      .select()
      .from(accessCodes)
      .where(and(liveOn(old.id, actor.organizationId), eq(accessCodes.desiredState, 'present')));
    const stillWanted = (c: AccessCode) => c.endsAt === null || c.endsAt > now;
    const pool = live.filter((c) => c.isBackup && c.pulledAt === null);
    const moving = live.filter((c) => !(c.isBackup && c.pulledAt === null) && stillWanted(c));

    // The new lock in the old one's place, so codes are checked against what it takes.
    const lock: LockForCodes = {
      id: fresh.id,
      name: old.name,
      codeConstraints: fresh.codeConstraints,
      supportsNativeScheduling: fresh.supportsNativeScheduling,
      organizationId: fresh.organizationId,
      propertyId: old.propertyId,
    };
    const lead = await leadMinutesOf(tx, actor.organizationId);
    const taken = await liveCodesOn(tx, [fresh.id]);
    const changed = new Set<string>();
    const copies: NewCode[] = moving.map((code) => {
      const window = { startsAt: code.startsAt, endsAt: code.endsAt };
      const clash = taken.some((t) => t.code === code.code && windowsOverlap(t, window));
      let digits = code.code ?? '';
      if (clash || codeProblem(digits, lock.codeConstraints)) {
        digits = pickCode([lock], window, taken);
        changed.add(code.id);
      }
      taken.push({ id: code.id, deviceId: fresh.id, code: digits, ...window });
      return {
        organizationId: actor.organizationId,
        deviceId: fresh.id,
        reservationId: code.reservationId,
        type: code.type,
        code: digits,
        name: code.name,
        startsAt: code.startsAt,
        endsAt: code.endsAt,
        nextAttemptAt: firstAttemptAt(code, policyFor(lock, lead), now),
        createdByUserId: actor.userId,
        isBackup: code.isBackup,
        isPermanentBackup: code.isPermanentBackup,
      };
    });
    const inserted = await insertCodes(tx, copies, actor.userId);
    const copyOf = new Map(moving.map((code, i) => [code.id, inserted[i]]));
    for (const code of moving) {
      const copy = copyOf.get(code.id);
      if (!copy) continue;
      // A pulled backup stays pulled, for the same guest, on the new lock.
      if (code.pulledAt) {
        await tx
          .update(accessCodes)
          .set({
            pulledAt: code.pulledAt,
            pulledByUserId: code.pulledByUserId,
            pulledForReservationId: code.pulledForReservationId,
          })
          .where(eq(accessCodes.id, copy.id));
      }
      const backup = code.pulledBackupAccessCodeId && copyOf.get(code.pulledBackupAccessCodeId);
      if (backup) {
        await tx
          .update(accessCodes)
          .set({ pulledBackupAccessCodeId: backup.id })
          .where(eq(accessCodes.id, copy.id));
      }
    }

    // The reset lock holds none of the old codes: close them without asking it.
    await closeCodes(
      tx,
      live.map((c) => c.id),
      now,
    );

    await tx
      .update(reservationDevices)
      .set({ deviceId: fresh.id })
      .where(
        and(
          eq(reservationDevices.deviceId, old.id),
          eq(reservationDevices.organizationId, actor.organizationId),
        ),
      );
    await tx
      .update(devices)
      .set({
        name: old.name,
        propertyId: old.propertyId,
        room: old.room,
        backupPoolEnabled: old.backupPoolEnabled,
        needsPlacement: false,
        warnings: withoutIssues(fresh.warnings, [NEW_LOCK_FOUND]),
        nextSyncAt: now,
        updatedAt: now,
      })
      .where(eq(devices.id, fresh.id));
    await tx
      .update(devices)
      .set({
        status: 'replaced',
        replacedByDeviceId: fresh.id,
        replacedAt: now,
        online: false,
        errors: withoutIssues(old.errors, [DEVICE_REMOVED]),
        leaseExpiresAt: null,
        leaseOwner: null,
        updatedAt: now,
      })
      .where(eq(devices.id, old.id));

    const changedStays = [...changed]
      .map((id) => moving.find((c) => c.id === id)?.reservationId)
      .filter((id): id is string => Boolean(id));
    const guests = await guestNames(tx, actor.organizationId, changedStays);
    await recordAudit(tx, actor, {
      action: 'device.replaced',
      targetType: 'device',
      targetId: old.id,
      detail: {
        oldDeviceId: old.id,
        newDeviceId: fresh.id,
        name: old.name,
        moved: moving.length,
        digitsChanged: changed.size,
        poolClosed: pool.length,
      },
    });
    return {
      oldDeviceId: old.id,
      newDeviceId: fresh.id,
      moved: moving.length,
      changedDigits: guests,
      poolClosed: pool.length,
    };
  });
}

/** Close codes on a lock that no longer holds them (reset, replaced, retired): no call to the lock. */
async function closeCodes(tx: Executor, ids: string[], now: Date): Promise<void> {
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

/** How long after a replacement it can be undone, if no code has gone to the new lock yet. */
export const UNDO_REPLACEMENT_MINUTES = 15;

export const undoReplacementSchema = z.object({
  newDeviceId: z.uuid({ error: 'Choose the new lock.' }),
});

/**
 * Take back a replacement made by mistake: within UNDO_REPLACEMENT_MINUTES,
 * and only while the tick has not tried any code on the new lock. The old
 * lock is active again with its codes waiting to be set (the reset wiped
 * them), the stays go back to it, and the new lock waits to be placed.
 */
export async function undoReplacement(
  db: Executor,
  actor: Actor,
  input: z.input<typeof undoReplacementSchema>,
  now: Date,
): Promise<{ oldDeviceId: string }> {
  assertCan(actor, 'devices.replace', 'Device');
  const data = parseInput(undoReplacementSchema, input);
  return db.transaction(async (tx) => {
    const [old] = await tx
      .select()
      .from(devices)
      .where(
        and(
          eq(devices.replacedByDeviceId, data.newDeviceId),
          eq(devices.organizationId, actor.organizationId),
          eq(devices.status, 'replaced'),
        ),
      )
      .for('update');
    const [fresh] = await tx
      .select()
      .from(devices)
      .where(
        and(
          eq(devices.id, data.newDeviceId),
          eq(devices.organizationId, actor.organizationId),
          eq(devices.status, 'active'),
        ),
      )
      .for('update');
    if (!old || !fresh || !old.replacedAt) {
      throw new AppError('not_found', 'No replacement to undo for this lock.', {
        field: 'newDeviceId',
        resource: 'Device',
      });
    }
    if (now.getTime() - old.replacedAt.getTime() > UNDO_REPLACEMENT_MINUTES * 60_000) {
      throw new AppError(
        'conflict',
        `A replacement can be undone for ${UNDO_REPLACEMENT_MINUTES} minutes; this one is older.`,
        { field: 'newDeviceId' },
      );
    }
    await lockCodeChanges(tx, [old.id, fresh.id]);
    const copies = await tx
      .select({ id: accessCodes.id, lastAttemptAt: accessCodes.lastAttemptAt })
      .from(accessCodes)
      .where(and(eq(accessCodes.deviceId, fresh.id), isNull(accessCodes.deletedAt)));
    if (copies.some((c) => c.lastAttemptAt !== null)) {
      throw new AppError(
        'conflict',
        'Codes have already gone to the new lock; replace again instead of undoing.',
        { field: 'newDeviceId' },
      );
    }
    // Never tried on any lock: the copies can simply go.
    if (copies.length > 0) {
      await tx.delete(accessCodes).where(
        inArray(
          accessCodes.id,
          copies.map((c) => c.id),
        ),
      );
    }
    // The codes the replacement closed, waiting again for the old lock.
    await tx
      .update(accessCodes)
      .set({
        status: 'unset',
        desiredState: 'present',
        deletedAt: null,
        externalRef: null,
        nextAttemptAt: now,
        revision: sql`${accessCodes.revision} + 1`,
      })
      .where(
        and(
          eq(accessCodes.deviceId, old.id),
          eq(accessCodes.deletedAt, old.replacedAt),
          sql`(${accessCodes.isBackup} = false or ${accessCodes.pulledAt} is not null)`,
        ),
      );
    await tx
      .update(reservationDevices)
      .set({ deviceId: old.id })
      .where(
        and(
          eq(reservationDevices.deviceId, fresh.id),
          eq(reservationDevices.organizationId, actor.organizationId),
        ),
      );
    await tx
      .update(devices)
      .set({
        status: 'active',
        replacedByDeviceId: null,
        replacedAt: null,
        errors: withIssue(old.errors, DEVICE_REMOVED, now),
        nextSyncAt: now,
        updatedAt: now,
      })
      .where(eq(devices.id, old.id));
    await tx
      .update(devices)
      .set({
        propertyId: null,
        room: null,
        backupPoolEnabled: false,
        needsPlacement: true,
        warnings: withIssue(fresh.warnings, NEW_LOCK_FOUND, now),
        updatedAt: now,
      })
      .where(eq(devices.id, fresh.id));
    await recordAudit(tx, actor, {
      action: 'device.replacement_undone',
      targetType: 'device',
      targetId: old.id,
      detail: { oldDeviceId: old.id, newDeviceId: fresh.id },
    });
    return { oldDeviceId: old.id };
  });
}

export type ReplacementPlan = {
  old: {
    id: string;
    name: string;
    room: string | null;
    propertyName: string | null;
    online: boolean;
  };
  fresh: { id: string; name: string; online: boolean; firstSeenAt: Date };
  /** Current and future stays on the old lock, with the code each will get on the new one. */
  stays: { reservationId: string; guestName: string; startsAt: Date; endsAt: Date; code: string }[];
  /** Backup codes pulled for guests and still in use: they move too. */
  pulledBackups: { guestName: string | null; endsAt: Date | null }[];
  /** Hand-made ongoing codes (not backups) that move. */
  otherCodes: number;
  /** Unpulled backup codes: closed; the tick fills the new lock's pool. */
  poolSize: number;
  backupPoolEnabled: boolean;
};

/** What replacing `oldDeviceId` with `newDeviceId` would move, for the wizard's review step. Writes nothing. */
export async function replacementPlan(
  db: Executor,
  actor: Actor,
  input: ReplaceDeviceInput,
  now: Date,
): Promise<ReplacementPlan> {
  assertCan(actor, 'devices.replace', 'Device');
  const data = parseInput(replaceDeviceSchema, input);
  const rows = await db
    .select({
      id: devices.id,
      name: devices.name,
      room: devices.room,
      online: devices.online,
      status: devices.status,
      needsPlacement: devices.needsPlacement,
      propertyId: devices.propertyId,
      firstSeenAt: devices.firstSeenAt,
      backupPoolEnabled: devices.backupPoolEnabled,
    })
    .from(devices)
    .where(
      and(
        inArray(devices.id, [data.oldDeviceId, data.newDeviceId]),
        eq(devices.organizationId, actor.organizationId),
      ),
    );
  const old = rows.find((d) => d.id === data.oldDeviceId && d.status === 'active');
  const fresh = rows.find((d) => d.id === data.newDeviceId && d.status === 'active');
  if (!old || data.oldDeviceId === data.newDeviceId) {
    throw AppError.notFound('Device', { field: 'oldDeviceId' });
  }
  if (!fresh || (fresh.propertyId !== null && !fresh.needsPlacement)) {
    throw new AppError('not_found', 'New lock not found.', {
      field: 'newDeviceId',
      resource: 'Device',
    });
  }
  const [property] = old.propertyId
    ? await db
        .select({ name: properties.name })
        .from(properties)
        .where(
          and(
            eq(properties.id, old.propertyId),
            eq(properties.organizationId, actor.organizationId),
          ),
        )
    : [];
  const codes = await db
    .select({
      code: accessCodes.code,
      isBackup: accessCodes.isBackup,
      pulledAt: accessCodes.pulledAt,
      endsAt: accessCodes.endsAt,
      startsAt: accessCodes.startsAt,
      reservationId: accessCodes.reservationId,
      pulledForReservationId: accessCodes.pulledForReservationId,
    })
    .from(accessCodes)
    .where(and(liveOn(old.id, actor.organizationId), eq(accessCodes.desiredState, 'present')));
  const wanted = codes.filter((c) => c.endsAt === null || c.endsAt > now);
  const stayIds = [
    ...new Set(wanted.flatMap((c) => [c.reservationId, c.pulledForReservationId]).filter(Boolean)),
  ] as string[];
  const guests =
    stayIds.length === 0
      ? []
      : await db
          .select({
            id: reservations.id,
            guestName: reservations.guestName,
            startsAt: reservations.startsAt,
            endsAt: reservations.endsAt,
          })
          .from(reservations)
          .where(
            and(
              inArray(reservations.id, stayIds),
              eq(reservations.organizationId, actor.organizationId),
            ),
          );
  const guestOf = new Map(guests.map((g) => [g.id, g]));
  return {
    old: {
      id: old.id,
      name: old.name,
      room: old.room,
      propertyName: property?.name ?? null,
      online: old.online,
    },
    fresh: { id: fresh.id, name: fresh.name, online: fresh.online, firstSeenAt: fresh.firstSeenAt },
    stays: wanted
      .filter((c) => c.reservationId && !c.isBackup)
      .flatMap((c) => {
        const stay = guestOf.get(c.reservationId ?? '');
        return stay
          ? [
              {
                reservationId: stay.id,
                guestName: stay.guestName,
                startsAt: stay.startsAt,
                endsAt: stay.endsAt,
                code: c.code ?? '',
              },
            ]
          : [];
      })
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime()),
    pulledBackups: wanted
      .filter((c) => c.isBackup && c.pulledAt)
      .map((c) => ({
        guestName: guestOf.get(c.pulledForReservationId ?? '')?.guestName ?? null,
        endsAt: c.endsAt,
      })),
    otherCodes: wanted.filter((c) => !c.reservationId && !c.isBackup).length,
    poolSize: codes.filter((c) => c.isBackup && !c.pulledAt).length,
    backupPoolEnabled: old.backupPoolEnabled,
  };
}

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
  /** Until when Undo is offered, if nothing has gone to the lock yet. */
  undoUntil: Date | null;
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
  const onLock = (c: (typeof codes)[number]) =>
    c.externalRef !== null && (c.status === 'set' || c.status === 'unset');
  let changedDigits: ReplacementProgress['changedDigits'] = [];
  if (old?.replacedAt) {
    const before = await db
      .select({ reservationId: accessCodes.reservationId, code: accessCodes.code })
      .from(accessCodes)
      .where(
        and(
          eq(accessCodes.deviceId, old.id),
          eq(accessCodes.deletedAt, old.replacedAt),
          eq(accessCodes.isBackup, false),
        ),
      );
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
    set: due.filter(onLock).length,
    errors: codes
      .filter((c) => c.errors.length > 0)
      .map((c) => ({
        id: c.id,
        name: c.name,
        message: c.errors[0]?.message ?? 'Not on the lock.',
      })),
    changedDigits,
    undoUntil: undoUntil && undoUntil > now ? undoUntil : null,
  };
}

export const retireDeviceSchema = z.object({ deviceId: z.uuid({ error: 'Choose a lock.' }) });

/**
 * Take a lock out of service for good (it came off the door, or was found and
 * is not ours to manage). Refused while it opens a current or future stay:
 * replace it, or give those stays another lock, first. Keyhold forgets the
 * codes on it without calling it; the device stays for its history.
 */
export async function retireDevice(
  db: Executor,
  actor: Actor,
  input: z.input<typeof retireDeviceSchema>,
  now: Date,
): Promise<{ name: string; closed: number }> {
  assertCan(actor, 'devices.replace', 'Device');
  const data = parseInput(retireDeviceSchema, input);
  return db.transaction(async (tx) => {
    const [lock] = await tx
      .select({ id: devices.id, name: devices.name, status: devices.status })
      .from(devices)
      .where(and(eq(devices.id, data.deviceId), eq(devices.organizationId, actor.organizationId)))
      .for('update');
    if (!lock) throw AppError.notFound('Device', { field: 'deviceId' });
    if (lock.status !== 'active') {
      throw new AppError('conflict', `${lock.name} was already replaced or retired.`, {
        field: 'deviceId',
      });
    }
    const stays = await tx
      .select({ id: reservations.id })
      .from(reservationDevices)
      .innerJoin(
        reservations,
        and(
          eq(reservations.id, reservationDevices.reservationId),
          eq(reservations.organizationId, reservationDevices.organizationId),
        ),
      )
      .where(
        and(
          eq(reservationDevices.deviceId, lock.id),
          eq(reservationDevices.organizationId, actor.organizationId),
          eq(reservations.status, 'confirmed'),
          gt(reservations.endsAt, now),
        ),
      );
    if (stays.length > 0) {
      throw new AppError(
        'invalid_input',
        `${lock.name} still opens ${stays.length} current or future ${stays.length === 1 ? 'stay' : 'stays'}: replace it, or give ${stays.length === 1 ? 'that stay' : 'them'} another lock first.`,
        { field: 'deviceId' },
      );
    }
    await lockCodeChanges(tx, [lock.id]);
    const live = await tx
      .select({ id: accessCodes.id })
      .from(accessCodes)
      .where(liveOn(lock.id, actor.organizationId));
    await closeCodes(
      tx,
      live.map((c) => c.id),
      now,
    );
    await tx
      .update(devices)
      .set({
        status: 'removed',
        online: false,
        needsPlacement: false,
        backupPoolEnabled: false,
        leaseExpiresAt: null,
        leaseOwner: null,
        updatedAt: now,
      })
      .where(eq(devices.id, lock.id));
    await recordAudit(tx, actor, {
      action: 'device.retired',
      targetType: 'device',
      targetId: lock.id,
      detail: { name: lock.name, codesClosed: live.length },
    });
    return { name: lock.name, closed: live.length };
  });
}
