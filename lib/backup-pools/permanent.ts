import { and, desc, eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { accessCodes, devices, organizations, properties } from '@/db/schema';
import {
  type CodeStatusWords,
  codeStatusColumns,
  codeStatusOf,
} from '@/lib/access-codes/code-status';
import { isLive } from '@/lib/access-codes/predicates';
import {
  firstAttemptAt,
  insertCodes,
  liveCodesOn,
  loadLocks,
  lockCodeChanges,
  pickCode,
  policyFor,
} from '@/lib/access-codes/store';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';

/**
 * The guide's "permanent backup code workflow": an owner makes an ongoing
 * code for a lock in one click and hands it out by hand. Its digits are
 * returned once, here, and hidden everywhere afterwards; revoking it is
 * deleting it. The guide's warning stands: a reused code lets a guest in
 * outside their stay.
 */
export async function createPermanentBackupCode(
  db: Executor,
  actor: Actor,
  deviceId: string,
  now: Date,
): Promise<{ accessCodeId: string; code: string; lockName: string }> {
  assertCan(actor, 'permanent_codes.manage', 'Device');
  parseId('Device', deviceId, { field: 'device_id' });
  return db.transaction(async (tx) => {
    const [lock] = await loadLocks(tx, actor.organizationId, [deviceId]);
    if (!lock) throw AppError.notFound('Device');
    await lockCodeChanges(tx, [lock.id]);
    const window = { startsAt: null, endsAt: null };
    const digits = pickCode([lock], window, await liveCodesOn(tx, [lock.id]));
    const policy = policyFor(lock, lock.leadMinutes);
    const [row] = await insertCodes(
      tx,
      [
        {
          organizationId: actor.organizationId,
          deviceId: lock.id,
          type: 'ongoing',
          code: digits,
          name: 'Permanent backup code',
          ...window,
          nextAttemptAt: firstAttemptAt({ type: 'ongoing', startsAt: null }, policy, now),
          createdByUserId: actor.userId,
          isPermanentBackup: true,
        },
      ],
      actor.userId,
    );
    if (!row) throw new Error('permanent code insert returned nothing');
    await recordAudit(tx, actor, {
      action: 'permanent_backup_code.created',
      targetType: 'access_code',
      targetId: row.id,
      detail: { deviceId: lock.id },
    });
    return { accessCodeId: row.id, code: digits, lockName: lock.name };
  });
}

export type PermanentBackupCode = {
  accessCodeId: string;
  lockName: string;
  room: string | null;
  /** Where the code is, in the words every page uses. */
  state: CodeStatusWords;
  createdAt: Date;
};

/** The organization's permanent backup codes, newest first, without digits. */
export async function listPermanentBackupCodes(
  db: Executor,
  actor: Actor,
  now: Date,
): Promise<PermanentBackupCode[]> {
  assertCan(actor, 'permanent_codes.manage', 'Device');
  const rows = await db
    .select({
      ...codeStatusColumns,
      accessCodeId: accessCodes.id,
      room: devices.room,
      createdAt: accessCodes.createdAt,
      leadMinutes: organizations.programmingLeadMinutes,
      timeZone: sql<string>`coalesce(${properties.timeZone}, ${organizations.timeZone})`,
    })
    .from(accessCodes)
    .innerJoin(devices, eq(devices.id, accessCodes.deviceId))
    .innerJoin(organizations, eq(organizations.id, accessCodes.organizationId))
    .leftJoin(properties, eq(properties.id, devices.propertyId))
    .where(
      and(
        eq(accessCodes.organizationId, actor.organizationId),
        eq(accessCodes.isPermanentBackup, true),
        isLive.sql(),
      ),
    )
    .orderBy(desc(accessCodes.createdAt));
  return rows.map((row) => ({
    accessCodeId: row.accessCodeId,
    lockName: row.lockName,
    room: row.room,
    state: codeStatusOf(row, row.leadMinutes, row.timeZone, now),
    createdAt: row.createdAt,
  }));
}
