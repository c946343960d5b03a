import { type Db, queryRows, sql } from '@/db/client';
import type { AccessCode, AccessCodeStatus, Issue } from '@/db/schema';
import {
  EXTERNAL_CHANGE_WARNING,
  isExpiredChangeWarning,
  lockChangeWarning,
  recentExternalChanges,
} from '@/lib/access-codes/external-changes';
import { hasBegun, isConfirmedOnLock, isTracked } from '@/lib/access-codes/predicates';
import { type CodeEventDraft, withIssue, withoutIssues } from '@/lib/access-codes/state';
import type { LockAdapter } from '@/lib/locks/adapter';
import { logger } from '@/lib/log';
import type { ClaimedLock } from './claim';

/**
 * Compare what the lock holds with what Keyhold believes it holds. A code
 * removed or changed at the lock is set again (conflicting_external_modification
 * until it is back); a Keyhold code the lock still holds but nobody wants any
 * more is taken off at once. A change at the lock leaves a warning on the
 * code for a day (external-changes.ts); the lock's own warning, counting the
 * day's changes there, is returned for the record (null: none).
 */
export async function syncLock(
  db: Db,
  adapter: LockAdapter,
  lock: ClaimedLock,
  codes: Map<string, AccessCode>,
  events: Map<string, CodeEventDraft[]>,
  now: Date,
): Promise<Issue | null> {
  const onLock = await adapter.listCodes(lock.externalId);
  const known = await db.query.accessCodes.findMany({
    where: (c, { and, eq }) => and(eq(c.deviceId, lock.id), isTracked.sql()),
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
  let changed = 0;
  for (const believed of known) {
    if (!isConfirmedOnLock.test(believed) || believed.deletedAt) continue;
    // A day without another change: the warning goes. Only from a code on the
    // lock, whose decision is due or a wait, so no back-off is cut short.
    if (believed.warnings.some((w) => isExpiredChangeWarning(w, now))) {
      const code = codes.get(believed.id) ?? believed;
      codes.set(code.id, {
        ...code,
        warnings: code.warnings.filter((w) => !isExpiredChangeWarning(w, now)),
      });
    }
    const held = onLock.find((c) => c.keyholdCodeId === believed.id);
    const code = codes.get(believed.id) ?? believed;
    const status: AccessCodeStatus = hasBegun.test(code, now) ? 'setting' : 'unset';
    if (held?.state === 'pending' && held.code === believed.code) {
      // The service is programming it again (Seam puts back a code changed at
      // the keypad): not on the lock until it says so; the tick asks again.
      codes.set(code.id, { ...code, status, externalRef: null });
      continue;
    }
    const changeType = !held ? 'removed' : held.code !== believed.code ? 'modified' : null;
    if (!changeType) continue;
    changed++;
    const change = { change_type: changeType };
    events.set(code.id, [
      {
        eventType:
          changeType === 'removed' ? 'deleted_external_to_seam' : 'modified_external_to_seam',
        statusFrom: code.status,
        statusTo: status,
        detail: change,
      },
      ...(code.errors.some((e) => e.code === 'conflicting_external_modification')
        ? []
        : [
            {
              eventType: 'conflicting_external_modification',
              statusFrom: code.status,
              statusTo: status,
              detail: change,
            },
          ]),
    ]);
    // Without a confirmed reference the code is set again, digits and all.
    codes.set(code.id, {
      ...code,
      status,
      externalRef: null,
      errors: withIssue(code.errors, 'conflicting_external_modification', now, change),
      // Stays once the code is back, a day from the latest change.
      warnings: withIssue(
        withoutIssues(code.warnings, [EXTERNAL_CHANGE_WARNING]),
        EXTERNAL_CHANGE_WARNING,
        now,
        change,
      ),
    });
  }
  const [recent] = await queryRows<{ count: number; last_at: string | Date | null }>(
    db,
    recentExternalChanges(sql`${lock.id}::uuid`, now),
  );
  const count = (recent?.count ?? 0) + changed;
  if (count === 0) return null;
  const lastAt = changed > 0 || !recent?.last_at ? now : new Date(recent.last_at);
  return lockChangeWarning(count, lastAt);
}
