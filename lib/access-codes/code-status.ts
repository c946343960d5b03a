import { accessCodes, devices } from '@/db/schema';
import { type CodeForStatus, type CodeStatusWords, describeCodeStatus } from './describe';

export type { CodeStatusWords };

/**
 * What every page selects to word a code's state (`describeCodeStatus`): the
 * code's columns the rules read, and its lock's name, connection and whether
 * it keeps schedules. Spread into a query that joins `devices` on the code.
 */
export const codeStatusColumns = {
  type: accessCodes.type,
  status: accessCodes.status,
  startsAt: accessCodes.startsAt,
  endsAt: accessCodes.endsAt,
  errors: accessCodes.errors,
  warnings: accessCodes.warnings,
  desiredState: accessCodes.desiredState,
  attempts: accessCodes.attempts,
  externalRef: accessCodes.externalRef,
  deletedAt: accessCodes.deletedAt,
  lastAttemptAt: accessCodes.lastAttemptAt,
  removedFromDeviceAt: accessCodes.removedFromDeviceAt,
  isScheduledOnDevice: accessCodes.isScheduledOnDevice,
  lockName: devices.name,
  lockOnline: devices.online,
  nativeScheduling: devices.supportsNativeScheduling,
};

export type CodeStatusRow = CodeForStatus & {
  lockName: string;
  lockOnline: boolean;
  nativeScheduling: boolean;
};

/** A selected row's words, with the organization's lead time and the property's zone. */
export function codeStatusOf(
  row: CodeStatusRow,
  leadMinutes: number,
  zone: string,
  now: Date,
): CodeStatusWords {
  return describeCodeStatus(
    row,
    {
      name: row.lockName,
      online: row.lockOnline,
      policy: { leadMinutes, nativeScheduling: row.nativeScheduling },
    },
    zone,
    now,
  );
}
