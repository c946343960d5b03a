import { readMigrationFiles } from 'drizzle-orm/migrator';
import { type Db, migrationsFolder, queryRows, sql } from '@/db/client';
import { getLastTick } from './system-state';

export type Health = {
  status: 'ok' | 'unavailable';
  database: 'ok' | 'unreachable';
  migrations: { applied: number; expected: number; current: boolean } | null;
  lastTickAt: string | null;
  lastTickAgeSeconds: number | null;
};

/**
 * What a load balancer needs: can this instance reach its database, and is
 * the schema the one its code expects. A stale tick is reported, not fatal:
 * any instance (or an outside cron) may be the one ticking.
 */
export async function getHealth(db: Db, now: Date): Promise<Health> {
  const expected = readMigrationFiles({ migrationsFolder });
  try {
    const [row] = await queryRows<{ applied: number; latest: string | null }>(
      db,
      sql`select count(*)::int as applied, max(created_at)::text as latest from drizzle.__drizzle_migrations`,
    );
    const latestExpected = expected.at(-1)?.folderMillis ?? 0;
    const current = Number(row?.latest ?? 0) >= latestExpected;
    const lastTick = await getLastTick(db);
    const lastTickAt = lastTick?.finishedAt ?? null;
    return {
      status: current ? 'ok' : 'unavailable',
      database: 'ok',
      migrations: { applied: row?.applied ?? 0, expected: expected.length, current },
      lastTickAt,
      lastTickAgeSeconds: lastTickAt
        ? Math.round((now.getTime() - new Date(lastTickAt).getTime()) / 1000)
        : null,
    };
  } catch {
    return {
      status: 'unavailable',
      database: 'unreachable',
      migrations: null,
      lastTickAt: null,
      lastTickAgeSeconds: null,
    };
  }
}
