import { and, asc, eq, inArray, isNull, or } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  accessCodes,
  devices,
  lockGroupDevices,
  lockGroups,
  organizations,
  properties,
  type StaffRole,
  staffAccess,
  staffMembers,
  staffWindows,
} from '@/db/schema';
import {
  type CodeStatusWords,
  codeStatusColumns,
  codeStatusOf,
} from '@/lib/access-codes/code-status';
import { isLive } from '@/lib/access-codes/predicates';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { type Entry, listStaffEntries } from '@/lib/lock-events/entries';
import { formatZoned, localDateTimeParts, toIso } from '@/lib/time';
import { describeWindow, describeWindows, ROLE_LABELS } from './describe';
import { loadStaffPlan, windowRule } from './plan';
import type { StaffWindowRule } from './windows';

/**
 * Reading people: the staff list and a person's page (owners and admins,
 * digits included), and who may open a lock (anyone who reads locks: the
 * front desk sees who and when, never the digits).
 */

/** How far ahead the staff list looks for each person's next window. */
const NEXT_WINDOW_DAYS = 14;
const DAY = 86_400_000;

/**
 * The organization's active locks among these doors: locks by id, every
 * lock of these groups, and the doors of these people (directly or through
 * a group).
 */
export async function doorLockIds(
  db: Executor,
  organizationId: string,
  doors: { deviceIds?: string[]; groupIds?: string[]; staffMemberIds?: string[] },
): Promise<string[]> {
  let deviceIds = doors.deviceIds ?? [];
  let groupIds = doors.groupIds ?? [];
  if (doors.staffMemberIds && doors.staffMemberIds.length > 0) {
    const access = await db
      .select({ deviceId: staffAccess.deviceId, groupId: staffAccess.groupId })
      .from(staffAccess)
      .where(
        and(
          inArray(staffAccess.staffMemberId, doors.staffMemberIds),
          eq(staffAccess.organizationId, organizationId),
        ),
      );
    deviceIds = [...deviceIds, ...access.flatMap((a) => (a.deviceId ? [a.deviceId] : []))];
    groupIds = [...groupIds, ...access.flatMap((a) => (a.groupId ? [a.groupId] : []))];
  }
  if (deviceIds.length + groupIds.length === 0) return [];
  const rows = await db
    .selectDistinct({ id: devices.id })
    .from(devices)
    .leftJoin(
      lockGroupDevices,
      and(
        eq(lockGroupDevices.deviceId, devices.id),
        eq(lockGroupDevices.organizationId, devices.organizationId),
      ),
    )
    .where(
      and(
        eq(devices.organizationId, organizationId),
        eq(devices.status, 'active'),
        or(
          deviceIds.length > 0 ? inArray(devices.id, deviceIds) : undefined,
          groupIds.length > 0 ? inArray(lockGroupDevices.groupId, groupIds) : undefined,
        ),
      ),
    );
  return rows.map((r) => r.id).sort();
}

/** People's windows as rules (./windows), in the order they were written. */
export async function windowRules(
  db: Executor,
  staffMemberIds: string[],
): Promise<Map<string, StaffWindowRule[]>> {
  const rules = new Map<string, StaffWindowRule[]>();
  if (staffMemberIds.length === 0) return rules;
  const rows = await db
    .select()
    .from(staffWindows)
    .where(inArray(staffWindows.staffMemberId, staffMemberIds))
    .orderBy(asc(staffWindows.createdAt), asc(staffWindows.id));
  for (const w of rows) {
    const rule = windowRule(w);
    if (rule) rules.set(w.staffMemberId, [...(rules.get(w.staffMemberId) ?? []), rule]);
  }
  return rules;
}

/** The names of people's doors: their locks, then their groups, each by name. */
async function doorNames(
  db: Executor,
  organizationId: string,
  staffMemberIds: string[],
): Promise<Map<string, { deviceIds: string[]; groupIds: string[]; names: string[] }>> {
  const doors = new Map<string, { deviceIds: string[]; groupIds: string[]; names: string[] }>();
  if (staffMemberIds.length === 0) return doors;
  const rows = await db
    .select({
      staffMemberId: staffAccess.staffMemberId,
      deviceId: staffAccess.deviceId,
      groupId: staffAccess.groupId,
      lockName: devices.name,
      groupName: lockGroups.name,
    })
    .from(staffAccess)
    .leftJoin(
      devices,
      and(eq(devices.id, staffAccess.deviceId), eq(devices.organizationId, organizationId)),
    )
    .leftJoin(
      lockGroups,
      and(eq(lockGroups.id, staffAccess.groupId), eq(lockGroups.organizationId, organizationId)),
    )
    .where(
      and(
        inArray(staffAccess.staffMemberId, staffMemberIds),
        eq(staffAccess.organizationId, organizationId),
      ),
    );
  const byName = (a: string, b: string) => a.localeCompare(b, 'en', { numeric: true });
  for (const id of staffMemberIds) {
    const mine = rows.filter((r) => r.staffMemberId === id);
    const locks = mine.filter((r) => r.deviceId && r.lockName);
    const groups = mine.filter((r) => r.groupId && r.groupName);
    doors.set(id, {
      deviceIds: locks.map((r) => r.deviceId ?? ''),
      groupIds: groups.map((r) => r.groupId ?? ''),
      names: [
        ...locks.map((r) => r.lockName ?? '').sort(byName),
        ...groups.map((r) => r.groupName ?? '').sort(byName),
      ],
    });
  }
  return doors;
}

export type StaffListItem = {
  id: string;
  name: string;
  role: StaffRole;
  roleLabel: string;
  email: string | null;
  phone: string | null;
  /** Lock and group names. */
  doors: string[];
  windows: string;
  /** "Sat 28 Nov 2026, 09:00 EST", "Now, until …", or null when none is due within two weeks. */
  nextWindow: string | null;
};

/** The organization's current people, by name, with their doors, windows and next window. */
export async function listStaffMembers(
  db: Executor,
  actor: Actor,
  now: Date,
): Promise<StaffListItem[]> {
  assertCan(actor, 'staff.manage', 'StaffMember');
  const people = await db
    .select()
    .from(staffMembers)
    .where(
      and(eq(staffMembers.organizationId, actor.organizationId), isNull(staffMembers.removedAt)),
    )
    .orderBy(asc(staffMembers.name), asc(staffMembers.id));
  const ids = people.map((p) => p.id);
  const [doors, rules, needs] = await Promise.all([
    doorNames(db, actor.organizationId, ids),
    windowRules(db, ids),
    loadStaffPlan(
      db,
      { organizationId: actor.organizationId },
      now,
      new Date(now.getTime() + NEXT_WINDOW_DAYS * DAY),
    ),
  ]);
  const zones = await zonesOf(db, actor.organizationId, [...new Set(needs.map((n) => n.deviceId))]);
  return people.map((p) => {
    const next = needs
      .filter((n) => n.staffMemberId === p.id)
      .flatMap((n) =>
        n.intervals
          .filter((i) => i.endsAt > now)
          .map((i) => ({ ...i, zone: zones.get(n.deviceId) ?? 'UTC' })),
      )
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime())[0];
    return {
      id: p.id,
      name: p.name,
      role: p.role,
      roleLabel: ROLE_LABELS[p.role],
      email: p.email,
      phone: p.phone,
      doors: doors.get(p.id)?.names ?? [],
      windows: describeWindows(rules.get(p.id) ?? []),
      nextWindow: next
        ? next.startsAt <= now
          ? `Now, until ${formatZoned(next.endsAt, next.zone)}`
          : formatZoned(next.startsAt, next.zone)
        : null,
    };
  });
}

async function zonesOf(
  db: Executor,
  organizationId: string,
  deviceIds: string[],
): Promise<Map<string, string>> {
  if (deviceIds.length === 0) return new Map();
  const rows = await db
    .select({ id: devices.id, zone: properties.timeZone })
    .from(devices)
    .innerJoin(
      properties,
      and(
        eq(properties.id, devices.propertyId),
        eq(properties.organizationId, devices.organizationId),
      ),
    )
    .where(and(inArray(devices.id, deviceIds), eq(devices.organizationId, organizationId)));
  return new Map(rows.map((r) => [r.id, r.zone]));
}

export type StaffLockCode = {
  id: string;
  startsAt: string | null;
  endsAt: string | null;
  /** "Thu 26 Nov 2026, 07:30 EST – 17:30", in the door's zone. */
  window: string;
  code: string | null;
  state: CodeStatusWords;
};

export type StaffLock = {
  deviceId: string;
  name: string;
  propertyName: string | null;
  timeZone: string;
  /** The digits this door has instead of the person's, when it has its own. */
  otherDigits: string | null;
  codes: StaffLockCode[];
};

export type StaffMemberDetail = {
  id: string;
  name: string;
  role: StaffRole;
  roleLabel: string;
  email: string | null;
  phone: string | null;
  /** The person's digits: for owners and admins, never the front desk. */
  code: string;
  codeRotatedAt: string | null;
  removed: boolean;
  deviceIds: string[];
  groupIds: string[];
  doors: string[];
  windows: StaffWindowRule[];
  windowWords: string[];
  /** Every lock the person opens, with their codes there and where each stands. */
  locks: StaffLock[];
  /** Newest first. */
  entries: Entry[];
};

/** "Thu 26 Nov 2026, 07:30 EST – 17:30" (the end's date too when it is another day). */
function spanWords(startsAt: Date | null, endsAt: Date | null, zone: string): string {
  if (!startsAt || !endsAt) return 'No end';
  const sameDay = localDateTimeParts(startsAt, zone).date === localDateTimeParts(endsAt, zone).date;
  return `${formatZoned(startsAt, zone)} – ${sameDay ? localDateTimeParts(endsAt, zone).time : formatZoned(endsAt, zone)}`;
}

/** One person of the actor's organization, with the digits, for owners and admins. */
export async function getStaffMember(
  db: Executor,
  actor: Actor,
  staffMemberId: string,
  now: Date,
): Promise<StaffMemberDetail> {
  assertCan(actor, 'staff.manage', 'StaffMember');
  parseId('StaffMember', staffMemberId);
  const [person] = await db
    .select()
    .from(staffMembers)
    .where(
      and(
        eq(staffMembers.id, staffMemberId),
        eq(staffMembers.organizationId, actor.organizationId),
      ),
    );
  if (!person) throw AppError.notFound('StaffMember');
  const [doors, rules, lockIds, [org]] = await Promise.all([
    doorNames(db, actor.organizationId, [person.id]),
    windowRules(db, [person.id]),
    person.removedAt
      ? Promise.resolve([])
      : doorLockIds(db, actor.organizationId, { staffMemberIds: [person.id] }),
    db
      .select({ lead: organizations.programmingLeadMinutes, zone: organizations.timeZone })
      .from(organizations)
      .where(eq(organizations.id, actor.organizationId)),
  ]);
  const codes = await db
    .select({
      ...codeStatusColumns,
      id: accessCodes.id,
      deviceId: accessCodes.deviceId,
      code: accessCodes.code,
    })
    .from(accessCodes)
    .innerJoin(devices, eq(devices.id, accessCodes.deviceId))
    .where(
      and(
        eq(accessCodes.staffMemberId, person.id),
        eq(accessCodes.organizationId, actor.organizationId),
        isLive.sql(),
      ),
    )
    .orderBy(asc(accessCodes.startsAt), asc(accessCodes.id));
  const allLockIds = [...new Set([...lockIds, ...codes.map((c) => c.deviceId)])];
  const locks =
    allLockIds.length === 0
      ? []
      : await db
          .select({
            id: devices.id,
            name: devices.name,
            propertyName: properties.name,
            zone: properties.timeZone,
          })
          .from(devices)
          .leftJoin(
            properties,
            and(
              eq(properties.id, devices.propertyId),
              eq(properties.organizationId, devices.organizationId),
            ),
          )
          .where(
            and(inArray(devices.id, allLockIds), eq(devices.organizationId, actor.organizationId)),
          );
  const mine = doors.get(person.id);
  const personRules = rules.get(person.id) ?? [];
  return {
    id: person.id,
    name: person.name,
    role: person.role,
    roleLabel: ROLE_LABELS[person.role],
    email: person.email,
    phone: person.phone,
    code: person.code,
    codeRotatedAt: toIso(person.codeRotatedAt),
    removed: person.removedAt !== null,
    deviceIds: mine?.deviceIds ?? [],
    groupIds: mine?.groupIds ?? [],
    doors: mine?.names ?? [],
    windows: personRules,
    windowWords: personRules.map(describeWindow),
    locks: locks
      .map((lock) => {
        const zone = lock.zone ?? org?.zone ?? 'UTC';
        const onLock = codes.filter((c) => c.deviceId === lock.id);
        return {
          deviceId: lock.id,
          name: lock.name,
          propertyName: lock.propertyName,
          timeZone: zone,
          otherDigits: onLock.find((c) => c.code !== person.code)?.code ?? null,
          codes: onLock.map((c) => ({
            id: c.id,
            startsAt: toIso(c.startsAt),
            endsAt: toIso(c.endsAt),
            window: spanWords(c.startsAt, c.endsAt, zone),
            code: c.code,
            state: codeStatusOf(c, org?.lead ?? 30, zone, now),
          })),
        };
      })
      .sort((a, b) => a.name.localeCompare(b.name, 'en', { numeric: true })),
    entries: await listStaffEntries(db, actor.organizationId, person.id, now),
  };
}

export type StaffWithAccess = {
  name: string;
  role: StaffRole;
  roleLabel: string;
  /** "Mon–Fri 07:30–17:30". */
  windows: string;
};

/**
 * Who may open a lock, and when: the current people with access to it,
 * directly or through a group. No digits: anyone who reads locks sees this.
 */
export async function staffWithAccess(
  db: Executor,
  actor: Actor,
  deviceId: string,
): Promise<StaffWithAccess[]> {
  assertCan(actor, 'locks.read', 'Device');
  parseId('Device', deviceId);
  const [lock] = await db
    .select({ id: devices.id })
    .from(devices)
    .where(and(eq(devices.id, deviceId), eq(devices.organizationId, actor.organizationId)));
  if (!lock) throw AppError.notFound('Device');
  const people = await db
    .selectDistinct({ id: staffMembers.id, name: staffMembers.name, role: staffMembers.role })
    .from(staffMembers)
    .innerJoin(
      staffAccess,
      and(
        eq(staffAccess.staffMemberId, staffMembers.id),
        eq(staffAccess.organizationId, staffMembers.organizationId),
      ),
    )
    .leftJoin(
      lockGroupDevices,
      and(
        eq(lockGroupDevices.groupId, staffAccess.groupId),
        eq(lockGroupDevices.organizationId, staffAccess.organizationId),
      ),
    )
    .where(
      and(
        eq(staffMembers.organizationId, actor.organizationId),
        isNull(staffMembers.removedAt),
        or(eq(staffAccess.deviceId, deviceId), eq(lockGroupDevices.deviceId, deviceId)),
      ),
    );
  const rules = await windowRules(
    db,
    people.map((p) => p.id),
  );
  return people
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id))
    .map((p) => ({
      name: p.name,
      role: p.role,
      roleLabel: ROLE_LABELS[p.role],
      windows: describeWindows(rules.get(p.id) ?? []),
    }));
}

export type DoorChoices = {
  propertyId: string;
  propertyName: string;
  locks: { id: string; name: string }[];
  groups: { id: string; name: string }[];
}[];

/** The locks and lock groups a person can be given, by property, for the staff form. */
export async function staffDoorChoices(db: Executor, actor: Actor): Promise<DoorChoices> {
  assertCan(actor, 'staff.manage', 'StaffMember');
  const [props, locks, groups] = await Promise.all([
    db
      .select({ id: properties.id, name: properties.name })
      .from(properties)
      .where(eq(properties.organizationId, actor.organizationId))
      .orderBy(asc(properties.name), asc(properties.id)),
    db
      .select({ id: devices.id, name: devices.name, propertyId: devices.propertyId })
      .from(devices)
      .where(and(eq(devices.organizationId, actor.organizationId), eq(devices.status, 'active'))),
    db
      .select({ id: lockGroups.id, name: lockGroups.name, propertyId: lockGroups.propertyId })
      .from(lockGroups)
      .where(eq(lockGroups.organizationId, actor.organizationId)),
  ]);
  const byName = (a: { name: string }, b: { name: string }) =>
    a.name.localeCompare(b.name, 'en', { numeric: true });
  return props
    .map((p) => ({
      propertyId: p.id,
      propertyName: p.name,
      locks: locks
        .filter((l) => l.propertyId === p.id)
        .sort(byName)
        .map(({ id, name }) => ({ id, name })),
      groups: groups
        .filter((g) => g.propertyId === p.id)
        .sort(byName)
        .map(({ id, name }) => ({ id, name })),
    }))
    .filter((p) => p.locks.length + p.groups.length > 0);
}
