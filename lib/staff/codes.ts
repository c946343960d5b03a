import { and, desc, eq, gte, inArray, isNotNull, sql } from 'drizzle-orm';
import type { Db, Executor } from '@/db/client';
import { type AccessCode, accessCodes, devices, organizations, staffMembers } from '@/db/schema';
// biome-ignore lint/suspicious/noImportCycles: operations loads ./members only when called (a revealed person's rotation).
import { applyCodeChange, markDeleted, retireHiddenHolders } from '@/lib/access-codes/operations';
import { isLive, takesSlot } from '@/lib/access-codes/predicates';
import { hidesDigits } from '@/lib/access-codes/reads';
import { codeProblem, windowsOverlap } from '@/lib/access-codes/rules';
import { holdDigitsAtOnce, NATIVE_SCHEDULING_HOURS } from '@/lib/access-codes/state';
import {
  clashesOn,
  firstAttemptAt,
  insertCodes,
  type LiveCode,
  type LockForCodes,
  liveCodesOn,
  lockCodeChanges,
  lockForCodesColumns,
  type NewCode,
  pickCode,
  policyFor,
  staffHoldId,
} from '@/lib/access-codes/store';
import type { Actor } from '@/lib/auth/actor';
import { logger } from '@/lib/log';
import { messageStaffMember } from './messages';
import { loadStaffPlan, type StaffNeed } from './plan';
import type { Interval } from './windows';

/**
 * Staff codes on the locks (DESIGN.md "Common doors and staff codes"): each
 * window a person has on a door is a time-bound access code with their
 * digits, linked to them (`access_codes.staff_member_id`), which the
 * reconciler then programs like any code. This file keeps those codes equal
 * to the plan (./plan `loadStaffPlan`): a window with no code gets one, a
 * code whose window moved follows it, a code no window wants any more is
 * deleted. Codes already ended are the reconciler's to take off.
 */

/** How far ahead codes are made: a lock that keeps schedules takes them this early. */
export const STAFF_HORIZON_MS = NATIVE_SCHEDULING_HOURS * 3_600_000;

export type StaffCodeChanges = { created: number; moved: number; deleted: number };

const NO_CHANGES: StaffCodeChanges = { created: 0, moved: 0, deleted: 0 };
const add = (a: StaffCodeChanges, b: StaffCodeChanges): StaffCodeChanges => ({
  created: a.created + b.created,
  moved: a.moved + b.moved,
  deleted: a.deleted + b.deleted,
});

/** Keyhold itself acting for an organization (the tick): audit and events show no member. */
export function keyholdActor(organizationId: string): Actor {
  return {
    userId: null,
    name: 'Keyhold',
    email: '',
    organizationId,
    organizationName: '',
    role: 'admin',
  };
}

/** What the diff reads of a live staff code. */
type StaffCode = Pick<
  AccessCode,
  | 'id'
  | 'deviceId'
  | 'staffMemberId'
  | 'startsAt'
  | 'endsAt'
  | 'name'
  | 'code'
  | 'status'
  | 'externalRef'
>;

const staffCodeColumns = {
  id: accessCodes.id,
  deviceId: accessCodes.deviceId,
  staffMemberId: accessCodes.staffMemberId,
  startsAt: accessCodes.startsAt,
  endsAt: accessCodes.endsAt,
  name: accessCodes.name,
  code: accessCodes.code,
  status: accessCodes.status,
  externalRef: accessCodes.externalRef,
};

/** The changes one lock needs: codes to delete, to move (or rename), and windows to give a code. */
export type DoorPlan = {
  deletes: string[];
  moves: { id: string; staffMemberId: string; interval: Interval; name: string }[];
  inserts: { need: StaffNeed; interval: Interval }[];
};

const isEmpty = (plan: DoorPlan) =>
  plan.deletes.length + plan.moves.length + plan.inserts.length === 0;

const asCode = (interval: Interval) => ({ type: 'time_bound' as const, ...interval });
const sameWindow = (code: StaffCode, interval: Interval) =>
  code.startsAt?.getTime() === interval.startsAt.getTime() &&
  code.endsAt?.getTime() === interval.endsAt.getTime();

const DAY_MS = 24 * 3_600_000;

/**
 * Where a code that takes over `interval` should run. A code already running
 * while the window is open keeps its start (a window running round the
 * clock, or back to back, starts wherever the plan's `from` falls: moving
 * the start each day would rewrite a code in use, on a lock that keeps
 * schedules every day), and its end, unless the window ends sooner or the
 * code ends within a day (then it runs to the window's end).
 */
export function settledWindow(code: StaffCode, interval: Interval, now: Date): Interval {
  const running =
    code.startsAt !== null &&
    code.endsAt !== null &&
    code.startsAt <= now &&
    interval.startsAt <= now &&
    interval.endsAt > now;
  if (!running || !code.startsAt || !code.endsAt) return interval;
  const endsAt =
    interval.endsAt <= code.endsAt || code.endsAt.getTime() - now.getTime() < DAY_MS
      ? interval.endsAt
      : code.endsAt;
  return { startsAt: code.startsAt, endsAt };
}

/** Of the codes a window overlaps, the one to take over: one on the lock or running first. */
function takeOver(codes: StaffCode[], interval: Interval, now: Date): number {
  const rank = (c: StaffCode) =>
    takesSlot.test(c, now) ? 0 : c.startsAt !== null && c.startsAt <= now ? 1 : 2;
  let best = -1;
  codes.forEach((c, i) => {
    if (!windowsOverlap(c, interval)) return;
    const current = codes[best];
    if (!current || rank(c) < rank(current)) best = i;
  });
  return best;
}

/**
 * A person's windows on one lock that may have a code now. A lock holds each
 * code once (./state `holdDigitsAtOnce`): a lock that keeps schedules stores
 * Tuesday's code 72 hours ahead, while Monday's is still on it with the same
 * digits. So the next window waits until the one before it has ended, and
 * gets its code then (the tick takes the old one off first).
 */
export function oneAtATime(
  intervals: Interval[],
  policy: Parameters<typeof holdDigitsAtOnce>[2],
): Interval[] {
  const kept: Interval[] = [];
  for (const interval of [...intervals].sort(
    (a, b) => a.startsAt.getTime() - b.startsAt.getTime(),
  )) {
    const last = kept.at(-1);
    if (last && holdDigitsAtOnce(asCode(last), asCode(interval), policy)) continue;
    kept.push(interval);
  }
  return kept;
}

/**
 * The diff on one lock between what people need (`needs`, this lock's) and
 * their live staff codes there (`codes`): pure. A code that already ended is
 * left alone; a window matches a code with its exact times, else takes over a
 * code it overlaps (moved), else gets a new one; codes left over are deleted.
 */
export function planDoor(
  lock: LockForCodes,
  needs: StaffNeed[],
  codes: StaffCode[],
  now: Date,
): DoorPlan {
  const plan: DoorPlan = { deletes: [], moves: [], inserts: [] };
  const policy = policyFor(lock, lock.leadMinutes);
  const people = new Set([
    ...needs.map((n) => n.staffMemberId),
    ...codes.flatMap((c) => (c.staffMemberId ? [c.staffMemberId] : [])),
  ]);
  for (const person of people) {
    const need = needs.find((n) => n.staffMemberId === person);
    const wanted = need ? oneAtATime(need.intervals, policy) : [];
    const unmatched = codes.filter(
      (c) => c.staffMemberId === person && c.endsAt !== null && c.endsAt > now,
    );
    const rest: Interval[] = [];
    for (const interval of wanted) {
      const at = unmatched.findIndex((c) => sameWindow(c, interval));
      const [code] = at >= 0 ? unmatched.splice(at, 1) : [];
      if (!code) rest.push(interval);
      else if (need && code.name !== need.name) {
        plan.moves.push({ id: code.id, staffMemberId: person, interval, name: need.name });
      }
    }
    for (const interval of rest) {
      const at = takeOver(unmatched, interval, now);
      const [code] = at >= 0 ? unmatched.splice(at, 1) : [];
      if (code && need) {
        const settled = settledWindow(code, interval, now);
        if (!sameWindow(code, settled) || code.name !== need.name) {
          plan.moves.push({
            id: code.id,
            staffMemberId: person,
            interval: settled,
            name: need.name,
          });
        }
      } else if (need) plan.inserts.push({ need, interval });
    }
    plan.deletes.push(...unmatched.map((c) => c.id));
  }
  return plan;
}

/** Active locks by id, with their organization's lead time (any organization: the tick's). */
async function locksById(db: Executor, deviceIds: string[]): Promise<Map<string, LockForCodes>> {
  if (deviceIds.length === 0) return new Map();
  const rows = await db
    .select(lockForCodesColumns)
    .from(devices)
    .innerJoin(organizations, eq(organizations.id, devices.organizationId))
    .where(and(inArray(devices.id, deviceIds), eq(devices.status, 'active')));
  return new Map(rows.map((r) => [r.id, r]));
}

/** The id prefix of a code `applyDoor` is about to insert. */
const PENDING = 'new:';

/** The person whose digits a code takes: what choosing them needs. */
export type StaffDigits = { staffMemberId: string; code: string };

/**
 * The digits a person's code on `lock` gets for `window`: theirs, unless the
 * lock cannot take them or another code holds them there then (a guest's, a
 * hand-made one, another person's) — then digits of this door's own: the
 * ones it had before if they still fit, else new ones. A backup or permanent
 * code holding them is retired instead, as for digits anyone asks for
 * (access-codes/operations `claimDigits`): turning them down would tell
 * whose digits those are. `live` is the lock's (store `liveCodesOn`).
 */
export async function digitsOnDoor(
  tx: Executor,
  actor: Actor,
  person: StaffDigits,
  lock: LockForCodes,
  window: Interval,
  live: LiveCode[],
  now: Date,
): Promise<string> {
  const others = live.filter((c) => c.staffMemberId !== person.staffMemberId);
  if (!codeProblem(person.code, lock.codeConstraints)) {
    const clashes = clashesOn(lock, person.code, window, others, []);
    const retirable = clashes.filter((c) => !c.hold && !c.staffMemberId && hidesDigits(c));
    if (clashes.length === retirable.length) {
      await retireHiddenHolders(tx, actor, retirable, now);
      for (const gone of retirable) live.splice(live.indexOf(gone), 1);
      return person.code;
    }
  }
  const [before] = await tx
    .select({ code: accessCodes.code })
    .from(accessCodes)
    .innerJoin(staffMembers, eq(staffMembers.id, accessCodes.staffMemberId))
    .where(
      and(
        eq(accessCodes.staffMemberId, person.staffMemberId),
        eq(accessCodes.deviceId, lock.id),
        sql`${accessCodes.code} <> ${person.code}`,
        // Digits from before a rotation are the old secret: never again.
        sql`${accessCodes.createdAt} >= coalesce(${staffMembers.codeRotatedAt}, '-infinity'::timestamptz)`,
      ),
    )
    .orderBy(desc(accessCodes.createdAt))
    .limit(1);
  // Digits just chosen for another window of theirs on this door (not yet
  // written: `applyDoor`'s inserts) come first: one door, one code.
  const sibling = live.find(
    (c) =>
      c.id.startsWith(PENDING) &&
      c.staffMemberId === person.staffMemberId &&
      c.code !== person.code,
  )?.code;
  const previous = sibling ?? before?.code;
  if (
    previous &&
    !codeProblem(previous, lock.codeConstraints) &&
    clashesOn(lock, previous, window, others, []).length === 0
  ) {
    return previous;
  }
  return pickCode([lock], window, others);
}

/** Live staff codes, of these people or on these locks. */
function liveStaffCodes(db: Executor, where: { people?: string[]; deviceIds?: string[] }) {
  return db
    .select(staffCodeColumns)
    .from(accessCodes)
    .where(
      and(
        isNotNull(accessCodes.staffMemberId),
        where.people ? inArray(accessCodes.staffMemberId, where.people) : undefined,
        where.deviceIds ? inArray(accessCodes.deviceId, where.deviceIds) : undefined,
        isLive.sql(),
      ),
    );
}

/**
 * Carry out one lock's plan in the caller's transaction, which holds the
 * lock's code changes (store `lockCodeChanges`): deletions first (they free
 * digits and slots), then moves, then new codes, each with digits that fit.
 */
async function applyDoor(
  tx: Executor,
  actor: Actor,
  lock: LockForCodes,
  plan: DoorPlan,
  now: Date,
  options: { tell: boolean },
): Promise<StaffCodeChanges> {
  if (isEmpty(plan)) return NO_CHANGES;
  // Codes that ended up with digits other than the person's: they are told.
  const ownDigits: StaffDigits[] = [];
  if (plan.deletes.length > 0) {
    const rows = await tx
      .select({
        id: accessCodes.id,
        organizationId: accessCodes.organizationId,
        deviceId: accessCodes.deviceId,
        status: accessCodes.status,
        revision: accessCodes.revision,
      })
      .from(accessCodes)
      .where(inArray(accessCodes.id, plan.deletes))
      .for('update');
    await markDeleted(tx, rows, actor.userId, now, { reason: 'staff_window_gone' });
  }
  const live = await liveCodesOn(tx, [lock.id]);
  const ownCodes = (person: string) => [
    staffHoldId(person),
    ...live.filter((c) => c.staffMemberId === person).map((c) => c.id),
  ];

  for (const move of plan.moves) {
    const [current] = await tx
      .select()
      .from(accessCodes)
      .where(eq(accessCodes.id, move.id))
      .for('update');
    if (!current?.code) continue;
    const others = live.filter((c) => c.staffMemberId !== move.staffMemberId);
    // A window moved onto another code's time with the same digits takes this door's own.
    const blocked = clashesOn(lock, current.code, move.interval, others, []).some(
      (c) => c.hold || c.staffMemberId || !hidesDigits(c),
    );
    const code = blocked
      ? await digitsOnDoor(
          tx,
          actor,
          { staffMemberId: move.staffMemberId, code: current.code },
          lock,
          move.interval,
          live,
          now,
        )
      : undefined;
    const row = await applyCodeChange(
      tx,
      actor,
      current,
      { ...move.interval, name: move.name, ...(code ? { code } : {}) },
      now,
      { ignoreIds: ownCodes(move.staffMemberId) },
    );
    const at = live.findIndex((c) => c.id === row.id);
    if (at >= 0) live[at] = { ...live[at], ...row, hold: false } as LiveCode;
    if (row.code) ownDigits.push({ staffMemberId: move.staffMemberId, code: row.code });
  }

  const policy = policyFor(lock, lock.leadMinutes);
  const inserts: NewCode[] = [];
  for (const { need, interval } of plan.inserts) {
    const digits = await digitsOnDoor(tx, actor, need, lock, interval, live, now);
    if (digits !== need.code) ownDigits.push({ staffMemberId: need.staffMemberId, code: digits });
    inserts.push({
      organizationId: lock.organizationId,
      deviceId: lock.id,
      staffMemberId: need.staffMemberId,
      type: 'time_bound',
      code: digits,
      name: need.name,
      ...interval,
      nextAttemptAt: firstAttemptAt({ type: 'time_bound', ...interval }, policy, now),
      createdByUserId: actor.userId,
      createdAt: now,
    });
    // The next window's digits are chosen knowing this one's (one statement writes them all).
    live.push({
      id: `${PENDING}${inserts.length}`,
      deviceId: lock.id,
      code: digits,
      type: 'time_bound',
      reservationId: null,
      ...interval,
      isBackup: false,
      pulledAt: null,
      isPermanentBackup: false,
      staffMemberId: need.staffMemberId,
      organizationId: lock.organizationId,
      status: 'unset',
      revision: 0,
      hold: false,
    });
  }
  await insertCodes(tx, inserts, actor.userId);
  if (options.tell) await tellOwnDigits(tx, actor, lock, ownDigits, now);
  return { created: plan.inserts.length, moved: plan.moves.length, deleted: plan.deletes.length };
}

/**
 * Tell each person whose code on `lock` now has digits other than theirs
 * (the lock cannot take theirs, or another code holds them there): the
 * message lists each door's digits, and its cause names the door and the
 * digits, so the same digits on the same door are told once.
 */
async function tellOwnDigits(
  tx: Executor,
  actor: Actor,
  lock: LockForCodes,
  changed: StaffDigits[],
  now: Date,
): Promise<void> {
  if (changed.length === 0) return;
  const people = await tx
    .select()
    .from(staffMembers)
    .where(
      inArray(
        staffMembers.id,
        changed.map((c) => c.staffMemberId),
      ),
    );
  const told = new Set<string>();
  for (const { staffMemberId, code } of changed) {
    const person = people.find((p) => p.id === staffMemberId);
    const cause = `door:${lock.id}:${code}`;
    if (
      !person ||
      person.removedAt ||
      person.code === code ||
      told.has(`${staffMemberId}|${cause}`)
    )
      continue;
    told.add(`${staffMemberId}|${cause}`);
    await messageStaffMember(tx, actor, person, cause, now);
  }
}

const byDevice = <T extends { deviceId: string }>(rows: T[]) => {
  const map = new Map<string, T[]>();
  for (const row of rows) map.set(row.deviceId, [...(map.get(row.deviceId) ?? []), row]);
  return map;
};

/**
 * The tick's step: every organization's staff codes brought to the plan
 * over the coming `STAFF_HORIZON_MS`. Nothing to change writes nothing: the
 * plan and the live codes are read once, and only a lock that differs gets a
 * transaction, which takes the lock's code changes (as every code write does)
 * and plans and diffs again from what it finds, so two ticks at once never
 * make a code twice and a person changed meanwhile is never planned from the
 * first read.
 */
export async function programStaffCodes(db: Db, now: Date): Promise<StaffCodeChanges> {
  const horizonEnd = new Date(now.getTime() + STAFF_HORIZON_MS);
  const needs = await loadStaffPlan(db, {}, now, horizonEnd);
  const codes = await liveStaffCodes(db, {});
  const needsOn = byDevice(needs);
  const codesOn = byDevice(codes);
  const locks = await locksById(db, [...new Set([...needsOn.keys(), ...codesOn.keys()])]);
  let changes = NO_CHANGES;
  for (const lock of locks.values()) {
    const wanted = needsOn.get(lock.id) ?? [];
    if (isEmpty(planDoor(lock, wanted, codesOn.get(lock.id) ?? [], now))) continue;
    try {
      const done = await db.transaction(async (tx) => {
        await lockCodeChanges(tx, [lock.id]);
        const fresh = await liveStaffCodes(tx, { deviceIds: [lock.id] });
        // The plan again, for this lock's people, now that the lock is ours: a
        // person changed since the first read (windows, doors, a group's
        // locks, removed) is planned from what they are now, never from the
        // read before — whatever the two instances' clocks say.
        const people = [
          ...new Set([
            ...wanted.map((n) => n.staffMemberId),
            ...fresh.flatMap((c) => (c.staffMemberId ? [c.staffMemberId] : [])),
          ]),
        ];
        const current = (
          await loadStaffPlan(tx, { staffMemberIds: people }, now, horizonEnd)
        ).filter((n) => n.deviceId === lock.id);
        const plan = planDoor(lock, current, fresh, now);
        return applyDoor(tx, keyholdActor(lock.organizationId), lock, plan, now, { tell: true });
      });
      changes = add(changes, done);
    } catch (error) {
      // This lock's staff codes wait for the next tick; the other locks go on.
      logger().error({ err: error, deviceId: lock.id }, 'programming staff codes failed');
    }
  }
  return changes;
}

/**
 * One person's codes brought to their plan, in the caller's transaction (a
 * person added, changed or given new digits): their doors before and after.
 * `tell`: message the person about a door given digits of its own (off when
 * the caller messages them everything anyway).
 */
export async function syncStaffMemberCodes(
  tx: Executor,
  actor: Actor,
  staffMemberId: string,
  now: Date,
  options: { tell: boolean } = { tell: true },
): Promise<StaffCodeChanges> {
  const needs = await loadStaffPlan(
    tx,
    { organizationId: actor.organizationId, staffMemberIds: [staffMemberId] },
    now,
    new Date(now.getTime() + STAFF_HORIZON_MS),
  );
  const before = await liveStaffCodes(tx, { people: [staffMemberId] });
  const deviceIds = [...new Set([...needs, ...before].map((r) => r.deviceId))];
  await lockCodeChanges(tx, deviceIds);
  const codes = byDevice(await liveStaffCodes(tx, { people: [staffMemberId] }));
  const needsOn = byDevice(needs);
  let changes = NO_CHANGES;
  for (const lock of (await locksById(tx, deviceIds)).values()) {
    if (lock.organizationId !== actor.organizationId) continue;
    const plan = planDoor(lock, needsOn.get(lock.id) ?? [], codes.get(lock.id) ?? [], now);
    changes = add(changes, await applyDoor(tx, actor, lock, plan, now, options));
  }
  return changes;
}

/**
 * New digits on every live, not yet ended code of a person's (a rotation):
 * `code` where each lock takes it, a door's own where not. The locks get
 * them at the next tick (`applyCodeChange` reprograms a code on its lock).
 */
export async function recodeStaffMember(
  tx: Executor,
  actor: Actor,
  person: StaffDigits,
  now: Date,
): Promise<void> {
  const mine = and(
    eq(accessCodes.staffMemberId, person.staffMemberId),
    eq(accessCodes.organizationId, actor.organizationId),
    gte(accessCodes.endsAt, now),
    isLive.sql(),
  );
  // The locks first, then the rows: the order every code change takes them in.
  const where = await tx
    .selectDistinct({ deviceId: accessCodes.deviceId })
    .from(accessCodes)
    .where(mine);
  const deviceIds = where.map((r) => r.deviceId);
  await lockCodeChanges(tx, deviceIds);
  const codes = await tx.select().from(accessCodes).where(mine).for('update');
  const locks = await locksById(tx, deviceIds);
  for (const [deviceId, mine] of byDevice(codes)) {
    const lock = locks.get(deviceId);
    if (!lock) continue;
    const live = await liveCodesOn(tx, [deviceId]);
    for (const current of mine) {
      if (!current.startsAt || !current.endsAt || current.endsAt <= now) continue;
      const window = { startsAt: current.startsAt, endsAt: current.endsAt };
      const code = await digitsOnDoor(tx, actor, person, lock, window, live, now);
      const row = await applyCodeChange(tx, actor, current, { code }, now, {
        ignoreIds: [staffHoldId(person.staffMemberId), ...mine.map((c) => c.id)],
      });
      const at = live.findIndex((c) => c.id === row.id);
      if (at >= 0) live[at] = { ...live[at], ...row, hold: false } as LiveCode;
    }
  }
}
