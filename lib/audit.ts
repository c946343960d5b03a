import type { Executor } from '@/db/client';
import { auditLog } from '@/db/schema';
import type { Actor } from './auth/actor';
import { currentRequestId } from './log';

/**
 * Write an audit entry. Call it inside the transaction that makes the change,
 * so the entry exists exactly when the change does. `detail` must never hold a
 * PIN, a key or a password.
 */
export async function recordAudit(
  tx: Executor,
  actor: Actor,
  entry: { action: string; targetType: string; targetId: string; detail?: Record<string, unknown> },
): Promise<void> {
  await tx.insert(auditLog).values({
    organizationId: actor.organizationId,
    actorUserId: actor.userId,
    actorApiKeyId: actor.apiKeyId ?? null,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId,
    detail: actor.sourceId ? { ...entry.detail, sourceId: actor.sourceId } : entry.detail,
    requestId: currentRequestId(),
  });
}
