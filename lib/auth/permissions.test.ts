import { describe, expect, it } from 'vitest';
import type { MemberRole } from '@/db/schema';
import { can, PERMISSIONS, type Permission } from './permissions';

// DESIGN.md "Who uses it", one row per permission: [admin, owner, front_desk].
const EXPECTED: Record<Permission, [boolean, boolean, boolean]> = {
  'locks.read': [true, true, true],
  'locks.manage': [true, true, false],
  'devices.replace': [true, false, false],
  'properties.manage': [true, true, false],
  'reservations.read': [true, true, true],
  'reservations.manage': [true, true, true],
  'sources.manage': [true, false, false],
  'codes.read': [true, true, true],
  'codes.manage': [true, true, true],
  'backup_codes.pull': [true, true, true],
  'backup_pools.manage': [true, true, false],
  'permanent_codes.manage': [true, true, false],
  'messages.send': [true, true, true],
  'alerts.read': [true, true, true],
  'alerts.acknowledge': [true, true, false],
  'members.manage': [true, false, false],
  'api_keys.manage': [true, false, false],
  'settings.manage': [true, false, false],
  'audit.read': [true, false, false],
  'staff.manage': [true, true, false],
  'sessions.own': [true, true, true],
};

const ROLES: MemberRole[] = ['admin', 'owner', 'front_desk'];

describe('can', () => {
  it('has an expectation for every permission', () => {
    expect(Object.keys(EXPECTED).sort()).toEqual([...PERMISSIONS].sort());
  });

  const cases = PERMISSIONS.flatMap((permission) =>
    ROLES.map((role, i) => ({ role, permission, allowed: EXPECTED[permission][i] })),
  );

  it.each(cases)('$role → $permission is $allowed', ({ role, permission, allowed }) => {
    expect(can(role, permission)).toBe(allowed);
  });
});
