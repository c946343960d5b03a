import { and, eq, gte, inArray, isNull, lte, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  devices,
  lockGroupDevices,
  properties,
  reservationDevices,
  reservations,
  type StaffRole,
  type StaffWindow as StaffWindowRow,
  staffAccess,
  staffMembers,
  staffWindows,
} from '@/db/schema';
import {
  type Interval,
  mergeIntervals,
  type StaffWindowRule,
  staffIntervals,
  TURNOVER_LOOKAHEAD_DAYS,
} from './windows';

/**
 * Which doors each person needs open, and when, over [from, to): their
 * windows (./windows) on each active lock they were given directly or
 * through a group, in that lock's property zone, turnovers from the stays on
 * their rooms. The one loader behind the tick's staff codes and the slot
 * forecast, so both count the same windows.
 */

export type StaffNeed = {
  staffMemberId: string;
  organizationId: string;
  name: string;
  role: StaffRole;
  /** The person's digits (for programming; never shown to the front desk). */
  code: string;
  deviceId: string;
  /** Merged, overlapping [from, to). */
  intervals: Interval[];
};

export type StaffPlanScope = {
  /** One organization's people; all organizations' when left out (the tick). */
  organizationId?: string;
  staffMemberIds?: string[];
};

const DAY = 24 * 60 * 60 * 1000;

/** A `staff_windows` row as its rule (./windows), times as HH:MM; a weekly row missing a part is none. */
export function windowRule(w: StaffWindowRow): StaffWindowRule | null {
  if (w.kind === 'weekly') {
    return w.days && w.startTime && w.endTime
      ? {
          kind: 'weekly',
          days: w.days,
          startTime: w.startTime.slice(0, 5),
          endTime: w.endTime.slice(0, 5),
        }
      : null;
  }
  return {
    kind: 'turnover',
    opensAfterCheckOutMinutes: w.opensAfterCheckOutMinutes,
    closesBeforeCheckInMinutes: w.closesBeforeCheckInMinutes,
  };
}

export async function loadStaffPlan(
  db: Executor,
  scope: StaffPlanScope,
  from: Date,
  to: Date,
): Promise<StaffNeed[]> {
  const people = await db
    .select({
      id: staffMembers.id,
      organizationId: staffMembers.organizationId,
      name: staffMembers.name,
      role: staffMembers.role,
      code: staffMembers.code,
    })
    .from(staffMembers)
    .where(
      and(
        isNull(staffMembers.removedAt),
        scope.organizationId ? eq(staffMembers.organizationId, scope.organizationId) : undefined,
        scope.staffMemberIds ? inArray(staffMembers.id, scope.staffMemberIds) : undefined,
      ),
    );
  if (people.length === 0) return [];
  const ids = people.map((p) => p.id);

  const [windows, direct, viaGroups] = await Promise.all([
    db.select().from(staffWindows).where(inArray(staffWindows.staffMemberId, ids)),
    db
      .select({ staffMemberId: staffAccess.staffMemberId, deviceId: staffAccess.deviceId })
      .from(staffAccess)
      .where(inArray(staffAccess.staffMemberId, ids)),
    db
      .select({ staffMemberId: staffAccess.staffMemberId, deviceId: lockGroupDevices.deviceId })
      .from(staffAccess)
      .innerJoin(
        lockGroupDevices,
        and(
          eq(lockGroupDevices.groupId, staffAccess.groupId),
          eq(lockGroupDevices.organizationId, staffAccess.organizationId),
        ),
      )
      .where(inArray(staffAccess.staffMemberId, ids)),
  ]);

  const doorsOf = new Map<string, Set<string>>();
  for (const row of [...direct, ...viaGroups]) {
    if (!row.deviceId) continue;
    const set = doorsOf.get(row.staffMemberId) ?? new Set<string>();
    set.add(row.deviceId);
    doorsOf.set(row.staffMemberId, set);
  }
  const deviceIds = [...new Set([...doorsOf.values()].flatMap((s) => [...s]))];
  if (deviceIds.length === 0) return [];

  const doors = await db
    .select({
      id: devices.id,
      organizationId: devices.organizationId,
      propertyId: devices.propertyId,
      commonDoor: devices.commonDoor,
      commonDoorGroupId: devices.commonDoorGroupId,
      zone: properties.timeZone,
    })
    .from(devices)
    .innerJoin(
      properties,
      and(
        eq(properties.id, devices.propertyId),
        eq(properties.organizationId, devices.organizationId),
      ),
    )
    // One parameter for any number of doors (a list of thousands is slow to build and send).
    .where(
      and(
        sql`${devices.id} in (select jsonb_array_elements_text(${JSON.stringify(deviceIds)}::jsonb)::uuid)`,
        eq(devices.status, 'active'),
      ),
    );
  const doorById = new Map(doors.map((d) => [d.id, d]));

  // Turnovers need the stays on people's rooms (their own links, not common doors').
  const wantsTurnover = windows.some((w) => w.kind === 'turnover');
  const staysByRoom = new Map<string, Interval[]>();
  const groupsOfRoom = new Map<string, Set<string>>();
  if (wantsTurnover) {
    const rooms = doors.filter((d) => !d.commonDoor).map((d) => d.id);
    const [stays, memberships] = await Promise.all([
      rooms.length === 0
        ? []
        : db
            .select({
              deviceId: reservationDevices.deviceId,
              startsAt: reservations.startsAt,
              endsAt: reservations.endsAt,
            })
            .from(reservationDevices)
            .innerJoin(
              reservations,
              and(
                eq(reservations.id, reservationDevices.reservationId),
                eq(reservations.organizationId, reservationDevices.organizationId),
              ),
            )
            .where(
              and(
                inArray(reservationDevices.deviceId, rooms),
                eq(reservationDevices.viaCommonDoor, false),
                eq(reservations.status, 'confirmed'),
                gte(reservations.endsAt, new Date(from.getTime() - TURNOVER_LOOKAHEAD_DAYS * DAY)),
                lte(reservations.startsAt, new Date(to.getTime() + TURNOVER_LOOKAHEAD_DAYS * DAY)),
              ),
            ),
      rooms.length === 0
        ? []
        : db
            .select({ deviceId: lockGroupDevices.deviceId, groupId: lockGroupDevices.groupId })
            .from(lockGroupDevices)
            .where(inArray(lockGroupDevices.deviceId, rooms)),
    ]);
    for (const s of stays) {
      const list = staysByRoom.get(s.deviceId) ?? [];
      list.push({ startsAt: s.startsAt, endsAt: s.endsAt });
      staysByRoom.set(s.deviceId, list);
    }
    for (const m of memberships) {
      const set = groupsOfRoom.get(m.deviceId) ?? new Set<string>();
      set.add(m.groupId);
      groupsOfRoom.set(m.deviceId, set);
    }
  }

  const rulesOf = new Map<string, StaffWindowRule[]>();
  for (const w of windows) {
    const rule = windowRule(w);
    if (rule) rulesOf.set(w.staffMemberId, [...(rulesOf.get(w.staffMemberId) ?? []), rule]);
  }

  const needs: StaffNeed[] = [];
  // Weekly windows are the same on every door of one zone, and for everyone
  // on the same schedule: worked out once per schedule and zone (zoned dates
  // are costly; a cleaner may have hundreds of doors), turnovers per door.
  const weeklyOf = new Map<string, Interval[]>();
  for (const person of people) {
    const rules = rulesOf.get(person.id) ?? [];
    if (rules.length === 0) continue;
    const weeklyRules = rules.filter((r) => r.kind === 'weekly');
    const turnoverRules = rules.filter((r) => r.kind === 'turnover');
    const mine = [...(doorsOf.get(person.id) ?? [])]
      .map((id) => doorById.get(id))
      .filter((d) => d !== undefined && d.organizationId === person.organizationId);
    for (const door of mine) {
      if (!door) continue;
      // A room turns over with its own stays; a common door with each of the
      // person's rooms it serves (its property's, or its group's).
      const turnoverRooms = door.commonDoor
        ? mine
            .filter(
              (room) =>
                room !== undefined &&
                !room.commonDoor &&
                room.propertyId === door.propertyId &&
                (!door.commonDoorGroupId ||
                  (groupsOfRoom.get(room.id)?.has(door.commonDoorGroupId) ?? false)),
            )
            .map((room) => staysByRoom.get(room?.id ?? '') ?? [])
        : [staysByRoom.get(door.id) ?? []];
      const key = `${door.zone}|${JSON.stringify(weeklyRules)}`;
      let weekly = weeklyOf.get(key);
      if (!weekly) {
        weekly = staffIntervals(weeklyRules, { zone: door.zone, turnoverRooms: [] }, from, to);
        weeklyOf.set(key, weekly);
      }
      const intervals =
        turnoverRules.length === 0
          ? weekly.map((i) => ({ ...i }))
          : mergeIntervals([
              ...weekly,
              ...staffIntervals(turnoverRules, { zone: door.zone, turnoverRooms }, from, to),
            ]);
      if (intervals.length === 0) continue;
      needs.push({
        staffMemberId: person.id,
        organizationId: person.organizationId,
        name: person.name,
        role: person.role,
        code: person.code,
        deviceId: door.id,
        intervals,
      });
    }
  }
  return needs;
}
