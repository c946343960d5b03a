// How many backup codes a lock holds and how many a guest could be given, as
// SQL columns. A leaf of its own (predicates only), so every read that shows a
// lock's backups (the lock pages, Arrivals, the API's code shapes) can use it.
import { type SQL, sql } from 'drizzle-orm';
import { isAvailableBackup } from '@/lib/access-codes/predicates';
import { canHonourCodes } from '@/lib/devices/predicates';

/**
 * How many healthy backup codes sit on each lock, whatever the lock's own
 * state, as a column of a query on `devices` (written out in full: drizzle
 * leaves columns unqualified in single-table selects, which a subquery would
 * misread). Pool health counts these; what a guest could be given is
 * `readyBackupsColumn`.
 */
export const availableBackupsColumn = sql<number>`(select count(*)::int from access_codes b
  where b.device_id = devices.id and ${isAvailableBackup.sql({ table: 'b' })})`;

/**
 * How many backup codes a guest could be given now, per lock: the healthy
 * ones, on a lock that can honour them (a reset, retired or long-offline
 * lock's pool is 0 ready). `now` may be a prepared statement's placeholder.
 */
export const readyBackupsColumn = (now: Date | SQL) =>
  sql<number>`(case when ${canHonourCodes.sql({ now })} then ${availableBackupsColumn} else 0 end)`;
