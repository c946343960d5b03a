import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { simulatedLockCodes, simulatedLockEvents, simulatedLocks } from '@/db/schema';
import {
  type AdapterDevice,
  type CodeOnLock,
  type LockAdapter,
  type LockEventReader,
  type LockEventReport,
  type LockEventType,
  LockFailure,
  type SetCodeRequest,
} from '../adapter';

type LockRow = typeof simulatedLocks.$inferSelect;
type CodeRow = typeof simulatedLockCodes.$inferSelect;

type SetValues = {
  lockId: string;
  code: string;
  name: string | null;
  startsAt: string | null;
  endsAt: string | null;
  keyholdCodeId: string;
  slotLimit: number;
};
/** Statements writing codes at once per adapter, and the most writes in one. */
const WRITES_AT_ONCE = 4;
const WRITE_BATCH = 64;
type QueuedWrite = {
  values: SetValues;
  resolve: (row: CodeRow | undefined) => void;
  reject: (error: unknown) => void;
};

/**
 * Locks that live in Postgres and behave like hardware: slow (latency), away
 * (offline), full (slot limit), flaky (failure rate), and reset (a new device
 * id, no codes). Every app process sees the same lock.
 */
export class SimulatedAdapter implements LockAdapter, LockEventReader {
  readonly name = 'simulated';

  constructor(
    private readonly db: Executor,
    private readonly organizationId: string,
    private readonly random: () => number = Math.random,
    /** The lock's own clock: when a stored window has begun. The simulation passes its own. */
    private readonly now: () => Date = () => new Date(),
  ) {}

  async listDevices(): Promise<AdapterDevice[]> {
    const rows = await this.db
      .select()
      .from(simulatedLocks)
      .where(eq(simulatedLocks.organizationId, this.organizationId));
    // A reset lock's old id never answers again.
    return rows.filter((r) => !r.resetAt).map(toDevice);
  }

  async getDevice(externalId: string): Promise<AdapterDevice | null> {
    const lock = await this.read(externalId);
    return lock && !lock.resetAt ? toDevice(lock) : null;
  }

  async listCodes(externalId: string): Promise<CodeOnLock[]> {
    await this.reach(externalId);
    const rows = await this.db
      .select()
      .from(simulatedLockCodes)
      .where(eq(simulatedLockCodes.lockId, externalId));
    return rows.map((row) => toCode(row, this.now()));
  }

  async setCode(externalId: string, request: SetCodeRequest): Promise<CodeOnLock> {
    const lock = await this.reach(externalId);
    // One prepared statement on the happy path (`setManyStatement`).
    const written = await this.write({
      lockId: externalId,
      code: request.code,
      name: request.name,
      startsAt: request.startsAt?.toISOString() ?? null,
      endsAt: request.endsAt?.toISOString() ?? null,
      keyholdCodeId: request.keyholdCodeId,
      slotLimit: lock.slotLimit,
    });
    if (written) return toCode(written, this.now());
    const others = and(
      eq(simulatedLockCodes.lockId, externalId),
      sql`${simulatedLockCodes.keyholdCodeId} is distinct from ${request.keyholdCodeId}::uuid`,
    );
    const [clash] = await this.db
      .select({ id: simulatedLockCodes.id })
      .from(simulatedLockCodes)
      .where(and(others, eq(simulatedLockCodes.code, request.code)))
      .limit(1);
    if (clash) throw new LockFailure('duplicate_code', `${lock.name} already holds these digits.`);
    throw new LockFailure('no_space', `${lock.name} has no free code slots.`);
  }

  /** Writes waiting for a statement, and the statements under way. */
  private queued: QueuedWrite[] = [];
  private writing = 0;
  private pumpDue = false;

  /**
   * The lock's memory takes the write. Writes to different locks go together
   * (the tick works 32 locks at once): while `WRITES_AT_ONCE` statements are
   * under way the others wait and then go in one statement. Each lock still
   * answers exactly as alone (one row per lock per statement, checked against
   * that lock's own codes), but the simulation costs Postgres a statement per
   * batch instead of one per code.
   */
  private write(values: SetValues): Promise<CodeRow | undefined> {
    return new Promise((resolve, reject) => {
      this.queued.push({ values, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.pumpDue || this.writing >= WRITES_AT_ONCE || this.queued.length === 0) return;
    this.pumpDue = true;
    // A turn of the event loop first, so writes that arrive together go together.
    setImmediate(() => {
      this.pumpDue = false;
      if (this.writing >= WRITES_AT_ONCE) return;
      // One row per lock per statement: a second write to a lock goes in a later
      // statement, as two calls to it went in two before.
      const locks = new Set<string>();
      const batch: QueuedWrite[] = [];
      const later: QueuedWrite[] = [];
      for (const item of this.queued) {
        if (locks.has(item.values.lockId) || batch.length >= WRITE_BATCH) later.push(item);
        else {
          locks.add(item.values.lockId);
          batch.push(item);
        }
      }
      this.queued = later;
      if (batch.length === 0) return;
      this.writing++;
      void this.writeBatch(batch).finally(() => {
        this.writing--;
        this.pump();
      });
      this.pump();
    });
  }

  private async writeBatch(batch: QueuedWrite[]): Promise<void> {
    const alone = async (item: QueuedWrite) => {
      try {
        const [row] = await this.setManyStatement([item.values]);
        item.resolve(row);
      } catch (error) {
        item.reject(error);
      }
    };
    const [only] = batch;
    if (batch.length === 1 && only) return alone(only);
    let rows: CodeRow[];
    try {
      rows = await this.setManyStatement(batch.map((b) => b.values));
    } catch {
      // A write that fails fails alone, as it would have without the others.
      await Promise.all(batch.map(alone));
      return;
    }
    const byLock = new Map(rows.map((r) => [r.lockId, r]));
    for (const item of batch) item.resolve(byLock.get(item.values.lockId));
  }

  /**
   * The lock's rule for a write, for one lock or many at once (one row each):
   * insert, or rewrite Keyhold's code of this id (a retry finds the row it made
   * before), unless the digits are taken or the lock is full.
   */
  private setManyStatement(values: SetValues[]): Promise<CodeRow[]> {
    this.preparedMany ??= this.buildSetManyStatement();
    return this.preparedMany.execute({ rows: JSON.stringify(values) });
  }

  private preparedMany: ReturnType<SimulatedAdapter['buildSetManyStatement']> | undefined;

  private buildSetManyStatement() {
    const w = sql`jsonb_to_recordset(${sql.placeholder('rows')}::jsonb) as w("lockId" text,
      code text, name text, "startsAt" timestamptz, "endsAt" timestamptz,
      "keyholdCodeId" uuid, "slotLimit" int)`;
    // Both checks in one pass over each lock's own codes (a lateral count): a
    // NOT EXISTS here became a hash anti-join over every lock's codes.
    return (
      this.db
        .insert(simulatedLockCodes)
        .select(
          sql`select gen_random_uuid(), w."lockId", w.code, w.name, w."startsAt", w."endsAt",
              w."keyholdCodeId", now()
            from ${w}
            cross join lateral (
              select count(*) as others, count(*) filter (where o.code = w.code) as clashes
              from ${simulatedLockCodes} o
              where o.lock_id = w."lockId" and o.keyhold_code_id is distinct from w."keyholdCodeId"
            ) held
            where held.clashes = 0 and held.others < w."slotLimit"`,
        )
        // A code written again (the same Keyhold code) takes the new digits and window in its own row.
        .onConflictDoUpdate({
          target: [simulatedLockCodes.lockId, simulatedLockCodes.keyholdCodeId],
          set: {
            code: sql`excluded.code`,
            name: sql`excluded.name`,
            startsAt: sql`excluded.starts_at`,
            endsAt: sql`excluded.ends_at`,
          },
        })
        .returning()
        .prepare('simulated_lock_set_codes')
    );
  }

  async removeCode(externalId: string, keyholdCodeId: string): Promise<{ pending: boolean }> {
    await this.reach(externalId);
    await this.db
      .delete(simulatedLockCodes)
      .where(
        and(
          eq(simulatedLockCodes.lockId, externalId),
          eq(simulatedLockCodes.keyholdCodeId, keyholdCodeId),
        ),
      );
    return { pending: false };
  }

  /**
   * The lock's own log after `cursor` (the last `seq` read; null: from the
   * start), oldest first. Read like hardware: it costs the lock's latency and
   * fails while the lock is offline; what the keypad logged meanwhile is read
   * once the lock answers again.
   */
  async readEvents(
    externalId: string,
    cursor: string | null,
    options: { limit?: number } = {},
  ): Promise<{ events: LockEventReport[]; cursor: string | null }> {
    const after = cursor && /^\d+$/.test(cursor) ? Number(cursor) : 0;
    // The lock and its log in one statement: the tick reads thousands of locks.
    const rows = await this.db
      .select({ lock: simulatedLocks, event: simulatedLockEvents })
      .from(simulatedLocks)
      .leftJoin(
        simulatedLockEvents,
        and(eq(simulatedLockEvents.lockId, simulatedLocks.id), gt(simulatedLockEvents.seq, after)),
      )
      .where(
        and(
          eq(simulatedLocks.id, externalId),
          eq(simulatedLocks.organizationId, this.organizationId),
        ),
      )
      .orderBy(asc(simulatedLockEvents.seq))
      .limit(options.limit ?? 500);
    await this.pay(rows[0]?.lock);
    const logged = rows.flatMap((r) => (r.event ? [r.event] : []));
    const last = logged.at(-1);
    return { events: logged.map(toReport), cursor: last ? String(last.seq) : cursor };
  }

  /**
   * The lock's knobs, read at most once a second per adapter: a tick makes many
   * calls to one lock, and a knob turned by a test or a demo shows within a second.
   */
  private readonly knobs = new Map<string, { at: number; lock: LockRow | undefined }>();

  private async find(externalId: string): Promise<LockRow | undefined> {
    const at = this.now().getTime();
    const cached = this.knobs.get(externalId);
    if (cached && at >= cached.at && at - cached.at < 1000) return cached.lock;
    const lock = await this.read(externalId);
    this.knobs.set(externalId, { at, lock });
    return lock;
  }

  private async read(externalId: string): Promise<LockRow | undefined> {
    const [lock] = await this.readStatement().execute({
      id: externalId,
      organizationId: this.organizationId,
    });
    return lock;
  }

  private preparedRead: ReturnType<SimulatedAdapter['buildReadStatement']> | undefined;

  /** Prepared: the tick reads each lock it works (thousands a tick), and planning each read cost more than the read. */
  private readStatement() {
    this.preparedRead ??= this.buildReadStatement();
    return this.preparedRead;
  }

  private buildReadStatement() {
    return this.db
      .select()
      .from(simulatedLocks)
      .where(
        and(
          eq(simulatedLocks.id, sql.placeholder('id')),
          eq(simulatedLocks.organizationId, sql.placeholder('organizationId')),
        ),
      )
      .prepare('simulated_lock_read');
  }

  /** What talking to the lock costs: its latency, and its failures. */
  private async reach(externalId: string): Promise<LockRow> {
    return this.pay(await this.find(externalId));
  }

  private async pay(lock: LockRow | undefined): Promise<LockRow> {
    if (!lock || lock.resetAt)
      throw new LockFailure('not_found', 'The lock is not known to its adapter.');
    if (lock.latencyMs > 0) await new Promise((r) => setTimeout(r, lock.latencyMs));
    if (!lock.online) throw new LockFailure('offline', `${lock.name} is offline.`);
    if (lock.failureRate > 0 && this.random() < lock.failureRate) {
      throw new LockFailure('transient', `${lock.name} did not answer in time.`);
    }
    return lock;
  }
}

function toDevice(lock: LockRow): AdapterDevice {
  return {
    externalId: lock.id,
    name: lock.name,
    online: lock.online,
    batteryLevel: lock.batteryLevel,
    constraints: { allowedLengths: lock.allowedLengths, digitsOnly: true },
    slotLimit: lock.slotLimit,
    supportsNativeScheduling: lock.supportsNativeScheduling,
  };
}

/** What the simulated lock logs, under Seam's event names. */
const REPORTED: Record<string, LockEventType> = {
  unlocked: 'lock.unlocked',
  locked: 'lock.locked',
  access_denied: 'lock.access_denied',
  jammed: 'lock.jammed',
  tamper: 'device.tampered',
  low_battery: 'device.low_battery',
};

function toReport(row: typeof simulatedLockEvents.$inferSelect): LockEventReport {
  const type = REPORTED[row.kind];
  if (!type) throw new Error(`The simulated lock logged an unknown kind: ${row.kind}`);
  const named = row.keyholdCodeId !== null || row.codeRef !== null;
  return {
    externalEventId: String(row.seq),
    type,
    occurredAt: row.occurredAt,
    method:
      row.method === 'keycode' || row.method === 'manual'
        ? row.method
        : row.method === null
          ? null
          : 'unknown',
    code: named ? { keyholdCodeId: row.keyholdCodeId, ref: row.codeRef } : null,
  };
}

function toCode(row: typeof simulatedLockCodes.$inferSelect, now: Date): CodeOnLock {
  return {
    ref: row.id,
    code: row.code,
    name: row.name,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    keyholdCodeId: row.keyholdCodeId,
    // The simulated lock answers for itself: what it holds is on it.
    state: row.startsAt && row.startsAt > now ? 'scheduled' : 'set',
    errors: [],
    warnings: [],
  };
}
