import type { Permission } from '@/lib/auth/permissions';

/**
 * What a member may choose to be told by email (issue 20 "Staff
 * notifications"). Plain data, no database: the Account page's form imports
 * it in the browser.
 */
export const NOTIFICATION_KINDS = [
  'arrival_at_risk',
  'code_failed_at_check_in',
  'backup_code_pulled',
  'entry_after_check_out',
  'lock_offline_before_arrival',
] as const;

export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export const NOTIFICATION_KIND_INFO: Record<
  NotificationKind,
  {
    label: string;
    description: string;
    /** A member whose role lacks it is never told, whatever they chose. */
    permission: Permission;
  }
> = {
  arrival_at_risk: {
    label: 'Arrival at risk',
    description:
      'A stay on Arrivals is at risk: as soon as it is known, and again 2 hours before check-in if it still is.',
    permission: 'reservations.read',
  },
  code_failed_at_check_in: {
    label: 'Code failed at check-in',
    description:
      'A guest code failed to go on its lock for a stay checking in within 24 hours or in the house.',
    permission: 'codes.read',
  },
  backup_code_pulled: {
    label: 'Backup code pulled',
    description: 'Someone pulled a backup code for a guest who could not get in.',
    permission: 'codes.read',
  },
  entry_after_check_out: {
    label: 'Entry after check-out',
    description: 'A door was opened with a guest code after its stay’s check-out.',
    permission: 'alerts.read',
  },
  lock_offline_before_arrival: {
    label: 'Lock offline before an arrival',
    description: 'A lock went offline with a guest checking in on it within 24 hours.',
    permission: 'alerts.read',
  },
};

export function isNotificationKind(value: string): value is NotificationKind {
  return (NOTIFICATION_KINDS as readonly string[]).includes(value);
}
