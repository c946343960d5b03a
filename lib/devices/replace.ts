import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import {
  accessCodes,
  devices,
  lockGroupDevices,
  reservationDevices,
  staffAccess,
} from '@/db/schema';
import { codeProblem } from '@/lib/access-codes/rules';
import { withoutIssues } from '@/lib/access-codes/state';
import {
  clashOn,
  firstAttemptAt,
  type HeldCode,
  type LockForCodes,
  leadMinutesOf,
  liveCodesOn,
  lockCodeChanges,
  pickCode,
  policyFor,
} from '@/lib/access-codes/store';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { DEVICE_REMOVED, NEW_LOCK_FOUND } from './discovery';
import {
  type CodeMove,
  closeCodes,
  codesThatMove,
  guestNames,
  moveCodes,
  replacementCandidatesOn,
} from './replacement-codes';

export const replaceDeviceSchema = z.object({
  oldDeviceId: z.uuid({ error: 'Choose the lock being replaced.' }),
  newDeviceId: z.uuid({ error: 'Choose the new lock.' }),
});
export type ReplaceDeviceInput = z.input<typeof replaceDeviceSchema>;

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
 * every code that should be on it, moved under its own id and queued for
 * programming with the same digits where the new lock takes them. The old
 * device is kept for history as `replaced`, linked to its successor, with its
 * codes' events; its pool is closed (the reset lock holds none of it). A guest whose digits changed gets a correction from the tick
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
      .where(replacementCandidatesOn(old.id, actor.organizationId));
    const { moving, pool } = codesThatMove(live, now);

    // The new lock in the old one's place, so codes are checked against what it takes.
    const lock: LockForCodes = {
      id: fresh.id,
      name: old.name,
      codeConstraints: fresh.codeConstraints,
      supportsNativeScheduling: fresh.supportsNativeScheduling,
      organizationId: fresh.organizationId,
      propertyId: old.propertyId,
      leadMinutes: await leadMinutesOf(tx, actor.organizationId),
    };
    const taken: HeldCode[] = await liveCodesOn(tx, [fresh.id]);
    const changed = new Set<string>();
    const moves: CodeMove[] = moving.map((code) => {
      const window = { startsAt: code.startsAt, endsAt: code.endsAt };
      let digits = code.code ?? '';
      if (clashOn(lock, digits, window, taken) || codeProblem(digits, lock.codeConstraints)) {
        digits = pickCode([lock], window, taken);
        changed.add(code.id);
      }
      taken.push({
        id: code.id,
        deviceId: fresh.id,
        code: digits,
        type: code.type,
        reservationId: code.reservationId,
        ...window,
      });
      return {
        code,
        digits,
        nextAttemptAt: firstAttemptAt(code, policyFor(lock, lock.leadMinutes), now),
      };
    });
    // The codes themselves go to the new lock, ids and all: an integrator holding one keeps it.
    await moveCodes(tx, moves, { from: old.id, to: fresh.id }, actor.userId, now);

    // The reset lock holds none of the rest (its pool, finished codes): close them without asking it.
    const staying = new Set(moving.map((c) => c.id));
    await closeCodes(
      tx,
      live.filter((c) => !staying.has(c.id)).map((c) => c.id),
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
    await moveGroupMemberships(tx, actor.organizationId, { from: old.id, to: fresh.id });
    // The people who opened the old lock open the new one (their codes moved above).
    await tx
      .update(staffAccess)
      .set({ deviceId: fresh.id })
      .where(
        and(eq(staffAccess.deviceId, old.id), eq(staffAccess.organizationId, actor.organizationId)),
      );
    await tx
      .update(devices)
      .set({
        name: old.name,
        propertyId: old.propertyId,
        room: old.room,
        backupPoolEnabled: old.backupPoolEnabled,
        // A common door stays one: its stays keep it, and new stays get the new lock.
        commonDoor: old.commonDoor,
        commonDoorGroupId: old.commonDoorGroupId,
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
        commonDoor: false,
        commonDoorGroupId: null,
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

/**
 * The lock groups a lock belongs to, handed to the lock that takes its place
 * (and back, when a replacement is undone): staff doors and a group's rooms
 * name the door, not the hardware behind it.
 */
export async function moveGroupMemberships(
  tx: Executor,
  organizationId: string,
  move: { from: string; to: string },
): Promise<void> {
  const groups = await tx
    .delete(lockGroupDevices)
    .where(
      and(
        eq(lockGroupDevices.deviceId, move.from),
        eq(lockGroupDevices.organizationId, organizationId),
      ),
    )
    .returning({ groupId: lockGroupDevices.groupId });
  if (groups.length === 0) return;
  await tx
    .insert(lockGroupDevices)
    .values(groups.map(({ groupId }) => ({ groupId, deviceId: move.to, organizationId })))
    .onConflictDoNothing();
}
