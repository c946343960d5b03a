import { and, eq, sql } from 'drizzle-orm';
import { type Executor, queryRows } from '@/db/client';
import { simulatedLockCodes, simulatedLocks } from '@/db/schema';
import {
  type AdapterDevice,
  type CodeOnLock,
  type LockAdapter,
  LockFailure,
  type SetCodeRequest,
} from '../adapter';

type LockRow = typeof simulatedLocks.$inferSelect;

/**
 * Locks that live in Postgres and behave like hardware: slow (latency), away
 * (offline), full (slot limit), flaky (failure rate), and reset (a new device
 * id, no codes). Every app process sees the same lock.
 */
export class SimulatedAdapter implements LockAdapter {
  readonly name = 'simulated';

  constructor(
    private readonly db: Executor,
    private readonly organizationId: string,
    private readonly random: () => number = Math.random,
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
    const lock = await this.find(externalId);
    return lock && !lock.resetAt ? toDevice(lock) : null;
  }

  async listCodes(externalId: string): Promise<CodeOnLock[]> {
    await this.reach(externalId);
    const rows = await this.db
      .select()
      .from(simulatedLockCodes)
      .where(eq(simulatedLockCodes.lockId, externalId));
    return rows.map(toCode);
  }

  async setCode(externalId: string, request: SetCodeRequest): Promise<CodeOnLock> {
    const lock = await this.reach(externalId);
    // One statement: refuse duplicates and a full lock, else insert or rewrite
    // Keyhold's code of this id (a retry finds the row it made before).
    const [row] = await queryRows<{
      written: Record<string, string | null> | null;
      duplicate: boolean;
    }>(
      this.db,
      sql`
      with
        dup as (
          select 1 from ${simulatedLockCodes}
          where lock_id = ${externalId} and code = ${request.code}
            and keyhold_code_id is distinct from ${request.keyholdCodeId}::uuid
          limit 1),
        mine as (
          select 1 from ${simulatedLockCodes}
          where lock_id = ${externalId} and keyhold_code_id = ${request.keyholdCodeId}::uuid),
        used as (select count(*)::int as n from ${simulatedLockCodes} where lock_id = ${externalId}),
        written as (
          insert into ${simulatedLockCodes} (lock_id, code, name, starts_at, ends_at, keyhold_code_id)
          select ${externalId}, ${request.code}, ${request.name},
                 ${request.startsAt?.toISOString() ?? null}::timestamptz,
                 ${request.endsAt?.toISOString() ?? null}::timestamptz, ${request.keyholdCodeId}::uuid
          where not exists (select 1 from dup)
            and (exists (select 1 from mine) or (select n from used) < ${lock.slotLimit})
          on conflict (lock_id, keyhold_code_id) do update
            set code = excluded.code, name = excluded.name,
                starts_at = excluded.starts_at, ends_at = excluded.ends_at
          returning id, code, name, starts_at, ends_at, keyhold_code_id)
      select
        (select row_to_json(written) from written) as written,
        exists (select 1 from dup) as duplicate
    `,
    );
    if (row?.duplicate) {
      throw new LockFailure('duplicate_code', `${lock.name} already holds these digits.`);
    }
    if (!row?.written) throw new LockFailure('no_space', `${lock.name} has no free code slots.`);
    const w = row.written;
    return {
      ref: String(w.id),
      code: String(w.code),
      name: w.name ?? null,
      startsAt: w.starts_at ? new Date(w.starts_at) : null,
      endsAt: w.ends_at ? new Date(w.ends_at) : null,
      keyholdCodeId: w.keyhold_code_id ?? null,
    };
  }

  async removeCode(externalId: string, keyholdCodeId: string): Promise<void> {
    await this.reach(externalId);
    await this.db
      .delete(simulatedLockCodes)
      .where(
        and(
          eq(simulatedLockCodes.lockId, externalId),
          eq(simulatedLockCodes.keyholdCodeId, keyholdCodeId),
        ),
      );
  }

  private async find(externalId: string): Promise<LockRow | undefined> {
    const [lock] = await this.db
      .select()
      .from(simulatedLocks)
      .where(
        and(
          eq(simulatedLocks.id, externalId),
          eq(simulatedLocks.organizationId, this.organizationId),
        ),
      );
    return lock;
  }

  /** What talking to the lock costs: its latency, and its failures. */
  private async reach(externalId: string): Promise<LockRow> {
    const lock = await this.find(externalId);
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

function toCode(row: typeof simulatedLockCodes.$inferSelect): CodeOnLock {
  return {
    ref: row.id,
    code: row.code,
    name: row.name,
    startsAt: row.startsAt,
    endsAt: row.endsAt,
    keyholdCodeId: row.keyholdCodeId,
  };
}
