// What pages say about where a stay came from: the source's name, and
// whether that source has stopped listing it (a feed's booking missing from a
// clean read, cancelled if the next read leaves it out too).
import { and, eq, gt } from 'drizzle-orm';
import { type Executor, inIds } from '@/db/client';
import { reservationSources, sourceBookings } from '@/db/schema';
import type { PendingCancellation } from './safety-net';

/** The source a stay came from, by name; null for a stay typed by staff or sent through the API. */
export function stayCameFrom(stay: { source: string; sourceId: string | null }): string | null {
  return stay.sourceId ? stay.source : null;
}

/** The stays among `reservationIds` a feed no longer lists, with the feed's name. */
export async function pendingCancellations(
  db: Executor,
  organizationId: string,
  reservationIds: string[],
): Promise<Map<string, PendingCancellation>> {
  if (reservationIds.length === 0) return new Map();
  const rows = await db
    .select({
      reservationId: sourceBookings.reservationId,
      sourceName: reservationSources.name,
      missingReads: sourceBookings.missingReads,
    })
    .from(sourceBookings)
    .innerJoin(reservationSources, eq(reservationSources.id, sourceBookings.sourceId))
    .where(
      and(
        eq(sourceBookings.organizationId, organizationId),
        inIds(sourceBookings.reservationId, reservationIds),
        eq(sourceBookings.status, 'live'),
        gt(sourceBookings.missingReads, 0),
      ),
    );
  return new Map(
    rows.flatMap((r) =>
      r.reservationId
        ? [[r.reservationId, { sourceName: r.sourceName, missingReads: r.missingReads }]]
        : [],
    ),
  );
}
