import { and, count, desc, eq, inArray, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import { type Executor, queryRows } from '@/db/client';
import { type Alert, alerts, devices, organizations, properties, reservations } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { LOW_BATTERY } from '@/lib/devices/battery';
import { AppError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';

/** How long after check-out a guest code may still be on the lock before it is an alert. */
export const CHECK_OUT_GRACE_MINUTES = 15;

/**
 * Everything that should have an open alert right now, across organizations:
 * the errors and warnings on live codes and active locks, low batteries, and
 * guest codes still on a lock after check-out. One row per alert, keyed by
 * `dedupe_key` (`<kind>:<code or lock id>`).
 */
const conditions = (now: Date) => sql`
  select distinct on (organization_id, dedupe_key) * from (
    select c.organization_id, c.device_id, c.id as access_code_id, c.reservation_id,
           i.issue->>'code' as kind, i.severity::alert_severity as severity,
           i.issue->>'message' as message, (i.issue->>'code') || ':' || c.id as dedupe_key
      from access_codes c
      cross join lateral (
        select e as issue, 'error' as severity from jsonb_array_elements(c.errors) e
        union all
        select w, 'warning' from jsonb_array_elements(c.warnings) w
      ) i
     where c.deleted_at is null and c.status <> 'removed'
       and (c.errors <> '[]'::jsonb or c.warnings <> '[]'::jsonb)
    union all
    select d.organization_id, d.id, null, null,
           i.issue->>'code', i.severity::alert_severity, i.issue->>'message',
           (i.issue->>'code') || ':' || d.id
      from devices d
      cross join lateral (
        select e as issue, 'error' as severity from jsonb_array_elements(d.errors) e
        union all
        select w, 'warning' from jsonb_array_elements(d.warnings) w
      ) i
     where d.status = 'active' and (d.errors <> '[]'::jsonb or d.warnings <> '[]'::jsonb)
    union all
    select d.organization_id, d.id, null, null, 'low_battery', 'warning'::alert_severity,
           'The lock''s battery is at ' || round(d.battery_level * 100) || '%. Replace it before it dies.',
           'low_battery:' || d.id
      from devices d
     where d.status = 'active' and d.battery_level < ${LOW_BATTERY}
    union all
    select c.organization_id, c.device_id, c.id, c.reservation_id,
           'code_on_lock_after_check_out', 'error'::alert_severity,
           'The guest has checked out but their code is still on the lock.',
           'code_on_lock_after_check_out:' || c.id
      from access_codes c
     where c.reservation_id is not null and not c.is_backup
       and c.status in ('set', 'removing')
       and c.ends_at < ${now.toISOString()}::timestamptz - make_interval(mins => ${CHECK_OUT_GRACE_MINUTES})
  ) found
  where kind is not null
`;

/**
 * Bring the alerts table in line with what is wrong now, in one statement:
 * open an alert for each new condition (an acknowledged one stays
 * acknowledged while its condition lasts), and resolve every alert whose
 * condition has cleared. Run by the tick; safe to run on several instances
 * at once (the live-key unique index makes a second opener update instead).
 */
export async function syncAlerts(
  db: Executor,
  now: Date,
): Promise<{ opened: number; resolved: number }> {
  const at = now.toISOString();
  const [row] = await queryRows<{ opened: number; resolved: number }>(
    db,
    sql`
    with current as (${conditions(now)}),
    opened as (
      insert into alerts (organization_id, device_id, access_code_id, reservation_id,
                          kind, severity, message, dedupe_key, opened_at)
      select organization_id, device_id, access_code_id, reservation_id,
             kind, severity, message, dedupe_key, ${at}::timestamptz
        from current
      on conflict (organization_id, dedupe_key) where status <> 'resolved'
      do update set message = excluded.message, severity = excluded.severity
        where alerts.message is distinct from excluded.message
           or alerts.severity is distinct from excluded.severity
      returning (xmax = 0) as inserted
    ),
    resolved as (
      update alerts a set status = 'resolved', resolved_at = ${at}::timestamptz
       where a.status <> 'resolved'
         and not exists (
           select 1 from current k
            where k.organization_id = a.organization_id and k.dedupe_key = a.dedupe_key)
      returning 1
    )
    select (select count(*) from opened where inserted)::int as opened,
           (select count(*) from resolved)::int as resolved`,
  );
  return { opened: row?.opened ?? 0, resolved: row?.resolved ?? 0 };
}

export const listAlertsSchema = z.object({
  status: z
    .enum(['open', 'acknowledged', 'unresolved'], {
      error: 'Status must be open, acknowledged or unresolved.',
    })
    .default('unresolved'),
  limit: z.coerce
    .number({ error: 'Limit must be a number.' })
    .int('Limit must be a whole number.')
    .min(1, 'Limit must be at least 1.')
    .max(500, 'Limit may be at most 500.')
    .default(200),
});
export type ListAlertsInput = z.input<typeof listAlertsSchema>;

export type AlertItem = Pick<
  Alert,
  | 'id'
  | 'kind'
  | 'severity'
  | 'message'
  | 'status'
  | 'openedAt'
  | 'acknowledgedAt'
  | 'deviceId'
  | 'accessCodeId'
  | 'reservationId'
> & {
  lockName: string | null;
  room: string | null;
  guestName: string | null;
  timeZone: string;
};

export type AlertList = { alerts: AlertItem[]; total: number; open: number };

/** The organization's alerts that are not resolved, newest first. */
export async function listAlerts(
  db: Executor,
  actor: Actor,
  input: ListAlertsInput = {},
): Promise<AlertList> {
  assertCan(actor, 'alerts.read', 'Alert');
  const data = parseInput(listAlertsSchema, input);
  const statusCondition =
    data.status === 'unresolved' ? ne(alerts.status, 'resolved') : eq(alerts.status, data.status);
  const where = and(eq(alerts.organizationId, actor.organizationId), statusCondition);
  const [rows, totals] = await Promise.all([
    db
      .select({
        id: alerts.id,
        kind: alerts.kind,
        severity: alerts.severity,
        message: alerts.message,
        status: alerts.status,
        openedAt: alerts.openedAt,
        acknowledgedAt: alerts.acknowledgedAt,
        deviceId: alerts.deviceId,
        accessCodeId: alerts.accessCodeId,
        reservationId: alerts.reservationId,
        lockName: devices.name,
        room: devices.room,
        guestName: reservations.guestName,
        // The lock's property's zone, or the organization's for alerts without a lock.
        timeZone: sql<string>`coalesce(${properties.timeZone}, ${organizations.timeZone})`,
      })
      .from(alerts)
      .innerJoin(organizations, eq(organizations.id, alerts.organizationId))
      .leftJoin(devices, eq(devices.id, alerts.deviceId))
      .leftJoin(properties, eq(properties.id, devices.propertyId))
      .leftJoin(reservations, eq(reservations.id, alerts.reservationId))
      .where(where)
      .orderBy(desc(alerts.openedAt), desc(alerts.id))
      .limit(data.limit),
    db
      .select({
        total: count(),
        open: sql<number>`count(*) filter (where ${alerts.status} = 'open')`.mapWith(Number),
      })
      .from(alerts)
      .where(and(eq(alerts.organizationId, actor.organizationId), ne(alerts.status, 'resolved'))),
  ]);
  return { alerts: rows, total: totals[0]?.total ?? 0, open: totals[0]?.open ?? 0 };
}

/** How many alerts nobody has acknowledged yet: the navigation's badge. */
export async function countOpenAlerts(db: Executor, actor: Actor): Promise<number> {
  assertCan(actor, 'alerts.read', 'Alert');
  const [row] = await db
    .select({ n: count() })
    .from(alerts)
    .where(and(eq(alerts.organizationId, actor.organizationId), eq(alerts.status, 'open')));
  return row?.n ?? 0;
}

export const acknowledgeAlertsSchema = z.object({
  alertIds: z
    .array(z.uuid({ error: 'alertIds must hold alert ids.' }), {
      error: 'alertIds must be a list of alert ids.',
    })
    .min(1, 'Choose at least one alert.')
    .max(500, 'Acknowledge at most 500 alerts at once.'),
});
export type AcknowledgeAlertsInput = z.input<typeof acknowledgeAlertsSchema>;

/**
 * Mark open alerts as seen. An acknowledged alert leaves the badge but stays
 * listed until its condition clears. Ids of another organization's alerts
 * answer not found, and nothing is changed.
 */
export async function acknowledgeAlerts(
  db: Executor,
  actor: Actor,
  input: AcknowledgeAlertsInput,
  now: Date,
): Promise<{ acknowledged: number }> {
  assertCan(actor, 'alerts.acknowledge', 'Alert');
  const { alertIds } = parseInput(acknowledgeAlertsSchema, input);
  const ids = [...new Set(alertIds)];
  return db.transaction(async (tx) => {
    const found = await tx
      .select({ id: alerts.id, status: alerts.status })
      .from(alerts)
      .where(and(inArray(alerts.id, ids), eq(alerts.organizationId, actor.organizationId)))
      .for('update');
    if (found.length !== ids.length) throw AppError.notFound('Alert');
    const open = found.filter((a) => a.status === 'open').map((a) => a.id);
    if (open.length === 0) return { acknowledged: 0 };
    await tx
      .update(alerts)
      .set({ status: 'acknowledged', acknowledgedAt: now, acknowledgedByUserId: actor.userId })
      .where(inArray(alerts.id, open));
    // One entry per alert, so each alert's history can be found by its id.
    for (const id of open) {
      await recordAudit(tx, actor, {
        action: 'alert.acknowledged',
        targetType: 'alert',
        targetId: id,
      });
    }
    return { acknowledged: open.length };
  });
}

/** Headings for the alerts page's groups; unknown kinds (a new adapter's codes) fall back to the kind. */
export const ALERT_GROUP_TITLES: Record<string, string> = {
  failed_to_set_on_device: 'Codes that could not be put on their lock',
  failed_to_remove_from_device: 'Codes that could not be removed from their lock',
  no_space_for_access_code_on_device: 'Locks with no free code slots',
  duplicate_code_on_device: 'Codes whose digits are already on the lock',
  conflicting_external_modification: 'Codes changed or removed at the lock',
  delay_in_setting_on_device: 'Codes waiting to be put on their lock',
  delay_in_removing_from_device: 'Codes waiting to be removed from their lock',
  device_disconnected: 'Locks offline',
  low_battery: 'Low batteries',
  empty_backup_access_code_pool: 'Locks with no backup code ready',
  partial_backup_access_code_pool: 'Backup pools running short',
  many_active_backup_codes: 'Locks with many backup codes in use',
  code_on_lock_after_check_out: 'Codes still on a lock after check-out',
};
