import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  accessCodes,
  lockGroups,
  type StaffMember,
  staffAccess,
  staffMembers,
  staffWindows,
} from '@/db/schema';
// biome-ignore lint/suspicious/noImportCycles: operations loads this file only when called (a revealed person's rotation).
import { markDeleted } from '@/lib/access-codes/operations';
import { isLive } from '@/lib/access-codes/predicates';
import { codeProblem, commonLengths, defaultLength, generateCode } from '@/lib/access-codes/rules';
import {
  type LockForCodes,
  liveCodesOn,
  loadLocks,
  lockCodeChanges,
  takenDigits,
} from '@/lib/access-codes/store';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { forgetSlotForecast } from '@/lib/slots/shortages';
import { InvalidInputError } from '@/lib/validation';
// biome-ignore lint/suspicious/noImportCycles: see the import of operations above.
import { keyholdActor, recodeStaffMember, syncStaffMemberCodes } from './codes';
import { parseStaffMember, type StaffMemberData, type StaffWindowData } from './input';
import { messageStaffMember } from './messages';
import { doorLockIds } from './people';

export type { StaffMemberInput } from './input';
export {
  type DoorChoices,
  getStaffMember,
  listStaffMembers,
  type StaffListItem,
  type StaffMemberDetail,
  staffDoorChoices,
  staffWithAccess,
} from './people';

/**
 * People who are not guests (cleaners, maintenance, owners) and the doors
 * and windows their one code opens: add, change, give new digits, remove.
 * Owners and admins only ('staff.manage'); the front desk is told "not found".
 * Each write brings the person's codes on the locks up to date in its own
 * transaction (./codes), and audits without the digits.
 */

/** The doors asked for: the organization's active locks and its groups; another's answers not found. */
async function doorLocks(
  tx: Executor,
  actor: Actor,
  data: Pick<StaffMemberData, 'deviceIds' | 'groupIds'>,
): Promise<LockForCodes[]> {
  const groups =
    data.groupIds.length === 0
      ? []
      : await tx
          .select({ id: lockGroups.id })
          .from(lockGroups)
          .where(
            and(
              inArray(lockGroups.id, data.groupIds),
              eq(lockGroups.organizationId, actor.organizationId),
            ),
          );
  if (groups.length !== data.groupIds.length) {
    throw AppError.notFound('LockGroup', { field: 'groupIds' });
  }
  await loadLocks(tx, actor.organizationId, data.deviceIds);
  const ids = await doorLockIds(tx, actor.organizationId, data);
  return loadLocks(tx, actor.organizationId, ids);
}

/** The person's digits' length: one every door takes (6 where allowed), else the one most doors take. */
function codeLength(locks: LockForCodes[]): number {
  const constraints = locks.map((l) => l.codeConstraints);
  const shared = defaultLength(commonLengths(constraints));
  if (shared !== undefined) return shared;
  const votes = new Map<number, number>();
  for (const c of constraints)
    for (const n of c.allowedLengths) votes.set(n, (votes.get(n) ?? 0) + 1);
  const best = Math.max(0, ...votes.values());
  return defaultLength([...votes].filter(([, v]) => v === best).map(([n]) => n)) ?? 6;
}

/** Digits for a person: none of their doors holds them, or any other person's there. */
async function newDigits(
  tx: Executor,
  staffMemberId: string | null,
  locks: LockForCodes[],
  avoid: string[] = [],
): Promise<string> {
  const live = (
    await liveCodesOn(
      tx,
      locks.map((l) => l.id),
    )
  ).filter((c) => c.staffMemberId === null || c.staffMemberId !== staffMemberId);
  const taken = takenDigits(locks, { startsAt: null, endsAt: null }, live);
  for (const digits of avoid) taken.add(digits);
  return generateCode(codeLength(locks), taken);
}

/** Digits typed for a person must fit every one of their doors. */
function assertFitsDoors(code: string, locks: LockForCodes[]): void {
  for (const lock of locks) {
    const problem = codeProblem(code, lock.codeConstraints);
    if (problem) throw new InvalidInputError({ code: `${lock.name}: ${problem}` });
  }
}

/**
 * Take the code changes of every lock a change to this person may touch (their
 * doors before and after, and wherever they have a live code) in one sorted
 * call, before anything else: the later steps take them again one by one,
 * and taking more later could wait on a transaction that waits on us.
 */
async function lockPersonLocks(
  tx: Executor,
  actor: Actor,
  staffMemberId: string,
  more: string[] = [],
): Promise<void> {
  const [doors, codes] = await Promise.all([
    doorLockIds(tx, actor.organizationId, { staffMemberIds: [staffMemberId] }),
    tx
      .selectDistinct({ deviceId: accessCodes.deviceId })
      .from(accessCodes)
      .where(and(eq(accessCodes.staffMemberId, staffMemberId), isLive.sql())),
  ]);
  await lockCodeChanges(tx, [...new Set([...doors, ...codes.map((c) => c.deviceId), ...more])]);
}

async function findPerson(tx: Executor, actor: Actor, staffMemberId: string) {
  parseId('StaffMember', staffMemberId);
  const [person] = await tx
    .select()
    .from(staffMembers)
    .where(
      and(
        eq(staffMembers.id, staffMemberId),
        eq(staffMembers.organizationId, actor.organizationId),
        isNull(staffMembers.removedAt),
      ),
    )
    .for('update');
  if (!person) throw AppError.notFound('StaffMember');
  return person;
}

const windowRow = (organizationId: string, staffMemberId: string, w: StaffWindowData) =>
  w.kind === 'weekly'
    ? {
        organizationId,
        staffMemberId,
        kind: w.kind,
        days: w.days,
        startTime: w.startTime,
        endTime: w.endTime,
      }
    : {
        organizationId,
        staffMemberId,
        kind: w.kind,
        opensAfterCheckOutMinutes: w.opensAfterCheckOutMinutes,
        closesBeforeCheckInMinutes: w.closesBeforeCheckInMinutes,
      };

/** Replace the person's doors and windows with `data`'s. */
async function writeDoorsAndWindows(
  tx: Executor,
  actor: Actor,
  staffMemberId: string,
  data: StaffMemberData,
): Promise<void> {
  const organizationId = actor.organizationId;
  await tx.delete(staffAccess).where(eq(staffAccess.staffMemberId, staffMemberId));
  await tx.delete(staffWindows).where(eq(staffWindows.staffMemberId, staffMemberId));
  const access = [
    ...data.deviceIds.map((deviceId) => ({ organizationId, staffMemberId, deviceId })),
    ...data.groupIds.map((groupId) => ({ organizationId, staffMemberId, groupId })),
  ];
  if (access.length > 0) await tx.insert(staffAccess).values(access);
  await tx
    .insert(staffWindows)
    .values(data.windows.map((w) => windowRow(organizationId, staffMemberId, w)));
}

const auditDetail = (data: StaffMemberData) => ({
  role: data.role,
  locks: data.deviceIds.length,
  groups: data.groupIds.length,
  windows: data.windows.length,
});

/** Add a person: their digits (given, or generated to fit their doors), doors and windows; message them. */
export async function createStaffMember(
  db: Executor,
  actor: Actor,
  input: unknown,
  now: Date,
): Promise<StaffMember> {
  assertCan(actor, 'staff.manage', 'StaffMember');
  const data = parseStaffMember(input);
  return db.transaction(async (tx) => {
    const locks = await doorLocks(tx, actor, data);
    // No other code takes these digits on these locks while the person is added.
    await lockCodeChanges(
      tx,
      locks.map((l) => l.id),
    );
    if (data.code) assertFitsDoors(data.code, locks);
    const code = data.code ?? (await newDigits(tx, null, locks));
    const [person] = await tx
      .insert(staffMembers)
      .values({
        organizationId: actor.organizationId,
        name: data.name,
        role: data.role,
        email: data.email,
        phone: data.phone,
        code,
      })
      .returning();
    if (!person) throw new Error('staff member insert returned nothing');
    await writeDoorsAndWindows(tx, actor, person.id, data);
    await syncStaffMemberCodes(tx, actor, person.id, now, { tell: false });
    // The tick looks at the slot forecast again at once: this changes what locks must hold.
    await forgetSlotForecast(tx, actor.organizationId);
    await recordAudit(tx, actor, {
      action: 'staff_member.created',
      targetType: 'staff_member',
      targetId: person.id,
      detail: { name: person.name, ...auditDetail(data) },
    });
    await messageStaffMember(tx, actor, person, 'created', now);
    return person;
  });
}

/**
 * Change a person: name, role, contact, doors and windows (all replaced).
 * Digits typed here are a rotation to those digits: every code gets them and
 * the person is told.
 */
export async function updateStaffMember(
  db: Executor,
  actor: Actor,
  staffMemberId: string,
  input: unknown,
  now: Date,
): Promise<StaffMember> {
  assertCan(actor, 'staff.manage', 'StaffMember');
  parseId('StaffMember', staffMemberId);
  const data = parseStaffMember(input);
  return db.transaction(async (tx) => {
    const current = await findPerson(tx, actor, staffMemberId);
    const locks = await doorLocks(tx, actor, data);
    await lockPersonLocks(
      tx,
      actor,
      current.id,
      locks.map((l) => l.id),
    );
    const recoded = data.code !== null && data.code !== current.code;
    if (recoded && data.code) assertFitsDoors(data.code, locks);
    const [person] = await tx
      .update(staffMembers)
      .set({
        name: data.name,
        role: data.role,
        email: data.email,
        phone: data.phone,
        ...(recoded && data.code ? { code: data.code, codeRotatedAt: now } : {}),
        updatedAt: new Date(),
      })
      .where(eq(staffMembers.id, current.id))
      .returning();
    if (!person) throw AppError.notFound('StaffMember');
    await writeDoorsAndWindows(tx, actor, person.id, data);
    if (recoded)
      await recodeStaffMember(tx, actor, { staffMemberId: person.id, code: person.code }, now);
    await syncStaffMemberCodes(tx, actor, person.id, now, { tell: !recoded });
    // The tick looks at the slot forecast again at once: this changes what locks must hold.
    await forgetSlotForecast(tx, actor.organizationId);
    await recordAudit(tx, actor, {
      action: 'staff_member.updated',
      targetType: 'staff_member',
      targetId: person.id,
      detail: { name: person.name, codeChanged: recoded, ...auditDetail(data) },
    });
    if (recoded) await messageStaffMember(tx, actor, person, `rotated:${now.toISOString()}`, now);
    return person;
  });
}

/**
 * New digits for a person in one go: every live code of theirs gets them (the
 * locks at the next tick), and the person is messaged them.
 */
export async function rotateStaffCode(
  db: Executor,
  actor: Actor,
  staffMemberId: string,
  now: Date,
): Promise<{ code: string }> {
  assertCan(actor, 'staff.manage', 'StaffMember');
  return db.transaction(async (tx) => {
    const current = await findPerson(tx, actor, staffMemberId);
    return rotate(tx, actor, current, now, {});
  });
}

/** The body of a rotation, in the caller's transaction: new digits everywhere, audited, messaged. */
async function rotate(
  tx: Executor,
  actor: Actor,
  current: StaffMember,
  now: Date,
  detail: Record<string, unknown>,
): Promise<{ code: string }> {
  const lockIds = await doorLockIds(tx, actor.organizationId, {
    staffMemberIds: [current.id],
  });
  const locks = await loadLocks(tx, actor.organizationId, lockIds);
  await lockPersonLocks(tx, actor, current.id);
  const code = await newDigits(tx, current.id, locks, [current.code]);
  const [person] = await tx
    .update(staffMembers)
    .set({ code, codeRotatedAt: now, updatedAt: new Date() })
    .where(eq(staffMembers.id, current.id))
    .returning();
  if (!person) throw AppError.notFound('StaffMember');
  await recodeStaffMember(tx, actor, { staffMemberId: person.id, code }, now);
  await syncStaffMemberCodes(tx, actor, person.id, now, { tell: false });
  await recordAudit(tx, actor, {
    action: 'staff_member.code_rotated',
    targetType: 'staff_member',
    targetId: person.id,
    detail: { name: person.name, ...detail },
  });
  await messageStaffMember(tx, actor, person, `rotated:${now.toISOString()}`, now);
  return { code };
}

/**
 * People whose digits someone just typed on a door (access-codes/operations
 * `retireHiddenHolders`): that door's code of theirs came off, and whoever
 * typed them may now guess whose they were. Their digits are rotated in the
 * same transaction, by Keyhold, so the typed ones open none of their doors.
 */
export async function rotateRevealedStaffCodes(
  tx: Executor,
  organizationId: string,
  staffMemberIds: string[],
  now: Date,
): Promise<void> {
  const actor = keyholdActor(organizationId);
  for (const staffMemberId of [...new Set(staffMemberIds)].sort()) {
    const [current] = await tx
      .select()
      .from(staffMembers)
      .where(
        and(
          eq(staffMembers.id, staffMemberId),
          eq(staffMembers.organizationId, organizationId),
          isNull(staffMembers.removedAt),
        ),
      )
      .for('update');
    if (current) await rotate(tx, actor, current, now, { reason: 'digits_requested' });
  }
}

/**
 * Remove a person: every live code of theirs is deleted (the locks lose them
 * at the next tick); their row stays, for the history of their entries.
 */
export async function removeStaffMember(
  db: Executor,
  actor: Actor,
  staffMemberId: string,
  now: Date,
): Promise<void> {
  assertCan(actor, 'staff.manage', 'StaffMember');
  await db.transaction(async (tx) => {
    const current = await findPerson(tx, actor, staffMemberId);
    await lockPersonLocks(tx, actor, current.id);
    await tx
      .update(staffMembers)
      .set({ removedAt: now, updatedAt: new Date() })
      .where(eq(staffMembers.id, current.id));
    const codes = await tx
      .select({
        id: accessCodes.id,
        organizationId: accessCodes.organizationId,
        deviceId: accessCodes.deviceId,
        status: accessCodes.status,
        revision: accessCodes.revision,
      })
      .from(accessCodes)
      .where(
        and(
          eq(accessCodes.staffMemberId, current.id),
          eq(accessCodes.organizationId, actor.organizationId),
          isLive.sql(),
        ),
      )
      .orderBy(asc(accessCodes.id))
      .for('update');
    await markDeleted(tx, codes, actor.userId, now, { reason: 'staff_member_removed' });
    // The tick looks at the slot forecast again at once: this changes what locks must hold.
    await forgetSlotForecast(tx, actor.organizationId);
    await recordAudit(tx, actor, {
      action: 'staff_member.removed',
      targetType: 'staff_member',
      targetId: current.id,
      detail: { name: current.name, codes: codes.length },
    });
  });
}
