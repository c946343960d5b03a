// What a stay's guest codes say and whether they are on the locks, read by the
// tick's scan as well as by the senders in guest.ts, so it lives apart from
// the queueing.
import { and, eq } from 'drizzle-orm';
import { type Executor, queryRows, sql } from '@/db/client';
import { reservations } from '@/db/schema';
import { isConfirmedOnLock } from '@/lib/access-codes/predicates';

/** One lock's code as the guest is told it. */
export type CodeForGuest = {
  code: string;
  lockName: string;
  room: string | null;
  /** The stay's common door (an entrance, a gate), not its room: never named as the guest's room. */
  commonDoor?: boolean;
  startsAt: Date | null;
  endsAt: Date | null;
};

/**
 * `{{code}}` and `{{room}}` for one or several locks: the shared digits when
 * every lock takes the same ones (the usual case), else each lock's own. The
 * room is the stay's rooms', never its common door's.
 */
export function describeCodes(codes: CodeForGuest[]): { code: string; room: string | null } {
  const rooms = [
    ...new Set(
      codes
        .filter((c) => !c.commonDoor)
        .map((c) => c.room)
        .filter((r): r is string => Boolean(r)),
    ),
  ];
  const digits = new Set(codes.map((c) => c.code));
  const where = (c: CodeForGuest) => (c.room && !c.commonDoor ? `room ${c.room}` : c.lockName);
  const code =
    digits.size <= 1
      ? (codes[0]?.code ?? '')
      : codes.map((c) => `${c.code} (${where(c)})`).join(', ');
  return { code, room: rooms.length > 0 ? rooms.join(', ') : (codes[0]?.lockName ?? null) };
}

/** What the guest-code message of one stay would say now, and whether its codes are on the locks. */
export type StayCodes = {
  reservationId: string;
  organizationId: string;
  codes: CodeForGuest[];
  /**
   * Changes whenever what the guest reads changes: a lock's name or room, the
   * digits, a window. Not the lock's id, so a lock replaced by another under
   * the same name with the same digits is no news to the guest.
   */
  digest: string;
  /** Every code is on its lock (set, or scheduled there by the lock itself), without errors. */
  onLocks: boolean;
  /** The digest of the last guest-code message or correction queued; null if none. */
  toldDigest: string | null;
  /** Guest-code messages and corrections queued so far, failed ones included. */
  toldCount: number;
};

/**
 * The live guest codes of the stays matching `where` (a condition on
 * reservations `r` and their organization `o`), one row per stay that has any, with what the guest was
 * last told. Pulled backup codes are messaged on their own and left out.
 */
export async function stayCodes(
  db: Executor,
  where: ReturnType<typeof sql>,
  having: ReturnType<typeof sql> = sql`true`,
): Promise<StayCodes[]> {
  const rows = await queryRows<{
    reservation_id: string;
    organization_id: string;
    codes: CodeForGuest[];
    digest: string;
    on_locks: boolean;
    told_digest: string | null;
    told_count: number;
  }>(
    db,
    sql`
    with stay_codes as (
      select r.id as reservation_id, r.organization_id,
             json_agg(json_build_object(
               'code', c.code, 'lockName', d.name, 'room', d.room,
               'commonDoor', exists (select 1 from reservation_devices rd
                                      where rd.reservation_id = r.id and rd.device_id = d.id
                                        and rd.via_common_door),
               'startsAt', c.starts_at, 'endsAt', c.ends_at) order by d.name, d.id) as codes,
             encode(sha256(convert_to(string_agg(
               d.name || '|' || coalesce(d.room, '') || '|' || coalesce(c.code, '') || '|' ||
               coalesce(extract(epoch from c.starts_at)::bigint::text, '') || '|' ||
               coalesce(extract(epoch from c.ends_at)::bigint::text, ''),
               ',' order by d.name, d.room, d.id), 'UTF8')), 'hex') as digest,
             bool_and(${isConfirmedOnLock.sql({ table: 'c' })}
                      and c.errors = '[]'::jsonb) as on_locks
        from organizations o
        join reservations r on r.organization_id = o.id
        join access_codes c on c.reservation_id = r.id and c.organization_id = r.organization_id
        join devices d on d.id = c.device_id
       where ${where}
         and c.deleted_at is null and c.desired_state = 'present' and not c.is_backup
       group by r.id, r.organization_id
    )
    select s.*, told.digest as told_digest, coalesce(told.count, 0)::int as told_count
      from stay_codes s
      left join lateral (
        select count(*) as count,
               (array_agg(m.codes_digest order by m.created_at desc, m.id desc))[1] as digest
          from messages m
         where m.reservation_id = s.reservation_id
           and m.organization_id = s.organization_id
           and m.kind in ('guest_code', 'code_changed')
      ) told on true
     where ${having}`,
  );
  return rows.map((row) => ({
    reservationId: row.reservation_id,
    organizationId: row.organization_id,
    codes: row.codes.map((c) => ({
      ...c,
      startsAt: c.startsAt ? new Date(c.startsAt) : null,
      endsAt: c.endsAt ? new Date(c.endsAt) : null,
    })),
    digest: row.digest,
    onLocks: row.on_locks,
    toldDigest: row.told_digest,
    toldCount: row.told_count,
  }));
}

/**
 * Lock the stay's row for the rest of the transaction, so a cancellation (which
 * updates it) and a message about its codes cannot cross: whichever comes
 * second sees the other.
 */
export async function lockStay(
  tx: Executor,
  organizationId: string,
  reservationId: string,
): Promise<{ status: 'confirmed' | 'cancelled'; endsAt: Date } | undefined> {
  const [stay] = await tx
    .select({ status: reservations.status, endsAt: reservations.endsAt })
    .from(reservations)
    .where(and(eq(reservations.id, reservationId), eq(reservations.organizationId, organizationId)))
    .for('update');
  return stay;
}
