import { and, asc, eq, gt, inArray, or, type SQL, sql } from 'drizzle-orm';
import { type Executor, prepared } from '@/db/client';
import { type Device, devices, type Property, properties } from '@/db/schema';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { readyBackupsColumn } from '@/lib/backup-pools/ready';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { formatCursor, parseCursor } from '@/lib/pagination';
import { propertyOfDevice } from './locks';

export type DeviceWithProperty = {
  device: Device;
  property: Pick<Property, 'name' | 'timeZone'> | null;
  /** Backup codes a guest could be given now. */
  availableBackups: number;
};

/** One active lock of the actor's organization, whole; another organization's is not found. */
export async function getDevice(
  db: Executor,
  actor: Actor,
  deviceId: string,
  now: Date,
): Promise<DeviceWithProperty> {
  assertCan(actor, 'locks.read', 'Device');
  parseId('Device', deviceId);
  const query = prepared(db, 'get_device', () =>
    db
      .select({
        device: devices,
        property: { name: properties.name, timeZone: properties.timeZone },
        availableBackups: readyBackupsColumn(sql`${sql.placeholder('now')}`),
      })
      .from(devices)
      .leftJoin(properties, propertyOfDevice)
      .where(
        and(
          eq(devices.id, sql.placeholder('id')),
          eq(devices.organizationId, sql.placeholder('organizationId')),
          eq(devices.status, 'active'),
        ),
      )
      .prepare('get_device'),
  );
  const [row] = await query.execute({
    id: deviceId,
    organizationId: actor.organizationId,
    now: now.toISOString(),
  });
  if (!row) throw AppError.notFound('Device');
  return {
    device: row.device,
    property: row.property?.name ? row.property : null,
    availableBackups: row.availableBackups,
  };
}

/** Active locks, oldest first, a page at a time; `after` is the last id of the previous page. */
export async function listDevices(
  db: Executor,
  actor: Actor,
  input: { limit: number; after?: string; deviceIds?: string[] },
  now: Date,
): Promise<{ devices: DeviceWithProperty[]; nextAfter: string | null }> {
  assertCan(actor, 'locks.read', 'Device');
  const conditions: (SQL | undefined)[] = [
    eq(devices.organizationId, actor.organizationId),
    eq(devices.status, 'active'),
    // Asked for by id, a lock that awaits placing is there; in a plain list it waits until placed.
    input.deviceIds ? inArray(devices.id, input.deviceIds) : eq(devices.needsPlacement, false),
  ];
  if (input.after) {
    const after = parseCursor(input.after);
    conditions.push(
      or(
        gt(devices.createdAt, after.at),
        and(eq(devices.createdAt, after.at), gt(devices.id, after.id)),
      ),
    );
  }
  const rows = await db
    .select({
      device: devices,
      property: { name: properties.name, timeZone: properties.timeZone },
      availableBackups: readyBackupsColumn(now),
    })
    .from(devices)
    .leftJoin(properties, propertyOfDevice)
    .where(and(...conditions))
    .orderBy(asc(devices.createdAt), asc(devices.id))
    .limit(input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page.at(-1)?.device;
  return {
    devices: page.map((r) => ({
      device: r.device,
      property: r.property?.name ? r.property : null,
      availableBackups: r.availableBackups,
    })),
    nextAfter: rows.length > input.limit && last ? formatCursor(last) : null,
  };
}

/** Turn on the backup code pool for a lock (Seam: any create with use_backup_access_code_pool). */
export async function enableBackupPool(
  db: Executor,
  actor: Actor,
  deviceId: string,
): Promise<void> {
  assertCan(actor, 'codes.manage', 'Device');
  await db
    .update(devices)
    .set({ backupPoolEnabled: true })
    .where(and(eq(devices.id, deviceId), eq(devices.organizationId, actor.organizationId)));
}
