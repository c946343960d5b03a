import { and, asc, desc, eq } from 'drizzle-orm';
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
  type CodeStatusWords,
  describeCodeStatus,
  describeEvent,
  describeNextStep,
  nextStep,
  summarizeSteps,
  type Tone,
} from '@/lib/access-codes/describe';
import { isListed, shownStatus } from '@/lib/access-codes/predicates';
import { policyFor } from '@/lib/access-codes/store';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { describeIssue } from '@/lib/issues';
import { codeOfEvent, deviceOfCode, deviceOfLink, propertyOfReservation } from '@/lib/joins';
import { getStayEntries, type StayEntries } from '@/lib/lock-events/entries';
import { type MessageView, stayMessages } from '@/lib/messages/history';
import { pendingCancellationText } from '@/lib/sources/safety-net';
import { pendingCancellations, stayCameFrom } from '@/lib/sources/stay-source';
import { formatZoned, localDateTimeParts, zoneAbbreviation } from '@/lib/time';
import { type Stage, type StayLock, stageOf } from './list';

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
  /** Where the code stands, in the words every page uses. */
  state: CodeStatusWords;
  /** Still part of the stay (false: cancelled, on its way off the lock). */
  live: boolean;
  next: string;
  errors: IssueView[];
  warnings: IssueView[];
  backupPulled: boolean;
  /** The guest got in with the backup pulled for this code: it needed help. */
  neededHelp: boolean;
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
  /** The reservation source that brought the stay; null when staff or the API made it. */
  source: string | null;
  /** What the source's safety net says of it, when a feed no longer lists it. */
  pendingCancellation: string | null;
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
  /** The rooms: the locks the stay chose. */
  locks: StayLock[];
  /** The common doors its rooms give it (an entrance, a gate): not chosen, they follow the rooms. */
  commonDoors: StayLock[];
  /**
   * Its rooms that are common doors now (booked before they were marked): an
   * edit keeps them (../devices/common-doors `keptRooms`), so the form shows them chosen and fixed.
   */
  keptLockIds: string[];
  codes: CodeView[];
  /** What the stay's codes do next, locks with the same outcome together. */
  effect: string[];
  history: HistoryEntry[];
  /** Messages to the guest, newest first. */
  messages: MessageView[];
  /** Who came in: the first entry and the entry history (lib/lock-events/entries.ts). */
  entries: StayEntries;
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
    .innerJoin(properties, propertyOfReservation)
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
  const pending = (await pendingCancellations(db, orgId, [reservation.id])).get(reservation.id);

  const [locks, codeRows, eventRows, sentMessages, entries] = await Promise.all([
    db
      .select({
        id: devices.id,
        name: devices.name,
        room: devices.room,
        online: devices.online,
        viaCommonDoor: reservationDevices.viaCommonDoor,
        commonDoor: devices.commonDoor,
      })
      .from(reservationDevices)
      .innerJoin(devices, deviceOfLink)
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
      .innerJoin(devices, deviceOfCode)
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
      .innerJoin(accessCodes, codeOfEvent)
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
    getStayEntries(db, actor, reservation.id, now),
  ]);

  // A finished code stays in the history; the list shows what is, or may still be, on a lock.
  const shown = codeRows.filter(({ code }) => isListed.test(code));
  const steps = shown.map((row) => {
    const policy = policyFor({ supportsNativeScheduling: row.nativeScheduling }, stay.leadMinutes);
    return { row, policy, step: nextStep(row.code, policy, now) };
  });
  const codes: CodeView[] = steps.map(({ row, policy, step }) => {
    const { code } = row;
    const state = describeCodeStatus(
      code,
      { name: row.lockName, online: row.lockOnline, policy },
      timeZone,
      now,
    );
    const live = code.deletedAt === null;
    return {
      id: code.id,
      lockId: code.deviceId,
      lockName: row.lockName,
      room: row.room,
      lockOnline: row.lockOnline,
      digits: live ? code.code : null,
      status: shownStatus.test(code, now),
      state,
      live,
      next: describeNextStep(step, row.lockName, timeZone, row.lockOnline),
      errors: issueViews(code.errors, 'error', timeZone),
      warnings: issueViews(code.warnings, 'warning', timeZone),
      backupPulled: code.pulledBackupAccessCodeId !== null,
      neededHelp: entries.helpedCodeIds.includes(code.id),
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
    source: stayCameFrom(reservation),
    pendingCancellation: pending ? pendingCancellationText(pending) : null,
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
    locks: locks
      .filter((l) => !l.viaCommonDoor)
      .map(({ viaCommonDoor: _, commonDoor: __, ...lock }) => lock),
    commonDoors: locks
      .filter((l) => l.viaCommonDoor)
      .map(({ viaCommonDoor: _, commonDoor: __, ...lock }) => lock),
    keptLockIds: locks.filter((l) => !l.viaCommonDoor && l.commonDoor).map((l) => l.id),
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
    entries,
  };
}
