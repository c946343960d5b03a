import type { ActionAttempt, Device, Issue, KeyholdEvent, Property } from '@/db/schema';
import { shownStatus } from '@/lib/access-codes/predicates';
import type { AccessCodeListItem } from '@/lib/access-codes/reads';

/**
 * Keyhold's rows in Seam's shapes (reference/seam-api.md §1 and §3), field
 * names and all, so Seam's SDK and code written for it read them unchanged.
 */

type DeviceForCodes = Pick<Device, 'id' | 'errors'> & { availableBackups?: number };

const seamError = (issue: Issue, extra: Record<string, unknown>) => ({
  error_code: issue.code,
  message: issue.message,
  created_at: issue.createdAt,
  ...(issue.detail ?? {}),
  ...extra,
});

const seamWarning = (issue: Issue) => ({
  warning_code: issue.code,
  message: issue.message,
  created_at: issue.createdAt,
  ...(issue.detail ?? {}),
});

/** A code in Seam's shape, its status as shown at `now` (`shownStatus`). */
export function toSeamAccessCode(
  code: AccessCodeListItem,
  device: DeviceForCodes | undefined,
  now: Date,
) {
  const status = shownStatus.test(code, now);
  return {
    access_code_id: code.id,
    device_id: code.deviceId,
    workspace_id: code.organizationId,
    common_code_key: null,
    type: code.type,
    name: code.name,
    code: code.code,
    starts_at: code.startsAt?.toISOString(),
    ends_at: code.endsAt?.toISOString(),
    // `removed` is Keyhold's own: such codes are never listed.
    status: status === 'removed' ? 'removing' : status,
    created_at: code.createdAt.toISOString(),
    // Seam puts the lock's errors on its codes too, flagged as device errors.
    errors: [
      ...code.errors.map((e) => seamError(e, { is_access_code_error: true })),
      ...(device?.errors ?? []).map((e) => seamError(e, { is_device_error: true })),
    ],
    warnings: code.warnings.map(seamWarning),
    is_managed: true as const,
    is_backup: code.isBackup,
    is_backup_access_code_available:
      code.type === 'time_bound' && !code.isBackup && (device?.availableBackups ?? 0) > 0,
    pulled_backup_access_code_id: code.pulledBackupAccessCodeId,
    is_scheduled_on_device: code.isScheduledOnDevice,
    is_waiting_for_code_assignment: false,
    is_external_modification_allowed: false,
    is_one_time_use: false,
    is_offline_access_code: false,
    pending_mutations: [],
  };
}

export function toSeamDevice(device: Device, property: Pick<Property, 'name' | 'timeZone'> | null) {
  return {
    device_id: device.id,
    device_type: device.adapter === 'simulated' ? 'keyhold_simulated_lock' : 'smart_lock',
    display_name: device.name,
    nickname: device.name,
    workspace_id: device.organizationId,
    connected_account_id: device.connectionId,
    created_at: device.createdAt.toISOString(),
    is_managed: true as const,
    capabilities_supported: ['access_code', 'lock'],
    can_program_online_access_codes: true,
    location: property
      ? {
          location_name: `${property.name}${device.room ? `, ${device.room}` : ''}`,
          timezone: property.timeZone,
        }
      : null,
    errors: device.errors.map((e) => seamError(e, { is_device_error: true })),
    warnings: device.warnings.map(seamWarning),
    properties: {
      name: device.name,
      online: device.online,
      manufacturer: device.manufacturer,
      model: { display_name: device.model ?? device.name },
      battery_level: device.batteryLevel,
      battery:
        device.batteryLevel === null
          ? undefined
          : {
              level: device.batteryLevel,
              status:
                device.batteryLevel < 0.1
                  ? 'critical'
                  : device.batteryLevel < 0.2
                    ? 'low'
                    : device.batteryLevel < 0.5
                      ? 'good'
                      : 'full',
            },
      supported_code_lengths: device.codeConstraints.allowedLengths,
      code_constraints: device.codeConstraints.digitsOnly
        ? [{ constraint_type: 'no_letters' }]
        : [],
      max_active_codes_supported: device.slotLimit,
      supports_backup_access_code_pool: true,
      supports_native_scheduling: device.supportsNativeScheduling,
      backup_access_code_pool_enabled: device.backupPoolEnabled,
    },
  };
}

export function toSeamActionAttempt(attempt: ActionAttempt) {
  return {
    action_attempt_id: attempt.id,
    action_type: attempt.actionType,
    status: attempt.status,
    result: attempt.result ?? {},
    error: attempt.error ?? null,
  };
}

/**
 * An event in Seam's shape (`event_id`, `event_type`, `occurred_at`, …), the
 * same in `events/list` and in every outbound webhook delivery. `detail`
 * fields ride at the top level, as Seam's event-specific fields do.
 */
export function toSeamEvent(event: KeyholdEvent) {
  return {
    ...event.detail,
    event_id: event.id,
    event_type: event.eventType,
    workspace_id: event.organizationId,
    occurred_at: event.occurredAt.toISOString(),
    created_at: event.createdAt.toISOString(),
    ...(event.deviceId ? { device_id: event.deviceId } : {}),
    ...(event.accessCodeId ? { access_code_id: event.accessCodeId } : {}),
    ...(event.method ? { method: event.method } : {}),
  };
}
export type SeamEvent = ReturnType<typeof toSeamEvent>;
