import { sql } from 'drizzle-orm';
import {
  check,
  index,
  integer,
  pgEnum,
  pgTable,
  text,
  time,
  timestamp,
  uuid,
} from 'drizzle-orm/pg-core';
import { createdAt, id, updatedAt } from './columns';
import { devices, lockGroups } from './devices';
import { organizations } from './organizations';

/**
 * People who are not guests and need doors opened on a schedule: cleaners,
 * maintenance, the owner (DESIGN.md "Common doors and staff codes"). Each has
 * one code; Keyhold puts it on their doors for each of their windows, as a
 * time-bound access code linked back here (`access_codes.staff_member_id`).
 */
export const staffRole = pgEnum('staff_role', ['cleaning', 'maintenance', 'owner', 'other']);

export const staffMembers = pgTable(
  'staff_members',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    role: staffRole('role').notNull(),
    email: text('email'),
    /** E.164. */
    phone: text('phone'),
    /** The person's digits, the same on every door whose lengths allow it. Never logged or shown to the front desk. */
    code: text('code').notNull(),
    codeRotatedAt: timestamp('code_rotated_at', { withTimezone: true }),
    /** Removed people keep their row for the history of their entries; their codes are ended. */
    removedAt: timestamp('removed_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('staff_members_organization_idx').on(t.organizationId, t.name)],
);

/** The doors a person may open: a lock, or every lock of a group. */
export const staffAccess = pgTable(
  'staff_access',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    staffMemberId: uuid('staff_member_id')
      .notNull()
      .references(() => staffMembers.id, { onDelete: 'cascade' }),
    deviceId: uuid('device_id').references(() => devices.id, { onDelete: 'cascade' }),
    groupId: uuid('group_id').references(() => lockGroups.id, { onDelete: 'cascade' }),
  },
  (t) => [
    index('staff_access_member_idx').on(t.staffMemberId),
    index('staff_access_device_idx').on(t.deviceId),
    index('staff_access_group_idx').on(t.groupId),
    check('staff_access_one_target', sql`(${t.deviceId} is null) <> (${t.groupId} is null)`),
  ],
);

/**
 * When a person's code works: `weekly` on the given days between two local
 * times in each door's property zone (an end at or before the start runs past
 * midnight), or `turnover` on a room from a stay's check-out to the next
 * check-in there, moved by the two margins.
 */
export const staffWindowKind = pgEnum('staff_window_kind', ['weekly', 'turnover']);

export const staffWindows = pgTable(
  'staff_windows',
  {
    id: id(),
    organizationId: uuid('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    staffMemberId: uuid('staff_member_id')
      .notNull()
      .references(() => staffMembers.id, { onDelete: 'cascade' }),
    kind: staffWindowKind('kind').notNull(),
    /** Weekly: ISO weekdays, 1 = Monday … 7 = Sunday. */
    days: integer('days').array(),
    /** Weekly: local wall-clock times, HH:MM. */
    startTime: time('start_time'),
    endTime: time('end_time'),
    /** Turnover: minutes after check-out the window opens (negative: before). */
    opensAfterCheckOutMinutes: integer('opens_after_check_out_minutes').notNull().default(0),
    /** Turnover: minutes before the next check-in the window closes (negative: after). */
    closesBeforeCheckInMinutes: integer('closes_before_check_in_minutes').notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index('staff_windows_member_idx').on(t.staffMemberId)],
);

export type StaffMember = typeof staffMembers.$inferSelect;
export type StaffWindow = typeof staffWindows.$inferSelect;
export type StaffRole = (typeof staffRole.enumValues)[number];
