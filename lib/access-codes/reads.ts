// Reading codes: one by id or by its digits, and a lock's or a stay's codes a
// page at a time, with backup digits hidden until pulled. The writes live in
// operations.ts, which hides the digits it returns the same way.
import { and, asc, eq, gt, inArray, isNull, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Executor, jsonRows, prepared } from '@/db/client';
import { type AccessCode, accessCodes, devices, type Issue } from '@/db/schema';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { can } from '@/lib/auth/permissions';
import { readyBackupsColumn } from '@/lib/backup-pools/ready';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { deviceOfCode } from '@/lib/joins';
import { formatCursor, parseCursor } from '@/lib/pagination';
import { parseInput } from '@/lib/validation';
import { isLive, shownStatus } from './predicates';

/**
 * What a code is shown with of its lock through the API (Seam puts the lock's
 * errors on its codes and says whether a backup could be given now), read in
 * the same statement as the code(s): `get` and a lock's `list` are one round
 * trip each (issue 23). `now` is the statement's placeholder.
 */
export const codeLockColumns = {
  id: devices.id,
  status: devices.status,
  errors: devices.errors,
  availableBackups: readyBackupsColumn(sql`${sql.placeholder('now')}::timestamptz`),
};
export type CodeLock = {
  id: string;
  status: (typeof devices.status.enumValues)[number];
  errors: Issue[];
  availableBackups: number;
};

/** A live code of the organization by id: placeholders `id` and `organizationId`. */
const liveCodeById = () =>
  and(
    eq(accessCodes.id, sql.placeholder('id')),
    eq(accessCodes.organizationId, sql.placeholder('organizationId')),
    isLive.sql(),
  );

/** One live code of the actor's organization, its status as shown at `now`. */
export async function getAccessCode(
  db: Executor,
  actor: Actor,
  accessCodeId: string,
  now: Date,
): Promise<AccessCode> {
  assertCan(actor, 'codes.read', 'AccessCode');
  parseId('AccessCode', accessCodeId);
  const query = prepared(db, 'get_access_code', () =>
    db.select().from(accessCodes).where(liveCodeById()).prepare('get_access_code'),
  );
  const [row] = await query.execute({ id: accessCodeId, organizationId: actor.organizationId });
  if (!row) throw AppError.notFound('AccessCode');
  return asShown(row, actor, now);
}

/** `getAccessCode` and its lock's `codeLockColumns`, in one statement. */
export async function getAccessCodeWithLock(
  db: Executor,
  actor: Actor,
  accessCodeId: string,
  now: Date,
): Promise<{ code: AccessCode; lock: CodeLock | null }> {
  assertCan(actor, 'codes.read', 'AccessCode');
  parseId('AccessCode', accessCodeId);
  const query = prepared(db, 'get_access_code_with_lock', () =>
    db
      .select({ code: accessCodes, lock: codeLockColumns })
      .from(accessCodes)
      .leftJoin(devices, deviceOfCode)
      .where(liveCodeById())
      .prepare('get_access_code_with_lock'),
  );
  const [row] = await query.execute({
    id: accessCodeId,
    organizationId: actor.organizationId,
    now: now.toISOString(),
  });
  if (!row) throw AppError.notFound('AccessCode');
  return { code: asShown(row.code, actor, now), lock: row.lock };
}

export const listAccessCodesSchema = z.object({
  deviceId: z.uuid({ error: 'device_id must be a lock id.' }).optional(),
  reservationId: z.uuid({ error: 'reservation_id must be a reservation id.' }).optional(),
  accessCodeIds: z
    .array(z.uuid({ error: 'access_code_ids must be code ids.' }))
    .max(500)
    .optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** The last code of the previous page: `createdAt|id`. */
  after: z.string().max(100).optional(),
});
export type ListAccessCodesInput = z.input<typeof listAccessCodesSchema>;

/** What a list shows of a code: Seam's shape needs these, and reading fewer columns is cheaper. */
const listColumns = {
  id: accessCodes.id,
  organizationId: accessCodes.organizationId,
  deviceId: accessCodes.deviceId,
  reservationId: accessCodes.reservationId,
  staffMemberId: accessCodes.staffMemberId,
  type: accessCodes.type,
  code: accessCodes.code,
  name: accessCodes.name,
  startsAt: accessCodes.startsAt,
  endsAt: accessCodes.endsAt,
  status: accessCodes.status,
  errors: accessCodes.errors,
  warnings: accessCodes.warnings,
  isBackup: accessCodes.isBackup,
  pulledBackupAccessCodeId: accessCodes.pulledBackupAccessCodeId,
  pulledAt: accessCodes.pulledAt,
  isScheduledOnDevice: accessCodes.isScheduledOnDevice,
  externalRef: accessCodes.externalRef,
  isPermanentBackup: accessCodes.isPermanentBackup,
  createdAt: accessCodes.createdAt,
};
export type AccessCodeListItem = Pick<AccessCode, keyof typeof listColumns>;

const listRows = jsonRows(listColumns);

/** Live codes of the actor's organization, oldest first, a page at a time; statuses as at `now`. */
export async function listAccessCodes(
  db: Executor,
  actor: Actor,
  input: ListAccessCodesInput,
  now: Date,
): Promise<{
  accessCodes: AccessCodeListItem[];
  nextCursor: string | null;
  /** One lock's codes (by `deviceId` alone): its `codeLockColumns`, null when no such lock is the organization's. */
  lock?: CodeLock | null;
}> {
  assertCan(actor, 'codes.read', 'AccessCode');
  const data = parseInput(listAccessCodesSchema, input);
  const cursor = data.after ? parseCursor(data.after) : null;
  let rows: AccessCodeListItem[];
  let lock: CodeLock | null | undefined;
  if (data.deviceId && !data.reservationId && !data.accessCodeIds) {
    // One lock's codes — the API's busiest read: the page as JSON arrays
    // (`jsonRows`) and the lock's `codeLockColumns`, in one statement.
    const query = prepared(db, 'list_codes_of_lock', () => {
      const page = sql`(select * from ${accessCodes} where ${and(
        eq(accessCodes.organizationId, sql.placeholder('organizationId')),
        sql`${accessCodes.deviceId} = ${devices.id}`,
        isLive.sql(),
        sql`(${accessCodes.createdAt}, ${accessCodes.id}) > (${sql.placeholder('afterAt')}::timestamptz, ${sql.placeholder('afterId')}::uuid)`,
      )} order by ${accessCodes.createdAt}, ${accessCodes.id} limit ${sql.placeholder('limit')}) as ${accessCodes}`;
      return db
        .select({
          lock: codeLockColumns,
          rows: sql<string>`(select ${listRows.aggregate(sql`order by ${accessCodes.createdAt}, ${accessCodes.id}`)} from ${page})`,
        })
        .from(devices)
        .where(
          and(
            eq(devices.id, sql.placeholder('deviceId')),
            eq(devices.organizationId, sql.placeholder('organizationId')),
          ),
        )
        .prepare('list_codes_of_lock');
    });
    const [result] = await query.execute({
      organizationId: actor.organizationId,
      deviceId: data.deviceId,
      afterAt: cursor ? cursor.at.toISOString() : '-infinity',
      afterId: cursor ? cursor.id : '00000000-0000-0000-0000-000000000000',
      limit: data.limit + 1,
      now: now.toISOString(),
    });
    lock = result?.lock ?? null;
    rows = listRows.parse(result?.rows);
  } else {
    const conditions: (SQL | undefined)[] = [
      eq(accessCodes.organizationId, actor.organizationId),
      isLive.sql(),
      data.deviceId ? eq(accessCodes.deviceId, data.deviceId) : undefined,
      data.reservationId ? eq(accessCodes.reservationId, data.reservationId) : undefined,
      data.accessCodeIds ? inArray(accessCodes.id, data.accessCodeIds) : undefined,
      cursor
        ? or(
            gt(accessCodes.createdAt, cursor.at),
            and(eq(accessCodes.createdAt, cursor.at), gt(accessCodes.id, cursor.id)),
          )
        : undefined,
    ];
    rows = await db
      .select(listColumns)
      .from(accessCodes)
      .where(and(...conditions))
      .orderBy(asc(accessCodes.createdAt), asc(accessCodes.id))
      .limit(data.limit + 1);
  }
  const page = rows.slice(0, data.limit);
  const last = page.at(-1);
  return {
    accessCodes: page.map((row) => asShown(row, actor, now)),
    nextCursor: rows.length > data.limit && last ? formatCursor(last) : null,
    ...(lock === undefined ? {} : { lock }),
  };
}

/** Who is reading; none is nobody in particular (a refusal's words, a check any caller may trigger). */
export type DigitsViewer = Pick<Actor, 'role'> | null;

/**
 * Backup digits are nobody's business until the backup is pulled; a
 * permanent backup code's are shown once, when it is made, and never again.
 * A person's (a cleaner's, an owner's: a staff code) are for the members who
 * manage staff: never the front desk's, and nobody in particular's. No
 * answer may depend on them either: no refusal names them (store
 * `assertCodeFits`) and no look-up by digits finds them.
 */
export function hidesDigits(
  row: Pick<AccessCode, 'isBackup' | 'pulledAt' | 'isPermanentBackup'> &
    Partial<Pick<AccessCode, 'staffMemberId'>>,
  viewer: DigitsViewer = null,
): boolean {
  if ((row.isBackup && !row.pulledAt) || row.isPermanentBackup) return true;
  return Boolean(row.staffMemberId) && !(viewer && can(viewer.role, 'staff.manage'));
}

/**
 * `hidesDigits` as a SQL condition on `access_codes`, for a query that leaves
 * the digits it may not show in the database (`case when … then null`).
 */
export function hidesDigitsSql(viewer: DigitsViewer = null): SQL {
  const staff =
    viewer && can(viewer.role, 'staff.manage')
      ? sql`false`
      : sql`${accessCodes.staffMemberId} is not null`;
  return sql`((${accessCodes.isBackup} and ${accessCodes.pulledAt} is null) or ${accessCodes.isPermanentBackup} or ${staff})`;
}

export function hideUnpulledBackup<
  T extends Pick<AccessCode, 'isBackup' | 'pulledAt' | 'code' | 'isPermanentBackup'> &
    Partial<Pick<AccessCode, 'staffMemberId'>>,
>(row: T, viewer: DigitsViewer = null): T {
  return hidesDigits(row, viewer) ? { ...row, code: null } : row;
}

/**
 * What a reader is shown of a code at `now`: its status as `shownStatus` has
 * it (a code the lock holds with its window is `set` from its start, before
 * the tick writes it), and no digits the reader may not see.
 */
function asShown<T extends Parameters<typeof hideUnpulledBackup>[0] & AccessCodeListItem>(
  row: T,
  viewer: DigitsViewer,
  now: Date,
): T {
  return { ...hideUnpulledBackup(row, viewer), status: shownStatus.test(row, now) };
}

/**
 * A live code found by its lock and digits (Seam's `get` by `device_id` +
 * `code`). Codes whose digits are hidden from the reader (backups, permanent
 * backup codes; staff codes, to a member who does not manage staff) are never
 * found: digits they hold answer exactly as digits nobody holds.
 */
export async function getAccessCodeByDigits(
  db: Executor,
  actor: Actor,
  deviceId: string,
  digits: string,
  now: Date,
): Promise<AccessCode> {
  assertCan(actor, 'codes.read', 'AccessCode');
  parseId('AccessCode', deviceId);
  const [row] = await db
    .select()
    .from(accessCodes)
    .where(
      and(
        eq(accessCodes.organizationId, actor.organizationId),
        eq(accessCodes.deviceId, deviceId),
        eq(accessCodes.code, digits),
        eq(accessCodes.isBackup, false),
        eq(accessCodes.isPermanentBackup, false),
        can(actor.role, 'staff.manage') ? undefined : isNull(accessCodes.staffMemberId),
        isLive.sql(),
      ),
    )
    .limit(1);
  if (!row) throw AppError.notFound('AccessCode');
  return asShown(row, actor, now);
}
