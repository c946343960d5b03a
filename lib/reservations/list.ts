import { and, asc, desc, eq, gt, ilike, lte, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import {
  type AccessCodeStatus,
  accessCodeEvents,
  accessCodes,
  devices,
  type Issue,
  organizations,
  properties,
  reservationDevices,
  reservations,
  users,
} from '@/db/schema';
import {
  describeEvent,
  describeIssue,
  describeNextStep,
  describeStatus,
  nextStep,
  summarizeSteps,
  type Tone,
} from '@/lib/access-codes/describe';
import { mayBeOnLock } from '@/lib/access-codes/state';
import { policyFor } from '@/lib/access-codes/store';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { isId, parseId } from '@/lib/ids';
import { type MessageView, stayMessages } from '@/lib/messages/history';
import { formatZoned, localDateTimeParts, wallTimeInZone, zoneAbbreviation } from '@/lib/time';
import { parseInput } from '@/lib/validation';

export const RESERVATIONS_PAGE_SIZE = 25;

/** `current` is in-house and upcoming together: what a desk works with. */
export const RESERVATION_FILTERS = [
  'current',
  'upcoming',
  'in_house',
  'past',
  'cancelled',
  'all',
] as const;
export type ReservationFilter = (typeof RESERVATION_FILTERS)[number];

export const listReservationsSchema = z.object({
  search: z
    .string({ error: 'Search must be text.' })
    .trim()
    .max(100, 'Search must be at most 100 characters.')
    .optional()
    .transform((v) => v || undefined),
  filter: z
    .enum(RESERVATION_FILTERS, {
      error: `Filter must be one of ${RESERVATION_FILTERS.join(', ')}.`,
    })
    .default('current'),
  page: z.coerce
    .number({ error: 'Page must be a number.' })
    .int('Page must be a whole number.')
    .min(1, 'Page must be 1 or more.')
    .max(10_000, 'Page is too large.')
    .default(1),
});
export type ListReservationsInput = z.input<typeof listReservationsSchema>;

export type Stage = 'upcoming' | 'in_house' | 'past' | 'cancelled';

export type StayLock = { id: string; name: string; room: string | null; online: boolean };

/** One stay in the list. Times are ISO strings plus labels in the property's zone, so the JSON the client polls reads the same as the server render. */
export type ReservationSummary = {
  id: string;
  guestName: string;
  guestEmail: string | null;
  guestPhone: string | null;
  propertyId: string;
  propertyName: string;
  timeZone: string;
  startsAt: string;
  endsAt: string;
  checkInLabel: string;
  checkOutLabel: string;
  status: 'confirmed' | 'cancelled';
  stage: Stage;
  locks: StayLock[];
  codes: {
    total: number;
    set: number;
    /** Set, or stored on the lock ahead of check-in. */
    onLock: number;
    withErrors: number;
    withWarnings: number;
  };
  /** Open errors on the stay's guest codes, in plain words; `code` is Seam's name. */
  problems: { code: string; title: string }[];
};

export type ReservationPage = {
  reservations: ReservationSummary[];
  filter: ReservationFilter;
  search: string | null;
  page: number;
  pageSize: number;
  total: number;
};

export function stageOf(
  stay: { status: 'confirmed' | 'cancelled'; startsAt: Date; endsAt: Date },
  now: Date,
): Stage {
  if (stay.status === 'cancelled') return 'cancelled';
  if (now >= stay.endsAt) return 'past';
  return now >= stay.startsAt ? 'in_house' : 'upcoming';
}

// The subqueries are written out in full so they do not depend on how drizzle
// qualifies columns; each joins on the organization too, so a mislinked row
// can never show another tenant's lock.
const stayLocks = sql<StayLock[]>`coalesce((
  select json_agg(json_build_object('id', d.id, 'name', d.name, 'room', d.room, 'online', d.online)
                  order by d.room, d.name)
  from reservation_devices rd
  join devices d on d.id = rd.device_id and d.organization_id = rd.organization_id
  where rd.reservation_id = reservations.id and rd.organization_id = reservations.organization_id
), '[]'::json)`;

const liveGuestCode = sql.raw(`c.reservation_id = reservations.id
    and c.organization_id = reservations.organization_id
    and c.deleted_at is null and c.status <> 'removed' and not c.is_backup`);

const codeCounts = sql<ReservationSummary['codes']>`(
  select json_build_object(
    'total', count(*),
    'set', count(*) filter (where c.status = 'set'),
    'onLock', count(*) filter (where c.status = 'set' or (c.status = 'unset' and c.external_ref is not null)),
    'withErrors', count(*) filter (where jsonb_array_length(c.errors) > 0),
    'withWarnings', count(*) filter (where jsonb_array_length(c.warnings) > 0))
  from access_codes c where ${liveGuestCode}
)`;

const errorCodes = sql<string[]>`coalesce((
  select json_agg(distinct e.issue->>'code')
  from access_codes c, jsonb_array_elements(c.errors) as e(issue)
  where ${liveGuestCode}
), '[]'::json)`;

/**
 * The organization's stays, a page at a time, searchable by guest name or by
 * the room or name of one of their locks. One statement per page: locks and
 * code counts come from subqueries and the total from a window, never a
 * query per row.
 */
export async function listReservations(
  db: Executor,
  actor: Actor,
  input: ListReservationsInput,
  now: Date,
): Promise<ReservationPage> {
  assertCan(actor, 'reservations.read');
  const { search, filter, page } = parseInput(listReservationsSchema, input);

  const conditions: (SQL | undefined)[] = [eq(reservations.organizationId, actor.organizationId)];
  const confirmed = eq(reservations.status, 'confirmed');
  switch (filter) {
    case 'current':
      conditions.push(confirmed, gt(reservations.endsAt, now));
      break;
    case 'upcoming':
      conditions.push(confirmed, gt(reservations.startsAt, now));
      break;
    case 'in_house':
      conditions.push(confirmed, lte(reservations.startsAt, now), gt(reservations.endsAt, now));
      break;
    case 'past':
      conditions.push(confirmed, lte(reservations.endsAt, now));
      break;
    case 'cancelled':
      conditions.push(eq(reservations.status, 'cancelled'));
      break;
    case 'all':
      break;
  }
  if (search) {
    const pattern = `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    conditions.push(
      or(
        ilike(reservations.guestName, pattern),
        sql`exists (
          select 1 from reservation_devices rd
          join devices d on d.id = rd.device_id and d.organization_id = rd.organization_id
          where rd.reservation_id = reservations.id
            and (d.room ilike ${pattern} or d.name ilike ${pattern}))`,
      ),
    );
  }
  // Coming stays soonest first; finished and cancelled ones most recent first.
  const order =
    filter === 'past'
      ? [desc(reservations.endsAt)]
      : filter === 'cancelled'
        ? [desc(reservations.cancelledAt), desc(reservations.startsAt)]
        : filter === 'all'
          ? [desc(reservations.startsAt)]
          : [asc(reservations.startsAt)];

  const rows = await db
    .select({
      id: reservations.id,
      guestName: reservations.guestName,
      guestEmail: reservations.guestEmail,
      guestPhone: reservations.guestPhone,
      propertyId: reservations.propertyId,
      propertyName: properties.name,
      timeZone: properties.timeZone,
      startsAt: reservations.startsAt,
      endsAt: reservations.endsAt,
      status: reservations.status,
      locks: stayLocks,
      codes: codeCounts,
      errorCodes,
      total: sql<number>`(count(*) over ())::int`,
    })
    .from(reservations)
    .innerJoin(
      properties,
      and(
        eq(properties.id, reservations.propertyId),
        eq(properties.organizationId, reservations.organizationId),
      ),
    )
    .where(and(...conditions))
    .orderBy(...order, asc(reservations.guestName), asc(reservations.id))
    .limit(RESERVATIONS_PAGE_SIZE)
    .offset((page - 1) * RESERVATIONS_PAGE_SIZE);

  let total = rows[0]?.total ?? 0;
  if (rows.length === 0 && page > 1) {
    // Past the last page the window has no row to report on; count once so the pager can step back.
    const [counted] = await db
      .select({ n: sql<number>`count(*)::int` })
      .from(reservations)
      .innerJoin(
        properties,
        and(
          eq(properties.id, reservations.propertyId),
          eq(properties.organizationId, reservations.organizationId),
        ),
      )
      .where(and(...conditions));
    total = counted?.n ?? 0;
  }

  return {
    reservations: rows.map((row) => ({
      id: row.id,
      guestName: row.guestName,
      guestEmail: row.guestEmail,
      guestPhone: row.guestPhone,
      propertyId: row.propertyId,
      propertyName: row.propertyName,
      timeZone: row.timeZone,
      startsAt: row.startsAt.toISOString(),
      endsAt: row.endsAt.toISOString(),
      checkInLabel: formatZoned(row.startsAt, row.timeZone),
      checkOutLabel: formatZoned(row.endsAt, row.timeZone),
      status: row.status,
      stage: stageOf(row, now),
      locks: row.locks,
      codes: row.codes,
      problems: [...row.errorCodes]
        .sort()
        .map((code) => ({ code, title: describeIssue(code).title })),
    })),
    filter,
    search: search ?? null,
    page,
    pageSize: RESERVATIONS_PAGE_SIZE,
    total,
  };
}

export type IssueView = {
  /** Seam's name, for the tooltip. */
  code: string;
  title: string;
  explanation: string;
  tone: Tone;
  sinceLabel: string;
  /** `change_type` on conflicting_external_modification: removed or modified. */
  changeType: string | null;
};

export type CodeView = {
  id: string;
  lockId: string;
  lockName: string;
  room: string | null;
  lockOnline: boolean;
  /** The guest's PIN; null once the code is cancelled. */
  digits: string | null;
  /** Seam's status name, for the tooltip. */
  status: AccessCodeStatus;
  statusTitle: string;
  statusExplanation: string;
  tone: Tone;
  /** Still part of the stay (false: cancelled, on its way off the lock). */
  live: boolean;
  next: string;
  errors: IssueView[];
  warnings: IssueView[];
  backupPulled: boolean;
};

export type HistoryEntry = {
  id: number;
  at: string;
  atLabel: string;
  lockName: string;
  text: string;
  /** The event's name as Keyhold records it (Seam's where Seam has one). */
  eventType: string;
  tone: Tone;
  by: string | null;
};

export type ReservationDetail = {
  id: string;
  guestName: string;
  guestEmail: string | null;
  guestPhone: string | null;
  notes: string | null;
  source: string;
  status: 'confirmed' | 'cancelled';
  stage: Stage;
  propertyId: string;
  propertyName: string;
  timeZone: string;
  /** "EST" now, for labelling the form's times. */
  zoneAbbreviation: string;
  startsAt: string;
  endsAt: string;
  checkInLabel: string;
  checkOutLabel: string;
  /** The stay as the property's local date and time, for the edit form. */
  checkIn: { date: string; time: string };
  checkOut: { date: string; time: string };
  cancelledAtLabel: string | null;
  locks: StayLock[];
  codes: CodeView[];
  /** What the stay's codes do next, locks with the same outcome together. */
  effect: string[];
  history: HistoryEntry[];
  /** Messages to the guest, newest first. */
  messages: MessageView[];
};

export const HISTORY_LIMIT = 100;

function issueViews(list: Issue[], severity: 'error' | 'warning', zone: string): IssueView[] {
  return list.map((issue) => {
    const words = describeIssue(issue.code, severity);
    const at = new Date(issue.createdAt);
    const changeType = issue.detail?.change_type;
    return {
      code: issue.code,
      title: words.title,
      explanation: words.explanation || issue.message,
      tone: words.tone,
      sinceLabel: Number.isNaN(at.getTime()) ? '' : formatZoned(at, zone),
      changeType: typeof changeType === 'string' ? changeType : null,
    };
  });
}

/**
 * One stay with everything its page shows: the stay in its property's zone,
 * its locks, each guest code's status, errors and warnings in plain words,
 * what each code does next, and the codes' history. Another organization's
 * stay is not found. A fixed handful of queries, whatever the stay's size.
 */
export async function getReservationDetail(
  db: Executor,
  actor: Actor,
  reservationId: string,
  now: Date,
): Promise<ReservationDetail> {
  assertCan(actor, 'reservations.read', 'Reservation');
  parseId('Reservation', reservationId);
  const [stay] = await db
    .select({
      reservation: reservations,
      propertyName: properties.name,
      timeZone: properties.timeZone,
      leadMinutes: organizations.programmingLeadMinutes,
    })
    .from(reservations)
    .innerJoin(
      properties,
      and(
        eq(properties.id, reservations.propertyId),
        eq(properties.organizationId, reservations.organizationId),
      ),
    )
    .innerJoin(organizations, eq(organizations.id, reservations.organizationId))
    .where(
      and(
        eq(reservations.id, reservationId),
        eq(reservations.organizationId, actor.organizationId),
      ),
    );
  if (!stay) throw AppError.notFound('Reservation');
  const { reservation, timeZone } = stay;
  const orgId = actor.organizationId;

  const [locks, codeRows, eventRows, sentMessages] = await Promise.all([
    db
      .select({ id: devices.id, name: devices.name, room: devices.room, online: devices.online })
      .from(reservationDevices)
      .innerJoin(
        devices,
        and(
          eq(devices.id, reservationDevices.deviceId),
          eq(devices.organizationId, reservationDevices.organizationId),
        ),
      )
      .where(
        and(
          eq(reservationDevices.reservationId, reservation.id),
          eq(reservationDevices.organizationId, orgId),
        ),
      )
      .orderBy(asc(devices.room), asc(devices.name)),
    db
      .select({
        code: accessCodes,
        lockName: devices.name,
        room: devices.room,
        lockOnline: devices.online,
        nativeScheduling: devices.supportsNativeScheduling,
      })
      .from(accessCodes)
      .innerJoin(
        devices,
        and(
          eq(devices.id, accessCodes.deviceId),
          eq(devices.organizationId, accessCodes.organizationId),
        ),
      )
      .where(
        and(
          eq(accessCodes.reservationId, reservation.id),
          eq(accessCodes.organizationId, orgId),
          eq(accessCodes.isBackup, false),
        ),
      )
      .orderBy(asc(devices.room), asc(devices.name), asc(accessCodes.createdAt)),
    db
      .select({
        id: accessCodeEvents.id,
        eventType: accessCodeEvents.eventType,
        statusFrom: accessCodeEvents.statusFrom,
        statusTo: accessCodeEvents.statusTo,
        detail: accessCodeEvents.detail,
        occurredAt: accessCodeEvents.occurredAt,
        lockName: devices.name,
        by: users.name,
      })
      .from(accessCodeEvents)
      .innerJoin(
        accessCodes,
        and(
          eq(accessCodes.id, accessCodeEvents.accessCodeId),
          eq(accessCodes.organizationId, accessCodeEvents.organizationId),
        ),
      )
      .innerJoin(devices, eq(devices.id, accessCodeEvents.deviceId))
      .leftJoin(users, eq(users.id, accessCodeEvents.actorUserId))
      .where(
        and(
          eq(accessCodeEvents.organizationId, orgId),
          eq(accessCodes.reservationId, reservation.id),
        ),
      )
      .orderBy(desc(accessCodeEvents.occurredAt), desc(accessCodeEvents.id))
      .limit(HISTORY_LIMIT),
    stayMessages(db, orgId, reservation.id, timeZone, now),
  ]);

  // A finished code stays in the history; the list shows what is, or may still be, on a lock.
  const shown = codeRows.filter(
    ({ code }) => code.status !== 'removed' && (code.deletedAt === null || mayBeOnLock(code)),
  );
  const steps = shown.map((row) => ({
    row,
    step: nextStep(
      row.code,
      policyFor({ supportsNativeScheduling: row.nativeScheduling }, stay.leadMinutes),
      now,
    ),
  }));
  const codes: CodeView[] = steps.map(({ row, step }) => {
    const { code } = row;
    const words = describeStatus(code);
    const live = code.deletedAt === null;
    return {
      id: code.id,
      lockId: code.deviceId,
      lockName: row.lockName,
      room: row.room,
      lockOnline: row.lockOnline,
      digits: live ? code.code : null,
      status: code.status,
      statusTitle: words.title,
      statusExplanation: words.explanation,
      tone: code.errors.length > 0 ? 'error' : words.tone,
      live,
      next: describeNextStep(step, row.lockName, timeZone, row.lockOnline),
      errors: issueViews(code.errors, 'error', timeZone),
      warnings: issueViews(code.warnings, 'warning', timeZone),
      backupPulled: code.pulledBackupAccessCodeId !== null,
    };
  });
  const effect =
    steps.length > 0
      ? summarizeSteps(
          steps.map(({ row, step }) => ({
            step,
            lockName: row.lockName,
            lockOnline: row.lockOnline,
          })),
          timeZone,
        )
      : [
          reservation.status === 'cancelled'
            ? 'The stay is cancelled; none of its codes is on a lock.'
            : 'This stay has no guest codes.',
        ];

  return {
    id: reservation.id,
    guestName: reservation.guestName,
    guestEmail: reservation.guestEmail,
    guestPhone: reservation.guestPhone,
    notes: reservation.notes,
    source: reservation.source,
    status: reservation.status,
    stage: stageOf(reservation, now),
    propertyId: reservation.propertyId,
    propertyName: stay.propertyName,
    timeZone,
    zoneAbbreviation: zoneAbbreviation(now, timeZone),
    startsAt: reservation.startsAt.toISOString(),
    endsAt: reservation.endsAt.toISOString(),
    checkInLabel: formatZoned(reservation.startsAt, timeZone),
    checkOutLabel: formatZoned(reservation.endsAt, timeZone),
    checkIn: localDateTimeParts(reservation.startsAt, timeZone),
    checkOut: localDateTimeParts(reservation.endsAt, timeZone),
    cancelledAtLabel: reservation.cancelledAt
      ? formatZoned(reservation.cancelledAt, timeZone)
      : null,
    locks,
    codes,
    effect,
    history: eventRows.map((event) => {
      const words = describeEvent(event, timeZone);
      return {
        id: event.id,
        at: event.occurredAt.toISOString(),
        atLabel: formatZoned(event.occurredAt, timeZone),
        lockName: event.lockName,
        text: words.text,
        eventType: event.eventType,
        tone: words.tone,
        by: event.by,
      };
    }),
    messages: sentMessages,
  };
}

export type PropertyOption = {
  id: string;
  name: string;
  timeZone: string;
  zoneAbbreviation: string;
  /** "15:00": the property's default check-in and check-out times. */
  checkInTime: string;
  checkOutTime: string;
  /** The property's local date today and tomorrow: the new-stay form's default dates. */
  today: string;
  tomorrow: string;
};

export type StayOptions = {
  properties: PropertyOption[];
  /** The property whose locks are listed: the one asked for if it is the organization's, else the first. */
  propertyId: string | null;
  locks: StayLock[];
};

export const stayOptionsSchema = z.object({
  propertyId: z.uuid({ error: 'Property must be a property id.' }).optional(),
});

/** What the new-stay form offers: the organization's properties and one property's active locks. */
export async function listStayOptions(
  db: Executor,
  actor: Actor,
  input: z.input<typeof stayOptionsSchema>,
  now: Date,
): Promise<StayOptions> {
  assertCan(actor, 'reservations.manage');
  const { propertyId } = parseInput(stayOptionsSchema, input);
  const rows = await db
    .select({
      id: properties.id,
      name: properties.name,
      timeZone: properties.timeZone,
      checkInTime: properties.checkInTime,
      checkOutTime: properties.checkOutTime,
    })
    .from(properties)
    .where(eq(properties.organizationId, actor.organizationId))
    .orderBy(asc(properties.name), asc(properties.id));
  const chosen = rows.find((p) => p.id === propertyId) ?? rows[0];
  const locks = chosen ? await locksAtProperty(db, actor, chosen.id) : [];
  return {
    properties: rows.map((p) => ({
      id: p.id,
      name: p.name,
      timeZone: p.timeZone,
      zoneAbbreviation: zoneAbbreviation(now, p.timeZone),
      checkInTime: p.checkInTime.slice(0, 5),
      checkOutTime: p.checkOutTime.slice(0, 5),
      today: localDateTimeParts(now, p.timeZone).date,
      tomorrow: localDateTimeParts(wallTimeInZone(now, p.timeZone, 1, '12:00'), p.timeZone).date,
    })),
    propertyId: chosen?.id ?? null,
    locks,
  };
}

/** A property's active locks, the ones a stay there may open. */
export async function locksAtProperty(
  db: Executor,
  actor: Actor,
  propertyId: string,
): Promise<StayLock[]> {
  assertCan(actor, 'reservations.read');
  if (!isId(propertyId)) return [];
  return db
    .select({ id: devices.id, name: devices.name, room: devices.room, online: devices.online })
    .from(devices)
    .where(
      and(
        eq(devices.organizationId, actor.organizationId),
        eq(devices.propertyId, propertyId),
        eq(devices.status, 'active'),
      ),
    )
    .orderBy(asc(devices.room), asc(devices.name), asc(devices.id));
}
