import { and, asc, eq, gte, inArray, isNull, lt } from 'drizzle-orm';
import { type Db, queryRows, sql } from '@/db/client';
import { type Issue, staffNotifications } from '@/db/schema';
import { assessArrivals } from '@/lib/arrivals/arrivals';
import { lockTrouble, offlineSince } from '@/lib/devices/predicates';
import { logger } from '@/lib/log';
import { queueMessage } from '@/lib/messages/outbox';
import { formatZoned, localDateTimeParts, wallTimeInZone, zonedInstant } from '@/lib/time';
import type { NotificationKind } from './kinds';
import { causesAlreadyTold, loadSubscribers, notifyMembers } from './notify';
import { quietHoursEnd } from './quiet-hours';
import { lockLabel, lockPath, stayPath } from './words';

const HOUR_MS = 3_600_000;
/** "Again 2 hours before check-in if still at risk." */
export const AT_RISK_AGAIN_BEFORE_MS = 2 * HOUR_MS;
/** A lock offline matters when a guest checks in on it within this long. */
export const OFFLINE_ARRIVAL_WINDOW_MS = 24 * HOUR_MS;
/** The daily digest goes out at this local time in the organization's zone. */
export const DIGEST_TIME = '07:00';
/** How far back a digest looks for notifications not yet told. */
export const DIGEST_LOOKBACK_DAYS = 7;
/** An email body's limit is 10,000 characters (the outbox's); a digest stops listing before it. */
const DIGEST_BODY_BUDGET = 9_000;

/**
 * Tell members of what is true now rather than what just happened: an arrival
 * at risk (as soon as known, again 2 hours before check-in), a lock offline
 * with an arrival in the next 24 hours; and send the daily digests that are due.
 * When nobody chose anything this is one query.
 */
export async function notifyConditions(db: Db, now: Date): Promise<number> {
  const organizations = await queryRows<{
    organization_id: string;
    kinds: string[];
    digest: boolean;
  }>(
    db,
    sql`select np.organization_id, array_agg(distinct k) as kinds, bool_or(np.daily_digest) as digest
          from notification_preferences np cross join lateral unnest(np.kinds) k
         group by np.organization_id`,
  );
  let told = 0;
  for (const org of organizations) {
    const chose = (kind: NotificationKind) => org.kinds.includes(kind);
    // One organization's failure is logged and leaves the others to be told.
    try {
      if (chose('arrival_at_risk')) {
        told += await notifyArrivalsAtRisk(db, org.organization_id, now);
      }
      if (chose('lock_offline_before_arrival')) {
        told += await notifyOfflineLocks(db, org.organization_id, now);
      }
      if (org.digest) await sendDailyDigests(db, org.organization_id, now);
    } catch (error) {
      logger().error(
        { err: error, organizationId: org.organization_id },
        'notifying an organization’s members failed',
      );
    }
  }
  return told;
}

/**
 * Arrivals whose readiness verdict is at risk (lib/arrivals/readiness.ts, the
 * rules the Arrivals page shows): told as soon as the tick sees it, and again
 * within 2 hours of check-in if still at risk. A stay first at risk inside
 * those 2 hours is told once.
 */
export async function notifyArrivalsAtRisk(
  db: Db,
  organizationId: string,
  now: Date,
): Promise<number> {
  const { arrivals } = await assessArrivals(db, organizationId, now);
  const atRisk = arrivals.filter((a) => a.readiness.verdict === 'at_risk');
  if (atRisk.length === 0) return 0;
  return db.transaction(async (tx) => {
    const subscribers = (await loadSubscribers(tx, [organizationId])).get(organizationId) ?? [];
    const causeOf = (arrival: (typeof atRisk)[number]) => {
      const soon = new Date(arrival.startsAt).getTime() - now.getTime() <= AT_RISK_AGAIN_BEFORE_MS;
      return `arrival_at_risk:${arrival.reservationId}:${soon ? '2h' : 'early'}`;
    };
    const alreadyTold = await causesAlreadyTold(
      tx,
      organizationId,
      'arrival_at_risk',
      atRisk.map(causeOf),
      subscribers,
    );
    let told = 0;
    for (const arrival of atRisk) {
      const cause = causeOf(arrival);
      if (alreadyTold.has(cause)) continue;
      const startsAt = new Date(arrival.startsAt);
      const when = formatZoned(startsAt, arrival.timeZone);
      const rooms = arrival.readiness.locks.map(lockLabel).join(', ');
      const problems = arrival.readiness.problems
        .filter((p) => p.severity === 'error')
        .map((p) => `- ${p.message}`);
      told += await notifyMembers(
        tx,
        {
          organizationId,
          kind: 'arrival_at_risk',
          cause,
          subject: `Arrival at risk: ${arrival.guestName}${rooms ? ` (${rooms})` : ''}, check-in ${when}`,
          body: [
            `${arrival.guestName} checks in at ${arrival.propertyName}${rooms ? `, ${rooms},` : ''} on ${when}, and may not get in:`,
            problems.join('\n'),
            `The stay: ${stayPath(arrival.reservationId)}`,
          ].join('\n\n'),
          reservationId: arrival.reservationId,
        },
        now,
        subscribers,
      );
    }
    return told;
  });
}

type OfflineLockRow = {
  id: string;
  name: string;
  room: string | null;
  online: boolean;
  status: 'active' | 'replaced' | 'removed';
  errors: Issue[];
  property_name: string | null;
  zone: string;
  arrivals: number;
  guest_name: string;
  reservation_id: string;
  starts_at: string;
};

/**
 * Locks offline (past the grace `lockTrouble` allows a blip) with a confirmed
 * stay checking in on them within 24 hours: told once per outage, the outage
 * named by when Keyhold saw the lock go (its device_disconnected error).
 */
export async function notifyOfflineLocks(
  db: Db,
  organizationId: string,
  now: Date,
): Promise<number> {
  const until = new Date(now.getTime() + OFFLINE_ARRIVAL_WINDOW_MS);
  const rows = await queryRows<OfflineLockRow>(
    db,
    sql`select d.id, d.name, d.room, d.online, d.status, d.errors,
               p.name as property_name, coalesce(p.time_zone, o.time_zone) as zone,
               first.arrivals, first.guest_name, first.reservation_id, first.starts_at
          from devices d
          join organizations o on o.id = d.organization_id
          left join properties p on p.id = d.property_id and p.organization_id = d.organization_id
          cross join lateral (
            select r.guest_name, r.id as reservation_id, r.starts_at,
                   count(*) over ()::int as arrivals
              from reservation_devices rd
              join reservations r on r.id = rd.reservation_id and r.organization_id = rd.organization_id
             where rd.device_id = d.id and rd.organization_id = d.organization_id
               and r.status = 'confirmed'
               and r.starts_at > ${now.toISOString()}::timestamptz
               and r.starts_at <= ${until.toISOString()}::timestamptz
             order by r.starts_at
             limit 1) first
         where d.organization_id = ${organizationId} and d.status = 'active' and not d.online`,
  );
  const offline = rows.filter((lock) => lockTrouble(lock, now)?.kind === 'offline');
  if (offline.length === 0) return 0;
  return db.transaction(async (tx) => {
    const subscribers = (await loadSubscribers(tx, [organizationId])).get(organizationId) ?? [];
    // Once per outage; an outage Keyhold never timed is one outage.
    const causeOf = (lock: OfflineLockRow) => {
      const since = offlineSince(lock);
      return `lock_offline_before_arrival:${lock.id}:${since ? since.toISOString() : 'unknown'}`;
    };
    const alreadyTold = await causesAlreadyTold(
      tx,
      organizationId,
      'lock_offline_before_arrival',
      offline.map(causeOf),
      subscribers,
    );
    let told = 0;
    for (const lock of offline) {
      const cause = causeOf(lock);
      if (alreadyTold.has(cause)) continue;
      const since = offlineSince(lock);
      const name = lockLabel(lock);
      const startsAt = new Date(lock.starts_at);
      const others = lock.arrivals - 1;
      told += await notifyMembers(
        tx,
        {
          organizationId,
          kind: 'lock_offline_before_arrival',
          cause,
          subject: `${name} is offline with a guest checking in ${formatZoned(startsAt, lock.zone)}`,
          body: [
            `${name}${lock.property_name ? ` at ${lock.property_name}` : ''} is offline${since ? ` since ${formatZoned(since, lock.zone)}` : ''}: codes cannot reach it.`,
            `${lock.guest_name} checks in on it ${formatZoned(startsAt, lock.zone)}${others > 0 ? `, and ${others} more ${others === 1 ? 'guest' : 'guests'} within 24 hours` : ''}.`,
            'Check the lock’s power and connection.',
            `The lock: ${lockPath(lock.id)}\nThe stay: ${stayPath(lock.reservation_id)}`,
          ].join('\n\n'),
          reservationId: lock.reservation_id,
          deviceId: lock.id,
        },
        now,
        subscribers,
      );
    }
    return told;
  });
}

/**
 * At 07:00 in the organization's zone, one email per member who chose the
 * digest, with what they were told in the day up to then (07:00 yesterday to
 * 07:00 today), each item marked digested. Nothing to tell, nothing sent.
 * Ticks after 07:00 find nothing left in that day (and the digest's cause is
 * one per member and date), so each member gets one digest a day.
 */
export async function sendDailyDigests(db: Db, organizationId: string, now: Date): Promise<number> {
  const members = ((await loadSubscribers(db, [organizationId])).get(organizationId) ?? []).filter(
    (s) => s.dailyDigest,
  );
  const zone = members[0]?.timeZone;
  if (!zone) return 0;
  const local = localDateTimeParts(now, zone);
  if (local.time < DIGEST_TIME) return 0;
  const dayEnds = zonedInstant(local.date, DIGEST_TIME, zone);
  // Everything not yet told, so a digest missed (the server was down at 07:00)
  // is carried by the next; a week back at most.
  const dayBegins = wallTimeInZone(now, zone, -DIGEST_LOOKBACK_DAYS, DIGEST_TIME);
  let sent = 0;
  for (const member of members) {
    sent += await db.transaction(async (tx) => {
      const items = await tx
        .select({
          id: staffNotifications.id,
          subject: staffNotifications.subject,
          body: staffNotifications.body,
          createdAt: staffNotifications.createdAt,
        })
        .from(staffNotifications)
        .where(
          and(
            eq(staffNotifications.organizationId, organizationId),
            eq(staffNotifications.userId, member.userId),
            isNull(staffNotifications.digestedAt),
            gte(staffNotifications.createdAt, dayBegins),
            lt(staffNotifications.createdAt, dayEnds),
          ),
        )
        .orderBy(asc(staffNotifications.createdAt))
        .for('update', { skipLocked: true });
      if (items.length === 0) return 0;
      await queueMessage(
        tx,
        {
          organizationId,
          kind: 'staff_digest',
          channel: 'email',
          recipient: member.email,
          subject: `Keyhold daily digest for ${local.date}: ${items.length} ${items.length === 1 ? 'notification' : 'notifications'}`,
          body: digestBody(items, zone),
          cause: `digest:${member.userId}:${local.date}`,
          // Quiet hours that run past 07:00 hold the digest too.
          notBefore:
            quietHoursEnd(now, { from: member.quietFrom, until: member.quietUntil }, zone) ?? now,
        },
        now,
      );
      await tx
        .update(staffNotifications)
        .set({ digestedAt: now })
        .where(
          and(
            eq(staffNotifications.organizationId, organizationId),
            inArray(
              staffNotifications.id,
              items.map((i) => i.id),
            ),
          ),
        );
      return 1;
    });
  }
  return sent;
}

function digestBody(
  items: { subject: string; body: string; createdAt: Date }[],
  zone: string,
): string {
  const parts: string[] = [
    `What Keyhold told you in the last day (times in ${zone}), oldest first:`,
  ];
  let length = parts[0]?.length ?? 0;
  let shown = 0;
  for (const item of items) {
    const part = `${formatZoned(item.createdAt, zone)} — ${item.subject}\n${item.body}`;
    if (length + part.length > DIGEST_BODY_BUDGET) break;
    parts.push(part);
    length += part.length + 2;
    shown += 1;
  }
  if (shown < items.length) {
    parts.push(`…and ${items.length - shown} more: see Alerts and Arrivals on the dashboard.`);
  }
  return parts.join('\n\n');
}
