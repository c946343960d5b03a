import { eq, sql } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { adapterConnections } from '@/db/schema';
import { withIssue } from '@/lib/access-codes/state';
import { LockFailure } from '@/lib/locks/adapter';

/**
 * A connection's health (a Seam workspace's): what the last call through it
 * found. Discovery records it for every connection it asks; the adapter when
 * it cannot read the stored key.
 */

/** Connection issues, named as Seam names them where it has a name. */
export const API_KEY_REJECTED = 'unauthorized';
export const SERVICE_UNAVAILABLE = 'provider_service_unavailable';
export const CREDENTIALS_UNREADABLE = 'credentials_unreadable';

export const CONNECTION_ISSUES: ReadonlySet<string> = new Set([
  API_KEY_REJECTED,
  SERVICE_UNAVAILABLE,
  CREDENTIALS_UNREADABLE,
]);

/**
 * What the last call through a connection found: all well (null), or the
 * issue that stopped it. Discovery calls it for every connection it asks.
 */
export async function recordConnectionHealth(
  db: Executor,
  connectionId: string,
  now: Date,
  issue: string | null,
): Promise<void> {
  await db
    .update(adapterConnections)
    .set(
      issue === null
        ? { status: 'ok', errors: [], lastCheckedAt: now, lastDiscoveredAt: now }
        : {
            status: 'error',
            // Keep when the trouble began, if it is the same trouble.
            errors: sql`case when ${adapterConnections.errors} @> ${JSON.stringify([{ code: issue }])}::jsonb
              then ${adapterConnections.errors}
              else ${JSON.stringify(withIssue([], issue, now))}::jsonb end`,
            lastCheckedAt: now,
          },
    )
    .where(eq(adapterConnections.id, connectionId));
}

/** The connection issue a failed call means. */
export function connectionIssueOf(error: unknown): string {
  return (error instanceof LockFailure && error.accountIssue) || SERVICE_UNAVAILABLE;
}
