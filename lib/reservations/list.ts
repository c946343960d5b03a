import { and, asc, desc, eq, gt, ilike, lte, or, type SQL, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { organizations, properties, reservations } from '@/db/schema';
import {
  type CodeStatusWords,
  codeStatusFromJson,
  codeStatusJson,
  codeStatusOf,
} from '@/lib/access-codes/code-status';
import { summarizeCodeStatus } from '@/lib/access-codes/describe';
import { isLive } from '@/lib/access-codes/predicates';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { describeIssue } from '@/lib/issues';
import { propertyOfReservation } from '@/lib/joins';
import { stayCameFrom } from '@/lib/sources/stay-source';
import { formatZoned } from '@/lib/time';
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
  /** The reservation source that brought the stay; null when staff or the API made it. */
  source: string | null;
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
    /** The guest codes' state in one line, in the words every page uses; null without codes. */
    summary: CodeStatusWords | null;
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
// can never show another tenant's lock. A stay's locks here are its rooms: the
// common door every stay shares would say nothing on each row (the stay's page
// shows it).
const stayLocks = sql<StayLock[]>`coalesce((
  select json_agg(json_build_object('id', d.id, 'name', d.name, 'room', d.room, 'online', d.online)
                  order by d.room, d.name)
  from reservation_devices rd
  join devices d on d.id = rd.device_id and d.organization_id = rd.organization_id
  where rd.reservation_id = reservations.id and rd.organization_id = reservations.organization_id
    and not rd.via_common_door
), '[]'::json)`;

const liveGuestCode = sql`c.reservation_id = reservations.id
    and c.organization_id = reservations.organization_id
    and ${isLive.sql({ table: 'c' })} and not c.is_backup`;

const codeFacts = sql<Parameters<typeof codeStatusFromJson>[0][]>`coalesce((
  select json_agg(${codeStatusJson} order by d.room, d.name)
  from access_codes c join devices d on d.id = c.device_id and d.organization_id = c.organization_id
  where ${liveGuestCode}
), '[]'::json)`;

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
          where rd.reservation_id = reservations.id and not rd.via_common_door
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
      source: reservations.source,
      sourceId: reservations.sourceId,
      guestEmail: reservations.guestEmail,
      guestPhone: reservations.guestPhone,
      propertyId: reservations.propertyId,
      propertyName: properties.name,
      timeZone: properties.timeZone,
      startsAt: reservations.startsAt,
      endsAt: reservations.endsAt,
      status: reservations.status,
      locks: stayLocks,
      codes: codeFacts,
      leadMinutes: organizations.programmingLeadMinutes,
      errorCodes,
      total: sql<number>`(count(*) over ())::int`,
    })
    .from(reservations)
    .innerJoin(properties, propertyOfReservation)
    .innerJoin(organizations, eq(organizations.id, reservations.organizationId))
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
      .innerJoin(properties, propertyOfReservation)
      .where(and(...conditions));
    total = counted?.n ?? 0;
  }

  return {
    reservations: rows.map((row) => ({
      id: row.id,
      guestName: row.guestName,
      source: stayCameFrom(row),
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
      codes: {
        total: row.codes.length,
        summary: summarizeCodeStatus(
          row.codes.map((json) =>
            codeStatusOf(codeStatusFromJson(json), row.leadMinutes, row.timeZone, now),
          ),
        ),
      },
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
