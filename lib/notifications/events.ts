import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { devices, type KeyholdEvent, organizations, properties, reservations } from '@/db/schema';
import { formatZoned } from '@/lib/time';
import type { NotificationKind } from './kinds';
import { loadSubscribers, type Notice, notifyMembers, wants } from './notify';
import { lockLabel, lockPath, stayPath } from './words';

const DAY_MS = 24 * 3_600_000;

/** Which notification an event is, before its stay is read; null for events nobody is told of. */
function kindOf(event: KeyholdEvent): NotificationKind | null {
  switch (event.eventType) {
    case 'access_code.backup_access_code_pulled':
      return 'backup_code_pulled';
    case 'lock.unlocked':
      return event.detail.after_check_out === true ? 'entry_after_check_out' : null;
    case 'access_code.failed_to_set_on_device':
      // A guest code: the stay decides below whether it is at check-in.
      return event.reservationId ? 'code_failed_at_check_in' : null;
    default:
      return null;
  }
}

type Stay = {
  id: string;
  organizationId: string;
  guestName: string;
  startsAt: Date;
  endsAt: Date;
  status: string;
  propertyName: string;
  timeZone: string;
};

type Lock = {
  id: string;
  organizationId: string;
  name: string;
  room: string | null;
  propertyName: string | null;
  timeZone: string | null;
};

/**
 * Tell the members who chose it of the events that concern them (a backup
 * code pulled, an entry after check-out, a failed code at check-in), in the
 * dispatching transaction. Returns the notifications written. A batch nobody
 * subscribed to costs one query.
 */
export async function notifyForEvents(
  tx: Executor,
  batch: KeyholdEvent[],
  now: Date,
): Promise<number> {
  const candidates = batch
    .map((event) => ({ event, kind: kindOf(event) }))
    .filter((c): c is { event: KeyholdEvent; kind: NotificationKind } => c.kind !== null);
  if (candidates.length === 0) return 0;
  const subscribers = await loadSubscribers(
    tx,
    candidates.map((c) => c.event.organizationId),
  );
  const wanted = candidates.filter((c) =>
    (subscribers.get(c.event.organizationId) ?? []).some((s) => wants(s, c.kind)),
  );
  if (wanted.length === 0) return 0;

  const stayIds = [...new Set(wanted.flatMap((c) => c.event.reservationId ?? []))];
  const deviceIds = [...new Set(wanted.flatMap((c) => c.event.deviceId ?? []))];
  const [stayRows, lockRows] = await Promise.all([
    stayIds.length === 0
      ? []
      : tx
          .select({
            id: reservations.id,
            organizationId: reservations.organizationId,
            guestName: reservations.guestName,
            startsAt: reservations.startsAt,
            endsAt: reservations.endsAt,
            status: reservations.status,
            propertyName: properties.name,
            timeZone: properties.timeZone,
          })
          .from(reservations)
          .innerJoin(properties, eq(properties.id, reservations.propertyId))
          .where(inArray(reservations.id, stayIds)),
    deviceIds.length === 0
      ? []
      : tx
          .select({
            id: devices.id,
            organizationId: devices.organizationId,
            name: devices.name,
            room: devices.room,
            propertyName: properties.name,
            timeZone: properties.timeZone,
            orgZone: organizations.timeZone,
          })
          .from(devices)
          .innerJoin(organizations, eq(organizations.id, devices.organizationId))
          .leftJoin(
            properties,
            and(
              eq(properties.id, devices.propertyId),
              eq(properties.organizationId, devices.organizationId),
            ),
          )
          .where(inArray(devices.id, deviceIds)),
  ]);
  // Rows are matched to the event's own organization: an id from elsewhere finds nothing.
  const stays = new Map<string, Stay>(stayRows.map((s) => [`${s.organizationId}:${s.id}`, s]));
  const locks = new Map<string, Lock & { orgZone: string }>(
    lockRows.map((l) => [`${l.organizationId}:${l.id}`, l]),
  );

  let told = 0;
  for (const { event, kind } of wanted) {
    const stay = event.reservationId
      ? (stays.get(`${event.organizationId}:${event.reservationId}`) ?? null)
      : null;
    const lock = event.deviceId
      ? (locks.get(`${event.organizationId}:${event.deviceId}`) ?? null)
      : null;
    const notice = noticeFor(event, kind, stay, lock, now);
    if (notice) {
      told += await notifyMembers(tx, notice, now, subscribers.get(event.organizationId));
    }
  }
  return told;
}

function noticeFor(
  event: KeyholdEvent,
  kind: NotificationKind,
  stay: Stay | null,
  lock: (Lock & { orgZone: string }) | null,
  now: Date,
): Notice | null {
  const zone = stay?.timeZone ?? lock?.timeZone ?? lock?.orgZone ?? 'UTC';
  const where = [lock ? lockLabel(lock) : null, stay?.propertyName ?? lock?.propertyName]
    .filter(Boolean)
    .join(' at ');
  const guest = stay?.guestName ?? 'a guest';
  const links = [
    stay ? `The stay: ${stayPath(stay.id)}` : null,
    lock ? `The lock: ${lockPath(lock.id)}` : null,
  ]
    .filter(Boolean)
    .join('\n');
  const base = {
    organizationId: event.organizationId,
    kind,
    reservationId: stay?.id ?? null,
    deviceId: lock?.id ?? null,
    eventId: event.id,
  };
  const room = lock ? ` (${lockLabel(lock)})` : '';
  switch (kind) {
    case 'backup_code_pulled': {
      const backupId = String(event.detail.backup_access_code_id ?? event.accessCodeId ?? event.id);
      return {
        ...base,
        // Pulling again hands out the same backup code: one notice per backup code pulled.
        cause: `backup_code_pulled:${event.accessCodeId ?? 'none'}:${backupId}`,
        subject: `Backup code pulled for ${guest}${room}`,
        body: [
          `A backup code was pulled for ${guest}${room} on ${formatZoned(event.occurredAt, zone)}${stay ? `, at ${stay.propertyName}` : ''}.`,
          stay ? `It opens the door until check-out, ${formatZoned(stay.endsAt, zone)}.` : null,
          links,
        ]
          .filter(Boolean)
          .join('\n\n'),
      };
    }
    case 'entry_after_check_out':
      return {
        ...base,
        cause: `entry_after_check_out:${event.id}`,
        subject: `Entry after check-out: ${lock ? lockLabel(lock) : 'a lock'} opened with ${guest}’s code`,
        body: [
          `${where || 'A lock'} was opened with ${guest}’s guest code on ${formatZoned(event.occurredAt, zone)}${stay ? `, after the stay’s check-out on ${formatZoned(stay.endsAt, zone)}` : ', after the stay’s check-out'}.`,
          'The code should no longer open the door: check that it is off the lock.',
          links,
        ]
          .filter(Boolean)
          .join('\n\n'),
      };
    case 'code_failed_at_check_in': {
      // At check-in: the stay begins within a day, or is in the house now.
      if (stay?.status !== 'confirmed') return null;
      if (stay.startsAt.getTime() > now.getTime() + DAY_MS || stay.endsAt <= now) return null;
      return {
        ...base,
        cause: `code_failed_at_check_in:${event.id}`,
        subject: `Code failed for ${guest}${room}, check-in ${formatZoned(stay.startsAt, zone)}`,
        body: [
          `${guest}’s guest code could not be set on ${where || 'the lock'}. Check-in: ${formatZoned(stay.startsAt, zone)}.`,
          'Pull a backup code for the guest from the front desk, or check the lock.',
          links,
        ]
          .filter(Boolean)
          .join('\n\n'),
      };
    }
    default:
      return null;
  }
}
