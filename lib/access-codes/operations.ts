import { and, eq, inArray, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { type AccessCode, accessCodeEvents, accessCodes } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { isoInstant, parseInput } from '@/lib/validation';
import { isLive, mayBeOnLock } from './predicates';
import { hideUnpulledBackup } from './reads';
import { windowProblem } from './rules';
import {
  assertCodeFits,
  firstAttemptAt,
  insertCodes,
  type LiveCode,
  type LockForCodes,
  liveCodesOn,
  loadLocks,
  lockCodeChanges,
  pickCode,
  pickCodes,
  policyFor,
  recordCodeEvent,
} from './store';

const name = z
  .string({ error: 'name must be text.' })
  .trim()
  .max(100, 'name must be at most 100 characters.')
  .nullish()
  .transform((v) => v || null);
const code = z
  .string({ error: 'code must be text.' })
  .trim()
  .min(1, 'code must not be empty.')
  .max(12, 'code must be at most 12 characters.');
const instant = isoInstant;

export const createAccessCodeSchema = z
  .object({
    deviceId: z.uuid({ error: 'device_id must be a lock id.' }),
    name,
    code: code.optional(),
    startsAt: instant('starts_at').optional(),
    endsAt: instant('ends_at').optional(),
    preferredCodeLength: z.number().int().min(4).max(12).optional(),
  })
  .refine((v) => (v.startsAt === undefined) === (v.endsAt === undefined), {
    message:
      'starts_at and ends_at go together: give both for a time-bound code, neither for an ongoing one.',
    path: ['endsAt'],
  });
export type CreateAccessCodeInput = z.input<typeof createAccessCodeSchema>;

export const updateAccessCodeSchema = z.object({
  name: name.optional(),
  code: code.optional(),
  startsAt: instant('starts_at').optional(),
  endsAt: instant('ends_at').optional(),
  /** 'ongoing' drops the window; a window makes an ongoing code time-bound. */
  type: z.enum(['ongoing', 'time_bound']).optional(),
});
export type UpdateAccessCodeInput = z.input<typeof updateAccessCodeSchema>;

function assertWindow(window: { startsAt: Date; endsAt: Date }, now: Date): void {
  const problem = windowProblem(window, now);
  if (problem) throw new AppError('invalid_input', problem.message, { field: problem.field });
}

/**
 * Create a code on one lock: time-bound when a window is given, ongoing when
 * not; the digits given, or generated to fit the lock and clash with nothing
 * it holds while this code would be on it.
 */
export async function createAccessCode(
  db: Executor,
  actor: Actor,
  input: CreateAccessCodeInput,
  now: Date,
): Promise<AccessCode> {
  assertCan(actor, 'codes.manage', 'Device');
  const data = parseInput(createAccessCodeSchema, input);
  const window =
    data.startsAt && data.endsAt
      ? { startsAt: data.startsAt, endsAt: data.endsAt }
      : { startsAt: null, endsAt: null };
  if (window.startsAt && window.endsAt) assertWindow(window, now);

  return db.transaction(async (tx) => {
    const [lock] = await loadLocks(tx, actor.organizationId, [data.deviceId]);
    if (!lock) throw AppError.notFound('Device');
    await lockCodeChanges(tx, [lock.id]);
    const live = await liveCodesOn(tx, [lock.id]);
    const digits = data.code ?? pickCode([lock], window, live, data.preferredCodeLength);
    await claimDigits(tx, actor, digits, window, [lock], live, now);
    const type = window.startsAt ? 'time_bound' : 'ongoing';
    const policy = policyFor(lock, lock.leadMinutes);
    const [row] = await insertCodes(
      tx,
      [
        {
          organizationId: actor.organizationId,
          deviceId: lock.id,
          type,
          code: digits,
          name: data.name,
          ...window,
          nextAttemptAt: firstAttemptAt({ type, startsAt: window.startsAt }, policy, now),
          createdByUserId: actor.userId,
        },
      ],
      actor.userId,
    );
    if (!row) throw new Error('access code insert returned nothing');
    return row;
  });
}

/** A live code of the actor's organization, for update; another organization's is not found. */
async function findCode(tx: Executor, actor: Actor, accessCodeId: string): Promise<AccessCode> {
  parseId('AccessCode', accessCodeId);
  const [row] = await tx
    .select()
    .from(accessCodes)
    .where(
      and(
        eq(accessCodes.id, accessCodeId),
        eq(accessCodes.organizationId, actor.organizationId),
        isLive.sql(),
      ),
    )
    .for('update');
  if (!row) throw AppError.notFound('AccessCode');
  return row;
}

/**
 * Change a code's name, digits or window. A change the lock must hear about
 * (new digits; a new window on a lock that keeps windows) reprograms it.
 */
export async function updateAccessCode(
  db: Executor,
  actor: Actor,
  accessCodeId: string,
  input: UpdateAccessCodeInput,
  now: Date,
): Promise<AccessCode> {
  assertCan(actor, 'codes.manage', 'AccessCode');
  const data = parseInput(updateAccessCodeSchema, input);
  return db.transaction(async (tx) => {
    const current = await findCode(tx, actor, accessCodeId);
    assertNotStaffCode(current);
    if (current.isBackup) {
      // The pool owns its codes; editing one would also reveal its digits.
      throw new AppError(
        'invalid_input',
        'Backup codes are managed by the backup pool and cannot be edited.',
        {
          field: 'access_code_id',
        },
      );
    }
    return hideUnpulledBackup(await applyCodeChange(tx, actor, current, data, now));
  });
}

/**
 * A staff code is one window of a person's (lib/staff): it follows their
 * windows, doors and digits, and a change made to it as a code would be
 * undone at the next tick. Its person is changed instead.
 */
function assertNotStaffCode(code: Pick<AccessCode, 'staffMemberId'>): void {
  if (code.staffMemberId) {
    throw new AppError(
      'invalid_input',
      'This is a staff member’s code: it follows their windows. Owners and admins change it on the Staff page.',
      { field: 'access_code_id' },
    );
  }
}

/**
 * The shared body of code updates, also used when a reservation moves and
 * when a staff member's window moves. `ignoreIds`: other codes whose digits
 * may meet these (a person's own other windows on the lock).
 */
export async function applyCodeChange(
  tx: Executor,
  actor: Actor,
  current: AccessCode,
  data: z.output<typeof updateAccessCodeSchema>,
  now: Date,
  options: { ignoreIds?: string[] } = {},
): Promise<AccessCode> {
  const toOngoing = data.type === 'ongoing';
  const startsAt = toOngoing ? null : (data.startsAt ?? current.startsAt);
  const endsAt = toOngoing ? null : (data.endsAt ?? current.endsAt);
  if ((startsAt === null) !== (endsAt === null)) {
    throw new AppError('invalid_input', 'A time-bound code needs both starts_at and ends_at.', {
      field: startsAt ? 'ends_at' : 'starts_at',
    });
  }
  const window = { startsAt, endsAt };
  if (startsAt && endsAt) assertWindow({ startsAt, endsAt }, now);
  const type = startsAt ? 'time_bound' : 'ongoing';

  const [lock] = await loadLocks(tx, actor.organizationId, [current.deviceId]);
  if (!lock) throw AppError.notFound('Device');
  await lockCodeChanges(tx, [lock.id]);
  const digits = data.code ?? current.code ?? '';
  await claimDigits(tx, actor, digits, window, [lock], await liveCodesOn(tx, [lock.id]), now, [
    current.id,
    ...(options.ignoreIds ?? []),
  ]);

  const codeChanged = digits !== current.code;
  const windowChanged =
    startsAt?.getTime() !== current.startsAt?.getTime() ||
    endsAt?.getTime() !== current.endsAt?.getTime();
  const nameChanged = data.name !== undefined && data.name !== current.name;
  if (!codeChanged && !windowChanged && !nameChanged) return current;

  const onLock = mayBeOnLock.test(current);
  const reprogram = mustReprogram(current, { codeChanged, windowChanged });
  const policy = policyFor(lock, lock.leadMinutes);
  const [row] = await tx
    .update(accessCodes)
    .set({
      code: digits,
      name: data.name !== undefined ? data.name : current.name,
      type,
      startsAt,
      endsAt,
      status: reprogram ? 'setting' : current.status,
      attempts: 0,
      revision: current.revision + 1,
      // Let the tick look again now: the change may move when it programs or removes.
      nextAttemptAt: onLock ? now : firstAttemptAt({ type, startsAt }, policy, now),
    })
    .where(eq(accessCodes.id, current.id))
    .returning();
  if (!row) throw AppError.notFound('AccessCode');
  const changes: [boolean, string][] = [
    [codeChanged, 'code_changed'],
    [windowChanged, 'time_frame_changed'],
    [nameChanged, 'name_changed'],
  ];
  for (const [changed, eventType] of changes) {
    if (!changed) continue;
    await recordCodeEvent(tx, row, eventType, actor.userId, {
      ...(windowChanged
        ? { starts_at: startsAt?.toISOString() ?? null, ends_at: endsAt?.toISOString() ?? null }
        : {}),
    });
  }
  if (windowChanged) await backupFollows(tx, row, actor.userId, now);
  return row;
}

/** The lock may hold the old digits (or the old window, on a lock that keeps it): it must get the new ones. */
function mustReprogram(
  current: AccessCode,
  change: { codeChanged: boolean; windowChanged: boolean },
): boolean {
  return (
    mayBeOnLock.test(current) &&
    (change.codeChanged || (change.windowChanged && current.isScheduledOnDevice))
  );
}

/**
 * A pulled backup follows its original, in the original's transaction:
 * deleted with it (the tick takes it off at once), its window moved with it
 * but never starting before its pull; a window that now closes before the
 * pull deletes it. The events name the original, never the digits.
 */
async function backupFollows(
  tx: Executor,
  original: Pick<
    AccessCode,
    'id' | 'pulledBackupAccessCodeId' | 'deletedAt' | 'startsAt' | 'endsAt'
  >,
  actorUserId: string | null,
  now: Date,
): Promise<void> {
  if (!original.pulledBackupAccessCodeId) return;
  const [backup] = await tx
    .select()
    .from(accessCodes)
    .where(and(eq(accessCodes.id, original.pulledBackupAccessCodeId), isLive.sql()))
    .for('update');
  if (!backup) return;
  const detail = { original_access_code_id: original.id };
  // An original that became ongoing leaves its backup's end where it was: a backup is never open-ended.
  const endsAt = original.endsAt ?? backup.endsAt;
  const pulledAt = backup.pulledAt ?? backup.startsAt;
  const startsAt =
    original.startsAt && pulledAt && original.startsAt > pulledAt ? original.startsAt : pulledAt;
  if (original.deletedAt || (startsAt && endsAt && endsAt <= startsAt)) {
    await markDeleted(tx, [backup], actorUserId, now, detail);
    return;
  }
  const windowChanged =
    startsAt?.getTime() !== backup.startsAt?.getTime() ||
    endsAt?.getTime() !== backup.endsAt?.getTime();
  if (!windowChanged) return;
  const [row] = await tx
    .update(accessCodes)
    .set({
      startsAt,
      endsAt,
      status: mustReprogram(backup, { codeChanged: false, windowChanged })
        ? 'setting'
        : backup.status,
      attempts: 0,
      revision: backup.revision + 1,
      // The tick looks again now: the new window decides when it comes off.
      nextAttemptAt: now,
    })
    .where(eq(accessCodes.id, backup.id))
    .returning();
  if (!row) return;
  await recordCodeEvent(tx, row, 'time_frame_changed', actorUserId, {
    starts_at: startsAt?.toISOString() ?? null,
    ends_at: endsAt?.toISOString() ?? null,
    ...detail,
  });
}

/** Delete a code: it disappears from lists at once and the tick takes it off the lock. */
export async function deleteAccessCode(
  db: Executor,
  actor: Actor,
  accessCodeId: string,
  now: Date,
): Promise<void> {
  assertCan(actor, 'codes.manage', 'AccessCode');
  await db.transaction(async (tx) => {
    const current = await findCode(tx, actor, accessCodeId);
    assertNotStaffCode(current);
    await markDeleted(tx, [current], actor.userId, now);
  });
}

/**
 * Digits a caller chose, for a code on each of `locks`: refused where a code
 * the caller can see holds them while this one would be there (store
 * `assertCodeFits`), and taken where only a code with hidden digits does.
 * That code (an unpulled backup, a permanent backup code) is retired in this
 * transaction: the tick takes it off first and the pool refills with other
 * digits, and the new code goes on once it is off. Refusing instead would be
 * an oracle: the caller can list every other code with its digits, so a
 * refusal with none of them holding the digits names a hidden code's. Taken
 * this way, what a caller learns (the pool changed) is about digits that are
 * now its own. A retired permanent code is in the audit log, without digits,
 * for the owner who handed it out.
 */
export async function claimDigits(
  tx: Executor,
  actor: Actor,
  digits: string,
  window: { startsAt: Date | null; endsAt: Date | null },
  locks: LockForCodes[],
  live: LiveCode[],
  now: Date,
  ignoreIds: string[] = [],
): Promise<void> {
  // Every lock first: one refusal anywhere retires nothing.
  const hidden = locks.flatMap((lock) => assertCodeFits(digits, window, lock, live, ignoreIds));
  await retireHiddenHolders(tx, actor, hidden, now);
}

/**
 * Retire the codes `assertCodeFits` returned (the hidden holders of requested
 * digits). A person's hold is not a code; a person whose code or hold held
 * the digits is rotated (new digits on all their doors) in this transaction.
 */
export async function retireHiddenHolders(
  tx: Executor,
  actor: Actor,
  holders: LiveCode[],
  now: Date,
): Promise<void> {
  const hidden = holders.filter((c) => !c.hold);
  if (hidden.length > 0) {
    await markDeleted(tx, hidden, actor.userId, now, { reason: 'digits_requested' });
  }
  for (const code of hidden.filter((c) => c.isPermanentBackup)) {
    await recordAudit(tx, actor, {
      action: 'permanent_backup_code.retired',
      targetType: 'access_code',
      targetId: code.id,
      detail: { deviceId: code.deviceId, reason: 'digits_requested' },
    });
  }
  // A person's digits (their code or their hold) typed by someone: whoever
  // typed them may guess whose they are, so the person gets new ones on
  // every door, here and now (lib/staff/members).
  const people = holders.flatMap((c) => (c.staffMemberId ? [c.staffMemberId] : []));
  if (people.length > 0) {
    // Loaded when called (never at start-up): rotating runs the code changes in this file.
    // biome-ignore lint/suspicious/noImportCycles: a call-time import; no value is read at load.
    const { rotateRevealedStaffCodes } = await import('@/lib/staff/members');
    await rotateRevealedStaffCodes(tx, actor.organizationId, people, now);
  }
}

/** Mark codes deleted and due now, with a `deleted` event each; their pulled backups go with them. */
export async function markDeleted(
  tx: Executor,
  codes: Pick<AccessCode, 'id' | 'organizationId' | 'deviceId' | 'status' | 'revision'>[],
  actorUserId: string | null,
  now: Date,
  detail?: Record<string, unknown>,
): Promise<void> {
  if (codes.length === 0) return;
  const deleted = await tx
    .update(accessCodes)
    .set({
      deletedAt: now,
      desiredState: 'absent',
      nextAttemptAt: now,
      attempts: 0,
      revision: sql`${accessCodes.revision} + 1`,
    })
    .where(
      inArray(
        accessCodes.id,
        codes.map((c) => c.id),
      ),
    )
    .returning();
  await tx.insert(accessCodeEvents).values(
    codes.map((c) => ({
      organizationId: c.organizationId,
      accessCodeId: c.id,
      deviceId: c.deviceId,
      eventType: 'deleted',
      statusFrom: c.status,
      statusTo: c.status,
      actorUserId,
      detail,
    })),
  );
  for (const original of deleted) await backupFollows(tx, original, actorUserId, now);
}

export const createAccessCodesSchema = z.object({
  deviceIds: z
    .array(z.uuid({ error: 'device_ids must hold lock ids.' }))
    .min(1, 'device_ids must name at least one lock.')
    .max(100, 'device_ids may name at most 100 locks.'),
  name,
  code: code.optional(),
  startsAt: instant('starts_at').optional(),
  endsAt: instant('ends_at').optional(),
  /** `throw`: all locks share the digits or nothing is created. */
  behaviorWhenCodeCannotBeShared: z.enum(['throw', 'create_random_code']).default('throw'),
});

/**
 * One code on each of several locks, sharing digits where every lock allows
 * it — all in one transaction, so a failure creates nothing.
 */
export async function createAccessCodes(
  db: Executor,
  actor: Actor,
  input: z.input<typeof createAccessCodesSchema>,
  now: Date,
): Promise<AccessCode[]> {
  assertCan(actor, 'codes.manage', 'Device');
  const data = parseInput(createAccessCodesSchema, input);
  if ((data.startsAt === undefined) !== (data.endsAt === undefined)) {
    throw new AppError('invalid_input', 'starts_at and ends_at go together.', { field: 'ends_at' });
  }
  const window =
    data.startsAt && data.endsAt
      ? { startsAt: data.startsAt, endsAt: data.endsAt }
      : { startsAt: null, endsAt: null };
  if (window.startsAt && window.endsAt) assertWindow(window, now);
  const ids = [...new Set(data.deviceIds)];
  return db.transaction(async (tx) => {
    const locks = await loadLocks(tx, actor.organizationId, ids);
    await lockCodeChanges(tx, ids);
    const live = await liveCodesOn(tx, ids);
    let digits: Map<string, string>;
    if (data.code) {
      const given = data.code;
      await claimDigits(tx, actor, given, window, locks, live, now);
      digits = new Map(locks.map((l) => [l.id, given]));
    } else {
      digits = pickCodes(locks, window, live);
      const shared = new Set(digits.values()).size <= 1;
      if (!shared && data.behaviorWhenCodeCannotBeShared === 'throw') {
        throw new AppError('invalid_input', 'These locks cannot share one code.', {
          field: 'device_ids',
        });
      }
    }
    const type = window.startsAt ? 'time_bound' : 'ongoing';
    return insertCodes(
      tx,
      locks.map((lock) => ({
        organizationId: actor.organizationId,
        deviceId: lock.id,
        type,
        code: digits.get(lock.id) ?? '',
        name: data.name,
        ...window,
        nextAttemptAt: firstAttemptAt(
          { type, startsAt: window.startsAt },
          policyFor(lock, lock.leadMinutes),
          now,
        ),
        createdByUserId: actor.userId,
      })),
      actor.userId,
    );
  });
}

/** Digits that would fit a lock now (nothing is written). */
export async function generateAccessCode(
  db: Executor,
  actor: Actor,
  deviceId: string,
  preferredLength?: number,
): Promise<string> {
  assertCan(actor, 'codes.read', 'Device');
  parseId('Device', deviceId);
  const locks = await loadLocks(db, actor.organizationId, [deviceId]);
  const window = { startsAt: null, endsAt: null };
  return pickCode(locks, window, await liveCodesOn(db, [deviceId]), preferredLength);
}

/**
 * Delete, safe to repeat: a code this organization already deleted answers
 * as deleted again (the SDK retries DELETE after a lost reply).
 */
export async function deleteAccessCodeIdempotent(
  db: Executor,
  actor: Actor,
  accessCodeId: string,
  now: Date,
): Promise<void> {
  assertCan(actor, 'codes.manage', 'AccessCode');
  parseId('AccessCode', accessCodeId);
  const [row] = await db
    .select({ deletedAt: accessCodes.deletedAt, status: accessCodes.status })
    .from(accessCodes)
    .where(
      and(eq(accessCodes.id, accessCodeId), eq(accessCodes.organizationId, actor.organizationId)),
    );
  if (!row) throw AppError.notFound('AccessCode');
  if (row.deletedAt) return;
  await deleteAccessCode(db, actor, accessCodeId, now);
}
