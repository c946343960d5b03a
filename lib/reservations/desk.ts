import { and, asc, eq, gt, ilike, lt, or } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import { accessCodes, devices, organizations, properties, reservations } from '@/db/schema';
import {
  type CodeStatusWords,
  codeStatusColumns,
  codeStatusOf,
} from '@/lib/access-codes/code-status';
import { isLive } from '@/lib/access-codes/predicates';
import { type Actor, assertCan } from '@/lib/auth/actor';
import {
  loadPullFacts,
  type Pullability,
  type PullabilityJson,
  type PullFacts,
  pullability,
  pullabilityJson,
} from '@/lib/backup-pools/pullability';
import { lockTrouble, offlineSince } from '@/lib/devices/predicates';
import { propertyOfReservation } from '@/lib/joins';
import { toIso } from '@/lib/time';
import { parseInput } from '@/lib/validation';
import { alsoBooked, findOverlaps, type StayOnLocks } from './overlap';

export const deskSearchSchema = z.object({
  q: z
    .string()
    .trim()
    .max(100, 'Search must be at most 100 characters.')
    .optional()
    .transform((v) => v || undefined),
});

/** A stay at the front desk; times are ISO strings, as the page and its JSON route both hand them out. */
export type DeskStay = {
  reservationId: string;
  guestName: string;
  propertyName: string;
  timeZone: string;
  startsAt: string;
  endsAt: string;
  codes: {
    accessCodeId: string;
    lockName: string;
    room: string | null;
    /** Where the code stands, in the words every page uses. */
    state: CodeStatusWords;
    problems: string[];
    backupPulled: boolean;
    /** "Also booked: Maya Lindqvist until …" when another stay holds this lock at the same time. */
    alsoBooked: string | null;
    /** When Keyhold saw the lock go offline; null while it is online (or it never said). */
    lockOfflineSince: string | null;
    /** Whether a backup code may be pulled now, and if not why and what to do instead. */
    pull: PullabilityJson;
  }[];
};

/**
 * Stays the front desk may be asked about: in-house now or arriving within
 * 72 hours, searchable by guest name or room, with each lock's guest code
 * and whether a backup code may be pulled for it (and if not, why and what to
 * do). No digits: the desk hands out backup codes, pulled one at a time.
 */
export async function listDeskStays(
  db: Executor,
  actor: Actor,
  input: z.input<typeof deskSearchSchema>,
  now: Date,
): Promise<DeskStay[]> {
  assertCan(actor, 'backup_codes.pull');
  const { q } = parseInput(deskSearchSchema, input);
  const horizon = new Date(now.getTime() + 72 * 3_600_000);
  const pattern = q ? `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : undefined;
  const rows = await db
    .select({
      reservationId: reservations.id,
      guestName: reservations.guestName,
      propertyName: properties.name,
      timeZone: properties.timeZone,
      stayStartsAt: reservations.startsAt,
      stayEndsAt: reservations.endsAt,
      accessCodeId: accessCodes.id,
      deviceId: accessCodes.deviceId,
      room: devices.room,
      leadMinutes: organizations.programmingLeadMinutes,
      pulled: accessCodes.pulledBackupAccessCodeId,
      ...codeStatusColumns,
    })
    .from(reservations)
    .innerJoin(organizations, eq(organizations.id, reservations.organizationId))
    .innerJoin(properties, propertyOfReservation)
    .innerJoin(
      accessCodes,
      and(
        eq(accessCodes.reservationId, reservations.id),
        eq(accessCodes.organizationId, reservations.organizationId),
        isLive.sql(),
      ),
    )
    .innerJoin(devices, eq(devices.id, accessCodes.deviceId))
    .where(
      and(
        eq(reservations.organizationId, actor.organizationId),
        eq(reservations.status, 'confirmed'),
        gt(reservations.endsAt, now),
        lt(reservations.startsAt, horizon),
        pattern
          ? or(ilike(reservations.guestName, pattern), ilike(devices.room, pattern))
          : undefined,
      ),
    )
    .orderBy(asc(reservations.startsAt), asc(reservations.guestName), asc(devices.name));

  const windows = new Map<string, StayOnLocks & { deviceIds: string[] }>();
  for (const row of rows) {
    const stay = windows.get(row.reservationId) ?? {
      reservationId: row.reservationId,
      startsAt: row.stayStartsAt,
      endsAt: row.stayEndsAt,
      deviceIds: [],
    };
    stay.deviceIds.push(row.deviceId);
    windows.set(row.reservationId, stay);
  }
  const overlaps = await findOverlaps(db, actor.organizationId, [...windows.values()]);
  const overlapsOf = new Map([...windows.keys()].map((id, i) => [id, overlaps[i] ?? []]));

  const facts = await loadPullFacts(
    db,
    actor.organizationId,
    rows.map((r) => r.accessCodeId),
    now,
  );
  const stays = new Map<string, DeskStay>();
  for (const row of rows) {
    const fact = facts.get(row.accessCodeId);
    const stay = stays.get(row.reservationId) ?? {
      reservationId: row.reservationId,
      guestName: row.guestName,
      propertyName: row.propertyName,
      timeZone: row.timeZone,
      startsAt: toIso(row.stayStartsAt),
      endsAt: toIso(row.stayEndsAt),
      codes: [],
    };
    stay.codes.push({
      accessCodeId: row.accessCodeId,
      lockName: row.lockName,
      room: row.room,
      state: codeStatusOf(row, row.leadMinutes, row.timeZone, now),
      problems: row.errors.map((e) => e.code),
      backupPulled: row.pulled !== null,
      alsoBooked: alsoBooked(
        overlapsOf.get(row.reservationId)?.filter((o) => o.deviceId === row.deviceId) ?? [],
      ),
      lockOfflineSince: fact ? toIso(offlineSince(fact.lock)) : null,
      pull: fact ? pullabilityJson(deskPull(fact, row.pulled !== null, now)) : { ok: true },
    });
    stays.set(row.reservationId, stay);
  }
  return [...stays.values()];
}

/**
 * A code already pulled is shown again while its lock can still honour it; the
 * stay's window was checked when it was pulled. On a lock that cannot, the
 * desk reads why instead of digits that no longer open the door.
 */
function deskPull(facts: PullFacts, alreadyPulled: boolean, now: Date): Pullability {
  const verdict = pullability(facts, now);
  return alreadyPulled && !verdict.ok && !lockTrouble(facts.lock, now) ? { ok: true } : verdict;
}
