import { type SQL, sql } from 'drizzle-orm';
import { devices, organizations } from '@/db/schema';

/**
 * How many backup codes a lock's pool keeps: the lock's own size where one
 * was set (a small lock, a busy entrance), else its organization's. The one
 * home of that rule: refills, pool health, arrivals, the lock page and the
 * slot forecast all read it from here.
 */

/**
 * The size as a SQL expression: over drizzle's `devices` and `organizations`
 * in a joined select (drizzle qualifies the columns), or over a raw query's
 * names for the two tables (`{ device: 'd', organization: 'o' }`).
 */
export function poolSizeSql(tables?: { device: string; organization: string }): SQL<number> {
  if (!tables) {
    return sql<number>`coalesce(${devices.backupPoolSize}, ${organizations.backupPoolSize})`;
  }
  const d = sql.identifier(tables.device);
  const o = sql.identifier(tables.organization);
  return sql<number>`coalesce(${d}.backup_pool_size, ${o}.backup_pool_size)`;
}
