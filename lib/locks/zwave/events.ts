import type { LockEventReport } from '../adapter';
import type { ZwaveNotification } from './client';

/** Notification CC types and the access-control events Keyhold reads. */
const ACCESS_CONTROL = 0x06;
const HOME_SECURITY = 0x07;
const POWER = 0x08;

const ACCESS_EVENTS: Record<number, Pick<LockEventReport, 'type' | 'method'>> = {
  1: { type: 'lock.locked', method: 'manual' },
  2: { type: 'lock.unlocked', method: 'manual' },
  3: { type: 'lock.locked', method: 'unknown' },
  4: { type: 'lock.unlocked', method: 'unknown' },
  5: { type: 'lock.locked', method: 'keycode' },
  6: { type: 'lock.unlocked', method: 'keycode' },
  11: { type: 'lock.jammed' },
  // "Keypad temporary disabled" after too many wrong codes.
  16: { type: 'lock.access_denied', method: 'keycode' },
};

/**
 * One notification a lock sent, as a lock event; null for what Keyhold does
 * not record. A keypad event names the slot; `holderOf` says whose code the
 * slot held at that moment. The id is the same for every process that heard
 * it (to the second), so the event is stored once.
 */
export function toLockEvent(
  nodeId: number,
  notification: ZwaveNotification,
  holderOf: (slot: number, at: Date) => string | null,
): LockEventReport | null {
  const base = {
    externalEventId: [
      nodeId,
      notification.type,
      notification.event,
      notification.userId ?? '',
      Math.floor(notification.receivedAt.getTime() / 1000),
    ].join(':'),
    occurredAt: notification.receivedAt,
  };
  if (notification.type === ACCESS_CONTROL) {
    const known = ACCESS_EVENTS[notification.event];
    if (!known) return null;
    const slot = known.method === 'keycode' ? notification.userId : null;
    return {
      ...base,
      ...known,
      code: slot === null ? null : { keyholdCodeId: holderOf(slot, notification.receivedAt), slot },
    };
  }
  if (notification.type === HOME_SECURITY && notification.event === 0x03) {
    return { ...base, type: 'device.tampered' };
  }
  if (notification.type === POWER && (notification.event === 0x0a || notification.event === 0x0b)) {
    return { ...base, type: 'device.low_battery' };
  }
  return null;
}
