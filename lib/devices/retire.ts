import { and, eq, gt } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import {
  accessCodes,
  devices,
  lockGroupDevices,
  reservationDevices,
  reservations,
} from '@/db/schema';
import { lockCodeChanges } from '@/lib/access-codes/store';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { reservationOfLink } from '@/lib/joins';
import { parseInput } from '@/lib/validation';
import { closeCodes, liveOn } from './replacement-codes';

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
      .select({
        id: devices.id,
        name: devices.name,
        status: devices.status,
        commonDoor: devices.commonDoor,
      })
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
      .innerJoin(reservations, reservationOfLink)
      .where(
        and(
          eq(reservationDevices.deviceId, lock.id),
          eq(reservationDevices.organizationId, actor.organizationId),
          eq(reservations.status, 'confirmed'),
          gt(reservations.endsAt, now),
        ),
      );
    if (stays.length > 0 && lock.commonDoor) {
      // Its stays did not choose it: they get it as their common door, so "another lock" is no way out.
      throw new AppError(
        'invalid_input',
        `${lock.name} is the common door of ${stays.length} current or future ${stays.length === 1 ? 'stay' : 'stays'}: replace it, or stop it being a common door first.`,
        { field: 'deviceId' },
      );
    }
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
        commonDoor: false,
        commonDoorGroupId: null,
        leaseExpiresAt: null,
        leaseOwner: null,
        updatedAt: now,
      })
      .where(eq(devices.id, lock.id));
    // Out of service for good: no group names it as a room or a staff door any more.
    await tx.delete(lockGroupDevices).where(eq(lockGroupDevices.deviceId, lock.id));
    await recordAudit(tx, actor, {
      action: 'device.retired',
      targetType: 'device',
      targetId: lock.id,
      detail: { name: lock.name, codesClosed: live.length },
    });
    return { name: lock.name, closed: live.length };
  });
}
