import type { Db } from '@/db/client';
import { devices, simulatedLocks } from '@/db/schema';

/** Insert rows 1,000 (or `size`) at a time: one statement per chunk keeps under Postgres's parameter limit. */
export async function chunked<T>(
  rows: T[],
  size: number,
  insert: (chunk: T[]) => Promise<unknown>,
) {
  for (let i = 0; i < rows.length; i += size) await insert(rows.slice(i, i + size));
}

/**
 * `count` simulated locks and their devices at one property, in bulk (the lib
 * functions are too slow for thousands). Sync is not due for a year, so a
 * bench measures only what it means to.
 */
export async function seedSimulatedLocks(
  db: Db,
  options: {
    organizationId: string;
    propertyId: string;
    count: number;
    /** Makes `externalId`s unique per bench: `sim_${prefix}_${i}`. */
    prefix: string;
    now: Date;
    slotLimit: number;
    latencyMs?: number;
    /** Which locks keep schedules themselves; none by default. */
    nativeScheduling?: (index: number) => boolean;
    /** Give each lock a room number (its number in the list). */
    rooms?: boolean;
  },
): Promise<{ id: string; externalId: string; supportsNativeScheduling: boolean }[]> {
  const far = new Date(options.now.getTime() + 365 * 86_400_000);
  const locks = Array.from({ length: options.count }, (_, i) => ({
    id: `sim_${options.prefix}_${i}`,
    organizationId: options.organizationId,
    name: `Room ${i + 1}`,
    latencyMs: options.latencyMs ?? 0,
    slotLimit: options.slotLimit,
    supportsNativeScheduling: options.nativeScheduling?.(i) ?? false,
    allowedLengths: [6],
  }));
  await chunked(locks, 1000, (chunk) => db.insert(simulatedLocks).values(chunk));
  const rows: { id: string; externalId: string; supportsNativeScheduling: boolean }[] = [];
  await chunked(locks, 1000, async (chunk) => {
    rows.push(
      ...(await db
        .insert(devices)
        .values(
          chunk.map((lock) => ({
            organizationId: options.organizationId,
            propertyId: options.propertyId,
            adapter: 'simulated' as const,
            externalId: lock.id,
            name: lock.name,
            room: options.rooms ? lock.name.slice('Room '.length) : null,
            slotLimit: lock.slotLimit,
            supportsNativeScheduling: lock.supportsNativeScheduling,
            codeConstraints: { allowedLengths: [6], digitsOnly: true },
            nextSyncAt: far,
          })),
        )
        .returning({
          id: devices.id,
          externalId: devices.externalId,
          supportsNativeScheduling: devices.supportsNativeScheduling,
        })),
    );
  });
  return rows;
}
