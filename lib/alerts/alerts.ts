import { and, count, desc, eq, inArray, ne, type SQL, sql } from 'drizzle-orm';
import { alias } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import { type Executor, queryRows } from '@/db/client';
import {
  type Alert,
  alerts,
  devices,
  GUEST_MESSAGE_KINDS,
  organizations,
  properties,
  reservations,
} from '@/db/schema';
import {
  EXTERNAL_CHANGE_WARNING,
  EXTERNAL_CHANGE_WARNING_HOURS,
  REPEATED_EXTERNAL_CHANGES,
  recentExternalChanges,
} from '@/lib/access-codes/external-changes';
import { isLive, takesSlot } from '@/lib/access-codes/predicates';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { LOW_BATTERY } from '@/lib/devices/battery';
import { CONNECTION_ISSUES } from '@/lib/devices/connection-health';
import { DEVICE_REMOVED, NEW_LOCK_FOUND } from '@/lib/devices/discovery';
import { AppError } from '@/lib/errors';
import { LOCK_UNREACHABLE } from '@/lib/reconciler/record';
import { SLOT_SHORTAGE_FORECAST } from '@/lib/slots/shortages';
import { CALENDAR_NOT_READ, CALENDAR_STALE_MINUTES } from '@/lib/sources/calendars';
import { toIso } from '@/lib/time';
import { parseInput } from '@/lib/validation';
import {
  FOLDED_CODE_ISSUES,
  FOLDED_LOCK_ISSUES,
  isUnreachable,
  offlineLockAlerts,
} from './offline-locks';

/** How long after check-out a guest code may still be on the lock before it is an alert. */
export const CHECK_OUT_GRACE_MINUTES = 15;

/** A stay's code that opened the door at or after check-out (lock events, lib/lock-events/ingest.ts). */
export const ENTRY_AFTER_CHECK_OUT = 'entry_after_check_out';

/** How long an entry after check-out stays an alert. */
export const ENTRY_AFTER_CHECK_OUT_HOURS = 48;

/** Attempts after which a guest message still not delivered is an alert (the outbox keeps retrying). */
export const MESSAGE_ALERT_ATTEMPTS = 3;

/** How long a message the outbox gave up on stays an alert, at most (it also clears when the stay ends). */
export const MESSAGE_FAILED_ALERT_DAYS = 7;

/** Longest stretch of a delivery error an alert quotes: SMTP replies can run long. */
const MESSAGE_ERROR_CHARS = 200;

/** A stored delivery error on one line, cut short; null when there is none. */
const messageError = (column: SQL) => sql`
  select case when length(t.error) > ${MESSAGE_ERROR_CHARS}
              then left(t.error, ${MESSAGE_ERROR_CHARS - 1}) || '…' else t.error end as error
    from (select nullif(btrim(regexp_replace(${column}, '\\s+', ' ', 'g')), '') as error) t
`;

/** A list of issue names as a SQL text array. */
const codeList = (codes: readonly string[]) => sql`${`{${codes.join(',')}}`}::text[]`;

/**
 * Everything that should have an open alert right now, across organizations:
 * the errors and warnings on live codes and active locks, low batteries,
 * guest codes still on a lock after check-out, and guest messages that are
 * not getting through. One row per alert, keyed by `dedupe_key`
 * (`<kind>:<code, lock or message id>`). An unreachable lock is one alert
 * (`offline`, its message and what waits for it), not one per code.
 *
 * A message alert quotes only the channel and the provider's error, never the
 * subject or body: they hold the guest's PIN.
 */
const conditions = (now: Date, offline: { device_id: string; message: string }[]) => sql`
  select distinct on (organization_id, dedupe_key) * from (
    select c.organization_id, c.device_id, c.id as access_code_id, c.reservation_id,
           i.issue->>'code' as kind, i.severity::alert_severity as severity,
           i.issue->>'message' as message, (i.issue->>'code') || ':' || c.id as dedupe_key
      from access_codes c
      cross join lateral (
        select e as issue, 'error' as severity from jsonb_array_elements(c.errors) e
        union all
        -- A lock service's own warnings (Seam's: a code that rotates, another
        -- integration seen) show on the code; Keyhold raises its own delay
        -- warning when waiting on the service starts to matter.
        -- A change at the lock is told on the code; it is an alert on the lock once repeated.
        select w, 'warning' from jsonb_array_elements(c.warnings) w
         where w->'detail'->>'source' is distinct from 'adapter'
           and w->>'code' <> ${EXTERNAL_CHANGE_WARNING}
      ) i
     where ${isLive.sql({ table: 'c' })}
       and (c.errors <> '[]'::jsonb or c.warnings <> '[]'::jsonb)
       -- Waiting for an unreachable lock: told once, on the lock's alert.
       and not (i.issue->>'code' = any(${codeList(FOLDED_CODE_ISSUES)})
                and exists (select 1 from devices d where d.id = c.device_id
                             and d.status = 'active' and ${isUnreachable('d')}))
    union all
    select d.organization_id, d.id, null, null,
           i.issue->>'code', i.severity::alert_severity,
           coalesce(f.message, i.issue->>'message'),
           (i.issue->>'code') || ':' || d.id
      from devices d
      cross join lateral (
        select e as issue, 'error' as severity from jsonb_array_elements(d.errors) e
        union all
        select w, 'warning' from jsonb_array_elements(d.warnings) w
         where w->>'code' <> ${EXTERNAL_CHANGE_WARNING}
      ) i
      left join jsonb_to_recordset(${JSON.stringify(offline)}::jsonb) as f(device_id uuid, message text)
        on f.device_id = d.id and i.issue->>'code' = ${LOCK_UNREACHABLE}
     where d.status = 'active' and (d.errors <> '[]'::jsonb or d.warnings <> '[]'::jsonb)
       and not (i.issue->>'code' = any(${codeList(FOLDED_LOCK_ISSUES)}) and ${isUnreachable('d')})
    union all
    -- Codes changed at the same lock again within the warning's window.
    select d.organization_id, d.id, null, null, ${EXTERNAL_CHANGE_WARNING}, 'warning'::alert_severity,
           'Codes on ' || d.name || ' were changed or removed at the lock ' || x.count
             || ' times in the last ' || ${EXTERNAL_CHANGE_WARNING_HOURS} || ' hours; Keyhold put them back. Check who is using the keypad.',
           ${EXTERNAL_CHANGE_WARNING} || ':' || d.id
      from devices d
      cross join lateral (${recentExternalChanges(sql`d.id`, now)}) x
     where d.status = 'active' and x.count >= ${REPEATED_EXTERNAL_CHANGES}
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
       and ${takesSlot.sql({ table: 'c' })}
       and c.ends_at < ${now.toISOString()}::timestamptz - make_interval(mins => ${CHECK_OUT_GRACE_MINUTES})
    union all
    -- A stay's code opened the door at or after check-out (a code Keyhold failed
    -- to remove, or a lock that ignored the end): one alert per code, naming its latest such entry.
    select * from (
      select distinct on (e.access_code_id)
             e.organization_id, e.device_id, e.access_code_id, e.reservation_id,
             ${ENTRY_AFTER_CHECK_OUT}::text as kind, 'error'::alert_severity as severity,
             r.guest_name || '''s ' || case when c.is_backup then 'backup' else 'guest' end
               || ' code opened ' || d.name || ' at ' || to_char(e.occurred_at at time zone z.tz, 'HH24:MI')
               || ' on ' || to_char(e.occurred_at at time zone z.tz, 'FMDD Mon')
               || ', after check-out at ' || to_char(r.ends_at at time zone z.tz, 'HH24:MI')
               || case when (e.occurred_at at time zone z.tz)::date <> (r.ends_at at time zone z.tz)::date
                       then ' on ' || to_char(r.ends_at at time zone z.tz, 'FMDD Mon') else '' end
               || '. Check the code is off the lock.' as message,
             ${ENTRY_AFTER_CHECK_OUT}::text || ':' || e.access_code_id as dedupe_key
        from events e
        join access_codes c on c.id = e.access_code_id and c.organization_id = e.organization_id
        join reservations r on r.id = e.reservation_id and r.organization_id = e.organization_id
        join devices d on d.id = e.device_id
        join organizations o on o.id = e.organization_id
        left join properties p on p.id = coalesce(d.property_id, r.property_id)
        cross join lateral (select coalesce(p.time_zone, o.time_zone) as tz) z
       where e.event_type = 'lock.unlocked' and e.detail->>'after_check_out' = 'true'
         and e.occurred_at >= ${now.toISOString()}::timestamptz - make_interval(hours => ${ENTRY_AFTER_CHECK_OUT_HOURS})
       order by e.access_code_id, e.occurred_at desc
    ) entries
    union all
    -- A lock service's account Keyhold cannot use (a revoked Seam key): every lock behind it waits.
    select c.organization_id, null, null, null,
           e->>'code', 'error'::alert_severity,
           'The lock connection “' || c.name || '”: ' || (e->>'message'),
           (e->>'code') || ':' || c.id
      from adapter_connections c
      cross join lateral jsonb_array_elements(c.errors) e
     where c.status = 'error'
    union all
    -- A feed not read well for an hour: new bookings, moves and cancellations wait on it.
    select s.organization_id, null, null, null,
           ${CALENDAR_NOT_READ}, 'error'::alert_severity,
           'The calendar “' || s.name || '” has not been read successfully for over '
             || ${CALENDAR_STALE_MINUTES} || ' minutes'
             || coalesce(': ' || s.last_error, '.') || ' New bookings and changes wait for it.',
           ${CALENDAR_NOT_READ} || ':' || s.id
      from reservation_sources s
     where s.kind = 'ical' and s.approved_at is not null
       and coalesce(s.last_success_at, s.approved_at)
           < ${now.toISOString()}::timestamptz - make_interval(mins => ${CALENDAR_STALE_MINUTES})
    union all
    -- Still retrying after repeated failures. Clears once it is sent or given up on.
    select m.organization_id, null, null, m.reservation_id,
           'message_delivery_delayed', 'warning'::alert_severity,
           (case m.channel when 'email' then 'Email' else 'SMS' end)
             || ' to the guest has not gone through after ' || m.attempts
             || ' attempts and is still retrying'
             || coalesce(': ' || e.error, '.'),
           'message_delivery_delayed:' || m.id
      from messages m
      cross join lateral (${messageError(sql`m.last_error`)}) e
     where m.status in ('queued', 'sending') and m.attempts >= ${MESSAGE_ALERT_ATTEMPTS}
       and m.kind = any(${codeList(GUEST_MESSAGE_KINDS)}::message_kind[])
    union all
    -- Given up on, while it can still matter: recently, and before the stay is
    -- over. A later message of the same kind and channel that reached the
    -- guest (a resend) clears it.
    select m.organization_id, null, null, m.reservation_id,
           'message_failed', 'error'::alert_severity,
           (case m.channel when 'email' then 'Email' else 'SMS' end)
             || ' to the guest was not delivered' || coalesce(': ' || e.error, '.'),
           'message_failed:' || m.id
      from messages m
      left join reservations r
        on r.id = m.reservation_id and r.organization_id = m.organization_id
      cross join lateral (${messageError(sql`m.last_error`)}) e
     where m.status = 'failed'
       and m.kind = any(${codeList(GUEST_MESSAGE_KINDS)}::message_kind[])
       and m.updated_at >= ${now.toISOString()}::timestamptz - make_interval(days => ${MESSAGE_FAILED_ALERT_DAYS})
       and (m.reservation_id is null
            or (r.ends_at > ${now.toISOString()}::timestamptz and r.status = 'confirmed'))
       and not exists (
         select 1 from messages later
          where later.organization_id = m.organization_id
            and later.reservation_id = m.reservation_id
            and later.kind = m.kind and later.channel = m.channel
            and later.status = 'sent' and later.created_at > m.created_at)
    union all
    -- Staff told nothing because their email or a webhook is not getting
    -- through: one alert per member's address or endpoint, while a message to
    -- it keeps failing (retrying past the alert's attempts, or given up on in
    -- the last day) and none has got through since.
    select m.organization_id, null, null, null,
           'notification_not_delivered', 'warning'::alert_severity,
           (case when m.channel = 'webhook'
                 then 'Events to the webhook at ' || substring(m.recipient from '^[a-z]+://[^/?#]+')
                 else 'Notifications to ' || m.recipient end)
             || ' are not getting through' || coalesce(': ' || e.error, '.'),
           'notification_not_delivered:' || m.recipient
      from (
        select distinct on (organization_id, recipient) *
          from messages
         where kind in ('staff_notification', 'staff_digest', 'webhook_event')
           and ((status in ('queued', 'sending') and attempts >= ${MESSAGE_ALERT_ATTEMPTS})
                or (status = 'failed'
                    and updated_at >= ${now.toISOString()}::timestamptz - interval '1 day'))
         order by organization_id, recipient, updated_at desc
      ) m
      cross join lateral (${messageError(sql`m.last_error`)}) e
     where not exists (
         select 1 from messages later
          where later.organization_id = m.organization_id
            and later.recipient = m.recipient and later.channel = m.channel
            and later.status = 'sent' and later.sent_at > m.updated_at)
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
  const offline = await offlineLockAlerts(db, now);
  const [row] = await queryRows<{ opened: number; resolved: number }>(
    db,
    sql`
    with current as (${conditions(now, offline)}),
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

/**
 * Where an alert is fixed, when that is somewhere other than the lock or stay
 * it names: a lock discovery found is set up (or placed), a lock gone from its
 * account is replaced, a connection is mended in Settings, a lock that will
 * run out of slots is seen in the slot forecast, with its fixes.
 */
export type AlertRemedy = 'set_up_new_lock' | 'replace_lock' | 'fix_connection' | 'slot_forecast';

const REMEDIES: Record<string, AlertRemedy> = {
  [NEW_LOCK_FOUND]: 'set_up_new_lock',
  [SLOT_SHORTAGE_FORECAST]: 'slot_forecast',
  [DEVICE_REMOVED]: 'replace_lock',
  ...Object.fromEntries([...CONNECTION_ISSUES].map((kind) => [kind, 'fix_connection'] as const)),
};

/** One alert as the alerts page and its JSON route show it; times are ISO strings. */
export type AlertItem = Pick<
  Alert,
  'id' | 'kind' | 'severity' | 'message' | 'status' | 'deviceId' | 'accessCodeId' | 'reservationId'
> & {
  openedAt: string;
  acknowledgedAt: string | null;
  lockName: string | null;
  room: string | null;
  guestName: string | null;
  timeZone: string;
  remedy: AlertRemedy | null;
};

export type AlertList = { alerts: AlertItem[]; total: number; open: number };

const stayProperties = alias(properties, 'stay_properties');

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
        // The zone of the lock's property, else of the stay's (a message alert
        // has no lock), else the organization's.
        timeZone: sql<string>`coalesce(${properties.timeZone}, ${stayProperties.timeZone}, ${organizations.timeZone})`,
      })
      .from(alerts)
      .innerJoin(organizations, eq(organizations.id, alerts.organizationId))
      .leftJoin(devices, eq(devices.id, alerts.deviceId))
      .leftJoin(properties, eq(properties.id, devices.propertyId))
      .leftJoin(reservations, eq(reservations.id, alerts.reservationId))
      .leftJoin(stayProperties, eq(stayProperties.id, reservations.propertyId))
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
  return {
    alerts: rows.map((row) => ({
      ...row,
      openedAt: toIso(row.openedAt),
      acknowledgedAt: toIso(row.acknowledgedAt),
      remedy: REMEDIES[row.kind] ?? null,
    })),
    total: totals[0]?.total ?? 0,
    open: totals[0]?.open ?? 0,
  };
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
