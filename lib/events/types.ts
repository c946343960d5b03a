import { LOCK_EVENT_TYPES } from '@/lib/locks/adapter';

export {
  ENTRY_METHODS,
  type EntryMethod,
  LOCK_EVENT_TYPES,
  type LockEventType,
} from '@/lib/locks/adapter';

/**
 * Event types under Seam's names (reference/seam-api.md §2e and Seam's event
 * models), so an integrator reads Keyhold's `events/list` and webhooks the way
 * it reads Seam's. What locks report is named in lib/locks/adapter.ts.
 */

export const CODE_EVENT_TYPES = [
  'access_code.set_on_device',
  'access_code.removed_from_device',
  'access_code.failed_to_set_on_device',
  'access_code.backup_access_code_pulled',
] as const;

export const DEVICE_EVENT_TYPES = ['device.connected', 'device.disconnected'] as const;

export const EVENT_TYPES = [
  ...LOCK_EVENT_TYPES,
  ...CODE_EVENT_TYPES,
  ...DEVICE_EVENT_TYPES,
] as const;

export type EventType = (typeof EVENT_TYPES)[number];
