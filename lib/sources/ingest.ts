// The ingestion core (DESIGN.md "Where stays, entries and doors come from"):
// every source hands it normalized bookings; it alone decides create, update
// or cancel, through the same operations staff use (lib/reservations/), one
// transaction per booking with its codes. Sources only fetch and parse.
import { createHash } from 'node:crypto';
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  organizations,
  type ReservationSource,
  reservationDevices,
  reservations,
  type SourceBooking,
  type SyncedFields,
  sourceBookings,
} from '@/db/schema';
import { windowProblem } from '@/lib/access-codes/rules';
import type { Actor } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { isId } from '@/lib/ids';
import { toE164 } from '@/lib/phone';
import { findProperty, type PropertyTimes } from '@/lib/properties';
import {
  cancelReservation,
  createReservation,
  updateReservation,
} from '@/lib/reservations/operations';
import { locksAtProperty } from '@/lib/reservations/options';
import { GUEST_NAME_MAX_LENGTH, type UpdateReservationInput } from '@/lib/reservations/stay-input';
import { localDateTimeParts, zonedInstant } from '@/lib/time';
import { fieldErrorsOf } from '@/lib/validation';
import type { NormalizedBooking, StayEdge } from './booking';
import { policyDigits } from './code-policy';
import { countOutcomes, type IngestOutcome } from './outcomes';
import { MISSING_READS_TO_CANCEL, SHRUNK_READ_SHARE } from './safety-net';

export type { IngestOutcome } from './outcomes';

export type BookingResult = {
  externalId: string;
  outcome: IngestOutcome;
  reservationId?: string;
  /** What changed (updated), or why not (error, ignored). Never guest data. */
  message?: string;
  field?: string;
};

export type IngestSummary = {
  results: BookingResult[];
  counts: Record<IngestOutcome, number>;
  /** Upcoming stays missing from this read: still there, waiting for another clean read. */
  pendingCancellation: number;
  /** Stays cancelled because they were missing from enough clean reads. */
  cancelledMissing: number;
  /** Why missing bookings were not counted, when they were not (an empty or shrunk read). */
  distrusted: string | null;
};

export type IngestOptions = {
  now: Date;
  /** The read lists every upcoming booking (a feed): bookings it leaves out are counted missing. */
  snapshot: boolean;
  /** Do it all and roll it back: what the preview and a CSV dry run show. */
  dryRun?: boolean;
  missingReadsToCancel?: number;
  /** Staff importing a file act themselves; otherwise the source acts on its own. */
  actor?: Actor;
};

/** The source acting on its own: no user, no key; its id goes into every audit entry. */
export function sourceActor(
  source: Pick<ReservationSource, 'id' | 'organizationId' | 'name'>,
): Actor {
  return {
    userId: null,
    sourceId: source.id,
    name: source.name,
    email: '',
    organizationId: source.organizationId,
    organizationName: '',
    role: 'admin',
  };
}

/** Thrown to roll a dry run back, carrying what it found. */
class RolledBack<T> extends Error {
  constructor(readonly value: T) {
    super('rolled back');
  }
}

/** Run `work` in a transaction that is always rolled back, and answer what it returned. */
export async function rolledBack<T>(db: Executor, work: (tx: Executor) => Promise<T>): Promise<T> {
  try {
    await db.transaction(async (tx) => {
      throw new RolledBack(await work(tx));
    });
  } catch (error) {
    if (error instanceof RolledBack) return error.value as T;
    throw error;
  }
  throw new Error('a rolled-back transaction committed');
}

/**
 * Bring Keyhold's stays in line with what `source` says. Each booking is one
 * transaction (its stay, its codes, its link); one that cannot be taken is
 * reported and the rest go on. A booking read before and unchanged since
 * writes nothing.
 *
 * Staff edits and the source: a synced field (guest, dates, locks) is
 * overwritten only when the source changes it from what it said before; a
 * field the source repeats keeps what staff typed. A stay staff cancelled
 * stays cancelled.
 */
export async function ingestBookings(
  db: Executor,
  source: ReservationSource,
  bookings: NormalizedBooking[],
  options: IngestOptions,
): Promise<IngestSummary> {
  return options.dryRun
    ? rolledBack(db, (tx) => ingest(tx, source, bookings, options))
    : ingest(db, source, bookings, options);
}

async function ingest(
  db: Executor,
  source: ReservationSource,
  bookings: NormalizedBooking[],
  options: IngestOptions,
): Promise<IngestSummary> {
  const { now } = options;
  const actor = options.actor ? { ...options.actor, sourceId: source.id } : sourceActor(source);
  const context = await loadContext(db, actor, source);
  // A snapshot is judged against every booking the source has; a delivery or a file only
  // against its own (a PMS's thousandth webhook reads one link, not a thousand).
  const links = new Map(
    (
      await db
        .select()
        .from(sourceBookings)
        .where(
          and(
            eq(sourceBookings.sourceId, source.id),
            options.snapshot
              ? undefined
              : inArray(
                  sourceBookings.externalId,
                  bookings.map((b) => b.externalId),
                ),
          ),
        )
    ).map((l) => [l.externalId, l]),
  );
  const results: BookingResult[] = [];
  const seen = new Set<string>();
  for (const booking of bookings) {
    seen.add(booking.externalId);
    results.push(await takeBooking(db, actor, source, context, links, booking, now));
  }

  const summary: IngestSummary = {
    results,
    counts: countOutcomes(results),
    pendingCancellation: 0,
    cancelledMissing: 0,
    distrusted: null,
  };
  if (options.snapshot) {
    const missing = await countMissing(db, actor, links, seen, results, {
      now,
      toCancel: options.missingReadsToCancel ?? MISSING_READS_TO_CANCEL,
    });
    Object.assign(summary, missing);
  }
  return summary;
}

type Context = Awaited<ReturnType<typeof loadContext>>;

async function loadContext(db: Executor, actor: Actor, source: ReservationSource) {
  const [org] = await db
    .select({ policy: organizations.importedCodePolicy })
    .from(organizations)
    .where(eq(organizations.id, actor.organizationId));
  const properties = new Map<string, Promise<PropertyTimes>>();
  const locks = new Map<string, ReturnType<typeof locksAtProperty>>();
  return {
    policy: org?.policy ?? 'random',
    property(id: string | null | undefined) {
      const key = id ?? source.propertyId;
      let found = properties.get(key);
      if (!found) {
        found = findProperty(db, actor, key);
        properties.set(key, found);
      }
      return found;
    },
    /** The property's active locks, for a booking that names its room. */
    locksAt(propertyId: string) {
      let found = locks.get(propertyId);
      if (!found) {
        found = locksAtProperty(db, actor, propertyId);
        locks.set(propertyId, found);
      }
      return found;
    },
  };
}

/** A booking in Keyhold's terms: the property, the locks, the instants. */
type Resolved = SyncedFields & { confirmationCode: string | null; phoneLastDigits: string | null };

const clean = (value: string | null | undefined) => value?.trim() || null;

async function resolve(
  context: Context,
  source: ReservationSource,
  booking: NormalizedBooking,
): Promise<Resolved> {
  const unknownProperty = new AppError(
    'invalid_input',
    'The booking names a property Keyhold does not have.',
    { field: 'propertyId' },
  );
  if (booking.propertyId && !isId(booking.propertyId)) throw unknownProperty;
  const property = await context.property(booking.propertyId).catch((error: unknown) => {
    if (error instanceof AppError) throw unknownProperty;
    throw error;
  });
  let deviceIds = source.deviceIds;
  const room = clean(booking.room)?.toLowerCase();
  if (room) {
    const locks = await context.locksAt(property.id);
    const lock = locks.find((l) => l.name.toLowerCase() === room || l.room?.toLowerCase() === room);
    if (!lock) {
      throw new AppError(
        'invalid_input',
        `No lock at ${property.name} is called “${booking.room}”.`,
        {
          field: 'room',
        },
      );
    }
    deviceIds = [lock.id];
  } else if (booking.propertyId && booking.propertyId !== source.propertyId) {
    throw new AppError('invalid_input', 'A booking at another property must name its room.', {
      field: 'room',
    });
  }
  if (deviceIds.length === 0) {
    throw new AppError('invalid_input', 'The source has no locks and the booking names no room.', {
      field: 'room',
    });
  }
  const startsAt = edgeInstant(booking.checkIn, property.checkInTime, property.timeZone);
  const endsAt = edgeInstant(booking.checkOut, property.checkOutTime, property.timeZone);
  if (!startsAt)
    throw new AppError('invalid_input', 'Check-in is not a date.', { field: 'checkIn' });
  if (!endsAt)
    throw new AppError('invalid_input', 'Check-out is not a date.', { field: 'checkOut' });
  return {
    propertyId: property.id,
    guestName: booking.guestName.trim().slice(0, GUEST_NAME_MAX_LENGTH) || 'Guest',
    guestEmail: clean(booking.guestEmail)?.toLowerCase() ?? null,
    guestPhone: booking.guestPhone ? toE164(booking.guestPhone) : null,
    startsAt: startsAt.toISOString(),
    endsAt: endsAt.toISOString(),
    deviceIds: [...deviceIds].sort(),
    confirmationCode: clean(booking.confirmationCode),
    phoneLastDigits: clean(booking.phoneLastDigits),
  };
}

function edgeInstant(edge: StayEdge, defaultTime: string, zone: string): Date | null {
  const at =
    'at' in edge ? edge.at : zonedInstant(edge.date, edge.time ?? defaultTime.slice(0, 5), zone);
  return Number.isNaN(at.getTime()) ? null : at;
}

/** An event older than what the source said since (a webhook delivered late): it changes nothing. */
const olderThan = (booking: NormalizedBooking, link: SourceBooking | undefined) =>
  Boolean(link?.sourceUpdatedAt && booking.updatedAt && booking.updatedAt < link.sourceUpdatedAt);

const fingerprintOf = (resolved: Resolved, status: string) =>
  createHash('sha256')
    .update(JSON.stringify({ ...resolved, status }))
    .digest('base64url');

async function takeBooking(
  db: Executor,
  actor: Actor,
  source: ReservationSource,
  context: Context,
  links: Map<string, SourceBooking>,
  booking: NormalizedBooking,
  now: Date,
): Promise<BookingResult> {
  const externalId = booking.externalId;
  try {
    const resolved = await resolve(context, source, booking);
    const fingerprint = fingerprintOf(resolved, booking.status);
    const known = links.get(externalId);
    if (known && olderThan(booking, known)) {
      return { externalId, outcome: 'stale', reservationId: known.reservationId ?? undefined };
    }
    if (known && known.fingerprint === fingerprint && known.missingReads === 0) {
      return { externalId, outcome: 'unchanged', reservationId: known.reservationId ?? undefined };
    }
    return await db.transaction((tx) =>
      applyBooking(tx, actor, source, context, booking, resolved, fingerprint, now),
    );
  } catch (error) {
    if (error instanceof AppError) {
      const [field, message] = Object.entries(fieldErrorsOf(error))[0] ?? [];
      return { externalId, outcome: 'error', field, message: message ?? error.message };
    }
    throw error;
  }
}

async function applyBooking(
  tx: Executor,
  actor: Actor,
  source: ReservationSource,
  context: Context,
  booking: NormalizedBooking,
  resolved: Resolved,
  fingerprint: string,
  now: Date,
): Promise<BookingResult> {
  const externalId = booking.externalId;
  const { confirmationCode, phoneLastDigits, ...synced } = resolved;
  // Taken first, so two deliveries of one booking at once make one stay: the second waits here.
  const [inserted] = await tx
    .insert(sourceBookings)
    .values({
      organizationId: actor.organizationId,
      sourceId: source.id,
      externalId,
      fingerprint: '',
      lastSeenAt: now,
    })
    .onConflictDoNothing()
    .returning();
  const [link] = inserted
    ? [inserted]
    : await tx
        .select()
        .from(sourceBookings)
        .where(
          and(eq(sourceBookings.sourceId, source.id), eq(sourceBookings.externalId, externalId)),
        )
        .for('update');
  if (!link) throw new Error('a source booking vanished while it was held');
  // Checked again under the row lock: a newer delivery may have been taken meanwhile.
  if (olderThan(booking, link)) {
    return { externalId, outcome: 'stale', reservationId: link.reservationId ?? undefined };
  }

  const record = async (
    result: Omit<BookingResult, 'externalId'>,
    status: SourceBooking['status'] = 'live',
  ): Promise<BookingResult> => {
    await tx
      .update(sourceBookings)
      .set({
        reservationId: result.reservationId ?? null,
        confirmationCode,
        status,
        fingerprint,
        synced,
        sourceUpdatedAt: booking.updatedAt ?? link.sourceUpdatedAt,
        missingReads: 0,
        lastSeenAt: now,
      })
      .where(eq(sourceBookings.id, link.id));
    return { externalId, ...result };
  };

  const stay = link.reservationId
    ? (
        await tx
          .select({ id: reservations.id, status: reservations.status, endsAt: reservations.endsAt })
          .from(reservations)
          .where(eq(reservations.id, link.reservationId))
      )[0]
    : undefined;

  if (booking.status === 'cancelled') {
    if (!stay || link.status === 'cancelled') {
      return record(
        { outcome: 'ignored', reservationId: stay?.id, message: 'Cancelled at the source.' },
        'cancelled',
      );
    }
    const cancelled = await cancelUnlessHeld(tx, actor, stay.id, source.id, now);
    return record(
      { outcome: cancelled ? 'cancelled' : 'unchanged', reservationId: stay.id },
      'cancelled',
    );
  }

  if (new Date(synced.endsAt) <= now) {
    return record(
      { outcome: 'ignored', reservationId: stay?.id, message: 'Checked out already.' },
      'ended',
    );
  }

  // A live stay Keyhold made or recognised from this booking: follow what changed.
  if (stay && link.status === 'live') {
    if (stay.status === 'cancelled') {
      return record({ outcome: 'kept_cancelled', reservationId: stay.id });
    }
    const property = await context.property(synced.propertyId);
    const changes = changedFields(link.synced, synced, property.timeZone);
    if (changes.fields.length === 0)
      return record({ outcome: 'unchanged', reservationId: stay.id });
    await updateReservation(tx, actor, stay.id, changes.edit, now);
    return record({
      outcome: 'updated',
      reservationId: stay.id,
      message: changes.fields.join(', '),
    });
  }

  const same = await sameStay(tx, actor, source, resolved);
  if (same) return record({ outcome: 'linked', reservationId: same });

  const property = await context.property(synced.propertyId);
  const problem = windowProblem(
    { startsAt: new Date(synced.startsAt), endsAt: new Date(synced.endsAt) },
    now,
  );
  if (problem?.rule === 'ends_before_start') {
    throw new AppError('invalid_input', 'Check-out is before check-in.', { field: 'checkOut' });
  }
  const created = await createReservation(
    tx,
    actor,
    {
      propertyId: property.id,
      guestName: synced.guestName,
      guestEmail: synced.guestEmail,
      guestPhone: synced.guestPhone,
      ...localDates(synced, property.timeZone),
      deviceIds: synced.deviceIds,
      source: source.name.slice(0, 50),
      // The booking is the truth: an overlap on a lock is the channel's double booking, shown on the stay.
      allowOverlap: true,
    },
    now,
    {
      sourceId: source.id,
      digits: {
        digits: policyDigits(context.policy, {
          guestPhone: synced.guestPhone,
          phoneLastDigits,
        }),
        avoidHidden: true,
      },
    },
  );
  return record({ outcome: 'created', reservationId: created.id });
}

const localDates = (window: { startsAt: string; endsAt: string }, zone: string) => {
  const checkIn = localDateTimeParts(new Date(window.startsAt), zone);
  const checkOut = localDateTimeParts(new Date(window.endsAt), zone);
  return {
    checkInDate: checkIn.date,
    checkInTime: checkIn.time,
    checkOutDate: checkOut.date,
    checkOutTime: checkOut.time,
  };
};

const FIELD_NAMES = {
  guestName: 'guest name',
  guestEmail: 'guest email',
  guestPhone: 'guest phone',
  dates: 'dates',
  deviceIds: 'locks',
} as const;

/** The synced fields the source changed since it last spoke, as an edit of the stay. */
function changedFields(before: SyncedFields | null, after: SyncedFields, zone: string) {
  const fields: string[] = [];
  const patch: UpdateReservationInput = { allowOverlap: true };
  const differs = <K extends keyof SyncedFields>(key: K) =>
    JSON.stringify(before?.[key] ?? null) !== JSON.stringify(after[key]);
  if (differs('propertyId')) {
    throw new AppError(
      'invalid_input',
      'The booking moved to another property; cancel it there and book it here.',
      {
        field: 'propertyId',
      },
    );
  }
  for (const key of ['guestName', 'guestEmail', 'guestPhone'] as const) {
    if (!differs(key)) continue;
    fields.push(FIELD_NAMES[key]);
    if (key === 'guestName') patch.guestName = after.guestName;
    else patch[key] = after[key];
  }
  if (differs('startsAt') || differs('endsAt')) {
    fields.push(FIELD_NAMES.dates);
    Object.assign(patch, localDates(after, zone));
  }
  if (differs('deviceIds')) {
    fields.push(FIELD_NAMES.deviceIds);
    patch.deviceIds = after.deviceIds;
  }
  return { fields, edit: patch };
}

/**
 * The stay this booking already is, when Keyhold has it from elsewhere: the
 * same confirmation code from another source, or a confirmed stay at the same
 * property with the same check-in, check-out and locks that this source has
 * not claimed (another source's, or typed by staff before the feed was added).
 */
async function sameStay(
  tx: Executor,
  actor: Actor,
  source: ReservationSource,
  resolved: Resolved,
): Promise<string | null> {
  if (resolved.confirmationCode) {
    const [byCode] = await tx
      .select({ id: reservations.id })
      .from(sourceBookings)
      .innerJoin(reservations, eq(reservations.id, sourceBookings.reservationId))
      .where(
        and(
          eq(sourceBookings.organizationId, actor.organizationId),
          eq(sourceBookings.confirmationCode, resolved.confirmationCode),
          ne(sourceBookings.sourceId, source.id),
          eq(reservations.status, 'confirmed'),
        ),
      )
      .limit(1);
    if (byCode) return byCode.id;
  }
  const candidates = await tx
    .select({
      id: reservations.id,
      deviceIds: sql<string[]>`array_agg(${reservationDevices.deviceId})`,
    })
    .from(reservations)
    // The stay's rooms: its common doors came from them, and a booking names rooms.
    .innerJoin(
      reservationDevices,
      and(
        eq(reservationDevices.reservationId, reservations.id),
        eq(reservationDevices.viaCommonDoor, false),
      ),
    )
    .where(
      and(
        eq(reservations.organizationId, actor.organizationId),
        eq(reservations.propertyId, resolved.propertyId),
        eq(reservations.status, 'confirmed'),
        eq(reservations.startsAt, new Date(resolved.startsAt)),
        eq(reservations.endsAt, new Date(resolved.endsAt)),
        sql`not exists (select 1 from ${sourceBookings} sb
                         where sb.reservation_id = ${reservations.id} and sb.source_id = ${source.id})`,
      ),
    )
    .groupBy(reservations.id);
  const wanted = resolved.deviceIds.join(',');
  return candidates.find((c) => [...c.deviceIds].sort().join(',') === wanted)?.id ?? null;
}

/**
 * Cancel the stay unless another source still has it live (a PMS that
 * dropped a guest while the channel's feed still lists them): the stay goes
 * only when none of its sources keeps it.
 */
async function cancelUnlessHeld(
  tx: Executor,
  actor: Actor,
  reservationId: string,
  sourceId: string,
  now: Date,
): Promise<boolean> {
  const [held] = await tx
    .select({ id: sourceBookings.id })
    .from(sourceBookings)
    .where(
      and(
        eq(sourceBookings.reservationId, reservationId),
        ne(sourceBookings.sourceId, sourceId),
        eq(sourceBookings.status, 'live'),
      ),
    )
    .limit(1);
  if (held) return false;
  await cancelReservation(tx, actor, reservationId, now);
  return true;
}

/**
 * A feed's bookings it did not list this time. An empty read, or one much
 * smaller than what Keyhold has upcoming from it, counts nothing (a channel's
 * bad day must never cancel a stay). Otherwise each missing upcoming booking
 * counts one more missing read, and is cancelled at `toCancel`; one whose stay
 * is over has simply left the feed.
 */
async function countMissing(
  db: Executor,
  actor: Actor,
  links: Map<string, SourceBooking>,
  seen: Set<string>,
  results: BookingResult[],
  options: { now: Date; toCancel: number },
): Promise<Pick<IngestSummary, 'pendingCancellation' | 'cancelledMissing' | 'distrusted'>> {
  const { now } = options;
  const live = [...links.values()].filter((l) => l.status === 'live');
  const endsAt = new Map<string, Date>();
  const stayIds = live.flatMap((l) => (l.reservationId ? [l.reservationId] : []));
  if (stayIds.length > 0) {
    for (const row of await db
      .select({ id: reservations.id, endsAt: reservations.endsAt })
      .from(reservations)
      .where(inArray(reservations.id, stayIds))) {
      endsAt.set(row.id, row.endsAt);
    }
  }
  const upcoming = (l: SourceBooking) => {
    const ends = l.reservationId ? endsAt.get(l.reservationId) : undefined;
    return ends !== undefined && ends > now;
  };
  const ended = live.filter((l) => !seen.has(l.externalId) && !upcoming(l));
  if (ended.length > 0) {
    await db
      .update(sourceBookings)
      .set({ status: 'ended' })
      .where(
        inArray(
          sourceBookings.id,
          ended.map((l) => l.id),
        ),
      );
  }
  const missing = live.filter((l) => !seen.has(l.externalId) && upcoming(l));
  if (missing.length === 0)
    return { pendingCancellation: 0, cancelledMissing: 0, distrusted: null };

  const listed = results.filter((r) => r.outcome !== 'error' && r.outcome !== 'ignored').length;
  const known = live.filter(upcoming).length;
  const distrusted =
    listed === 0
      ? 'The feed listed no bookings; nothing was cancelled.'
      : listed < known * SHRUNK_READ_SHARE
        ? `The feed listed ${listed} bookings where Keyhold has ${known} upcoming from it; nothing was cancelled.`
        : null;
  if (distrusted) return { pendingCancellation: 0, cancelledMissing: 0, distrusted };

  let cancelledMissing = 0;
  let pendingCancellation = 0;
  for (const link of missing) {
    const reads = link.missingReads + 1;
    await db.transaction(async (tx) => {
      if (reads < options.toCancel) {
        await tx
          .update(sourceBookings)
          .set({ missingReads: reads })
          .where(eq(sourceBookings.id, link.id));
        pendingCancellation++;
        return;
      }
      await tx
        .update(sourceBookings)
        .set({ missingReads: reads, status: 'cancelled' })
        .where(eq(sourceBookings.id, link.id));
      if (
        link.reservationId &&
        (await cancelUnlessHeld(tx, actor, link.reservationId, link.sourceId, now))
      ) {
        cancelledMissing++;
      }
    });
  }
  return { pendingCancellation, cancelledMissing, distrusted: null };
}
