import { and, eq, inArray, or, sql } from 'drizzle-orm';
import type { Db, Executor } from '@/db/client';
import { devices, type Issue, systemState } from '@/db/schema';
import { withIssue } from '@/lib/access-codes/state';
import {
  FORECAST_DAYS,
  forecastOrganization,
  leavesSomeoneOut,
  shortageSentence,
} from './forecast';

/**
 * The tick's step that warns of a slot shortage days before it happens: a
 * device warning `slot_shortage_forecast` on each lock the forecast sees
 * running short within 14 days with a stay, a person or a code left without
 * a slot (`leavesSomeoneOut`), saying when (in the property's zone) and who;
 * cleared once the forecast is clear. The
 * alert sync turns the warning into an alert like any other lock warning.
 */

export const SLOT_SHORTAGE_FORECAST = 'slot_shortage_forecast';

/**
 * An organization's forecast is looked at again this long after the last
 * look, or at once after a change made to clear it (`forgetSlotForecast`).
 * A forecast of 2,000 locks takes a few hundred milliseconds: every tick
 * would be too often, and a shortage days ahead loses nothing in 15 minutes.
 */
export const FORECAST_EVERY_MINUTES = 15;

const MARKER = 'slot_forecast:';
const markerOf = (organizationId: string) => `${MARKER}${organizationId}`;

/** Look at the organization's forecast at the next tick (a fix was just made). */
export async function forgetSlotForecast(db: Executor, organizationId: string): Promise<void> {
  await db.delete(systemState).where(eq(systemState.key, markerOf(organizationId)));
}

export async function forecastSlotShortages(
  db: Db,
  now: Date,
): Promise<{ organizations: number; warned: number; cleared: number }> {
  const since = new Date(now.getTime() - FORECAST_EVERY_MINUTES * 60_000);
  // Organizations with a lock of known capacity or a warning to clear, not looked at lately.
  const due = await db
    .selectDistinct({ organizationId: devices.organizationId })
    .from(devices)
    .where(
      and(
        or(
          and(eq(devices.status, 'active'), sql`${devices.slotLimit} is not null`),
          sql`${devices.warnings} @> ${JSON.stringify([{ code: SLOT_SHORTAGE_FORECAST }])}::jsonb`,
        ),
        sql`not exists (select 1 from ${systemState} s
          where s.key = ${MARKER} || ${devices.organizationId}::text
            and (s.value->>'at')::timestamptz > ${since.toISOString()}::timestamptz
            and (s.value->>'at')::timestamptz <= ${now.toISOString()}::timestamptz)`,
      ),
    );
  let warned = 0;
  let cleared = 0;
  for (const { organizationId } of due) {
    const forecast = await forecastOrganization(db, organizationId, now, FORECAST_DAYS);
    const wanted = new Map<string, string>();
    for (const lock of forecast.locks) {
      if (leavesSomeoneOut(lock)) wanted.set(lock.deviceId, shortageSentence(lock, now));
    }
    const current = await db
      .select({ id: devices.id, warnings: devices.warnings })
      .from(devices)
      .where(
        and(
          eq(devices.organizationId, organizationId),
          or(
            inArray(devices.id, [...wanted.keys()]),
            sql`${devices.warnings} @> ${JSON.stringify([{ code: SLOT_SHORTAGE_FORECAST }])}::jsonb`,
          ),
        ),
      );
    const changes: { id: string; warning: Issue | null }[] = [];
    for (const lock of current) {
      const message = wanted.get(lock.id);
      const before = lock.warnings.find((w) => w.code === SLOT_SHORTAGE_FORECAST);
      if (message === before?.message) continue;
      // A shortage that moves keeps the time it was first forecast.
      const [warning = null] = message
        ? withIssue([], SLOT_SHORTAGE_FORECAST, now, undefined, message).map((w) => ({
            ...w,
            createdAt: before?.createdAt ?? w.createdAt,
          }))
        : [];
      changes.push({ id: lock.id, warning });
      if (message) warned++;
      else cleared++;
    }
    await db.transaction(async (tx) => {
      if (changes.length > 0) {
        // Only this warning is swapped: the lock's others may change in the same moment.
        await tx.execute(sql`
          update devices d set warnings = coalesce((
              select jsonb_agg(w) from jsonb_array_elements(d.warnings) w
               where w->>'code' <> ${SLOT_SHORTAGE_FORECAST}), '[]'::jsonb)
            || case when c.warning is null then '[]'::jsonb else jsonb_build_array(c.warning) end
            from jsonb_to_recordset(${JSON.stringify(changes)}::jsonb) as c(id uuid, warning jsonb)
           where d.id = c.id and d.organization_id = ${organizationId}`);
      }
      await tx
        .insert(systemState)
        .values({ key: markerOf(organizationId), value: { at: now.toISOString() } })
        .onConflictDoUpdate({
          target: systemState.key,
          set: { value: { at: now.toISOString() }, updatedAt: now },
        });
    });
  }
  return { organizations: due.length, warned, cleared };
}
