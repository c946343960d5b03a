import { and, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { accessCodes, devices, properties, reservations } from '@/db/schema';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { toIso } from '@/lib/time';
import { parseInput } from '@/lib/validation';
import { type ReplaceDeviceInput, replaceDeviceSchema } from './replace';
import { codesThatMove, replacementCandidatesOn } from './replacement-codes';

/** Times are ISO strings: the review reaches the page from the server render and from its JSON route. */
export type ReplacementPlan = {
  old: {
    id: string;
    name: string;
    room: string | null;
    propertyName: string | null;
    online: boolean;
  };
  fresh: { id: string; name: string; online: boolean; firstSeenAt: string };
  /** Current and future stays on the old lock, with the code each will get on the new one. */
  stays: {
    reservationId: string;
    guestName: string;
    startsAt: string;
    endsAt: string;
    code: string;
  }[];
  /** Backup codes pulled for guests and still in use: they move too. */
  pulledBackups: { guestName: string | null; endsAt: string | null }[];
  /** Hand-made ongoing codes (not backups) that move. */
  otherCodes: number;
  /** Unpulled backup codes: closed; the tick fills the new lock's pool. */
  poolSize: number;
  backupPoolEnabled: boolean;
};

/** What replacing `oldDeviceId` with `newDeviceId` would move, for the wizard's review step. Writes nothing. */
export async function replacementPlan(
  db: Executor,
  actor: Actor,
  input: ReplaceDeviceInput,
  now: Date,
): Promise<ReplacementPlan> {
  assertCan(actor, 'devices.replace', 'Device');
  const data = parseInput(replaceDeviceSchema, input);
  const rows = await db
    .select({
      id: devices.id,
      name: devices.name,
      room: devices.room,
      online: devices.online,
      status: devices.status,
      needsPlacement: devices.needsPlacement,
      propertyId: devices.propertyId,
      firstSeenAt: devices.firstSeenAt,
      backupPoolEnabled: devices.backupPoolEnabled,
    })
    .from(devices)
    .where(
      and(
        inArray(devices.id, [data.oldDeviceId, data.newDeviceId]),
        eq(devices.organizationId, actor.organizationId),
      ),
    );
  const old = rows.find((d) => d.id === data.oldDeviceId && d.status === 'active');
  const fresh = rows.find((d) => d.id === data.newDeviceId && d.status === 'active');
  if (!old || data.oldDeviceId === data.newDeviceId) {
    throw AppError.notFound('Device', { field: 'oldDeviceId' });
  }
  if (!fresh || (fresh.propertyId !== null && !fresh.needsPlacement)) {
    throw new AppError('not_found', 'New lock not found.', {
      field: 'newDeviceId',
      resource: 'Device',
    });
  }
  const [property] = old.propertyId
    ? await db
        .select({ name: properties.name })
        .from(properties)
        .where(
          and(
            eq(properties.id, old.propertyId),
            eq(properties.organizationId, actor.organizationId),
          ),
        )
    : [];
  const codes = await db
    .select({
      code: accessCodes.code,
      isBackup: accessCodes.isBackup,
      pulledAt: accessCodes.pulledAt,
      type: accessCodes.type,
      desiredState: accessCodes.desiredState,
      deletedAt: accessCodes.deletedAt,
      endsAt: accessCodes.endsAt,
      startsAt: accessCodes.startsAt,
      reservationId: accessCodes.reservationId,
      pulledForReservationId: accessCodes.pulledForReservationId,
    })
    .from(accessCodes)
    .where(replacementCandidatesOn(old.id, actor.organizationId));
  const { moving, pool } = codesThatMove(codes, now);
  const stayIds = [
    ...new Set(moving.flatMap((c) => [c.reservationId, c.pulledForReservationId]).filter(Boolean)),
  ] as string[];
  const guests =
    stayIds.length === 0
      ? []
      : await db
          .select({
            id: reservations.id,
            guestName: reservations.guestName,
            startsAt: reservations.startsAt,
            endsAt: reservations.endsAt,
          })
          .from(reservations)
          .where(
            and(
              inArray(reservations.id, stayIds),
              eq(reservations.organizationId, actor.organizationId),
            ),
          );
  const guestOf = new Map(guests.map((g) => [g.id, g]));
  return {
    old: {
      id: old.id,
      name: old.name,
      room: old.room,
      propertyName: property?.name ?? null,
      online: old.online,
    },
    fresh: {
      id: fresh.id,
      name: fresh.name,
      online: fresh.online,
      firstSeenAt: toIso(fresh.firstSeenAt),
    },
    stays: moving
      .filter((c) => c.reservationId && !c.isBackup)
      .flatMap((c) => {
        const stay = guestOf.get(c.reservationId ?? '');
        return stay
          ? [
              {
                reservationId: stay.id,
                guestName: stay.guestName,
                startsAt: toIso(stay.startsAt),
                endsAt: toIso(stay.endsAt),
                code: c.code ?? '',
              },
            ]
          : [];
      })
      // ISO strings of one format sort as the moments they name.
      .sort((a, b) => a.startsAt.localeCompare(b.startsAt)),
    pulledBackups: moving
      .filter((c) => c.isBackup && c.pulledAt)
      .map((c) => ({
        guestName: guestOf.get(c.pulledForReservationId ?? '')?.guestName ?? null,
        endsAt: toIso(c.endsAt),
      })),
    otherCodes: moving.filter((c) => !c.reservationId && !c.isBackup).length,
    poolSize: pool.length,
    backupPoolEnabled: old.backupPoolEnabled,
  };
}
