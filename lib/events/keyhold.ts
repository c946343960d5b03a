import { sql } from 'drizzle-orm';
import type { AccessCode } from '@/db/schema';
import type { NewEvent } from './store';
import type { CODE_EVENT_TYPES } from './types';

/**
 * Keyhold's own events (what it did to codes and learnt of locks), built in
 * one place so every writer names them, keys them and fills them alike. Each
 * is written with `recordEvents` in the transaction that makes it true.
 *
 * The dedupe key is `<event type>:<cause>`, and the cause names the moment
 * (when the tick recorded it, when the error was raised): a code set again
 * after a removal is a new event, the same write retried is not.
 */

export type CodeEventType = (typeof CODE_EVENT_TYPES)[number];

type CodeFacts = Pick<
  AccessCode,
  'id' | 'organizationId' | 'deviceId' | 'isBackup' | 'reservationId' | 'pulledForReservationId'
>;

/**
 * The stay a code opens the door for: its own, or for a pulled backup code the
 * one it was pulled for. `stayOfCodeSql` is the same rule over an
 * `access_codes` alias in a query (lock events are credited with it).
 */
export function stayOfCode(code: Pick<AccessCode, 'reservationId' | 'pulledForReservationId'>) {
  return code.reservationId ?? code.pulledForReservationId ?? null;
}
export const stayOfCodeSql = (alias: string) =>
  sql.raw(`coalesce(${alias}.reservation_id, ${alias}.pulled_for_reservation_id)`);

/**
 * An event about a code on its lock. `cause` makes it one happening (see the
 * module comment); `errorCode` says why a code failed. Never the digits.
 */
export function codeEvent(
  eventType: Exclude<CodeEventType, 'access_code.backup_access_code_pulled'>,
  code: CodeFacts,
  at: Date,
  cause: string,
  errorCode?: string,
): NewEvent {
  return {
    organizationId: code.organizationId,
    eventType,
    occurredAt: at,
    deviceId: code.deviceId,
    accessCodeId: code.id,
    reservationId: stayOfCode(code),
    detail: {
      is_backup_access_code: code.isBackup,
      ...(errorCode ? { error_code: errorCode } : {}),
    },
    dedupeKey: `${eventType}:${code.id}:${cause}`,
  };
}

/**
 * A backup code pulled for a guest's code: about the original code (as Seam
 * sends it), naming the backup. Keyed by the backup, so pulling again (which
 * returns the same backup) is not a second event.
 */
export function backupPulledEvent(
  original: CodeFacts,
  backupAccessCodeId: string,
  at: Date,
): NewEvent {
  const eventType = 'access_code.backup_access_code_pulled';
  return {
    organizationId: original.organizationId,
    eventType,
    occurredAt: at,
    deviceId: original.deviceId,
    accessCodeId: original.id,
    reservationId: stayOfCode(original),
    detail: { is_backup_access_code: false, backup_access_code_id: backupAccessCodeId },
    dedupeKey: `${eventType}:${original.id}:${backupAccessCodeId}`,
  };
}

/**
 * A lock's `online` flipped. `errorCode` says why a lock is gone: Seam's
 * `device_disconnected` when it stopped answering, `device_removed` when its
 * account no longer lists it.
 */
export function connectionEvent(
  device: { id: string; organizationId: string },
  online: boolean,
  at: Date,
  errorCode = 'device_disconnected',
): NewEvent {
  const eventType = online ? 'device.connected' : 'device.disconnected';
  return {
    organizationId: device.organizationId,
    eventType,
    occurredAt: at,
    deviceId: device.id,
    detail: online ? {} : { error_code: errorCode },
    dedupeKey: `${eventType}:${device.id}:${at.toISOString()}`,
  };
}
