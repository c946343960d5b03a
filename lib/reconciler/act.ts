import type { Db } from '@/db/client';
import type { AccessCode, Issue } from '@/db/schema';
import {
  applyOutcome,
  type CodeEventDraft,
  type CodePatch,
  type Decision,
  decide,
  type LockResult,
} from '@/lib/access-codes/state';
import { type LockAdapter, LockFailure } from '@/lib/locks/adapter';
import { logger } from '@/lib/log';
import { type ClaimedLock, policyOf } from './claim';
import type { Settings } from './options';
import { syncLock } from './sync';
import { compareWork } from './work-order';

export type Outcome = {
  code: AccessCode;
  patch: CodePatch;
  events: CodeEventDraft[];
  acted: 'set' | 'remove' | null;
  failed: boolean;
  pending?: boolean;
};

/**
 * Order of work on one lock (./work-order.ts): removals first, then guest
 * codes by arrival, then ongoing codes, backup codes last — so when slots are
 * short the nearest arrival gets one and a pool code never takes a guest's.
 */
function workOrder(a: { code: AccessCode; decision: Decision }, b: typeof a): number {
  const item = ({ code, decision }: typeof a) => ({
    isBackup: code.isBackup,
    type: code.type,
    startsAt: code.startsAt,
    removal: decision.kind === 'remove',
  });
  return compareWork(item(a), item(b));
}

export type LockResultSet = {
  lock: ClaimedLock;
  outcomes: Outcome[];
  online: boolean | undefined;
  synced: boolean;
  /** After a sync, the lock's warning for codes changed at it lately (null: none); else undefined. */
  changeWarning?: Issue | null;
};

/** Talk to one lock: sync it if due, then act on its due codes, in work order. */
export async function reconcileLock(
  lock: ClaimedLock,
  s: Settings,
  db: Db,
): Promise<LockResultSet> {
  const adapter = s.adapters(lock);
  const policy = policyOf(lock);
  const now = s.now;
  const outcomes: Outcome[] = [];
  let online: boolean | undefined;

  const codes = new Map(lock.codes.map((c) => [c.id, c]));
  const syncEvents = new Map<string, CodeEventDraft[]>();
  let synced = false;
  let changeWarning: Issue | null | undefined;
  if (lock.syncDue) {
    try {
      changeWarning = await syncLock(db, adapter, lock, codes, syncEvents, now);
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

  return { lock, outcomes, online, synced, changeWarning };
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
