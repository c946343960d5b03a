import { eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { systemState } from '@/db/schema';

export type LastTick = {
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  instance: string;
};

const LAST_TICK = 'last_tick';

export async function recordLastTick(db: Executor, tick: LastTick): Promise<void> {
  await db
    .insert(systemState)
    .values({ key: LAST_TICK, value: tick })
    .onConflictDoUpdate({ target: systemState.key, set: { value: tick, updatedAt: new Date() } });
}

export async function getLastTick(db: Executor): Promise<LastTick | null> {
  const [row] = await db
    .select({ value: systemState.value })
    .from(systemState)
    .where(eq(systemState.key, LAST_TICK));
  return (row?.value as LastTick | undefined) ?? null;
}
