import type { Db } from '@/db/client';
import type { AccessCode, AccessCodeStatus } from '@/db/schema';
import { hasBegun, isConfirmedOnLock } from '@/lib/access-codes/predicates';
import { type CodeEventDraft, withIssue } from '@/lib/access-codes/state';
import type { LockAdapter } from '@/lib/locks/adapter';
import { logger } from '@/lib/log';
import type { ClaimedLock } from './claim';

/**
 * Compare what the lock holds with what Keyhold believes it holds. A code
 * removed or changed at the lock is set again (conflicting_external_modification
 * until it is back); a Keyhold code the lock still holds but nobody wants any
 * more is taken off at once.
 */
export async function syncLock(
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
    if (!isConfirmedOnLock.test(believed) || believed.deletedAt) continue;
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
