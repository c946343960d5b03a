import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alerts, devices } from '@/db/schema';
import {
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { syncAlerts } from '@/lib/alerts/alerts';
import type { AdapterResolver, LockAdapter } from '@/lib/locks/adapter';
import { factoryResetLock } from '@/lib/locks/simulated/controls';
import { defaultAdapters } from './connections';
import {
  DEVICE_REMOVED,
  DISCOVERY_INTERVAL_MS,
  discoverDevices,
  NEW_LOCK_FOUND,
} from './discovery';

const NOW = new Date('2026-11-26T12:00:00Z');
const later = (ms: number) => new Date(NOW.getTime() + ms);

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});

const devicesOf = (organizationId: string) =>
  database.db.select().from(devices).where(eq(devices.organizationId, organizationId));

describe('discoverDevices', () => {
  it('finds a factory-reset lock as a new lock and marks the old one removed, once per interval', async () => {
    const harbor = await createOrganization(database.db, { roles: ['admin'] });
    const lock = await addSimulatedLock(database.db, {
      organizationId: harbor.org.id,
      propertyId: harbor.property.id,
      room: '301',
    });
    const adapters = defaultAdapters(database.db);

    // Nothing new: the lock is seen, nothing else changes.
    expect(await discoverDevices(database.db, adapters, NOW)).toMatchObject({
      found: 0,
      removed: 0,
    });

    const newId = await factoryResetLock(database.db, harbor.org.id, lock.externalId, NOW);
    // Within the interval the account is not asked again.
    expect(await discoverDevices(database.db, adapters, later(60_000))).toMatchObject({
      accounts: 0,
    });
    const stats = await discoverDevices(database.db, adapters, later(DISCOVERY_INTERVAL_MS));
    expect(stats).toMatchObject({ found: 1, removed: 1 });

    const rows = await devicesOf(harbor.org.id);
    const found = rows.find((d) => d.externalId === newId);
    expect(found).toMatchObject({
      propertyId: null,
      needsPlacement: true,
      status: 'active',
      adapter: 'simulated',
    });
    expect(found?.warnings.map((w) => w.code)).toEqual([NEW_LOCK_FOUND]);
    const old = rows.find((d) => d.id === lock.id);
    expect(old).toMatchObject({ online: false, status: 'active', propertyId: harbor.property.id });
    expect(old?.errors.map((e) => e.code)).toContain(DEVICE_REMOVED);

    // Both show as alerts, the old lock's as an error.
    await syncAlerts(database.db, later(DISCOVERY_INTERVAL_MS));
    const open = await database.db
      .select({ kind: alerts.kind, severity: alerts.severity, deviceId: alerts.deviceId })
      .from(alerts)
      .where(and(eq(alerts.organizationId, harbor.org.id), eq(alerts.status, 'open')));
    expect(open).toEqual(
      expect.arrayContaining([
        { kind: NEW_LOCK_FOUND, severity: 'warning', deviceId: found?.id },
        { kind: DEVICE_REMOVED, severity: 'error', deviceId: lock.id },
      ]),
    );

    // The next interval has nothing more to say.
    expect(
      await discoverDevices(database.db, adapters, later(2 * DISCOVERY_INTERVAL_MS)),
    ).toMatchObject({ found: 0, removed: 0 });
    expect(await devicesOf(harbor.org.id)).toHaveLength(2);
  });

  it('asks once when two instances discover at the same moment, and sees only its own organization', async () => {
    const harbor = await createOrganization(database.db, { roles: ['admin'] });
    const other = await createOrganization(database.db, { roles: ['admin'] });
    const lock = await addSimulatedLock(database.db, {
      organizationId: harbor.org.id,
      propertyId: harbor.property.id,
    });
    await addSimulatedLock(database.db, {
      organizationId: other.org.id,
      propertyId: other.property.id,
    });
    await factoryResetLock(database.db, harbor.org.id, lock.externalId, NOW);
    const at = later(10 * DISCOVERY_INTERVAL_MS);
    await Promise.all([
      discoverDevices(database.db, defaultAdapters(database.db), at),
      discoverDevices(database.db, defaultAdapters(database.db), at),
    ]);
    expect((await devicesOf(harbor.org.id)).filter((d) => d.needsPlacement)).toHaveLength(1);
    expect((await devicesOf(other.org.id)).filter((d) => d.needsPlacement)).toEqual([]);
  });

  it('asks no more accounts once its time is spent; the rest stay due for the next tick', async () => {
    await database.truncate();
    const orgs = [];
    for (let i = 0; i < 3; i++) {
      const org = await createOrganization(database.db);
      await addSimulatedLock(database.db, {
        organizationId: org.org.id,
        propertyId: org.property.id,
      });
      orgs.push(org);
    }
    const real = defaultAdapters(database.db);
    // A service that takes 80 ms to list its devices.
    const slow: AdapterResolver = (target) => {
      const adapter = real(target);
      const wrapped: LockAdapter = Object.create(adapter);
      wrapped.listDevices = async () => {
        await new Promise((r) => setTimeout(r, 80));
        return adapter.listDevices();
      };
      return wrapped;
    };
    const first = await discoverDevices(database.db, slow, NOW, 50);
    expect(first.accounts).toBe(1);
    const second = await discoverDevices(database.db, slow, NOW, 10_000);
    expect(second.accounts).toBe(2);
  });
});
