import { and, asc, count, eq, ilike, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { devices, properties } from '@/db/schema';
import { takesSlot } from '@/lib/access-codes/predicates';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { readyBackupsColumn } from '@/lib/backup-pools/ready';
import { LOW_BATTERY } from '@/lib/devices/battery';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { parseInput } from '@/lib/validation';

export const LOCKS_PAGE_SIZE = 25;

export const listLocksSchema = z.object({
  search: z
    .string()
    .trim()
    .max(100, 'Search must be at most 100 characters.')
    .optional()
    .transform((v) => v || undefined),
  show: z
    .enum(['all', 'offline', 'low_battery', 'attention'], {
      error: 'Show must be all, offline, low_battery or attention.',
    })
    .default('all'),
  page: z.coerce
    .number({ error: 'Page must be a number.' })
    .int('Page must be a whole number.')
    .min(1, 'Page must be 1 or more.')
    .max(10_000, 'Page is too large.')
    .default(1),
});

export type ListLocksInput = z.input<typeof listLocksSchema>;
export type LockFilter = z.output<typeof listLocksSchema>['show'];

export type LockSummary = {
  id: string;
  name: string;
  room: string | null;
  propertyId: string | null;
  propertyName: string | null;
  timeZone: string | null;
  adapter: string;
  online: boolean;
  batteryLevel: number | null;
  slotLimit: number | null;
  /** Codes Keyhold knows are on the lock now. */
  codesOnLock: number;
  errorCount: number;
  warningCount: number;
  backupPoolEnabled: boolean;
  /** Backup codes a guest could be given now. */
  availableBackups: number;
  /** Alerts about this lock or its codes that are not resolved. */
  openAlerts: number;
  /** Every stay at its property (or in `commonDoorGroup`) gets its code on this lock too. */
  commonDoor: boolean;
  /** The lock group whose stays a common door serves; null: the whole property. */
  commonDoorGroup: string | null;
};

export type LockPage = {
  locks: LockSummary[];
  page: number;
  pageSize: number;
  total: number;
};

// Codes that occupy a slot on the lock right now, as far as Keyhold knows. Written
// out in full: a subquery must not depend on how drizzle qualifies columns.
const openAlertsColumn = sql<number>`(
  select count(*)::int from alerts a where a.device_id = devices.id and a.status <> 'resolved'
)`;

const commonDoorGroupColumn = sql<string | null>`(
  select g.name from lock_groups g
  where g.id = devices.common_door_group_id and g.organization_id = devices.organization_id
)`;

const codesOnLock = sql<number>`(
  select count(*)::int from access_codes c
  where c.device_id = devices.id and ${takesSlot.sql({ table: 'c' })}
)`;

// The organization is part of the join so a mislinked row can never show another tenant's property.
export const propertyOfDevice = and(
  eq(properties.id, devices.propertyId),
  eq(properties.organizationId, devices.organizationId),
);

const summaryColumns = (now: Date) => ({
  id: devices.id,
  name: devices.name,
  room: devices.room,
  propertyId: devices.propertyId,
  propertyName: properties.name,
  timeZone: properties.timeZone,
  adapter: devices.adapter,
  online: devices.online,
  batteryLevel: devices.batteryLevel,
  slotLimit: devices.slotLimit,
  codesOnLock,
  errorCount: sql<number>`jsonb_array_length(${devices.errors})`,
  warningCount: sql<number>`jsonb_array_length(${devices.warnings})`,
  backupPoolEnabled: devices.backupPoolEnabled,
  availableBackups: readyBackupsColumn(now),
  openAlerts: openAlertsColumn,
  commonDoor: devices.commonDoor,
  commonDoorGroup: commonDoorGroupColumn,
});

/** The "show" filter as a condition: what a person scanning for trouble asks for. */
const SHOW: Record<Exclude<LockFilter, 'all'>, SQL> = {
  offline: sql`not ${devices.online}`,
  low_battery: sql`${devices.batteryLevel} < ${LOW_BATTERY}`,
  attention: sql`(not ${devices.online} or ${devices.errors} <> '[]'::jsonb or ${openAlertsColumn} > 0)`,
};

/** The organization's active locks, searchable by name, room or property, a page at a time. */
export async function listLocks(
  db: Executor,
  actor: Actor,
  input: ListLocksInput,
  now: Date,
): Promise<LockPage> {
  assertCan(actor, 'locks.read');
  const { search, show, page } = parseInput(listLocksSchema, input);

  const conditions: SQL[] = [
    eq(devices.organizationId, actor.organizationId),
    eq(devices.status, 'active'),
    // A lock discovery found is listed once placed (or once it replaced one); until then Locks shows it in a banner.
    eq(devices.needsPlacement, false),
  ];
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    const match = or(
      ilike(devices.name, pattern),
      ilike(devices.room, pattern),
      ilike(properties.name, pattern),
    );
    if (match) conditions.push(match);
  }
  if (show !== 'all') conditions.push(SHOW[show]);
  const where = and(...conditions);

  const [locks, [totals]] = await Promise.all([
    db
      .select(summaryColumns(now))
      .from(devices)
      .leftJoin(properties, propertyOfDevice)
      .where(where)
      .orderBy(asc(properties.name), asc(devices.room), asc(devices.name), asc(devices.id))
      .limit(LOCKS_PAGE_SIZE)
      .offset((page - 1) * LOCKS_PAGE_SIZE),
    db.select({ total: count() }).from(devices).leftJoin(properties, propertyOfDevice).where(where),
  ]);
  return { locks, page, pageSize: LOCKS_PAGE_SIZE, total: totals?.total ?? 0 };
}

/** One lock of the actor's organization; another organization's lock is not found. */
export async function getLock(
  db: Executor,
  actor: Actor,
  deviceId: string,
  now: Date,
): Promise<LockSummary> {
  assertCan(actor, 'locks.read', 'Device');
  parseId('Device', deviceId);
  const [lock] = await db
    .select(summaryColumns(now))
    .from(devices)
    .leftJoin(properties, propertyOfDevice)
    .where(and(eq(devices.id, deviceId), eq(devices.organizationId, actor.organizationId)))
    .limit(1);
  if (!lock) throw AppError.notFound('Device');
  return lock;
}
