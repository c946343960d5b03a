import type { MemberRole } from '@/db/schema';

/** Everything a member may be allowed to do. Checked in lib/, by every entry point. */
export const PERMISSIONS = [
  'locks.read',
  'locks.manage',
  'devices.replace',
  'properties.manage',
  'reservations.read',
  'reservations.manage',
  /** Add and read reservation sources (iCal feeds, webhooks, CSV imports): admins, beside Settings. */
  'sources.manage',
  'codes.read',
  'codes.manage',
  'backup_codes.pull',
  'backup_pools.manage',
  'permanent_codes.manage',
  'messages.send',
  'alerts.read',
  'alerts.acknowledge',
  'members.manage',
  'api_keys.manage',
  'settings.manage',
  'audit.read',
  /** Add, change, rotate and remove staff codes (cleaners, maintenance, owners): their digits never reach the front desk. */
  'staff.manage',
  /** See and end one's own sessions. */
  'sessions.own',
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const FRONT_DESK: readonly Permission[] = [
  'locks.read',
  'reservations.read',
  'reservations.manage',
  'codes.read',
  'codes.manage',
  'backup_codes.pull',
  'messages.send',
  'alerts.read',
  'sessions.own',
];

const OWNER: readonly Permission[] = [
  ...FRONT_DESK,
  'locks.manage',
  'properties.manage',
  'backup_pools.manage',
  'permanent_codes.manage',
  'alerts.acknowledge',
  'staff.manage',
];

/** DESIGN.md "Who uses it". Nobody, admins included, may read unpulled backup digits. */
const GRANTS: Record<MemberRole, ReadonlySet<Permission>> = {
  admin: new Set(PERMISSIONS),
  owner: new Set(OWNER),
  front_desk: new Set(FRONT_DESK),
};

export function can(role: MemberRole, permission: Permission): boolean {
  return GRANTS[role].has(permission);
}

export const ROLE_LABELS: Record<MemberRole, string> = {
  admin: 'Admin',
  owner: 'Owner',
  front_desk: 'Front desk',
};
