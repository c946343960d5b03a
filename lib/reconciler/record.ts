import { type Db, queryRows, sql } from '@/db/client';
import { EXTERNAL_CHANGE_WARNING } from '@/lib/access-codes/external-changes';
import { isTracked } from '@/lib/access-codes/predicates';
import { withIssue, withoutIssues } from '@/lib/access-codes/state';
import { codeEvent, connectionEvent } from '@/lib/events/keyhold';
import { type NewEvent, recordEvents } from '@/lib/events/store';
import { logger } from '@/lib/log';
import type { LockResultSet, Outcome } from './act';
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

/** A code error that says more than `failed_to_set_on_device` about why it failed. */
const FAILURE_CAUSES = [
  'no_space_for_access_code_on_device',
  'duplicate_code_on_device',
  'conflicting_external_modification',
];

/**
 * The events under Seam's names this outcome makes true: the code newly
 * `set`, taken off, or failed to set for the first time (the error's own
 * creation time keys it, so the retries that keep it write nothing).
 */
function codeEventsOf({ code, patch, events }: Outcome, now: Date): NewEvent[] {
  const out: NewEvent[] = [];
  const at = now.toISOString();
  for (const draft of events) {
    if (
      draft.eventType === 'set_on_device' &&
      draft.statusTo === 'set' &&
      draft.statusFrom !== 'set'
    ) {
      out.push(codeEvent('access_code.set_on_device', code, now, at));
    } else if (draft.eventType === 'removed_from_device') {
      out.push(codeEvent('access_code.removed_from_device', code, now, at));
    } else if (draft.eventType === 'failed_to_set_on_device') {
      const raised = patch.errors.find((e) => e.code === 'failed_to_set_on_device');
      const cause = patch.errors.find((e) => FAILURE_CAUSES.includes(e.code));
      out.push(
        codeEvent(
          'access_code.failed_to_set_on_device',
          code,
          now,
          raised?.createdAt ?? at,
          cause?.code ?? 'failed_to_set_on_device',
        ),
      );
    }
  }
  return out;
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
    // Keyhold's events only for what this transaction records: a code a person
    // edited meanwhile keeps its status, and a lock whose lease lapsed keeps its state.
    const recorded = new Set<string>();
    if (rows.length > 0) {
      const patches = sql`jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as v(
        id uuid, revision int, status text, errors jsonb, warnings jsonb, attempts int,
        next_attempt_at timestamptz, external_ref text, is_scheduled_on_device boolean,
        set_on_device_at timestamptz, removed_from_device_at timestamptz, last_attempt_at timestamptz)`;
      // One statement for both cases. Edited by a person while the lock was
      // busy (another revision): keep their edit, record what the lock now
      // holds, and look at the code again straight away. The update leaves
      // the revision as it was, so `returning` tells the two cases apart.
      const written = await queryRows<{ id: string; applied: boolean }>(
        tx,
        sql`
        update access_codes c set
          status = case when c.revision = v.revision then v.status::access_code_status else c.status end,
          errors = case when c.revision = v.revision then v.errors else c.errors end,
          warnings = case when c.revision = v.revision then v.warnings else c.warnings end,
          attempts = case when c.revision = v.revision then v.attempts else c.attempts end,
          next_attempt_at = case when c.revision = v.revision then v.next_attempt_at
            else ${now}::timestamptz end,
          external_ref = v.external_ref,
          last_external_ref = coalesce(v.external_ref, c.last_external_ref),
          is_scheduled_on_device = case when c.revision = v.revision
            then coalesce(v.is_scheduled_on_device, c.is_scheduled_on_device)
            else c.is_scheduled_on_device end,
          set_on_device_at = coalesce(v.set_on_device_at, c.set_on_device_at),
          removed_from_device_at = coalesce(v.removed_from_device_at, c.removed_from_device_at),
          last_attempt_at = case when c.revision = v.revision
            then coalesce(v.last_attempt_at, c.last_attempt_at) else c.last_attempt_at end,
          updated_at = now()
        from ${patches}
        where c.id = v.id
        returning c.id, c.revision = v.revision as applied`,
      );
      for (const { id, applied } of written) if (applied) recorded.add(id);
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
    const released = await queryRows<{ id: string }>(
      tx,
      sql`
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
      where d.id = l.id and d.lease_owner = ${s.instance}
      returning d.id`,
    );
    const releasedIds = new Set(released.map((r) => r.id));
    await recordEvents(tx, [
      ...batch.flatMap(({ outcomes }) =>
        outcomes.filter((o) => recorded.has(o.code.id)).flatMap((o) => codeEventsOf(o, s.now)),
      ),
      ...batch
        .filter((b) => b.online !== undefined && b.online !== b.lock.online)
        .filter((b) => releasedIds.has(b.lock.id))
        .map((b) => connectionEvent(b.lock, b.online === true, s.now)),
    ]);
    await s.beforeCommit?.(batch.map((b) => b.lock.id));
  });
}
