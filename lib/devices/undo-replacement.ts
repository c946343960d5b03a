import { and, eq, inArray, isNull, not, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { accessCodes, devices, reservationDevices, staffAccess } from '@/db/schema';
import { inBackupPool } from '@/lib/access-codes/predicates';
import { withIssue } from '@/lib/access-codes/state';
import { lockCodeChanges } from '@/lib/access-codes/store';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import { DEVICE_REMOVED, NEW_LOCK_FOUND } from './discovery';
import { moveGroupMemberships } from './replace';
import { closedByReplacement, moveCodesBack } from './replacement-codes';

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
    const onNew = await tx
      .select({ id: accessCodes.id, lastAttemptAt: accessCodes.lastAttemptAt })
      .from(accessCodes)
      .where(and(eq(accessCodes.deviceId, fresh.id), isNull(accessCodes.deletedAt)));
    if (onNew.some((c) => c.lastAttemptAt !== null)) {
      throw new AppError(
        'conflict',
        'Codes have already gone to the new lock; replace again instead of undoing.',
        { field: 'newDeviceId' },
      );
    }
    // The moved codes go back under their ids; anything else on the new lock was never tried and can go.
    const movedBack = new Set(
      await moveCodesBack(tx, { from: fresh.id, to: old.id }, old.replacedAt, actor.userId, now),
    );
    const others = onNew.filter((c) => !movedBack.has(c.id)).map((c) => c.id);
    if (others.length > 0) {
      await tx.delete(accessCodes).where(inArray(accessCodes.id, others));
    }
    // Codes the replacement closed rather than moved (finished ones), waiting again for the old lock.
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
      .where(and(closedByReplacement(old.id, old.replacedAt), not(inBackupPool.sql())));
    await tx
      .update(reservationDevices)
      .set({ deviceId: old.id })
      .where(
        and(
          eq(reservationDevices.deviceId, fresh.id),
          eq(reservationDevices.organizationId, actor.organizationId),
        ),
      );
    await moveGroupMemberships(tx, actor.organizationId, { from: fresh.id, to: old.id });
    await tx
      .update(staffAccess)
      .set({ deviceId: old.id })
      .where(
        and(
          eq(staffAccess.deviceId, fresh.id),
          eq(staffAccess.organizationId, actor.organizationId),
        ),
      );
    await tx
      .update(devices)
      .set({
        status: 'active',
        replacedByDeviceId: null,
        replacedAt: null,
        commonDoor: fresh.commonDoor,
        commonDoorGroupId: fresh.commonDoorGroupId,
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
        commonDoor: false,
        commonDoorGroupId: null,
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
