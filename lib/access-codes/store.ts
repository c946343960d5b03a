import { and, eq, inArray, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '@/db/client';
import {
  type AccessCode,
  accessCodeEvents,
  accessCodes,
  type Device,
  devices,
  organizations,
} from '@/db/schema';
import { AppError } from '@/lib/errors';
import { describeTimeOnLock } from './describe';
import { isLive } from './predicates';
import { hidesDigits } from './reads';
import { codeProblem, commonLengths, defaultLength, generateCode, type Window } from './rules';
import { holdDigitsAtOnce, type LockPolicy, programmingTime } from './state';

/**
 * Shared steps of the access-code and reservation operations. Callers have
 * already checked the actor; every function here takes the organization id
 * and runs inside the caller's transaction.
 */

export type LockForCodes = Pick<
  Device,
  'id' | 'name' | 'codeConstraints' | 'supportsNativeScheduling' | 'organizationId' | 'propertyId'
> & {
  /** The organization's programming lead: when a lock without native schedules takes a code on. */
  leadMinutes: number;
};

/** What a `LockForCodes` reads: the lock and its organization's lead (join `organizations` on the lock's). */
export const lockForCodesColumns = {
  id: devices.id,
  name: devices.name,
  codeConstraints: devices.codeConstraints,
  supportsNativeScheduling: devices.supportsNativeScheduling,
  organizationId: devices.organizationId,
  propertyId: devices.propertyId,
  leadMinutes: organizations.programmingLeadMinutes,
};

/**
 * Active locks of the organization, by id, with the organization's lead time;
 * a missing or foreign id is not found.
 */
export async function loadLocks(
  tx: Executor,
  organizationId: string,
  deviceIds: string[],
): Promise<LockForCodes[]> {
  if (deviceIds.length === 0) return [];
  const rows = await tx
    .select(lockForCodesColumns)
    .from(devices)
    .innerJoin(organizations, eq(organizations.id, devices.organizationId))
    .where(
      and(
        inArray(devices.id, deviceIds),
        eq(devices.organizationId, organizationId),
        eq(devices.status, 'active'),
      ),
    );
  for (const id of deviceIds) {
    if (!rows.some((r) => r.id === id)) {
      throw AppError.notFound('Device', { field: 'device_id' });
    }
  }
  return rows;
}

export async function leadMinutesOf(tx: Executor, organizationId: string): Promise<number> {
  const [org] = await tx
    .select({ lead: organizations.programmingLeadMinutes })
    .from(organizations)
    .where(eq(organizations.id, organizationId));
  return org?.lead ?? 30;
}

/**
 * Serialize code changes per lock for the rest of the transaction, so two
 * requests cannot both pass the duplicate check with the same digits.
 */
export async function lockCodeChanges(tx: Executor, deviceIds: string[]): Promise<void> {
  for (const id of [...deviceIds].sort()) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtextextended(${id}, 0))`);
  }
}

/**
 * Live codes on these locks: everything not deleted and not yet off the lock
 * for good, and the digits of every person (cleaner, owner, …) with access to
 * a lock, as an ongoing hold on it (`hold: true`; not a row of access_codes).
 * A person keeps their digits on their doors whether or not one of their
 * windows is open, so nothing generated for a lock ever takes them: this is
 * the one home of "digits taken on this lock".
 */
export async function liveCodesOn(tx: Executor, deviceIds: string[]): Promise<LiveCode[]> {
  if (deviceIds.length === 0) return [];
  const codes = await tx
    .select({
      id: accessCodes.id,
      deviceId: accessCodes.deviceId,
      code: accessCodes.code,
      type: accessCodes.type,
      reservationId: accessCodes.reservationId,
      startsAt: accessCodes.startsAt,
      endsAt: accessCodes.endsAt,
      // What hides the digits, and what retiring a code that hides them needs.
      isBackup: accessCodes.isBackup,
      pulledAt: accessCodes.pulledAt,
      isPermanentBackup: accessCodes.isPermanentBackup,
      staffMemberId: accessCodes.staffMemberId,
      organizationId: accessCodes.organizationId,
      status: accessCodes.status,
      revision: accessCodes.revision,
    })
    .from(accessCodes)
    .where(and(inArray(accessCodes.deviceId, deviceIds), isLive.sql()));
  const holds = await staffHoldsOn(tx, deviceIds);
  return [...codes.map((c) => ({ ...c, hold: false })), ...holds];
}

/** The id of a person's hold on a lock: not a code's id, so nothing can retire it as one. */
export const staffHoldId = (staffMemberId: string) => `staff-hold:${staffMemberId}`;

/** Every current person's digits on each of these locks they may open, directly or through a group. */
async function staffHoldsOn(tx: Executor, deviceIds: string[]): Promise<LiveCode[]> {
  const rows = await queryRows<{
    staff_member_id: string;
    organization_id: string;
    code: string;
    device_id: string;
  }>(
    tx,
    sql`select m.id as staff_member_id, m.organization_id, m.code, a.device_id
          from staff_access a join staff_members m on m.id = a.staff_member_id
          where a.device_id in ${inList(deviceIds)} and m.removed_at is null
            and m.organization_id = a.organization_id
        union
        select m.id, m.organization_id, m.code, g.device_id
          from staff_access a join staff_members m on m.id = a.staff_member_id
          join lock_group_devices g on g.group_id = a.group_id
            and g.organization_id = a.organization_id
          where g.device_id in ${inList(deviceIds)} and m.removed_at is null
            and m.organization_id = a.organization_id`,
  );
  return rows.map((r) => ({
    id: staffHoldId(r.staff_member_id),
    deviceId: r.device_id,
    code: r.code,
    type: 'ongoing' as const,
    reservationId: null,
    startsAt: null,
    endsAt: null,
    isBackup: false,
    pulledAt: null,
    isPermanentBackup: false,
    staffMemberId: r.staff_member_id,
    organizationId: r.organization_id,
    status: 'set' as const,
    revision: 0,
    hold: true,
  }));
}

const inList = (ids: string[]) =>
  sql`(${sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  )})`;

export type LiveCode = Pick<
  AccessCode,
  | 'id'
  | 'deviceId'
  | 'code'
  | 'type'
  | 'reservationId'
  | 'startsAt'
  | 'endsAt'
  | 'isBackup'
  | 'pulledAt'
  | 'isPermanentBackup'
  | 'staffMemberId'
  | 'organizationId'
  | 'status'
  | 'revision'
> & {
  /** A person's digits held on the lock (`staffHoldId`), not a code: never retired or written. */
  hold: boolean;
};
/** What deciding whether digits are taken reads of a code (callers may add codes they are about to write). */
export type HeldCode = Pick<
  LiveCode,
  'id' | 'deviceId' | 'code' | 'type' | 'reservationId' | 'startsAt' | 'endsAt'
>;

/** A window as the code it would be: none is an ongoing code. */
const codeFor = (window: Window) => ({
  type: window.startsAt === null ? ('ongoing' as const) : ('time_bound' as const),
  ...window,
});

const lockPolicy = (lock: LockForCodes) => policyFor(lock, lock.leadMinutes);

/**
 * The codes on `lock` that already hold `digits` at a time the lock would
 * hold them for a code in `window` (./state `holdDigitsAtOnce`).
 */
export function clashesOn<T extends HeldCode>(
  lock: LockForCodes,
  digits: string,
  window: Window,
  live: T[],
  ignoreIds: string[],
): T[] {
  const policy = lockPolicy(lock);
  return live.filter(
    (c) =>
      c.deviceId === lock.id &&
      c.code === digits &&
      !ignoreIds.includes(c.id) &&
      holdDigitsAtOnce(c, codeFor(window), policy),
  );
}

/** The code on `lock` that already holds `digits` while a code in `window` would be there, if any. */
export function clashOn(
  lock: LockForCodes,
  digits: string,
  window: Window,
  live: HeldCode[],
  ignoreIds: string[] = [],
): HeldCode | undefined {
  return clashesOn(lock, digits, window, live, ignoreIds)[0];
}

/**
 * Refuse digits the lock cannot take, or that another code the caller can
 * see holds on it while this one would be there: the lock would refuse them
 * and the code arrive late. Codes whose digits nobody may read (an unpulled
 * backup, a permanent backup code: `hidesDigits`) never refuse — a refusal
 * would tell which digits they hold (issue 18). They are returned instead,
 * for the caller to retire in its transaction (operations `claimDigits`).
 * So are a person's digits (their hold, and their staff codes): the door
 * whose digits were taken gets other digits for that person (lib/staff/codes).
 */
export function assertCodeFits(
  digits: string,
  window: Window,
  lock: LockForCodes,
  live: LiveCode[],
  ignoreIds: string[] = [],
): LiveCode[] {
  const problem = codeProblem(digits, lock.codeConstraints);
  if (problem) throw new AppError('invalid_input', problem, { field: 'code' });
  const clashes = clashesOn(lock, digits, window, live, ignoreIds);
  const clash = clashes.find((c) => !hidesDigits(c));
  if (clash) {
    // Neither the other code's digits nor its guest: only that the lock is taken, and why.
    // Stay or code tells nothing new: the caller can list both kinds with their digits.
    const other = clash.reservationId ? 'stay' : 'code';
    throw new AppError(
      'invalid_input',
      `That code is already in use on ${lock.name} by another ${other}: this lock holds each code once, ${describeTimeOnLock(lockPolicy(lock))}. Choose other digits.`,
      { field: 'code' },
    );
  }
  return clashes;
}

/**
 * One PIN per lock: the same digits on every lock where they all share a
 * length (a guest remembers one code), else digits of its own for each lock.
 */
export function pickCodes(
  locks: LockForCodes[],
  window: Window,
  live: HeldCode[],
): Map<string, string> {
  if (commonLengths(locks.map((l) => l.codeConstraints)).length > 0) {
    const shared = pickCode(locks, window, live);
    return new Map(locks.map((l) => [l.id, shared]));
  }
  return new Map(locks.map((l) => [l.id, pickCode([l], window, live)]));
}

/** Digits that every lock accepts and none of them holds while a code in `window` would be on it. */
export function pickCode(
  locks: LockForCodes[],
  window: Window,
  live: HeldCode[],
  preferredLength?: number,
): string {
  const length = defaultLength(commonLengths(locks.map((l) => l.codeConstraints)), preferredLength);
  if (length === undefined) {
    throw new AppError(
      'invalid_input',
      'These locks share no code length; give each its own code.',
      {
        field: 'device_ids',
      },
    );
  }
  return generateCode(length, takenDigits(locks, window, live));
}

/**
 * Digits one of these locks holds at a time a code in `window` would be on it,
 * so a generated code never meets one the lock already stores ahead.
 */
export function takenDigits(locks: LockForCodes[], window: Window, live: HeldCode[]): Set<string> {
  const policies = new Map(locks.map((l) => [l.id, lockPolicy(l)]));
  return new Set(
    live
      .filter((c) => {
        const policy = policies.get(c.deviceId);
        return policy !== undefined && holdDigitsAtOnce(c, codeFor(window), policy);
      })
      .map((c) => c.code ?? ''),
  );
}

export function policyFor(
  lock: Pick<Device, 'supportsNativeScheduling'>,
  leadMinutes: number,
): LockPolicy {
  return { leadMinutes, nativeScheduling: lock.supportsNativeScheduling };
}

/** When the tick should first look at a new or changed code: its programming time, or now. */
export function firstAttemptAt(
  code: Pick<AccessCode, 'type' | 'startsAt'>,
  policy: LockPolicy,
  now: Date,
): Date {
  const at = programmingTime(code, policy);
  return at && at > now ? at : now;
}

export type NewCode = {
  organizationId: string;
  deviceId: string;
  reservationId?: string | null;
  /** A staff member's window on this lock (lib/staff/codes). */
  staffMemberId?: string | null;
  type: 'time_bound' | 'ongoing';
  code: string;
  name: string | null;
  startsAt: Date | null;
  endsAt: Date | null;
  nextAttemptAt: Date;
  createdByUserId?: string | null;
  isBackup?: boolean;
  isPermanentBackup?: boolean;
  /** The caller's clock (the tick's `now`); the database's otherwise. */
  createdAt?: Date;
};

/** Insert codes and their `created` events in one go. */
export async function insertCodes(tx: Executor, codes: NewCode[], actorUserId: string | null) {
  if (codes.length === 0) return [];
  const rows = await tx.insert(accessCodes).values(codes).returning();
  await tx.insert(accessCodeEvents).values(
    rows.map((row) => ({
      organizationId: row.organizationId,
      accessCodeId: row.id,
      deviceId: row.deviceId,
      eventType: 'created',
      statusTo: row.status,
      actorUserId,
      detail: {
        type: row.type,
        starts_at: row.startsAt?.toISOString() ?? null,
        ends_at: row.endsAt?.toISOString() ?? null,
      },
    })),
  );
  return rows;
}

export async function recordCodeEvent(
  tx: Executor,
  code: Pick<AccessCode, 'id' | 'organizationId' | 'deviceId' | 'status'>,
  eventType: string,
  actorUserId: string | null,
  detail?: Record<string, unknown>,
): Promise<void> {
  await tx.insert(accessCodeEvents).values({
    organizationId: code.organizationId,
    accessCodeId: code.id,
    deviceId: code.deviceId,
    eventType,
    statusFrom: code.status,
    statusTo: code.status,
    actorUserId,
    detail,
  });
}
