import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  type AccessCode,
  accessCodes,
  type Reservation,
  reservationDevices,
  reservations,
} from '@/db/schema';
import { applyCodeChange, markDeleted, retireHiddenHolders } from '@/lib/access-codes/operations';
import { isLive } from '@/lib/access-codes/predicates';
import { commonLengths } from '@/lib/access-codes/rules';
import {
  assertCodeFits,
  clashOn,
  firstAttemptAt,
  insertCodes,
  type LockForCodes,
  liveCodesOn,
  loadLocks,
  lockCodeChanges,
  pickCode,
  pickCodes,
  policyFor,
} from '@/lib/access-codes/store';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { commonDoorsFor, doorDigits, holdCommonDoors, keptRooms } from '@/lib/devices/common-doors';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { queueCancellationMessage } from '@/lib/messages/guest';
import { findProperty } from '@/lib/properties';
import { localDateTimeParts } from '@/lib/time';
import { InvalidInputError, zodFieldErrors } from '@/lib/validation';
import { assertNoOverlap, findOverlaps, type Overlap } from './overlap';
import {
  type CreateReservationInput,
  changedDatesSchema,
  createReservationSchema,
  locksForStay,
  stayDatesSchema,
  stayProblems,
  type UpdateReservationInput,
  updateReservationSchema,
} from './stay-input';

/**
 * Guest codes for a stay on its `rooms` and common `doors`: one PIN on every
 * lock where they share a length (a guest remembers one code); where they do
 * not, the rooms share theirs and each door takes it where it can (a door's
 * own digits otherwise, ../devices/common-doors `doorDigits`).
 */
async function createGuestCodes(
  tx: Executor,
  actor: Actor,
  reservation: Pick<Reservation, 'id' | 'guestName' | 'startsAt' | 'endsAt'>,
  rooms: LockForCodes[],
  doors: LockForCodes[],
  now: Date,
  preferred: PreferredDigits = {},
): Promise<AccessCode[]> {
  const locks = [...rooms, ...doors];
  if (locks.length === 0) return [];
  const window = { startsAt: reservation.startsAt, endsAt: reservation.endsAt };
  const live = await liveCodesOn(
    tx,
    locks.map((l) => l.id),
  );
  let digits: Map<string, string> | null = null;
  const wanted = preferred.digits;
  if (wanted && rooms.length > 0) {
    try {
      const hidden = rooms.flatMap((lock) => assertCodeFits(wanted, window, lock, live));
      if (hidden.length === 0 || !preferred.avoidHidden) {
        // Staff's digits: a code with hidden digits never turns them down (that would tell its digits): it is retired.
        digits = new Map(rooms.map((l) => [l.id, wanted]));
        await retireHiddenHolders(tx, actor, hidden, now);
      }
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      digits = null;
    }
  }
  if (!digits && rooms.length > 0) {
    if (commonLengths(locks.map((l) => l.codeConstraints)).length > 0) {
      const shared = pickCode(locks, window, live);
      digits = new Map(locks.map((l) => [l.id, shared]));
    } else {
      digits = pickCodes(rooms, window, live);
    }
  }
  // No room among them: the doors take the stay's digits where they can (an edit adding only a door).
  digits ??= wanted ? new Map<string, string>() : pickCodes(doors, window, live);
  const stayDigits = rooms.length > 0 ? digits.get(rooms[0]?.id ?? '') : wanted;
  for (const door of doors) {
    if (!digits.has(door.id)) digits.set(door.id, doorDigits(door, stayDigits, window, live));
  }
  const chosen = digits;
  return insertCodes(
    tx,
    locks.map((lock) => ({
      organizationId: actor.organizationId,
      deviceId: lock.id,
      reservationId: reservation.id,
      type: 'time_bound' as const,
      code: chosen.get(lock.id) ?? '',
      name: reservation.guestName,
      ...window,
      nextAttemptAt: firstAttemptAt(
        { type: 'time_bound', startsAt: window.startsAt },
        policyFor(lock, lock.leadMinutes),
        now,
      ),
      createdByUserId: actor.userId,
    })),
    actor.userId,
  );
}

/**
 * A stay's locks: the rooms it chose, and the common doors those rooms give
 * it (./devices/common-doors `commonDoorsFor`). A chosen lock that is one of
 * those doors anyway is linked once, as the door, unless the stay (`reservationId`,
 * on an edit) already has it as a room: that one stays a room.
 */
async function roomsAndDoors(
  tx: Executor,
  actor: Actor,
  propertyId: string,
  chosen: string[],
  reservationId: string | null = null,
): Promise<{ roomIds: string[]; doors: LockForCodes[] }> {
  const doors = await commonDoorsFor(tx, actor.organizationId, propertyId, chosen, reservationId);
  const doorIds = new Set(doors.map((d) => d.id));
  return { roomIds: [...new Set(chosen)].filter((id) => !doorIds.has(id)), doors };
}

/** For the audit: the other stays a confirmed double booking shares a lock with. */
const confirmedOverlaps = (overlaps: Overlap[]) =>
  overlaps.length > 0
    ? { overlapsConfirmed: [...new Set(overlaps.map((o) => o.reservationId))] }
    : {};

export type ReservationWithCodes = Reservation & {
  /** The rooms: the locks the stay chose. */
  deviceIds: string[];
  /** The common doors its rooms give it (../devices/common-doors.ts). */
  commonDoorIds: string[];
  accessCodes: AccessCode[];
};

/** Links of a stay to locks, as chosen rooms or as common doors. */
const linksOf = (
  reservationId: string,
  actor: Actor,
  deviceIds: string[],
  viaCommonDoor: boolean,
) =>
  deviceIds.map((deviceId) => ({
    reservationId,
    deviceId,
    organizationId: actor.organizationId,
    viaCommonDoor,
  }));

/**
 * Digits a new code should have where every lock takes them (random otherwise).
 * `avoidHidden`: digits nobody typed (a guest's phone's, lib/sources/code-policy.ts)
 * step aside for a backup code instead of retiring it.
 */
type PreferredDigits = { digits?: string | null; avoidHidden?: boolean };

/** Create a stay and, in the same transaction, its guest code on each of its locks. */
export async function createReservation(
  db: Executor,
  actor: Actor,
  input: CreateReservationInput,
  now: Date,
  options: { digits?: PreferredDigits; sourceId?: string } = {},
): Promise<ReservationWithCodes> {
  assertCan(actor, 'reservations.manage', 'Property');
  const parsed = createReservationSchema.safeParse(input);
  const propertyId = createReservationSchema.shape.propertyId.safeParse(input.propertyId);
  const dates = stayDatesSchema.safeParse(input);
  if (!propertyId.success) {
    throw new InvalidInputError(zodFieldErrors(parsed.error ?? propertyId.error));
  }
  return db.transaction(async (tx) => {
    // Another organization's property is not found, whatever else is wrong.
    const property = await findProperty(tx, actor, propertyId.data);
    const { data, window } = stayProblems(parsed, dates.data ?? null, property, now);
    if (!window) throw new Error('a parsed stay has dates');
    await holdCommonDoors(tx, property.id, 'stay');
    const chosen = await locksForStay(tx, actor, property.id, data.deviceIds);
    const { roomIds, doors } = await roomsAndDoors(
      tx,
      actor,
      property.id,
      chosen.map((l) => l.id),
    );
    const rooms = chosen.filter((l) => roomIds.includes(l.id));
    const [overlaps = []] = await findOverlaps(tx, actor.organizationId, [
      { ...window, deviceIds: roomIds },
    ]);
    assertNoOverlap(overlaps, data.allowOverlap);
    if (data.externalUid) {
      const [existing] = await tx
        .select({ id: reservations.id })
        .from(reservations)
        .where(
          and(
            eq(reservations.organizationId, actor.organizationId),
            eq(reservations.source, data.source),
            eq(reservations.externalUid, data.externalUid),
          ),
        );
      if (existing) {
        throw new AppError(
          'conflict',
          'A reservation with this external id already exists; update it instead.',
          {
            field: 'externalUid',
          },
        );
      }
    }
    const [reservation] = await tx
      .insert(reservations)
      .values({
        organizationId: actor.organizationId,
        propertyId: property.id,
        guestName: data.guestName,
        guestEmail: data.guestEmail,
        guestPhone: data.guestPhone,
        ...window,
        source: data.source,
        sourceId: options.sourceId ?? null,
        externalUid: data.externalUid ?? null,
        notes: data.notes ?? null,
      })
      .returning();
    if (!reservation) throw new Error('reservation insert returned nothing');
    await tx.insert(reservationDevices).values([
      ...linksOf(reservation.id, actor, roomIds, false),
      ...linksOf(
        reservation.id,
        actor,
        doors.map((d) => d.id),
        true,
      ),
    ]);
    const codes = await createGuestCodes(tx, actor, reservation, rooms, doors, now, options.digits);
    await recordAudit(tx, actor, {
      action: 'reservation.created',
      targetType: 'reservation',
      targetId: reservation.id,
      detail: {
        locks: rooms.length,
        ...(doors.length > 0 ? { commonDoors: doors.length } : {}),
        ...confirmedOverlaps(overlaps),
      },
    });
    return {
      ...reservation,
      deviceIds: roomIds,
      commonDoorIds: doors.map((d) => d.id),
      accessCodes: codes,
    };
  });
}

/**
 * A stay of the actor's organization, held for this transaction; another
 * organization's is not found. Its property's common doors are held first
 * (`holdCommonDoors`): a door marked meanwhile waits for this change, never
 * the other way round.
 */
async function findReservation(tx: Executor, actor: Actor, reservationId: string) {
  parseId('Reservation', reservationId);
  const [stay] = await tx
    .select({ propertyId: reservations.propertyId })
    .from(reservations)
    .where(
      and(
        eq(reservations.id, reservationId),
        eq(reservations.organizationId, actor.organizationId),
      ),
    );
  if (!stay) throw AppError.notFound('Reservation');
  await holdCommonDoors(tx, stay.propertyId, 'stay');
  const [row] = await tx
    .select()
    .from(reservations)
    .where(
      and(
        eq(reservations.id, reservationId),
        eq(reservations.organizationId, actor.organizationId),
      ),
    )
    .for('update');
  if (!row) throw AppError.notFound('Reservation');
  return row;
}

async function guestCodesOf(tx: Executor, reservationId: string): Promise<AccessCode[]> {
  return tx
    .select()
    .from(accessCodes)
    .where(and(eq(accessCodes.reservationId, reservationId), isLive.sql()));
}

/**
 * Change a stay. New dates move its codes' windows (and the lock's, where the
 * lock keeps them); locks taken off the stay lose their code; locks added get
 * one, with the stay's PIN where that lock can take it.
 */
export async function updateReservation(
  db: Executor,
  actor: Actor,
  reservationId: string,
  input: UpdateReservationInput,
  now: Date,
): Promise<ReservationWithCodes> {
  assertCan(actor, 'reservations.manage', 'Reservation');
  const given = changedDatesSchema.safeParse(input);
  return db.transaction(async (tx) => {
    const current = await findReservation(tx, actor, reservationId);
    // Rooms it chose that are common doors now: no form offers them, so the rooms an edit names keep them.
    const doorsKept = await keptRooms(tx, current.id);
    const parsed = updateReservationSchema.safeParse(
      Array.isArray(input.deviceIds) && doorsKept.length > 0
        ? { ...input, deviceIds: [...input.deviceIds, ...doorsKept] }
        : input,
    );
    if (current.status === 'cancelled') {
      throw new AppError('conflict', 'This reservation is cancelled; create a new one instead.');
    }
    const property = await findProperty(tx, actor, current.propertyId);
    // Dates left out keep the stay's own.
    const dates =
      given.success && Object.values(given.data).some(Boolean)
        ? {
            checkInDate: given.data.checkInDate ?? localDateOf(current.startsAt, property.timeZone),
            checkInTime: given.data.checkInTime ?? localTimeOf(current.startsAt, property.timeZone),
            checkOutDate: given.data.checkOutDate ?? localDateOf(current.endsAt, property.timeZone),
            checkOutTime: given.data.checkOutTime ?? localTimeOf(current.endsAt, property.timeZone),
          }
        : null;
    const checked = stayProblems(parsed, dates, property, now);
    const data = checked.data;
    const datesChanged = checked.window !== null;
    const window = checked.window ?? { startsAt: current.startsAt, endsAt: current.endsAt };

    const linked = await tx
      .select({ deviceId: reservationDevices.deviceId, via: reservationDevices.viaCommonDoor })
      .from(reservationDevices)
      .where(eq(reservationDevices.reservationId, current.id));
    const before = linked.map((l) => l.deviceId);
    const roomsBefore = linked.filter((l) => !l.via).map((l) => l.deviceId);
    // The rooms chosen (the ones it had, when the edit names none); its common doors follow from them.
    const chosen = data.deviceIds ? [...new Set(data.deviceIds)] : roomsBefore;
    // Every lock it had or chooses, at once and in order: two edits never hold one each and wait for the other's.
    await lockCodeChanges(tx, [...new Set([...before, ...chosen])]);
    const newlyChosen = await locksForStay(
      tx,
      actor,
      property.id,
      chosen.filter((id) => !before.includes(id)),
    );
    const { roomIds, doors } = await roomsAndDoors(tx, actor, property.id, chosen, current.id);
    const doorIds = doors.map((d) => d.id);
    const after = [...roomIds, ...doorIds];
    const added = after.filter((id) => !before.includes(id));
    const removed = before.filter((id) => !after.includes(id));
    // A lock that was a chosen room and is now the stay's common door, or the other way round.
    const turned = linked.filter(
      (l) => after.includes(l.deviceId) && l.via !== doorIds.includes(l.deviceId),
    );
    const addedRooms = newlyChosen.filter((l) => roomIds.includes(l.id));
    const addedDoors = doors.filter((d) => added.includes(d.id));

    // Only an overlap this edit makes needs confirming: one confirmed before stands.
    const [had = [], has = []] = await findOverlaps(tx, actor.organizationId, [
      {
        reservationId: current.id,
        startsAt: current.startsAt,
        endsAt: current.endsAt,
        deviceIds: roomsBefore,
      },
      { reservationId: current.id, ...window, deviceIds: roomIds },
    ]);
    const overlapKey = (o: Overlap) => `${o.reservationId}:${o.deviceId}`;
    const known = new Set(had.map(overlapKey));
    const made = has.filter((o) => !known.has(overlapKey(o)));
    assertNoOverlap(made, data.allowOverlap ?? false);

    const [reservation] = await tx
      .update(reservations)
      .set({
        guestName: data.guestName ?? current.guestName,
        guestEmail: data.guestEmail !== undefined ? data.guestEmail : current.guestEmail,
        guestPhone: data.guestPhone !== undefined ? data.guestPhone : current.guestPhone,
        notes: data.notes !== undefined ? (data.notes ?? null) : current.notes,
        ...window,
      })
      .where(eq(reservations.id, current.id))
      .returning();
    if (!reservation) throw AppError.notFound('Reservation');

    if (removed.length > 0) {
      await tx
        .delete(reservationDevices)
        .where(
          and(
            eq(reservationDevices.reservationId, current.id),
            inArray(reservationDevices.deviceId, removed),
          ),
        );
    }
    if (added.length > 0) {
      await tx.insert(reservationDevices).values([
        ...linksOf(
          current.id,
          actor,
          addedRooms.map((l) => l.id),
          false,
        ),
        ...linksOf(
          current.id,
          actor,
          addedDoors.map((d) => d.id),
          true,
        ),
      ]);
    }
    for (const link of turned) {
      await tx
        .update(reservationDevices)
        .set({ viaCommonDoor: !link.via })
        .where(
          and(
            eq(reservationDevices.reservationId, current.id),
            eq(reservationDevices.deviceId, link.deviceId),
          ),
        );
    }

    const codes = await guestCodesOf(tx, current.id);
    await markDeleted(
      tx,
      codes.filter((c) => removed.includes(c.deviceId)),
      actor.userId,
      now,
    );
    const kept = codes.filter((c) => !removed.includes(c.deviceId));
    const digits = datesChanged ? await digitsAfterMove(tx, actor, kept, window) : new Map();
    const updated: AccessCode[] = [];
    for (const code of kept) {
      updated.push(
        await applyCodeChange(
          tx,
          actor,
          code,
          {
            startsAt: window.startsAt,
            endsAt: window.endsAt,
            name: reservation.guestName,
            code: digits.get(code.id),
          },
          now,
        ),
      );
    }
    // The guest's digits: a room's, where the stay keeps one.
    const stayDigits = (kept.find((c) => roomIds.includes(c.deviceId)) ?? kept[0])?.code;
    const created = await createGuestCodes(tx, actor, reservation, addedRooms, addedDoors, now, {
      digits: stayDigits,
    });
    await recordAudit(tx, actor, {
      action: 'reservation.updated',
      targetType: 'reservation',
      targetId: current.id,
      detail: {
        datesChanged: Boolean(datesChanged),
        locksAdded: addedRooms.length,
        locksRemoved: removed.filter((id) => roomsBefore.includes(id)).length,
        ...(addedDoors.length > 0 ? { commonDoorsAdded: addedDoors.length } : {}),
        ...(removed.some((id) => !roomsBefore.includes(id))
          ? { commonDoorsRemoved: removed.filter((id) => !roomsBefore.includes(id)).length }
          : {}),
        ...confirmedOverlaps(made),
      },
    });
    return {
      ...reservation,
      deviceIds: roomIds,
      commonDoorIds: doorIds,
      accessCodes: [...updated, ...created],
    };
  });
}

/**
 * New digits for the stay's codes whose digits the new dates would put on a
 * lock while another code holds them there (a lock holds each code once:
 * `clashOn`), by code id; the others keep theirs. Staff moving a stay never
 * chose the digits, so the move is not refused for them: the guest gets a
 * correction once the new code is on the lock.
 */
async function digitsAfterMove(
  tx: Executor,
  actor: Actor,
  codes: AccessCode[],
  window: { startsAt: Date; endsAt: Date },
): Promise<Map<string, string>> {
  const deviceIds = [...new Set(codes.map((c) => c.deviceId))];
  const locks = await loadLocks(tx, actor.organizationId, deviceIds);
  await lockCodeChanges(tx, deviceIds);
  const live = await liveCodesOn(tx, deviceIds);
  const digits = new Map<string, string>();
  for (const code of codes) {
    const lock = locks.find((l) => l.id === code.deviceId);
    if (!lock || !code.code) continue;
    const others = live.filter((c) => c.id !== code.id);
    if (!clashOn(lock, code.code, window, others)) continue;
    digits.set(code.id, pickCode([lock], window, others, code.code.length));
  }
  return digits;
}

/** Cancel a stay: its codes come off every lock. */
export async function cancelReservation(
  db: Executor,
  actor: Actor,
  reservationId: string,
  now: Date,
): Promise<Reservation> {
  assertCan(actor, 'reservations.manage', 'Reservation');
  return db.transaction(async (tx) => {
    const current = await findReservation(tx, actor, reservationId);
    if (current.status === 'cancelled') return current;
    const [reservation] = await tx
      .update(reservations)
      .set({ status: 'cancelled', cancelledAt: now })
      .where(eq(reservations.id, current.id))
      .returning();
    await markDeleted(tx, await guestCodesOf(tx, current.id), actor.userId, now);
    await queueCancellationMessage(tx, actor, current.id, now);
    await recordAudit(tx, actor, {
      action: 'reservation.cancelled',
      targetType: 'reservation',
      targetId: current.id,
    });
    if (!reservation) throw AppError.notFound('Reservation');
    return reservation;
  });
}

/** A stay with its locks and live guest codes. */
export async function getReservation(
  db: Executor,
  actor: Actor,
  reservationId: string,
): Promise<ReservationWithCodes> {
  assertCan(actor, 'reservations.read', 'Reservation');
  parseId('Reservation', reservationId);
  const [reservation] = await db
    .select()
    .from(reservations)
    .where(
      and(
        eq(reservations.id, reservationId),
        eq(reservations.organizationId, actor.organizationId),
      ),
    );
  if (!reservation) throw AppError.notFound('Reservation');
  const links = await db
    .select({ deviceId: reservationDevices.deviceId, via: reservationDevices.viaCommonDoor })
    .from(reservationDevices)
    .where(eq(reservationDevices.reservationId, reservation.id));
  return {
    ...reservation,
    deviceIds: links.filter((l) => !l.via).map((l) => l.deviceId),
    commonDoorIds: links.filter((l) => l.via).map((l) => l.deviceId),
    accessCodes: await guestCodesOf(db, reservation.id),
  };
}

const localDateOf = (at: Date, zone: string) => localDateTimeParts(at, zone).date;
const localTimeOf = (at: Date, zone: string) => localDateTimeParts(at, zone).time;
