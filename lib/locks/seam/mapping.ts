import { type AdapterDevice, type AdapterIssue, type CodeOnLock, LockFailure } from '../adapter';

/**
 * Seam's objects as far as Keyhold reads them (reference/seam-api.md §1, §3),
 * and how they become Keyhold's. Fields Seam marks optional, or that its fake
 * server leaves out, are optional here.
 */

type SeamIssue = {
  error_code?: string;
  warning_code?: string;
  message?: string;
  is_device_error?: boolean;
  is_connected_account_error?: boolean;
};

export type SeamDevice = {
  device_id: string;
  device_type?: string;
  display_name?: string;
  nickname?: string;
  capabilities_supported?: string[];
  can_program_online_access_codes?: boolean;
  connected_account_id?: string;
  errors?: SeamIssue[];
  warnings?: SeamIssue[];
  properties?: {
    name?: string;
    online?: boolean;
    manufacturer?: string;
    appearance?: { name?: string };
    model?: { display_name?: string; manufacturer_display_name?: string };
    battery?: { level?: number };
    battery_level?: number;
    supported_code_lengths?: number[];
    max_active_codes_supported?: number;
    code_constraints?: { constraint_type: string; max_length?: number; min_length?: number }[];
  };
};

export type SeamAccessCode = {
  access_code_id: string;
  device_id: string;
  name?: string | null;
  code?: string | null;
  type?: 'time_bound' | 'ongoing';
  status?: string;
  starts_at?: string | null;
  ends_at?: string | null;
  is_managed?: boolean;
  is_scheduled_on_device?: boolean;
  /** Changes Seam is still pushing to the lock (`updating_code`, `creating`…). */
  pending_mutations?: { mutation_code?: string }[];
  errors?: SeamIssue[];
  warnings?: SeamIssue[];
};

/** Lengths a lock that does not say takes: Seam's locks take 4 to 8 digits. */
const DEFAULT_LENGTHS = [4, 5, 6, 7, 8];

/**
 * Makers whose locks store a code's window themselves (Seam's "native
 * scheduling", reference/seam-api.md §7); Seam preloads their codes 72 h ahead.
 */
const NATIVE_SCHEDULING = new Set([
  'two_n',
  '2n',
  'august',
  'igloohome',
  'kwikset',
  'nuki',
  'salto',
  'schlage',
  'tedee',
  'ttlock',
  'yale',
  'wyze',
]);

/** Device errors that mean Seam cannot reach the lock now. */
const UNREACHABLE = new Set([
  'device_offline',
  'device_disconnected',
  'hub_disconnected',
  'account_disconnected',
  'bridge_disconnected',
  'device_removed',
]);

export function isLock(device: SeamDevice): boolean {
  return (
    device.capabilities_supported?.includes('access_code') ??
    device.can_program_online_access_codes === true
  );
}

function maker(device: SeamDevice): string {
  const fromType = device.device_type?.replace(/_(lock|intercom|keypad|device)$/, '') ?? '';
  return (device.properties?.manufacturer ?? fromType).toLowerCase();
}

export function toDevice(device: SeamDevice): AdapterDevice {
  const p = device.properties ?? {};
  const lengths = (p.supported_code_lengths ?? []).filter((n) => Number.isInteger(n) && n > 0);
  const battery = p.battery?.level ?? p.battery_level;
  return {
    externalId: device.device_id,
    name:
      device.nickname ?? device.display_name ?? p.appearance?.name ?? p.name ?? device.device_id,
    online: deviceProblem(device) === null,
    batteryLevel: typeof battery === 'number' ? battery : null,
    constraints: {
      allowedLengths: lengths.length > 0 ? lengths : DEFAULT_LENGTHS,
      digitsOnly: true,
    },
    slotLimit:
      typeof p.max_active_codes_supported === 'number' ? p.max_active_codes_supported : null,
    supportsNativeScheduling: NATIVE_SCHEDULING.has(maker(device)),
    manufacturer: p.model?.manufacturer_display_name ?? p.manufacturer ?? null,
    model: p.model?.display_name ?? null,
  };
}

/** Why Seam cannot reach the lock now, in words for staff, or null when it can. */
export function deviceProblem(device: SeamDevice): string | null {
  const name = device.display_name ?? device.properties?.name ?? 'The lock';
  const error = device.errors?.find((e) => e.error_code && UNREACHABLE.has(e.error_code));
  if (error) return `${name} is offline (Seam: ${error.message ?? error.error_code}).`;
  if (device.properties?.online === false) return `${name} is offline.`;
  return null;
}

/** Keyhold's code id rides at the end of the name Seam keeps: ` · kh_` and 22 base64url characters. */
const TAG = /(?:^|\s·\s)kh_([A-Za-z0-9_-]{22})$/;

function tagOf(keyholdCodeId: string): string {
  return `kh_${Buffer.from(keyholdCodeId.replaceAll('-', ''), 'hex').toString('base64url')}`;
}

/**
 * The name Keyhold gives a code at Seam: its own name, shortened to the lock's
 * name limit when it has one, then the tag.
 */
export function codeName(name: string | null, keyholdCodeId: string, device: SeamDevice): string {
  const tag = tagOf(keyholdCodeId);
  const limit = device.properties?.code_constraints?.find(
    (c) => c.constraint_type === 'name_length',
  )?.max_length;
  const label = (name ?? 'Keyhold').trim() || 'Keyhold';
  if (typeof limit !== 'number') return `${label} · ${tag}`;
  // A lock with short names gets the tag alone; one too short for it cannot hold Keyhold's codes.
  if (limit < tag.length) {
    throw new LockFailure(
      'transient',
      `This lock keeps code names of at most ${limit} characters; Keyhold needs ${tag.length} to recognise its codes.`,
    );
  }
  const room = limit - tag.length - 3;
  return room >= 1 ? `${label.slice(0, room)} · ${tag}` : tag;
}

/** The Keyhold code id a Seam code carries in its name, or null for anyone else's code. */
export function keyholdIdOf(code: Pick<SeamAccessCode, 'name'>): string | null {
  const match = code.name?.match(TAG);
  if (!match?.[1]) return null;
  const hex = Buffer.from(match[1], 'base64url').toString('hex');
  if (hex.length !== 32) return null;
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

function issues(list: SeamIssue[] | undefined, key: 'error_code' | 'warning_code'): AdapterIssue[] {
  return (list ?? [])
    .filter((i) => !i.is_device_error && !i.is_connected_account_error && i[key])
    .map((i) => ({ code: i[key] as string, message: i.message ?? '' }));
}

export function toCodeOnLock(code: SeamAccessCode): CodeOnLock {
  const ongoing = code.type === 'ongoing';
  return {
    ref: code.access_code_id,
    code: code.code ?? '',
    name: code.name?.replace(TAG, '') || null,
    // Seam's fake keeps the old window when a code is made ongoing.
    startsAt: !ongoing && code.starts_at ? new Date(code.starts_at) : null,
    endsAt: !ongoing && code.ends_at ? new Date(code.ends_at) : null,
    keyholdCodeId: keyholdIdOf(code),
    // A change Seam is still pushing (new digits, a new window) is not on the lock yet,
    // whatever the status says about the code before it.
    state:
      (code.pending_mutations?.length ?? 0) > 0
        ? 'pending'
        : code.status === 'set'
          ? 'set'
          : code.status === 'unset' && code.is_scheduled_on_device
            ? 'scheduled'
            : 'pending',
    errors: issues(code.errors, 'error_code'),
    warnings: issues(code.warnings, 'warning_code'),
  };
}
