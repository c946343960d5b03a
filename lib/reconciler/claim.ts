import { and, asc, lte, or } from 'drizzle-orm';
import { type Db, inIds, queryRows, sql } from '@/db/client';
import {
  type AccessCode,
  type AccessCodeStatus,
  accessCodes,
  type Device,
  type Issue,
} from '@/db/schema';
import { waitsForSlot } from '@/lib/access-codes/predicates';
import { decide, type LockPolicy, workingStatus } from '@/lib/access-codes/state';
import type { Settings } from './options';

/**
 * A lock this tick leased, with the codes due on it (at most `codesPerLock`)
 * and those waiting there for a slot.
 */
export type ClaimedLock = Pick<
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

/**
 * Claim the locks whose work is most overdue (nearest arrivals first), lease
 * them, load their due codes, and mark the codes about to be worked on
 * (`setting`, `removing`) — one transaction.
 */
export async function claimLocks(db: Db, s: Settings, count: number): Promise<ClaimedLock[]> {
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

    // Codes waiting for a slot come along whatever their back-off: a slot this
    // round frees goes to them (guests first, in work order), never to a code
    // merely due sooner. They come on top of the due codes' limit.
    const ids = locks.map((l) => l.id);
    // A plain select: the relational query's row mapping cost ~20 ms a round of 1,280 codes.
    const codes = await tx
      .select()
      .from(accessCodes)
      .where(
        and(
          inIds(accessCodes.deviceId, ids),
          or(lte(accessCodes.nextAttemptAt, s.now), waitsForSlot.sql()),
        ),
      )
      .orderBy(asc(accessCodes.nextAttemptAt));
    const byLock = new Map<string, AccessCode[]>();
    const dueCount = new Map<string, number>();
    for (const code of codes) {
      const list = byLock.get(code.deviceId) ?? [];
      const due = code.nextAttemptAt !== null && code.nextAttemptAt <= s.now;
      const counted = dueCount.get(code.deviceId) ?? 0;
      if (!due) list.push(code);
      else if (counted < s.codesPerLock) {
        list.push(code);
        dueCount.set(code.deviceId, counted + 1);
      }
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

export function policyOf(lock: ClaimedLock): LockPolicy {
  return { leadMinutes: lock.leadMinutes, nativeScheduling: lock.supportsNativeScheduling };
}
