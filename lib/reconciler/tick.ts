import { hostname } from 'node:os';
import pLimit from 'p-limit';
import { type Db, queryRows, sql } from '@/db/client';
import type { AccessCode, AccessCodeStatus, Device, Issue } from '@/db/schema';
import {
  applyOutcome,
  type CodeEventDraft,
  type CodePatch,
  type Decision,
  decide,
  type LockPolicy,
  type LockResult,
  withIssue,
  withoutIssues,
  workingStatus,
} from '@/lib/access-codes/state';
import { syncAlerts } from '@/lib/alerts/alerts';
import { pruneSignInAttempts } from '@/lib/auth/sign-in';
import { refillPools } from '@/lib/backup-pools/pools';
import { discoverDevices } from '@/lib/devices/discovery';
import { type AdapterResolver, type LockAdapter, LockFailure } from '@/lib/locks/adapter';
import { logger } from '@/lib/log';
import { deliverDueMessages } from '@/lib/messages/outbox';
import { queueDueGuestCodeMessages } from '@/lib/messages/schedule';
import type { Transports } from '@/lib/messages/transport-types';
import { transportsFromEnv } from '@/lib/messages/transports';
import { recordLastTick } from '@/lib/system-state';

/**
 * The reconciler (DESIGN.md "The reconciler"). Each round claims the locks
 * with due work, leases them so no other tick touches them, acts through their
 * adapters (many locks at once, one operation at a time per lock) and records
 * every outcome in one transaction per lock, with the lease's release. A tick
 * killed anywhere loses nothing: an unreleased lease expires and the next tick
 * repeats the work, and adapters are idempotent by Keyhold's code id.
 */

export const INSTANCE_ID = `${hostname()}:${process.pid}`;

export type TickOptions = {
  now: Date;
  adapters: AdapterResolver;
  /** Locks worked on at once. */
  concurrency?: number;
  /** Locks claimed per round. */
  locksPerRound?: number;
  /** Most codes acted on per lock per round. */
  codesPerLock?: number;
  leaseMs?: number;
  /** How often each lock's actual codes are read back. */
  syncIntervalMs?: number;
  /** Stop starting new rounds after this long; the rest waits for the next tick. */
  budgetMs?: number;
  instance?: string;
  random?: () => number;
  /** Locks whose outcomes are written in one transaction. */
  recordBatch?: number;
  /** Fault injection for tests: runs inside each record transaction, before commit. */
  beforeCommit?: (deviceIds: string[]) => void | Promise<void>;
  /** Where guest messages go; from the environment (SMTP or the log) unless given. */
  transports?: Transports;
};

export type TickStats = {
  rounds: number;
  locks: number;
  codesActed: number;
  set: number;
  /** Codes a service behind the adapter (Seam) accepted and is still putting on the lock. */
  pending: number;
  removed: number;
  failed: number;
  synced: number;
  durationMs: number;
  /** Each round's time, claim to last record. */
  roundMs: number[];
  /** The budget ran out with work left: run again soon. */
  more: boolean;
  backupCodesCreated: number;
  /** Devices an adapter listed that Keyhold had not seen (a new or factory-reset lock). */
  locksFound: number;
  /** Locks their adapter no longer lists. */
  locksRemoved: number;
  alertsOpened: number;
  alertsResolved: number;
  /** Guest-code messages and corrections queued this tick (each may go by email and SMS). */
  messagesQueued: number;
  messagesSent: number;
  /** Sends that failed this tick, whether retried later or given up on. */
  messagesFailed: number;
};

type ClaimedLock = Pick<
  Device,
  | 'id'
  | 'organizationId'
  | 'adapter'
  | 'connectionId'
  | 'externalId'
  | 'name'
  | 'online'
  | 'errors'
  | 'supportsNativeScheduling'
> & { leadMinutes: number; syncDue: boolean; codes: AccessCode[] };

type Outcome = {
  code: AccessCode;
  patch: CodePatch;
  events: CodeEventDraft[];
  acted: 'set' | 'remove' | null;
  failed: boolean;
  pending?: boolean;
};

const DEFAULTS = {
  concurrency: 32,
  recordBatch: 32,
  codesPerLock: 50,
  leaseMs: 120_000,
  syncIntervalMs: 5 * 60_000,
  budgetMs: 10_000,
};

export async function runTick(db: Db, options: TickOptions): Promise<TickStats> {
  const started = performance.now();
  const settings = { ...DEFAULTS, ...options, instance: options.instance ?? INSTANCE_ID };
  const locksPerRound = options.locksPerRound ?? settings.concurrency * 8;
  const limit = pLimit(settings.concurrency);
  const stats: TickStats = {
    rounds: 0,
    locks: 0,
    codesActed: 0,
    set: 0,
    pending: 0,
    removed: 0,
    failed: 0,
    synced: 0,
    durationMs: 0,
    roundMs: [],
    more: false,
    backupCodesCreated: 0,
    locksFound: 0,
    locksRemoved: 0,
    alertsOpened: 0,
    alertsResolved: 0,
    messagesQueued: 0,
    messagesSent: 0,
    messagesFailed: 0,
  };

  try {
    // First, so a lock found now is read and programmed this tick.
    const discovery = await discoverDevices(db, settings.adapters, settings.now);
    stats.locksFound = discovery.found;
    stats.locksRemoved = discovery.removed;
  } catch (error) {
    logger().error({ err: error }, 'discovering devices failed');
  }

  try {
    const pools = await refillPools(db, settings.now);
    stats.backupCodesCreated = pools.created;
  } catch (error) {
    logger().error({ err: error }, 'refilling backup pools failed');
  }

  while (performance.now() - started < settings.budgetMs) {
    const roundStarted = performance.now();
    const claimed = await claimLocks(db, settings, locksPerRound);
    if (claimed.length === 0) break;
    stats.rounds++;
    stats.locks += claimed.length;
    const recorder = new Recorder(db, settings);
    await Promise.all(
      claimed.map((lock) =>
        limit(async () => {
          try {
            const result = await reconcileLock(lock, settings, db);
            await recorder.add(result);
          } catch (error) {
            // The lease expires and a later tick repeats this lock's work.
            logger().error({ err: error, deviceId: lock.id }, 'reconciling a lock failed');
          }
        }),
      ),
    );
    await recorder.flush();
    stats.codesActed += recorder.totals.acted;
    stats.set += recorder.totals.set;
    stats.pending += recorder.totals.pending;
    stats.removed += recorder.totals.removed;
    stats.failed += recorder.totals.failed;
    stats.synced += recorder.totals.synced;
    stats.roundMs.push(Math.round(performance.now() - roundStarted));
    if (claimed.length < locksPerRound) break;
    stats.more = performance.now() - started >= settings.budgetMs;
  }

  try {
    // After the rounds, so a code set this tick is messaged this tick.
    const guestCodes = await queueDueGuestCodeMessages(db, settings.now);
    stats.messagesQueued = guestCodes.queued + guestCodes.corrections;
  } catch (error) {
    logger().error({ err: error }, 'queueing guest code messages failed');
  }

  try {
    const delivered = await deliverDueMessages(db, {
      now: settings.now,
      transports: options.transports ?? transportsFromEnv(),
      random: settings.random,
    });
    stats.messagesSent = delivered.sent;
    stats.messagesFailed = delivered.retrying + delivered.failed;
  } catch (error) {
    // Messages stay queued (or leased until the lease expires) for the next tick.
    logger().error({ err: error }, 'delivering messages failed');
  }

  try {
    // Last, so the alerts reflect what this tick just learned, deliveries included.
    const alerts = await syncAlerts(db, settings.now);
    stats.alertsOpened = alerts.opened;
    stats.alertsResolved = alerts.resolved;
  } catch (error) {
    logger().error({ err: error }, 'updating alerts failed');
  }

  await pruneSignInAttempts(db, settings.now);
  stats.durationMs = Math.round(performance.now() - started);
  await recordLastTick(db, {
    startedAt: settings.now.toISOString(),
    finishedAt: new Date(settings.now.getTime() + stats.durationMs).toISOString(),
    durationMs: stats.durationMs,
    instance: settings.instance,
  });
  if (
    stats.locks > 0 ||
    stats.locksFound > 0 ||
    stats.locksRemoved > 0 ||
    stats.alertsOpened > 0 ||
    stats.alertsResolved > 0 ||
    stats.messagesQueued > 0 ||
    stats.messagesSent > 0 ||
    stats.messagesFailed > 0
  ) {
    const { roundMs: _rounds, more: _more, ...summary } = stats;
    logger().info({ event: 'tick', ...summary }, 'tick finished');
  }
  return stats;
}

type Settings = typeof DEFAULTS & TickOptions & { instance: string };

/**
 * Claim the locks whose work is most overdue (nearest arrivals first), lease
 * them, load their due codes, and mark the codes about to be worked on
 * (`setting`, `removing`) — one transaction.
 */
async function claimLocks(db: Db, s: Settings, count: number): Promise<ClaimedLock[]> {
  return db.transaction(async (tx) => {
    const now = s.now.toISOString();
    const leaseUntil = new Date(s.now.getTime() + s.leaseMs).toISOString();
    const locks = await queryRows<{
      id: string;
      organization_id: string;
      adapter: Device['adapter'];
      connection_id: string | null;
      external_id: string;
      name: string;
      online: boolean;
      errors: Issue[];
      supports_native_scheduling: boolean;
      lead_minutes: number;
      sync_due: boolean;
    }>(
      tx,
      sql`
        with due as (
          select device_id, min(next_attempt_at) as due_at
          from access_codes where next_attempt_at <= ${now}::timestamptz
          group by device_id
          union all
          select id, next_sync_at from devices
          where status = 'active' and next_sync_at <= ${now}::timestamptz
        ),
        ranked as (
          select device_id, min(due_at) as due_at from due group by device_id
        ),
        picked as (
          select d.id, r.due_at from devices d join ranked r on r.device_id = d.id
          where d.status = 'active'
            and (d.lease_expires_at is null or d.lease_expires_at <= ${now}::timestamptz)
          order by r.due_at
          limit ${count}
          for update of d skip locked
        )
        update devices d
        set lease_expires_at = ${leaseUntil}::timestamptz, lease_owner = ${s.instance}
        from picked p, organizations o
        where d.id = p.id and o.id = d.organization_id
        returning d.id, d.organization_id, d.adapter, d.connection_id, d.external_id, d.name,
          d.online, d.errors, d.supports_native_scheduling,
          o.programming_lead_minutes as lead_minutes,
          coalesce(d.next_sync_at <= ${now}::timestamptz, false) as sync_due`,
    );
    if (locks.length === 0) return [];

    const ids = locks.map((l) => l.id);
    const codes = await tx.query.accessCodes.findMany({
      where: (c, { and, inArray, lte }) =>
        and(inArray(c.deviceId, ids), lte(c.nextAttemptAt, s.now)),
      orderBy: (c, { asc }) => [asc(c.nextAttemptAt)],
    });
    const byLock = new Map<string, AccessCode[]>();
    for (const code of codes) {
      const list = byLock.get(code.deviceId) ?? [];
      if (list.length < s.codesPerLock) list.push(code);
      byLock.set(code.deviceId, list);
    }

    const claimed = locks.map(
      (l): ClaimedLock => ({
        id: l.id,
        organizationId: l.organization_id,
        adapter: l.adapter,
        connectionId: l.connection_id,
        externalId: l.external_id,
        name: l.name,
        online: l.online,
        errors: l.errors,
        supportsNativeScheduling: l.supports_native_scheduling,
        leadMinutes: l.lead_minutes,
        syncDue: l.sync_due,
        codes: byLock.get(l.id) ?? [],
      }),
    );

    // Mark what is about to happen before the lock hears of it, so a tick that
    // dies mid-call leaves a code that is known to be possibly on the lock.
    const marks: { id: string; status: AccessCodeStatus | null; attempted: boolean }[] = [];
    for (const lock of claimed) {
      for (const code of lock.codes) {
        const decision = decide(code, policyOf(lock), s.now);
        const status = workingStatus(code, decision, s.now);
        const attempted = decision.kind === 'set';
        if ((status && status !== code.status) || attempted) {
          marks.push({ id: code.id, status, attempted });
          if (status) code.status = status;
          if (attempted) code.lastAttemptAt = s.now;
        }
      }
    }
    if (marks.length > 0) {
      await tx.execute(sql`
        update access_codes c set
          status = coalesce(m.status::access_code_status, c.status),
          last_attempt_at = case when m.attempted then ${now}::timestamptz else c.last_attempt_at end
        from jsonb_to_recordset(${JSON.stringify(marks)}::jsonb) as m(id uuid, status text, attempted boolean)
        where c.id = m.id`);
    }
    return claimed;
  });
}

function policyOf(lock: ClaimedLock): LockPolicy {
  return { leadMinutes: lock.leadMinutes, nativeScheduling: lock.supportsNativeScheduling };
}

/**
 * Order of work on one lock: removals first (they free slots), then guest
 * codes by arrival, then ongoing codes, backup codes last — so when slots are
 * short the nearest arrival gets one and a pool code never takes a guest's.
 */
function workOrder(a: { code: AccessCode; decision: Decision }, b: typeof a): number {
  const rank = (x: typeof a) =>
    x.decision.kind === 'remove' ? 0 : x.code.isBackup ? 3 : x.code.type === 'ongoing' ? 2 : 1;
  const byRank = rank(a) - rank(b);
  if (byRank !== 0) return byRank;
  return (a.code.startsAt?.getTime() ?? 0) - (b.code.startsAt?.getTime() ?? 0);
}

type LockResultSet = {
  lock: ClaimedLock;
  outcomes: Outcome[];
  online: boolean | undefined;
  synced: boolean;
};

/** Talk to one lock: sync it if due, then act on its due codes, in work order. */
async function reconcileLock(lock: ClaimedLock, s: Settings, db: Db): Promise<LockResultSet> {
  const adapter = s.adapters(lock);
  const policy = policyOf(lock);
  const now = s.now;
  const outcomes: Outcome[] = [];
  let online: boolean | undefined;

  const codes = new Map(lock.codes.map((c) => [c.id, c]));
  const syncEvents = new Map<string, CodeEventDraft[]>();
  let synced = false;
  if (lock.syncDue) {
    try {
      await syncLock(db, adapter, lock, codes, syncEvents, now);
      synced = true;
      online = true;
    } catch (error) {
      if (!(error instanceof LockFailure)) throw error;
      if (error.kind === 'offline') online = false;
      synced = error.kind === 'offline' || error.kind === 'not_found';
    }
  }

  const work = [...codes.values()]
    .map((code) => ({ code, decision: decide(code, policy, now) }))
    .sort(workOrder);
  let offlineFailure: LockResult | undefined;
  for (const { code, decision } of work) {
    if (decision.kind === 'wait') {
      outcomes.push({
        code,
        patch: {
          status: code.status,
          errors: code.errors,
          warnings: code.warnings,
          attempts: code.attempts,
          externalRef: code.externalRef,
          nextAttemptAt: decision.until,
        },
        events: syncEvents.get(code.id) ?? [],
        acted: null,
        failed: false,
      });
      continue;
    }
    let result: LockResult | undefined;
    if (decision.kind === 'set' || decision.kind === 'remove') {
      // An offline lock fails every call the same way; do not wait on it again.
      result = offlineFailure ?? (await callLock(adapter, lock, code, decision));
      if (!result.ok && result.kind === 'offline') {
        offlineFailure = result;
        online = false;
      } else if (result.ok) {
        online = true;
      }
    }
    const { patch, events } = applyOutcome(code, decision, result, policy, now, s.random);
    outcomes.push({
      code,
      patch,
      events: [...(syncEvents.get(code.id) ?? []), ...events],
      acted: decision.kind === 'set' || decision.kind === 'remove' ? decision.kind : null,
      failed: result !== undefined && !result.ok,
      pending: result?.ok === true && result.pending === true,
    });
  }

  return { lock, outcomes, online, synced };
}

/**
 * Writes finished locks' outcomes, many locks per transaction: one
 * transaction per lock would cap the tick at the database's commit rate.
 */
class Recorder {
  private pending: LockResultSet[] = [];
  readonly totals = { acted: 0, set: 0, pending: 0, removed: 0, failed: 0, synced: 0 };

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
    for (const { outcomes, synced } of batch) {
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

async function callLock(
  adapter: LockAdapter,
  lock: ClaimedLock,
  code: AccessCode,
  decision: Extract<Decision, { kind: 'set' | 'remove' }>,
): Promise<LockResult> {
  try {
    if (decision.kind === 'remove') {
      const { pending } = await adapter.removeCode(lock.externalId, code.id);
      return { ok: true, ref: null, pending };
    }
    const onLock = await adapter.setCode(lock.externalId, {
      keyholdCodeId: code.id,
      code: code.code ?? '',
      name: code.name,
      ...(decision.scheduleOnLock ? { startsAt: code.startsAt, endsAt: code.endsAt } : {}),
    });
    return {
      ok: true,
      ref: onLock.ref,
      pending: onLock.state === 'pending',
      reported: { errors: onLock.errors, warnings: onLock.warnings },
    };
  } catch (error) {
    if (error instanceof LockFailure)
      return { ok: false, kind: error.kind, message: error.message };
    // Not a failure the adapter knows: a bug. Keep retrying, but say so loudly.
    logger().error(
      { err: error, deviceId: lock.id, accessCodeId: code.id, adapter: lock.adapter },
      'lock adapter threw an unexpected error',
    );
    return { ok: false, kind: 'transient', message: 'The lock adapter failed unexpectedly.' };
  }
}

/**
 * Compare what the lock holds with what Keyhold believes it holds. A code
 * removed or changed at the lock is set again (conflicting_external_modification
 * until it is back); a Keyhold code the lock still holds but nobody wants any
 * more is taken off at once.
 */
async function syncLock(
  db: Db,
  adapter: LockAdapter,
  lock: ClaimedLock,
  codes: Map<string, AccessCode>,
  events: Map<string, CodeEventDraft[]>,
  now: Date,
): Promise<void> {
  const onLock = await adapter.listCodes(lock.externalId);
  const known = await db.query.accessCodes.findMany({
    where: (c, { and, eq, ne }) => and(eq(c.deviceId, lock.id), ne(c.status, 'removed')),
  });
  const knownIds = new Set(known.map((c) => c.id));
  const stray = [
    ...new Set(
      onLock.flatMap((c) =>
        c.keyholdCodeId && !knownIds.has(c.keyholdCodeId) ? [c.keyholdCodeId] : [],
      ),
    ),
  ];
  // Only this lock's own finished codes: a code another Keyhold put on a shared
  // account (a second organization, a staging copy) is not ours to take off.
  const finished =
    stray.length === 0
      ? []
      : await db.query.accessCodes.findMany({
          columns: { id: true },
          where: (c, { and, eq, inArray }) => and(eq(c.deviceId, lock.id), inArray(c.id, stray)),
        });
  for (const { id } of finished) {
    await adapter.removeCode(lock.externalId, id);
    logger().warn(
      { deviceId: lock.id, accessCodeId: id },
      'removed a Keyhold code the lock still held after it was finished',
    );
  }
  if (finished.length < stray.length) {
    logger().warn(
      { deviceId: lock.id, codes: stray.length - finished.length },
      'the lock holds codes another Keyhold put there; left alone',
    );
  }
  for (const believed of known) {
    const isOnLockConfirmed =
      believed.externalRef !== null && (believed.status === 'set' || believed.status === 'unset');
    if (!isOnLockConfirmed || believed.deletedAt) continue;
    const held = onLock.find((c) => c.keyholdCodeId === believed.id);
    const code = codes.get(believed.id) ?? believed;
    const begun = code.type === 'ongoing' || (code.startsAt !== null && now >= code.startsAt);
    const status: AccessCodeStatus = begun ? 'setting' : 'unset';
    if (held?.state === 'pending' && held.code === believed.code) {
      // The service is programming it again (Seam puts back a code changed at
      // the keypad): not on the lock until it says so; the tick asks again.
      codes.set(code.id, { ...code, status, externalRef: null });
      continue;
    }
    const changeType = !held ? 'removed' : held.code !== believed.code ? 'modified' : null;
    if (!changeType) continue;
    events.set(code.id, [
      {
        eventType:
          changeType === 'removed' ? 'deleted_external_to_seam' : 'modified_external_to_seam',
        statusFrom: code.status,
        statusTo: status,
        detail: { change_type: changeType },
      },
      ...(code.errors.some((e) => e.code === 'conflicting_external_modification')
        ? []
        : [
            {
              eventType: 'conflicting_external_modification',
              statusFrom: code.status,
              statusTo: status,
              detail: { change_type: changeType },
            },
          ]),
    ]);
    // Without a confirmed reference the code is set again, digits and all.
    codes.set(code.id, {
      ...code,
      status,
      externalRef: null,
      errors: withIssue(code.errors, 'conflicting_external_modification', now, {
        change_type: changeType,
      }),
    });
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
  const locks = batch.map(({ lock, online, synced }) => ({
    id: lock.id,
    online: online ?? null,
    synced,
    errors:
      online === undefined
        ? lock.errors
        : online
          ? withoutIssues(lock.errors, ['device_disconnected'])
          : withIssue(
              lock.errors,
              'device_disconnected',
              s.now,
              undefined,
              `${lock.name} is offline.`,
            ),
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
          and attempts > 0 and next_attempt_at > ${now}::timestamptz and status <> 'removed'`);
    }
    await tx.execute(sql`
      update devices d set
        lease_expires_at = null,
        lease_owner = null,
        online = coalesce(l.online, d.online),
        errors = l.errors,
        last_synced_at = case when l.synced then ${now}::timestamptz else d.last_synced_at end,
        next_sync_at = case when l.synced then ${nextSync}::timestamptz else d.next_sync_at end,
        updated_at = now()
      from jsonb_to_recordset(${JSON.stringify(locks)}::jsonb)
        as l(id uuid, online boolean, synced boolean, errors jsonb)
      where d.id = l.id and d.lease_owner = ${s.instance}`);
    await s.beforeCommit?.(batch.map((b) => b.lock.id));
  });
}
