import { and, eq, gte, inArray, isNull, lte, not, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Executor, inIds, jsonRows } from '@/db/client';
import {
  accessCodes,
  devices,
  messages,
  organizations,
  properties,
  reservationDevices,
  reservations,
} from '@/db/schema';
import { codeFactColumns } from '@/lib/access-codes/code-status';
import { takesSlot } from '@/lib/access-codes/predicates';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { poolSizeSql } from '@/lib/backup-pools/pool-size';
import { loadPullFacts, pullability } from '@/lib/backup-pools/pullability';
import { readyBackupsColumn } from '@/lib/backup-pools/ready';
import { deviceOfLink } from '@/lib/joins';
import { type FirstEntry, firstEntriesFor } from '@/lib/lock-events/entries';
import { findOverlapsOfStays } from '@/lib/reservations/overlap';
import { pendingCancellations, stayCameFrom } from '@/lib/sources/stay-source';
import { sameLocalDate, toIso } from '@/lib/time';
import { parseInput } from '@/lib/validation';
import {
  assessStay,
  byUrgency,
  offersBackup,
  type Readiness,
  type ReadinessPolicy,
  type StayFacts,
  type StayLock,
  type Verdict,
} from './readiness';

/** Stays arriving within this many hours are on the arrivals page. */
export const ARRIVALS_HORIZON_HOURS = 72;
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

// Times are ISO strings: the same shape reaches the page from the server
// render and from the JSON route that keeps it live.

export type Arrival = {
  reservationId: string;
  guestName: string;
  /** The reservation source that brought the stay (lib/sources/); null when staff or the API made it. */
  source: string | null;
  propertyName: string;
  timeZone: string;
  startsAt: string;
  endsAt: string;
  readiness: Readiness;
  /** The guest's first entry ("Arrived 15:42 · Room 204 · guest code"); null: not yet arrived. */
  firstEntry: { at: string; words: string } | null;
  /** The guest got in with a backup code: the stay needed help. */
  neededHelp: boolean;
};

export type Departure = {
  reservationId: string;
  guestName: string;
  propertyName: string;
  timeZone: string;
  endsAt: string;
  /** Check-out has passed. */
  checkedOut: boolean;
  /** Locks still holding the guest's code although check-out has passed. */
  stillOnLocks: { deviceId: string; name: string; room: string | null }[];
};

export const ARRIVALS_PAGE_SIZE = 25;
export const DEPARTURES_SHOWN = 25;

export const listArrivalsSchema = z.object({
  verdict: z
    .enum(['at_risk', 'needs_attention', 'on_track', 'ready'], {
      error: 'Show must be at_risk, needs_attention, on_track or ready.',
    })
    .optional()
    .catch(undefined),
  page: z.coerce
    .number({ error: 'Page must be a number.' })
    .int('Page must be a whole number.')
    .min(1, 'Page must be 1 or more.')
    .max(10_000, 'Page must be at most 10000.')
    .default(1),
});
export type ListArrivalsInput = z.input<typeof listArrivalsSchema>;

export type ArrivalsBoard = {
  /** The moment the board was read, for "in 3 hours". */
  now: string;
  /** One page of arrivals, at-risk first, narrowed to `verdict` when given. */
  arrivals: Arrival[];
  /** Every arrival in the window, by verdict, whatever the filter and page. */
  counts: Record<Verdict, number>;
  /** Arrivals matching the filter, across pages. */
  matching: number;
  page: number;
  pageSize: number;
  /** Today's departures, those with a code still on a lock first, at most DEPARTURES_SHOWN. */
  departures: Departure[];
  departuresTotal: number;
};

const firstEntryOf = (first: FirstEntry | undefined) =>
  first ? { at: first.entry.occurredAt, words: first.entry.words } : null;
const firstAt = (first: FirstEntry | undefined) =>
  first ? new Date(first.entry.occurredAt) : null;

const emptyCounts = (): Record<Verdict, number> => ({
  at_risk: 0,
  needs_attention: 0,
  on_track: 0,
  ready: 0,
});

/**
 * The arrivals page: every stay arriving today or in the next 72 hours with its
 * readiness, at-risk stays first, and today's departures (in each property's
 * zone) with any code still on a lock after check-out, and whether each
 * guest has come in yet. Eight queries whatever
 * the number of stays.
 */
export async function listArrivals(
  db: Executor,
  actor: Actor,
  input: ListArrivalsInput,
  now: Date,
): Promise<ArrivalsBoard> {
  assertCan(actor, 'reservations.read', 'Reservation');
  const { verdict, page } = parseInput(listArrivalsSchema, input);
  const board = await readBoard(db, actor.organizationId, now);
  // Every stay is ranked and counted by its verdict, assessed without words;
  // only the page shown is put in words, in the order assessArrivals gives.
  const ranked = board ? rank(board, now, { words: false }) : [];
  const counts = emptyCounts();
  for (const arrival of ranked) counts[arrival.readiness.verdict] += 1;
  const matching = verdict ? ranked.filter((a) => a.readiness.verdict === verdict) : ranked;
  const start = (page - 1) * ARRIVALS_PAGE_SIZE;
  const shown = matching.slice(start, start + ARRIVALS_PAGE_SIZE);
  const departures = board?.departures ?? [];
  return {
    now: toIso(now),
    arrivals: board
      ? shown.map(({ stay }) => arrivalOf(stay, assessStay(stay.facts, board.policy, now)))
      : [],
    counts,
    matching: matching.length,
    page,
    pageSize: ARRIVALS_PAGE_SIZE,
    departures: departures.slice(0, DEPARTURES_SHOWN),
    departuresTotal: departures.length,
  };
}

/**
 * Every arrival on the board with its readiness (at-risk first) and today's
 * departures, for one organization and without an actor: the page reads it
 * through listArrivals, the tick to tell members of at-risk arrivals
 * (lib/notifications/conditions.ts).
 */
export async function assessArrivals(
  db: Executor,
  org: string,
  now: Date,
): Promise<{ arrivals: Arrival[]; departures: Departure[] }> {
  const board = await readBoard(db, org, now);
  if (!board) return { arrivals: [], departures: [] };
  return {
    arrivals: rank(board, now).map(({ stay, readiness }) => arrivalOf(stay, readiness)),
    departures: board.departures,
  };
}

type Board = { stays: StayOnBoard[]; departures: Departure[]; policy: ReadinessPolicy };

/** The board's stays with their readiness, at-risk first (then by check-in). */
function rank(board: Board, now: Date, options?: { words: boolean }) {
  return board.stays
    .map((stay) => ({
      stay,
      startsAt: stay.facts.startsAt,
      readiness: assessStay(stay.facts, board.policy, now, options),
    }))
    .sort(byUrgency);
}

/** An arriving stay as the board reads it: what it shows, and what its readiness is assessed from. */
type StayOnBoard = {
  stay: { reservationId: string; guestName: string; propertyName: string; timeZone: string };
  source: string | null;
  endsAt: Date;
  firstEntry: FirstEntry | undefined;
  facts: StayFacts;
};

/** One arrival as the page and the tick read it, in words. */
function arrivalOf(
  { stay, source, endsAt, firstEntry, facts }: StayOnBoard,
  readiness: Readiness,
): Arrival {
  return {
    reservationId: stay.reservationId,
    guestName: stay.guestName,
    source,
    propertyName: stay.propertyName,
    timeZone: stay.timeZone,
    startsAt: toIso(facts.startsAt),
    endsAt: toIso(endsAt),
    firstEntry: firstEntryOf(firstEntry),
    neededHelp: firstEntry?.neededHelp ?? false,
    readiness,
  };
}

// The board's three big reads (a row per stay, per stay's lock, per guest
// code: ~2,400 rows for 2,000 locks) come back as JSON arrays (`jsonRows`):
// mapping them through the ORM cost ~7 of the board's ~22 ms of CPU (issue 23).
const stayRows = jsonRows({
  reservationId: reservations.id,
  guestName: reservations.guestName,
  propertyName: properties.name,
  timeZone: properties.timeZone,
  startsAt: reservations.startsAt,
  endsAt: reservations.endsAt,
  reachable: sql<boolean>`(${reservations.guestEmail} is not null or ${reservations.guestPhone} is not null)`,
  source: reservations.source,
  sourceId: reservations.sourceId,
});

/** Each stay's locks, with their ready backups as at `now`. */
const linkRowsAt = (now: Date) =>
  jsonRows({
    reservationId: reservationDevices.reservationId,
    deviceId: devices.id,
    name: devices.name,
    room: devices.room,
    online: devices.online,
    status: devices.status,
    errors: devices.errors,
    batteryLevel: devices.batteryLevel,
    supportsNativeScheduling: devices.supportsNativeScheduling,
    backupPoolEnabled: devices.backupPoolEnabled,
    poolSize: poolSizeSql(),
    availableBackups: readyBackupsColumn(now),
  });

const codeRows = jsonRows({
  id: accessCodes.id,
  reservationId: accessCodes.reservationId,
  deviceId: accessCodes.deviceId,
  ...codeFactColumns,
});

/**
 * The board's reads: each arriving stay with the facts its readiness is
 * assessed from (in check-in order), today's departures, and the
 * organization's policy; null for no organization.
 */
async function readBoard(db: Executor, org: string, now: Date): Promise<Board | null> {
  const horizon = new Date(now.getTime() + ARRIVALS_HORIZON_HOURS * HOUR);

  const [[policyRow], stays] = await Promise.all([
    db
      .select({
        leadMinutes: organizations.programmingLeadMinutes,
        messageLeadMinutes: organizations.guestMessageLeadMinutes,
        deskFallbackText: organizations.deskFallbackText,
        noEntryAlertTime: organizations.noEntryAlertTime,
      })
      .from(organizations)
      .where(eq(organizations.id, org)),
    // Arriving within the horizon, or leaving within a day either side of now
    // (narrowed to "today" per property below).
    db
      .select({ rows: stayRows.aggregate(sql`order by ${reservations.startsAt}`) })
      .from(reservations)
      .innerJoin(properties, eq(properties.id, reservations.propertyId))
      .where(
        and(
          eq(reservations.organizationId, org),
          eq(reservations.status, 'confirmed'),
          lte(reservations.startsAt, horizon),
          gte(reservations.endsAt, new Date(now.getTime() - 24 * HOUR)),
        ),
      )
      .then(([read]) => stayRows.parse(read?.rows)),
  ]);
  if (!policyRow) return null;
  // No local day lasts two days (a DST change makes one 23 or 25 hours), so a
  // moment that far from now is never today, and needs no formatting to say so.
  const isToday = (at: Date, zone: string) =>
    Math.abs(at.getTime() - now.getTime()) < 2 * DAY && sameLocalDate(at, now, zone);
  // A guest who checked in at 15:00 may still walk up at 23:00: today's
  // arrivals stay on the board all day, in the property's zone.
  const arriving = stays.filter((s) => s.startsAt >= now || isToday(s.startsAt, s.timeZone));
  const leaving = stays.filter((s) => isToday(s.endsAt, s.timeZone));
  const arrivingIds = arriving.map((s) => s.reservationId);
  // The locks and codes of arriving stays, and of departures whose check-out has
  // passed (a code still on a lock); a departure still in the room shows neither.
  const ids = [
    ...new Set([
      ...arrivingIds,
      ...leaving.filter((s) => s.endsAt <= now).map((s) => s.reservationId),
    ]),
  ];
  // Postgres answers `time` as "22:00:00"; the rule and its words use "22:00".
  const policy = {
    ...policyRow,
    noEntryAlertTime: policyRow.noEntryAlertTime?.slice(0, 5) ?? null,
  };
  if (arriving.length === 0 && leaving.length === 0) return { stays: [], departures: [], policy };

  const linkRows = linkRowsAt(now);
  const linksRead = db
    .select({ rows: linkRows.aggregate(sql`order by ${devices.name}`) })
    .from(reservationDevices)
    .innerJoin(devices, deviceOfLink)
    .innerJoin(organizations, eq(organizations.id, devices.organizationId))
    .where(
      and(eq(reservationDevices.organizationId, org), inIds(reservationDevices.reservationId, ids)),
    )
    .then(([read]) => linkRows.parse(read?.rows));
  // A code's pullability is read as soon as the codes have come.
  const codesRead = db
    .select({ rows: codeRows.aggregate() })
    .from(accessCodes)
    .where(
      and(
        eq(accessCodes.organizationId, org),
        inIds(accessCodes.reservationId, ids),
        isNull(accessCodes.deletedAt),
        not(accessCodes.isBackup),
      ),
    )
    .then(([read]) => codeRows.parse(read?.rows));
  const [links, codes, pullFacts, overlaps, sent, pending, firstEntries] = await Promise.all([
    linksRead,
    codesRead,
    // Pullability changes only the words and the fix of a code with an error (../readiness.ts).
    codesRead.then((codes) =>
      loadPullFacts(
        db,
        org,
        codes.filter(offersBackup).map((c) => c.id),
        now,
      ),
    ),
    // A confirmed double booking: flagged on the stay's lock, with the other guest.
    findOverlapsOfStays(db, org, arrivingIds),
    db
      .selectDistinct({ reservationId: messages.reservationId })
      .from(messages)
      .where(
        and(
          eq(messages.organizationId, org),
          inIds(messages.reservationId, arrivingIds),
          inArray(messages.kind, ['guest_code', 'code_changed']),
          eq(messages.status, 'sent'),
        ),
      ),
    pendingCancellations(db, org, arrivingIds),
    firstEntriesFor(db, org, arriving, now),
  ]);

  const codeOf = new Map(codes.map((c) => [`${c.reservationId}:${c.deviceId}`, c]));
  const locksOf = new Map<string, StayLock[]>();
  for (const link of links) {
    const { reservationId, ...lock } = link;
    const list = locksOf.get(reservationId) ?? [];
    const code = codeOf.get(`${reservationId}:${lock.deviceId}`) ?? null;
    const facts = code && pullFacts.get(code.id);
    list.push({ ...lock, code, pull: facts ? pullability(facts, now) : null });
    locksOf.set(reservationId, list);
  }
  const messaged = new Set(sent.map((m) => m.reservationId));

  const onBoard = arriving.map(
    (stay): StayOnBoard => ({
      stay,
      source: stayCameFrom(stay),
      endsAt: stay.endsAt,
      firstEntry: firstEntries.get(stay.reservationId),
      facts: {
        reservationId: stay.reservationId,
        guestName: stay.guestName,
        startsAt: stay.startsAt,
        timeZone: stay.timeZone,
        locks: (locksOf.get(stay.reservationId) ?? []).map((lock) => ({
          ...lock,
          overlaps: (overlaps.get(stay.reservationId) ?? []).filter(
            (o) => o.deviceId === lock.deviceId,
          ),
        })),
        messageSent: messaged.has(stay.reservationId),
        reachable: stay.reachable,
        pendingCancellation: pending.get(stay.reservationId) ?? null,
        firstEntryAt: firstAt(firstEntries.get(stay.reservationId)),
      },
    }),
  );

  const departures = leaving
    .map((stay) => ({
      reservationId: stay.reservationId,
      guestName: stay.guestName,
      propertyName: stay.propertyName,
      timeZone: stay.timeZone,
      endsAt: stay.endsAt,
      checkedOut: stay.endsAt <= now,
      stillOnLocks:
        stay.endsAt <= now
          ? (locksOf.get(stay.reservationId) ?? [])
              .filter((l) => l.code && takesSlot.test(l.code))
              .map((l) => ({ deviceId: l.deviceId, name: l.name, room: l.room }))
          : [],
    }))
    // Departures with a code still on a lock first: those are the ones to act on.
    .sort(
      (a, b) =>
        b.stillOnLocks.length - a.stillOnLocks.length || a.endsAt.getTime() - b.endsAt.getTime(),
    )
    .map((departure): Departure => ({ ...departure, endsAt: toIso(departure.endsAt) }));

  return { stays: onBoard, departures, policy };
}
