import type { ZwaveCodeSlot } from '@/db/schema';
import type { AdapterDevice } from '../adapter';
import { NodeStatus, valueKey, type ZwaveNode } from './client';

/** Command classes Keyhold reads. */
export const USER_CODE = 0x63;
const BATTERY = 0x80;

/** User Code CC's user ID status. */
export const UserIdStatus = { Available: 0, Enabled: 1, Disabled: 2 } as const;

/** Z-Wave user codes are 4 to 10 digits (User Code CC). */
const MIN_LENGTH = 4;
const MAX_LENGTH = 10;

/** A lock's id at the adapter: home id and node id, so a re-included (factory-reset) lock is a new device. */
export function zwaveExternalId(homeId: number, nodeId: number): string {
  return `${zwaveNetworkPrefix(homeId)}${nodeId}`;
}

/** What every lock id on one Z-Wave network (one home id) begins with. */
export function zwaveNetworkPrefix(homeId: number): string {
  return `${homeId.toString(16).padStart(8, '0')}-`;
}

export function parseExternalId(externalId: string): { homeId: number; nodeId: number } | null {
  const match = /^([0-9a-f]{8})-(\d{1,4})$/.exec(externalId);
  if (!match?.[1] || !match[2]) return null;
  return { homeId: Number.parseInt(match[1], 16), nodeId: Number(match[2]) };
}

/**
 * A node Keyhold can program: it keeps codes in User Code CC slots. Locks
 * that speak only the newer User Credential CC are not programmed yet (Z-Wave
 * JS's access-control API, server schema 48+, is the way to reach them).
 */
export function isLockNode(node: ZwaveNode): boolean {
  const classes = node.endpoints?.[0]?.commandClasses ?? [];
  return node.nodeId !== 1 && classes.some((c) => c.id === USER_CODE);
}

/** The lock's slots as Z-Wave JS last heard them; `status` undefined: never read. */
export function slotsOf(node: ZwaveNode): { slot: number; status?: number; code?: string }[] {
  const slots: { slot: number; status?: number; code?: string }[] = [];
  for (let slot = 1; slot <= slotCount(node); slot++) {
    const status = node.values.get(valueKey(USER_CODE, 'userIdStatus', slot))?.value;
    const code = node.values.get(valueKey(USER_CODE, 'userCode', slot))?.value;
    slots.push({
      slot,
      status: typeof status === 'number' ? status : undefined,
      code: typeof code === 'string' ? code : undefined,
    });
  }
  return slots;
}

/** How many slots the lock has: Z-Wave JS keeps a status value per slot from the interview. */
export function slotCount(node: ZwaveNode): number {
  let count = 0;
  for (const value of node.values.values()) {
    if (
      value.commandClass === USER_CODE &&
      value.property === 'userIdStatus' &&
      typeof value.propertyKey === 'number'
    ) {
      count = Math.max(count, value.propertyKey);
    }
  }
  return count;
}

export function isOccupied(status: number | undefined): boolean {
  return status !== undefined && status !== UserIdStatus.Available && status !== 0xfe;
}

/** A code the lock read back hidden (`****`, or NULs as some Yale locks send). */
export function isMasked(code: string | undefined): boolean {
  return !!code && [...code].every((c) => c === '*' || c.charCodeAt(0) === 0);
}

export function toDevice(homeId: number, node: ZwaveNode): AdapterDevice {
  const metadata = node.values.get(valueKey(USER_CODE, 'userCode', 1))?.metadata;
  const min = Math.max(MIN_LENGTH, metadata?.minLength ?? MIN_LENGTH);
  const max = Math.min(MAX_LENGTH, metadata?.maxLength ?? MAX_LENGTH);
  const battery = node.values.get(valueKey(BATTERY, 'level'))?.value;
  const slots = slotCount(node);
  return {
    externalId: zwaveExternalId(homeId, node.nodeId),
    name:
      node.name ||
      [node.deviceConfig?.manufacturer, node.deviceConfig?.label].filter(Boolean).join(' ') ||
      `Z-Wave lock ${node.nodeId}`,
    online: node.status !== NodeStatus.dead,
    batteryLevel: typeof battery === 'number' ? Math.max(0, Math.min(1, battery / 100)) : null,
    constraints: {
      allowedLengths: Array.from({ length: max - min + 1 }, (_, i) => min + i),
      digitsOnly: true,
    },
    slotLimit: slots > 0 ? slots : null,
    // User Code CC keeps a code with no window: Keyhold puts it on and takes it off on time.
    supportsNativeScheduling: false,
    manufacturer: node.deviceConfig?.manufacturer ?? null,
    model: node.deviceConfig?.label ?? null,
  };
}

/**
 * The User Code checksum the lock should report (User Code CC v2: CRC-16
 * CCITT over each occupied slot's id, status and code), worked out from what
 * Keyhold wrote and read; null when a slot is unknown or masked and not Keyhold's.
 */
export function expectedChecksum(node: ZwaveNode, held: ZwaveCodeSlot[]): number | null {
  const ours = new Map(held.filter((r) => r.state === 'set').map((r) => [r.slot, r.code]));
  const bytes: number[] = [];
  for (const { slot, status, code } of slotsOf(node)) {
    if (status === undefined) return null;
    if (!isOccupied(status)) continue;
    const digits = isMasked(code) || code === undefined ? ours.get(slot) : code;
    if (digits === undefined) return null;
    if (digits.length === 0) continue;
    bytes.push(slot >> 8, slot & 0xff, status, ...Buffer.from(digits, 'ascii'));
  }
  return bytes.length === 0 ? 0 : crc16ccitt(bytes);
}

/** CRC-16 CCITT as Z-Wave uses it (polynomial 0x1021, initial value 0x1D0F). */
export function crc16ccitt(bytes: Iterable<number>): number {
  let crc = 0x1d0f;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) {
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    }
  }
  return crc;
}
