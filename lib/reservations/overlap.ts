// Double bookings: when two stays hold one lock at the same time. Creating
// and editing a stay, Arrivals and the front desk all ask `findOverlaps`, so
// they agree on what counts and say it in the same words.
import { and, eq, gt, lt, type SQL, sql } from 'drizzle-orm';
import { type Executor, inIds, queryRows } from '@/db/client';
import { devices, properties, reservationDevices, reservations } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { deviceOfLink, propertyOfReservation, reservationOfLink } from '@/lib/joins';
import { formatZoned } from '@/lib/time';

type Window = { startsAt: Date; endsAt: Date };

/** A stay as the rule reads it; an existing stay gives its id, so it never overlaps itself. */
export type StayOnLocks = Window & { reservationId?: string; deviceIds: readonly string[] };

/** Another confirmed stay holding one of a stay's locks at the same time. */
export type Overlap = {
  reservationId: string;
  guestName: string;
  deviceId: string;
  lockName: string;
  startsAt: Date;
  endsAt: Date;
  /** The other stay's property zone, for "until Sun, 6 Dec 2026, 11:00 EST". */
  timeZone: string;
};

/**
 * The rule: two stays overlap when each begins before the other ends. A stay
 * that ends exactly as the next begins (check-out 11:00, check-in 11:00) does
 * not overlap it.
 */
export function windowsOverlap(a: Window, b: Window): boolean {
  return a.startsAt < b.endsAt && b.startsAt < a.endsAt;
}

/** The same rule in SQL, over two windows' columns (a test holds the two to the same cases). */
export function windowsOverlapSql(
  a: { startsAt: SQL; endsAt: SQL },
  b: { startsAt: SQL; endsAt: SQL },
): SQL {
  return sql`(${a.startsAt} < ${b.endsAt} and ${b.startsAt} < ${a.endsAt})`;
}

/**
 * What can be double booked: a confirmed stay's hold on a room. Cancelled
 * stays never count, nor do common doors (../devices/common-doors.ts): a stay
 * may name one among its locks (or hold it through its rooms), and every stay
 * at a property shares its entrance. Over the query's names for the link, the
 * lock and the other stay, so both finders below ask the same.
 */
function canClash(names: { link: string; lock: string; stay: string }): SQL {
  const column = (table: string, name: string) =>
    sql`${sql.identifier(table)}.${sql.identifier(name)}`;
  const viaCommonDoor = column(names.link, reservationDevices.viaCommonDoor.name);
  const commonDoor = column(names.lock, devices.commonDoor.name);
  const status = column(names.stay, reservations.status.name);
  return sql`(not ${viaCommonDoor} and not ${commonDoor} and ${status} = 'confirmed')`;
}

/**
 * For each stay (in the order given), the organization's other stays that
 * overlap it on one of its rooms (`canClash`). One query whatever the number
 * of stays.
 */
export async function findOverlaps(
  db: Executor,
  organizationId: string,
  stays: readonly StayOnLocks[],
): Promise<Overlap[][]> {
  const deviceIds = [...new Set(stays.flatMap((s) => s.deviceIds))];
  if (deviceIds.length === 0) return stays.map(() => []);
  // Only a bound for the query (every stay's locks, the span of every window); the rule is applied below.
  const from = new Date(Math.min(...stays.map((s) => s.startsAt.getTime())));
  const until = new Date(Math.max(...stays.map((s) => s.endsAt.getTime())));
  const held = await db
    .select({
      reservationId: reservations.id,
      guestName: reservations.guestName,
      deviceId: reservationDevices.deviceId,
      lockName: devices.name,
      startsAt: reservations.startsAt,
      endsAt: reservations.endsAt,
      timeZone: properties.timeZone,
    })
    .from(reservationDevices)
    .innerJoin(reservations, reservationOfLink)
    .innerJoin(properties, propertyOfReservation)
    .innerJoin(devices, deviceOfLink)
    .where(
      and(
        eq(reservationDevices.organizationId, organizationId),
        inIds(reservationDevices.deviceId, deviceIds),
        canClash({ link: 'reservation_devices', lock: 'devices', stay: 'reservations' }),
        lt(reservations.startsAt, until),
        gt(reservations.endsAt, from),
      ),
    )
    .orderBy(reservations.startsAt, devices.name);
  // Each stay looks only at its own locks' rows (a board asks for hundreds of
  // stays at once), kept in the query's order.
  const heldOn = new Map<string, number[]>();
  held.forEach((other, i) => {
    const rows = heldOn.get(other.deviceId);
    if (rows) rows.push(i);
    else heldOn.set(other.deviceId, [i]);
  });
  return stays.map((stay) => {
    const rows = [...new Set(stay.deviceIds)].flatMap((id) => heldOn.get(id) ?? []);
    if (stay.deviceIds.length > 1) rows.sort((a, b) => a - b);
    return rows.flatMap((i) => {
      const other = held[i];
      return other && other.reservationId !== stay.reservationId && windowsOverlap(stay, other)
        ? [other]
        : [];
    });
  });
}

type OverlapRow = {
  stay_id: string;
  reservation_id: string;
  guest_name: string;
  device_id: string;
  lock_name: string;
  starts_at: string | Date;
  ends_at: string | Date;
  time_zone: string;
};

/**
 * `findOverlaps` for stays already saved, by id, with the rule applied in the
 * query: only the clashes come back (for the hundreds of stays on the
 * arrivals board, not every stay near theirs on their rooms), and it needs
 * no list of their rooms first. The same stays, order and words as
 * `findOverlaps` on each stay's rooms and window.
 */
export async function findOverlapsOfStays(
  db: Executor,
  organizationId: string,
  reservationIds: readonly string[],
): Promise<Map<string, Overlap[]>> {
  const found = new Map<string, Overlap[]>();
  if (reservationIds.length === 0) return found;
  const clash = windowsOverlapSql(
    { startsAt: sql`mine.starts_at`, endsAt: sql`mine.ends_at` },
    { startsAt: sql`other.starts_at`, endsAt: sql`other.ends_at` },
  );
  const rows = await queryRows<OverlapRow>(
    db,
    sql`select mine.id as stay_id, other.id as reservation_id, other.guest_name,
          held.device_id, d.name as lock_name, other.starts_at, other.ends_at, p.time_zone
        from reservations mine
        join reservation_devices own on own.reservation_id = mine.id
          and own.organization_id = mine.organization_id
        join reservation_devices held on held.device_id = own.device_id
          and held.organization_id = mine.organization_id
        join reservations other on other.id = held.reservation_id
          and other.organization_id = held.organization_id
        join properties p on p.id = other.property_id and p.organization_id = other.organization_id
        join devices d on d.id = held.device_id and d.organization_id = held.organization_id
        where mine.organization_id = ${organizationId}
          and ${inIds(sql`mine.id`, reservationIds)}
          and ${canClash({ link: 'held', lock: 'd', stay: 'other' })}
          and other.id <> mine.id
          and ${clash}
        order by mine.id, other.starts_at, d.name, other.id, d.id`,
  );
  for (const row of rows) {
    const list = found.get(row.stay_id) ?? [];
    list.push({
      reservationId: row.reservation_id,
      guestName: row.guest_name,
      deviceId: row.device_id,
      lockName: row.lock_name,
      startsAt: new Date(row.starts_at),
      endsAt: new Date(row.ends_at),
      timeZone: row.time_zone,
    });
    found.set(row.stay_id, list);
  }
  return found;
}

/** "Maya Lindqvist until Sun, 6 Dec 2026, 11:00 EST". */
const bookedBy = (o: Overlap) => `${o.guestName} until ${formatZoned(o.endsAt, o.timeZone)}`;

/** "Also booked: Maya Lindqvist until Sun, 6 Dec 2026, 11:00 EST": one lock's other stays, for a desk line. */
export function alsoBooked(overlaps: readonly Overlap[]): string | null {
  return overlaps.length > 0 ? `Also booked: ${overlaps.map(bookedBy).join(', ')}` : null;
}

/** "Room 101 is also booked by Maya Lindqvist until …": one lock's other stays, for Arrivals. */
export function lockAlsoBooked(lockName: string, overlaps: readonly Overlap[]): string {
  return `${lockName} is also booked by ${overlaps.map(bookedBy).join(' and ')}.`;
}

/** A stay overlapping others is only saved once the person confirms it, with this field. */
export const ALLOW_OVERLAP_FIELD = 'allowOverlap';

/**
 * Refuse a stay that overlaps others unless `allowed`: "Room 101 is booked by
 * Maya Lindqvist until Sun, 6 Dec 2026, 11:00 EST — book anyway?". The
 * refusal names `allowOverlap`, the field that confirms it.
 */
export function assertNoOverlap(overlaps: readonly Overlap[], allowed: boolean): void {
  if (overlaps.length === 0 || allowed) return;
  const clashes = overlaps.map((o) => `${o.lockName} is booked by ${bookedBy(o)}`).join('; ');
  throw new AppError('conflict', `${clashes} — book anyway?`, { field: ALLOW_OVERLAP_FIELD });
}
