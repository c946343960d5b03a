import { hostname } from 'node:os';
import type { Db } from '@/db/client';
import { logger } from './log';
import { recordLastTick } from './system-state';

export const INSTANCE_ID = `${hostname()}:${process.pid}`;

export type TickResult = { startedAt: Date; durationMs: number };

/**
 * One pass of the reconciler (DESIGN.md "The reconciler"). Safe to run from
 * any number of instances at once and to kill at any point. The steps that
 * move codes, pools and messages are added by their own modules; every tick
 * records when it ran, which /api/health reports.
 */
export async function runTick(db: Db, now: Date): Promise<TickResult> {
  const started = performance.now();
  const durationMs = Math.round(performance.now() - started);
  await recordLastTick(db, {
    startedAt: now.toISOString(),
    finishedAt: new Date(now.getTime() + durationMs).toISOString(),
    durationMs,
    instance: INSTANCE_ID,
  });
  logger().debug({ event: 'tick', durationMs }, 'tick finished');
  return { startedAt: now, durationMs };
}
