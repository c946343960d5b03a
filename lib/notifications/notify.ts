import { and, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  type MemberRole,
  memberships,
  notificationPreferences,
  organizations,
  staffNotifications,
  users,
} from '@/db/schema';
import { can } from '@/lib/auth/permissions';
import { BODY_MAX_LENGTH, queueMessage, SUBJECT_MAX_LENGTH } from '@/lib/messages/outbox';
import { NOTIFICATION_KIND_INFO, type NotificationKind } from './kinds';
import { quietHoursEnd } from './quiet-hours';

/** Text cut to what the outbox takes, marked as cut. */
const cut = (text: string, max: number) =>
  text.length <= max ? text : `${text.slice(0, max - 1)}…`;

/** A member who chose at least one notification, with what they chose. */
export type Subscriber = {
  organizationId: string;
  userId: string;
  email: string;
  role: MemberRole;
  kinds: string[];
  quietFrom: string | null;
  quietUntil: string | null;
  dailyDigest: boolean;
  /** The organization's zone: quiet hours and the digest's 07:00 are in it. */
  timeZone: string;
};

/**
 * The members of these organizations who may be told anything: chose a kind,
 * an enabled member, an enabled user. One query, for a whole batch.
 */
export async function loadSubscribers(
  db: Executor,
  organizationIds: readonly string[],
): Promise<Map<string, Subscriber[]>> {
  const byOrg = new Map<string, Subscriber[]>();
  if (organizationIds.length === 0) return byOrg;
  const rows = await db
    .select({
      organizationId: notificationPreferences.organizationId,
      userId: notificationPreferences.userId,
      email: users.email,
      role: memberships.role,
      kinds: notificationPreferences.kinds,
      quietFrom: notificationPreferences.quietFrom,
      quietUntil: notificationPreferences.quietUntil,
      dailyDigest: notificationPreferences.dailyDigest,
      timeZone: organizations.timeZone,
    })
    .from(notificationPreferences)
    .innerJoin(
      memberships,
      and(
        eq(memberships.organizationId, notificationPreferences.organizationId),
        eq(memberships.userId, notificationPreferences.userId),
      ),
    )
    .innerJoin(users, eq(users.id, notificationPreferences.userId))
    .innerJoin(organizations, eq(organizations.id, notificationPreferences.organizationId))
    .where(
      and(
        inArray(notificationPreferences.organizationId, [...new Set(organizationIds)]),
        isNull(memberships.disabledAt),
        isNull(users.disabledAt),
        sql`cardinality(${notificationPreferences.kinds}) > 0`,
      ),
    );
  for (const row of rows) {
    const list = byOrg.get(row.organizationId) ?? [];
    list.push(row);
    byOrg.set(row.organizationId, list);
  }
  return byOrg;
}

/** Whether this member is to be told of this kind: they chose it and their role may see it. */
export function wants(subscriber: Subscriber, kind: NotificationKind): boolean {
  return (
    subscriber.kinds.includes(kind) && can(subscriber.role, NOTIFICATION_KIND_INFO[kind].permission)
  );
}

/**
 * Of `causes`, those every member who wants `kind` was already told of: the
 * conditions the tick finds true again and again are skipped with this one
 * query instead of an insert per cause that writes nothing.
 */
export async function causesAlreadyTold(
  tx: Executor,
  organizationId: string,
  kind: NotificationKind,
  causes: readonly string[],
  subscribers: readonly Subscriber[],
): Promise<Set<string>> {
  const members = subscribers.filter((s) => s.organizationId === organizationId && wants(s, kind));
  if (causes.length === 0 || members.length === 0) return new Set(causes);
  const rows = await tx
    .select({
      cause: staffNotifications.cause,
      told: sql<number>`count(distinct ${staffNotifications.userId})`.mapWith(Number),
    })
    .from(staffNotifications)
    .where(
      and(
        eq(staffNotifications.organizationId, organizationId),
        inArray(staffNotifications.cause, [...causes]),
        inArray(
          staffNotifications.userId,
          members.map((m) => m.userId),
        ),
      ),
    )
    .groupBy(staffNotifications.cause);
  return new Set(rows.filter((r) => r.told >= members.length).map((r) => r.cause));
}

/** One thing to tell. Subject and body name people, rooms and times; never a PIN. */
export type Notice = {
  organizationId: string;
  kind: NotificationKind;
  /** What caused it, e.g. `arrival_at_risk:<stay>:early`: each member is told of a cause once. */
  cause: string;
  subject: string;
  body: string;
  reservationId?: string | null;
  deviceId?: string | null;
  eventId?: string | null;
};

/**
 * Tell every member of the organization who chose this kind, once per cause:
 * a `staff_notifications` row each and, for members who did not choose the
 * daily digest, an email through the outbox — held until their quiet hours
 * end when `now` is inside them. Runs in the caller's transaction, so the
 * notification exists exactly when its cause does. Returns the members told
 * now (0 when every one of them was told already).
 */
export async function notifyMembers(
  tx: Executor,
  notice: Notice,
  now: Date,
  subscribers?: readonly Subscriber[],
): Promise<number> {
  const members = (
    subscribers ??
    (await loadSubscribers(tx, [notice.organizationId])).get(notice.organizationId) ??
    []
  ).filter((s) => s.organizationId === notice.organizationId && wants(s, notice.kind));
  if (members.length === 0) return 0;
  // A long guest or lock name must not make the email unsendable (and with it
  // the whole dispatch): cut what the outbox would refuse.
  const subject = cut(notice.subject, SUBJECT_MAX_LENGTH);
  const body = cut(notice.body, BODY_MAX_LENGTH);
  const written = await tx
    .insert(staffNotifications)
    .values(
      members.map((m) => ({
        organizationId: notice.organizationId,
        userId: m.userId,
        kind: notice.kind,
        subject,
        body,
        reservationId: notice.reservationId ?? null,
        deviceId: notice.deviceId ?? null,
        cause: notice.cause,
        // The digest gathers by this, on the tick's clock.
        createdAt: now,
        // Told by its own email: a later digest (if the member switches to it) leaves it out.
        digestedAt: m.dailyDigest ? null : now,
      })),
    )
    .onConflictDoNothing({
      target: [
        staffNotifications.organizationId,
        staffNotifications.userId,
        staffNotifications.cause,
      ],
    })
    .returning({ userId: staffNotifications.userId });
  const told = new Set(written.map((w) => w.userId));
  for (const member of members) {
    if (!told.has(member.userId) || member.dailyDigest) continue;
    await queueMessage(
      tx,
      {
        organizationId: notice.organizationId,
        kind: 'staff_notification',
        channel: 'email',
        recipient: member.email,
        subject,
        body,
        cause: `${member.userId}:${notice.cause}`,
        reservationId: notice.reservationId ?? null,
        eventId: notice.eventId ?? null,
        notBefore:
          quietHoursEnd(
            now,
            { from: member.quietFrom, until: member.quietUntil },
            member.timeZone,
          ) ?? now,
      },
      now,
    );
  }
  return told.size;
}
