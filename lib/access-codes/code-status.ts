import { sql } from 'drizzle-orm';
import { accessCodes, devices } from '@/db/schema';
import { type CodeForStatus, type CodeStatusWords, describeCodeStatus } from './describe';

export type { CodeStatusWords };

/**
 * What every page selects to word a code's state (`describeCodeStatus`): the
 * code's columns the rules read, and its lock's name, connection and whether
 * it keeps schedules. Spread into a query that joins `devices` on the code.
 */
/** The code's own columns the words read. */
export const codeFactColumns = {
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
};

export const codeStatusColumns = {
  ...codeFactColumns,
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

/**
 * The same facts as `codeStatusColumns`, as one JSON object per code for a
 * raw subquery that aggregates codes (`c` the code, `d` its lock).
 */
export const codeStatusJson = sql`json_build_object(
  'type', c.type, 'status', c.status, 'startsAt', c.starts_at, 'endsAt', c.ends_at,
  'errors', c.errors, 'warnings', c.warnings, 'desiredState', c.desired_state,
  'attempts', c.attempts, 'externalRef', c.external_ref, 'deletedAt', c.deleted_at,
  'lastAttemptAt', c.last_attempt_at, 'removedFromDeviceAt', c.removed_from_device_at,
  'isScheduledOnDevice', c.is_scheduled_on_device,
  'lockName', d.name, 'lockOnline', d.online, 'nativeScheduling', d.supports_native_scheduling)`;

type Json<T> = { [K in keyof T]: T[K] extends Date | null ? string | null : T[K] };

/** One object of `codeStatusJson` back as a row, its times as dates again. */
export function codeStatusFromJson(json: Json<CodeStatusRow>): CodeStatusRow {
  const at = (value: string | null) => (value === null ? null : new Date(value));
  return {
    ...json,
    startsAt: at(json.startsAt),
    endsAt: at(json.endsAt),
    deletedAt: at(json.deletedAt),
    lastAttemptAt: at(json.lastAttemptAt),
    removedFromDeviceAt: at(json.removedFromDeviceAt),
  };
}
