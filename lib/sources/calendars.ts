// iCal feeds read: on the tick every CALENDAR_REFRESH_MINUTES, when staff ask
// ("Read now"), and once as a preview before the first import. Each read asks
// only for changes (ETag / Last-Modified), backs off on 429 and 5xx as the
// server says, and hands a clean read to the ingestion core as a snapshot.
import { createHash } from 'node:crypto';
import { and, eq, gt, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import type { Executor } from '@/db/client';
import { type ReservationSource, reservationSources, sourceBookings } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import type { Actor } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/log';
import { type FeedRead, fetchFeed } from './feed-fetch';
import { type CalendarPreset, parseCalendar } from './ical';
import { type IngestSummary, ingestBookings } from './ingest';
import { feedUrlOf, findSource } from './sources';

/** A feed not read successfully for this long is an alert (lib/alerts/alerts.ts). */
export const CALENDAR_STALE_MINUTES = 60;
export const CALENDAR_NOT_READ = 'calendar_not_read';

/** Longest wait after failures in a row (doubling from the refresh interval) when the server names none. */
const MAX_BACKOFF_MINUTES = 6 * 60;

/** How long a tick holds a feed it is reading; another instance skips it meanwhile. */
const LEASE_MINUTES = 5;

export type CalendarReadOptions = {
  now: Date;
  refreshMinutes: number;
  /** Per read; the fetcher's own defaults otherwise (15 s, 5 MB). */
  timeoutMs?: number;
  maxBytes?: number;
  key?: Buffer;
};

export type CalendarRead =
  | {
      kind: 'read';
      summary: IngestSummary;
      skipped: { reason: string; count: number }[];
      /** When the tick reads it next; null for a preview, which schedules nothing. */
      nextReadAt: Date | null;
    }
  /** 304, or the same body as last time with nothing waiting on another read. */
  | { kind: 'unchanged'; nextReadAt: Date }
  | { kind: 'failed'; error: string; nextReadAt: Date };

const minutes = (n: number) => n * 60_000;

/** Fetch and parse, without writing: what a read, a preview and an approval share. */
async function fetchBookings(
  source: ReservationSource,
  options: Omit<CalendarReadOptions, 'refreshMinutes'>,
  validators: { etag: string | null; lastModified: string | null },
): Promise<
  | { kind: 'failed'; read: Extract<FeedRead, { kind: 'failed' }> }
  | { kind: 'not_modified' }
  | {
      kind: 'ok';
      read: Extract<FeedRead, { kind: 'ok' }>;
      bodyHash: string;
      parsed: ReturnType<typeof parseCalendar>;
    }
> {
  const url = feedUrlOf(source, options.key);
  if (!url) {
    return {
      kind: 'failed',
      read: {
        kind: 'failed',
        error:
          'The feed address cannot be read by this server (CREDENTIALS_KEY changed); add the feed again.',
        status: null,
        retryAt: null,
      },
    };
  }
  const read = await fetchFeed(url, validators, {
    now: options.now,
    timeoutMs: options.timeoutMs,
    maxBytes: options.maxBytes,
  });
  if (read.kind !== 'ok') return read.kind === 'failed' ? { kind: 'failed', read } : read;
  const bodyHash = createHash('sha256').update(read.body).digest('base64url');
  try {
    const parsed = parseCalendar(read.body, source.preset as CalendarPreset, { now: options.now });
    return { kind: 'ok', read, bodyHash, parsed };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return {
      kind: 'failed',
      read: { kind: 'failed', error: error.message, status: null, retryAt: null },
    };
  }
}

/**
 * Read one approved feed and take what it says. Saves how the read went on
 * the source (next read, failures, the last error); a failed read changes no
 * stay. An unchanged feed (304, or the same bytes) writes only the source's
 * read times, unless a booking waits on another clean read to be cancelled.
 */
export async function readCalendar(
  db: Executor,
  source: ReservationSource,
  options: CalendarReadOptions,
): Promise<CalendarRead> {
  const { now } = options;
  // A booking missing from the last read waits on this one: read the feed whole, even unchanged.
  const pending = await hasPendingCancellation(db, source.id);
  const fetched = await fetchBookings(
    source,
    options,
    pending ? { etag: null, lastModified: null } : source,
  );
  if (fetched.kind === 'failed') {
    const failures = source.failures + 1;
    const backoff = Math.min(options.refreshMinutes * 2 ** (failures - 1), MAX_BACKOFF_MINUTES);
    const retryAt = fetched.read.retryAt?.getTime() ?? 0;
    const nextReadAt = new Date(Math.max(now.getTime() + minutes(backoff), retryAt));
    await db
      .update(reservationSources)
      .set({
        lastReadAt: now,
        lastError: fetched.read.error,
        failures,
        nextReadAt,
        leasedUntil: null,
      })
      .where(eq(reservationSources.id, source.id));
    logger().warn(
      { sourceId: source.id, status: fetched.read.status, failures },
      'reading a calendar feed failed',
    );
    return { kind: 'failed', error: fetched.read.error, nextReadAt };
  }
  const succeeded = {
    lastReadAt: now,
    lastSuccessAt: now,
    lastError: null,
    failures: 0,
    nextReadAt: new Date(now.getTime() + minutes(options.refreshMinutes)),
    leasedUntil: null,
  };
  if (fetched.kind === 'not_modified' || (fetched.bodyHash === source.bodyHash && !pending)) {
    await db.update(reservationSources).set(succeeded).where(eq(reservationSources.id, source.id));
    return { kind: 'unchanged', nextReadAt: succeeded.nextReadAt };
  }
  const summary = await ingestBookings(db, source, fetched.parsed.bookings, {
    now,
    snapshot: true,
  });
  await db
    .update(reservationSources)
    .set({
      ...succeeded,
      // An empty or shrunk read is no success: it cancels nothing, the next read is taken whole
      // (no validators, no body hash), and an hour of them is an alert.
      ...(summary.distrusted
        ? { lastSuccessAt: source.lastSuccessAt, etag: null, lastModified: null, bodyHash: null }
        : {
            etag: fetched.read.etag,
            lastModified: fetched.read.lastModified,
            bodyHash: fetched.bodyHash,
            lastBookingCount: fetched.parsed.bookings.length,
          }),
      lastError: summary.distrusted,
    })
    .where(eq(reservationSources.id, source.id));
  return {
    kind: 'read',
    summary,
    skipped: fetched.parsed.skipped,
    nextReadAt: succeeded.nextReadAt,
  };
}

/** A booking missing from the last read waits on this one: the same body must still be counted. */
async function hasPendingCancellation(db: Executor, sourceId: string): Promise<boolean> {
  const [row] = await db
    .select({ id: sourceBookings.id })
    .from(sourceBookings)
    .where(
      and(
        eq(sourceBookings.sourceId, sourceId),
        eq(sourceBookings.status, 'live'),
        gt(sourceBookings.missingReads, 0),
      ),
    )
    .limit(1);
  return row !== undefined;
}

/** One of the organization's iCal feeds; any other source is not found here. */
async function findCalendar(db: Executor, actor: Actor, sourceId: string) {
  const source = await findSource(db, actor, sourceId);
  if (source.kind !== 'ical') throw AppError.notFound('Source');
  return source;
}

/**
 * What the first import would create, before it is applied: the feed is
 * read and taken inside a transaction that is rolled back. Nothing is saved,
 * not even the read's validators, so the approval reads it whole.
 */
export async function previewCalendar(
  db: Executor,
  actor: Actor,
  sourceId: string,
  options: Omit<CalendarReadOptions, 'refreshMinutes'>,
): Promise<Exclude<CalendarRead, { kind: 'unchanged' }>> {
  const source = await findCalendar(db, actor, sourceId);
  const fetched = await fetchBookings(source, options, { etag: null, lastModified: null });
  if (fetched.kind === 'not_modified') throw new Error('an unconditional read answered 304');
  if (fetched.kind === 'failed') {
    return { kind: 'failed', error: fetched.read.error, nextReadAt: options.now };
  }
  const summary = await ingestBookings(db, source, fetched.parsed.bookings, {
    now: options.now,
    snapshot: true,
    dryRun: true,
  });
  return { kind: 'read', summary, skipped: fetched.parsed.skipped, nextReadAt: null };
}

/**
 * Apply the first import staff previewed and let the tick read the feed
 * from now on. A feed that fails now stays unapproved: nothing to apply.
 */
export async function approveCalendar(
  db: Executor,
  actor: Actor,
  sourceId: string,
  options: CalendarReadOptions,
): Promise<CalendarRead> {
  const source = await findCalendar(db, actor, sourceId);
  const read = await readCalendar(
    db,
    { ...source, etag: null, lastModified: null, bodyHash: null },
    options,
  );
  if (read.kind === 'failed') return read;
  await db
    .update(reservationSources)
    .set({ approvedAt: options.now })
    .where(and(eq(reservationSources.id, source.id), isNull(reservationSources.approvedAt)));
  await recordAudit(db, actor, {
    action: 'reservation_source.approved',
    targetType: 'reservation_source',
    targetId: source.id,
    detail: read.kind === 'read' ? { ...read.summary.counts } : {},
  });
  return read;
}

/** "Read now": an approved feed read at once, whenever the tick would have. */
export async function readCalendarNow(
  db: Executor,
  actor: Actor,
  sourceId: string,
  options: CalendarReadOptions,
): Promise<CalendarRead> {
  const source = await findCalendar(db, actor, sourceId);
  if (!source.approvedAt) {
    throw new AppError('conflict', 'Preview and apply the first import before reading the feed.');
  }
  return readCalendar(db, source, options);
}

export type CalendarTickStats = {
  read: number;
  unchanged: number;
  failed: number;
  created: number;
  updated: number;
  cancelled: number;
};

/** One feed a tick (or an operator) read, and how it went. */
export type FeedReadResult = {
  sourceId: string;
  organizationId: string;
  name: string;
  read: CalendarRead;
};

export type DueCalendarOptions = CalendarReadOptions & {
  concurrency?: number;
  limit?: number;
  /** Only this organization's feeds. */
  organizationId?: string;
  /** Every approved feed not yet read at `now`, due or not (an operator's "read them all"). */
  ignoreSchedule?: boolean;
};

/**
 * The tick's part: every approved feed whose next read is due, leased so no
 * other instance reads it at the same time, read a few at once; at most
 * `limit` feeds a call.
 */
export async function readDueCalendars(
  db: Executor,
  options: DueCalendarOptions,
): Promise<CalendarTickStats & { feeds: FeedReadResult[] }> {
  const { now } = options;
  const leaseUntil = new Date(now.getTime() + minutes(LEASE_MINUTES));
  const due = db
    .select({ id: reservationSources.id })
    .from(reservationSources)
    .where(
      and(
        eq(reservationSources.kind, 'ical'),
        isNotNull(reservationSources.approvedAt),
        options.organizationId
          ? eq(reservationSources.organizationId, options.organizationId)
          : undefined,
        options.ignoreSchedule
          ? or(isNull(reservationSources.lastReadAt), lt(reservationSources.lastReadAt, now))
          : or(isNull(reservationSources.nextReadAt), lte(reservationSources.nextReadAt, now)),
        or(isNull(reservationSources.leasedUntil), lte(reservationSources.leasedUntil, now)),
      ),
    )
    .orderBy(reservationSources.nextReadAt)
    .limit(options.limit ?? 50)
    .for('update', { skipLocked: true });
  const claimed = await db
    .update(reservationSources)
    .set({ leasedUntil: leaseUntil })
    .where(sql`${reservationSources.id} in (${due})`)
    .returning();
  const limit = pLimit(options.concurrency ?? 4);
  const feeds = await Promise.all(
    claimed.map((source) =>
      limit(async (): Promise<FeedReadResult> => {
        const about = {
          sourceId: source.id,
          organizationId: source.organizationId,
          name: source.name,
        };
        try {
          return { ...about, read: await readCalendar(db, source, options) };
        } catch (error) {
          // The lease runs out and a later tick reads it again.
          logger().error({ err: error, sourceId: source.id }, 'reading a calendar feed failed');
          const message = error instanceof AppError ? error.message : 'Unexpected error.';
          return { ...about, read: { kind: 'failed', error: message, nextReadAt: leaseUntil } };
        }
      }),
    ),
  );
  return { ...calendarStats(feeds), feeds };
}

/** Every due feed (or, with `ignoreSchedule`, every feed), call after call until none is left: for operators and benchmarks, never the tick, which has a budget. */
export async function readAllDueCalendars(
  db: Executor,
  options: DueCalendarOptions,
): Promise<CalendarTickStats & { feeds: FeedReadResult[] }> {
  const feeds: FeedReadResult[] = [];
  for (;;) {
    const round = await readDueCalendars(db, options);
    if (round.feeds.length === 0) break;
    feeds.push(...round.feeds);
  }
  return { ...calendarStats(feeds), feeds };
}

function calendarStats(feeds: FeedReadResult[]): CalendarTickStats {
  const stats: CalendarTickStats = {
    read: 0,
    unchanged: 0,
    failed: 0,
    created: 0,
    updated: 0,
    cancelled: 0,
  };
  for (const { read } of feeds) {
    if (read.kind === 'failed') stats.failed++;
    else if (read.kind === 'unchanged') stats.unchanged++;
    else {
      stats.read++;
      stats.created += read.summary.counts.created;
      stats.updated += read.summary.counts.updated;
      stats.cancelled += read.summary.counts.cancelled + read.summary.cancelledMissing;
    }
  }
  return stats;
}
