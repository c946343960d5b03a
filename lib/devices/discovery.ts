import { and, eq, sql } from 'drizzle-orm';
import { type Db, type Executor, queryRows } from '@/db/client';
import { devices, type LockAdapter as LockAdapterName, systemState } from '@/db/schema';
import { withIssue, withoutIssues } from '@/lib/access-codes/state';
import { connectionEvent } from '@/lib/events/keyhold';
import { type NewEvent, recordEvents } from '@/lib/events/store';
import type { AdapterDevice, AdapterResolver } from '@/lib/locks/adapter';
import { logger } from '@/lib/log';
import { connectionIssueOf, recordConnectionHealth } from './connection-health';

/**
 * Discovery (DESIGN.md "Factory-reset locks"): now and then the tick asks each
 * adapter account for the devices it can see. A device Keyhold has never seen
 * becomes a lock that needs placing ("new lock found"); a known lock the
 * account no longer lists is marked `device_removed`. A factory reset shows as
 * both at once: the old id gone, a new one appeared.
 */

/** How often each adapter account is asked for its devices. */
export const DISCOVERY_INTERVAL_MS = 5 * 60_000;
/** Discovery's share of a tick. */
export const DISCOVERY_BUDGET_MS = 5_000;

export const NEW_LOCK_FOUND = 'new_lock_found';
export const DEVICE_REMOVED = 'device_removed';

type Account = { organizationId: string; adapter: LockAdapterName; connectionId: string | null };

/** One `system_state` row per account: when it was last asked. `dueAccounts` builds the same key in SQL. */
const accountKey = (a: Account) =>
  `discovery:${a.organizationId}:${a.adapter}:${a.connectionId ?? 'default'}`;

/**
 * The accounts that have locks in Keyhold (every organization's simulated
 * account, each connection) and were not asked within the interval: one read
 * per tick, and a claim only for those due. The key is `accountKey`'s.
 */
async function dueAccounts(db: Db, now: Date): Promise<Account[]> {
  const due = new Date(now.getTime() - DISCOVERY_INTERVAL_MS).toISOString();
  const rows = await queryRows<{
    organization_id: string;
    adapter: LockAdapterName;
    connection_id: string | null;
  }>(
    db,
    sql`
    select distinct d.organization_id, d.adapter, d.connection_id
      from devices d
      left join system_state s
        on s.key = 'discovery:' || d.organization_id::text || ':' || d.adapter::text || ':'
                   || coalesce(d.connection_id::text, 'default')
     where d.status = 'active' and (s.key is null or s.updated_at <= ${due}::timestamptz)
    union
    select c.organization_id, c.adapter, c.id
      from adapter_connections c
      left join system_state s
        on s.key = 'discovery:' || c.organization_id::text || ':' || c.adapter::text || ':' || c.id::text
     where s.key is null or s.updated_at <= ${due}::timestamptz`,
  );
  return rows.map((r) => ({
    organizationId: r.organization_id,
    adapter: r.adapter,
    connectionId: r.connection_id,
  }));
}

/**
 * Claim an account's discovery for this interval: one instance asks the
 * adapter, the others skip. Returns false when it ran recently.
 */
async function claimAccount(db: Db, account: Account, now: Date): Promise<boolean> {
  const due = new Date(now.getTime() - DISCOVERY_INTERVAL_MS).toISOString();
  const rows = await queryRows<{ key: string }>(
    db,
    sql`
    insert into system_state (key, value, updated_at)
    values (${accountKey(account)}, ${JSON.stringify({ at: now.toISOString() })}::jsonb,
            ${now.toISOString()}::timestamptz)
    on conflict (key) do update set value = excluded.value, updated_at = excluded.updated_at
      where system_state.updated_at <= ${due}::timestamptz
    returning key`,
  );
  return rows.length > 0;
}

/**
 * Ask the next tick to run discovery for this account instead of waiting out
 * the interval: after a factory reset, the new lock should appear at once.
 */
export async function requestDiscovery(db: Executor, account: Account): Promise<void> {
  await db.delete(systemState).where(eq(systemState.key, accountKey(account)));
}

export type DiscoveryStats = { accounts: number; found: number; removed: number; seen: number };

/** Run discovery for every account whose interval has passed. One account's failure leaves the others. */
export async function discoverDevices(
  db: Db,
  adapters: AdapterResolver,
  now: Date,
  /** Start no new account after this long: a service that does not answer must not hold up the tick. */
  budgetMs = DISCOVERY_BUDGET_MS,
): Promise<DiscoveryStats> {
  const started = performance.now();
  const stats: DiscoveryStats = { accounts: 0, found: 0, removed: 0, seen: 0 };
  for (const account of await dueAccounts(db, now)) {
    // The rest stay due and are asked at the next tick.
    if (performance.now() - started >= budgetMs) break;
    if (!(await claimAccount(db, account, now))) continue;
    stats.accounts++;
    let listed: AdapterDevice[];
    try {
      listed = await adapters(account).listDevices();
    } catch (error) {
      // Offline account, bad key: the connection shows it, and the next interval asks again.
      logger().warn(
        { err: error, organizationId: account.organizationId, adapter: account.adapter },
        'discovering devices failed',
      );
      if (account.connectionId) {
        await recordConnectionHealth(db, account.connectionId, now, connectionIssueOf(error));
      }
      continue;
    }
    try {
      const result = await recordDiscovery(db, account, listed, now);
      if (account.connectionId) await recordConnectionHealth(db, account.connectionId, now, null);
      stats.found += result.found;
      stats.removed += result.removed;
      stats.seen += result.seen;
    } catch (error) {
      logger().error(
        { err: error, organizationId: account.organizationId, adapter: account.adapter },
        'recording discovered devices failed',
      );
    }
  }
  return stats;
}

/** A Keyhold device row for a device an adapter account reports, as the adapter describes it. */
export function newDevice(account: Account, device: AdapterDevice, now: Date) {
  return {
    organizationId: account.organizationId,
    connectionId: account.connectionId,
    adapter: account.adapter,
    externalId: device.externalId,
    name: device.name,
    online: device.online,
    batteryLevel: device.batteryLevel,
    codeConstraints: device.constraints,
    slotLimit: device.slotLimit,
    supportsNativeScheduling: device.supportsNativeScheduling,
    manufacturer: device.manufacturer ?? null,
    model: device.model ?? null,
    firstSeenAt: now,
    lastSeenAt: now,
  };
}

/** What one listing means for Keyhold's devices of that account. */
export async function recordDiscovery(
  db: Db,
  account: Account,
  listed: AdapterDevice[],
  now: Date,
): Promise<{ found: number; removed: number; seen: number }> {
  return db.transaction(async (tx) => {
    const connection =
      account.connectionId === null
        ? sql`${devices.connectionId} is null`
        : eq(devices.connectionId, account.connectionId);
    const known = await tx
      .select({
        id: devices.id,
        externalId: devices.externalId,
        status: devices.status,
        errors: devices.errors,
        online: devices.online,
        leaseExpiresAt: devices.leaseExpiresAt,
      })
      .from(devices)
      .where(
        and(
          eq(devices.organizationId, account.organizationId),
          eq(devices.adapter, account.adapter),
          connection,
        ),
      );
    const byExternalId = new Map(known.map((d) => [d.externalId, d]));
    const listedIds = new Set(listed.map((d) => d.externalId));

    const fresh = listed.filter((d) => !byExternalId.has(d.externalId));
    let found = 0;
    if (fresh.length > 0) {
      const inserted = await tx
        .insert(devices)
        .values(
          fresh.map((d) => ({
            ...newDevice(account, d, now),
            propertyId: null,
            needsPlacement: true,
            warnings: withIssue([], NEW_LOCK_FOUND, now),
          })),
        )
        // Another instance found it first.
        .onConflictDoNothing()
        .returning({ id: devices.id });
      found = inserted.length;
    }

    const seen = known.filter((d) => listedIds.has(d.externalId)).map((d) => d.id);
    if (seen.length > 0) {
      // The battery as the account reports it now; a lock that does not say keeps its last.
      const levels = new Map(listed.map((d) => [d.externalId, d.batteryLevel]));
      const battery = known
        .filter((d) => listedIds.has(d.externalId))
        .map((d) => ({ id: d.id, level: levels.get(d.externalId) ?? null }));
      await tx.execute(sql`
        update devices d set last_seen_at = ${now.toISOString()}::timestamptz,
          battery_level = coalesce(b.level, d.battery_level)
        from jsonb_to_recordset(${JSON.stringify(battery)}::jsonb) as b(id uuid, level real)
        where d.id = b.id`);
    }
    // A lock that reappears (an account glitch) loses the mark.
    for (const d of known) {
      if (listedIds.has(d.externalId) && d.errors.some((i) => i.code === DEVICE_REMOVED)) {
        await tx
          .update(devices)
          .set({ errors: withoutIssues(d.errors, [DEVICE_REMOVED]) })
          .where(eq(devices.id, d.id));
      }
    }

    let removed = 0;
    const disconnected: NewEvent[] = [];
    for (const d of known) {
      if (d.status !== 'active' || listedIds.has(d.externalId)) continue;
      if (d.errors.some((i) => i.code === DEVICE_REMOVED)) continue;
      // A tick holding the lock writes its errors back; mark it next time.
      if (d.leaseExpiresAt && d.leaseExpiresAt > now) continue;
      await tx
        .update(devices)
        .set({
          online: false,
          errors: withIssue(d.errors, DEVICE_REMOVED, now),
        })
        .where(eq(devices.id, d.id));
      removed++;
      if (d.online) {
        disconnected.push(
          connectionEvent(
            { id: d.id, organizationId: account.organizationId },
            false,
            now,
            DEVICE_REMOVED,
          ),
        );
      }
    }
    await recordEvents(tx, disconnected);
    return { found, removed, seen: seen.length };
  });
}
