import { type Db, sql } from '@/db/client';
import { EXTERNAL_CHANGE_WARNING } from '@/lib/access-codes/external-changes';
import { isTracked } from '@/lib/access-codes/predicates';
import { withIssue, withoutIssues } from '@/lib/access-codes/state';
import { logger } from '@/lib/log';
import type { LockResultSet } from './act';
import type { Settings } from './options';

/** The issue Keyhold raises on a lock it cannot reach, and clears when the lock answers. */
export const LOCK_UNREACHABLE = 'device_disconnected';

/**
 * Writes finished locks' outcomes, many locks per transaction: one
 * transaction per lock would cap the tick at the database's commit rate.
 */
export class Recorder {
  private pending: LockResultSet[] = [];
  readonly totals = { acted: 0, set: 0, pending: 0, removed: 0, failed: 0, synced: 0, back: 0 };

  constructor(
    private readonly db: Db,
    private readonly settings: Settings,
  ) {}

  async add(result: LockResultSet): Promise<void> {
    this.pending.push(result);
    if (this.pending.length >= this.settings.recordBatch) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    try {
      await record(this.db, batch, this.settings);
    } catch (error) {
      // Nothing of this batch was written; the leases expire and a later tick redoes it.
      logger().error(
        { err: error, deviceIds: batch.map((b) => b.lock.id) },
        'recording lock outcomes failed',
      );
      return;
    }
    for (const { lock, online, outcomes, synced } of batch) {
      this.totals.back += !lock.online && online === true ? 1 : 0;
      this.totals.acted += outcomes.filter((o) => o.acted).length;
      this.totals.set += outcomes.filter(
        (o) => o.acted === 'set' && !o.failed && !o.pending,
      ).length;
      this.totals.pending += outcomes.filter((o) => o.pending).length;
      this.totals.removed += outcomes.filter((o) => o.acted === 'remove' && !o.failed).length;
      this.totals.failed += outcomes.filter((o) => o.failed).length;
      this.totals.synced += synced ? 1 : 0;
    }
  }
}

/** One transaction: code patches, their events, and each lock's state with its lease released. */
async function record(db: Db, batch: LockResultSet[], s: Settings): Promise<void> {
  const rows = batch.flatMap(({ outcomes }) =>
    outcomes.map(({ code, patch }) => ({
      id: code.id,
      revision: code.revision,
      status: patch.status,
      errors: patch.errors,
      warnings: patch.warnings,
      attempts: patch.attempts,
      next_attempt_at: patch.nextAttemptAt?.toISOString() ?? null,
      external_ref: patch.externalRef,
      is_scheduled_on_device: patch.isScheduledOnDevice ?? null,
      set_on_device_at: patch.setOnDeviceAt?.toISOString() ?? null,
      removed_from_device_at: patch.removedFromDeviceAt?.toISOString() ?? null,
      last_attempt_at: patch.lastAttemptAt?.toISOString() ?? null,
    })),
  );
  const events = batch.flatMap(({ lock, outcomes }) =>
    outcomes.flatMap(({ code, events }) =>
      events.map((e) => ({
        organization_id: lock.organizationId,
        access_code_id: code.id,
        device_id: lock.id,
        event_type: e.eventType,
        status_from: e.statusFrom,
        status_to: e.statusTo,
        detail: e.detail ?? null,
      })),
    ),
  );
  const now = s.now.toISOString();
  const nextSync = new Date(s.now.getTime() + s.syncIntervalMs).toISOString();
  const locks = batch.map(({ lock, online, synced, changeWarning }) => ({
    id: lock.id,
    online: online ?? null,
    synced,
    change_warnings:
      changeWarning === undefined ? null : changeWarning === null ? [] : [changeWarning],
    errors:
      online === undefined
        ? lock.errors
        : online
          ? withoutIssues(lock.errors, [LOCK_UNREACHABLE])
          : withIssue(lock.errors, LOCK_UNREACHABLE, s.now, undefined, `${lock.name} is offline.`),
  }));

  await db.transaction(async (tx) => {
    if (rows.length > 0) {
      const patches = sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
        id uuid, revision int, status text, errors jsonb, warnings jsonb, attempts int,
        next_attempt_at timestamptz, external_ref text, is_scheduled_on_device boolean,
        set_on_device_at timestamptz, removed_from_device_at timestamptz, last_attempt_at timestamptz)`;
      await tx.execute(sql`
        update access_codes c set
          status = v.status::access_code_status,
          errors = v.errors,
          warnings = v.warnings,
          attempts = v.attempts,
          next_attempt_at = v.next_attempt_at,
          external_ref = v.external_ref,
          is_scheduled_on_device = coalesce(v.is_scheduled_on_device, c.is_scheduled_on_device),
          set_on_device_at = coalesce(v.set_on_device_at, c.set_on_device_at),
          removed_from_device_at = coalesce(v.removed_from_device_at, c.removed_from_device_at),
          last_attempt_at = coalesce(v.last_attempt_at, c.last_attempt_at),
          updated_at = now()
        from ${patches}
        where c.id = v.id and c.revision = v.revision`);
      // Edited by a person while the lock was busy: keep their edit, record
      // what the lock now holds, and look at the code again straight away.
      await tx.execute(sql`
        update access_codes c set
          external_ref = v.external_ref,
          set_on_device_at = coalesce(v.set_on_device_at, c.set_on_device_at),
          removed_from_device_at = coalesce(v.removed_from_device_at, c.removed_from_device_at),
          next_attempt_at = ${now}::timestamptz,
          updated_at = now()
        from ${patches}
        where c.id = v.id and c.revision <> v.revision`);
    }
    if (events.length > 0) {
      await tx.execute(sql`
        insert into access_code_events
          (organization_id, access_code_id, device_id, event_type, status_from, status_to, detail, occurred_at)
        select organization_id, access_code_id, device_id, event_type,
          status_from::access_code_status, status_to::access_code_status, detail, ${now}::timestamptz
        from jsonb_to_recordset(${JSON.stringify(events)}::jsonb) as e(
          organization_id uuid, access_code_id uuid, device_id uuid, event_type text,
          status_from text, status_to text, detail jsonb)`);
    }
    // A lock that answers again after being offline: its codes waiting out a
    // back-off go on at the next tick, not minutes later.
    const back = batch.filter((b) => !b.lock.online && b.online === true).map((b) => b.lock.id);
    if (back.length > 0) {
      await tx.execute(sql`
        update access_codes set next_attempt_at = ${now}::timestamptz
        where device_id in (select jsonb_array_elements_text(${JSON.stringify(back)}::jsonb)::uuid)
          and attempts > 0 and next_attempt_at > ${now}::timestamptz and ${isTracked.sql()}`);
    }
    await tx.execute(sql`
      update devices d set
        lease_expires_at = null,
        lease_owner = null,
        online = coalesce(l.online, d.online),
        errors = l.errors,
        -- Only the sync's own warning is replaced: the pool's are written elsewhere.
        warnings = case when l.change_warnings is null then d.warnings
          else (select coalesce(jsonb_agg(w), '[]'::jsonb) from jsonb_array_elements(d.warnings) w
                 where w->>'code' <> ${EXTERNAL_CHANGE_WARNING}) || l.change_warnings end,
        last_synced_at = case when l.synced then ${now}::timestamptz else d.last_synced_at end,
        next_sync_at = case when l.synced then ${nextSync}::timestamptz else d.next_sync_at end,
        updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(locks)}::jsonb)
        as l(id uuid, online boolean, synced boolean, errors jsonb, change_warnings jsonb)
      where d.id = l.id and d.lease_owner = ${s.instance}`);
    await s.beforeCommit?.(batch.map((b) => b.lock.id));
  });
}
