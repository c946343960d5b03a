import { createServer } from 'node:net';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessCodes, adapterConnections, alerts, auditLog, devices } from '@/db/schema';
import { actorFor, createOrganization, createTestDatabase, type TestDatabase } from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import type { SeamSettings } from '@/lib/locks/seam/options';
import { closeZwaveClients } from '@/lib/locks/zwave/client';
import { zwaveExternalId } from '@/lib/locks/zwave/mapping';
import { startZwaveNetwork, type ZwaveNetwork } from '@/lib/locks/zwave/testing';
import { runTick } from '@/lib/reconciler/tick';
import { createReservation } from '@/lib/reservations/operations';
import { deriveKey } from '@/lib/secret-box';
import {
  connectZwave,
  defaultAdapters,
  listConnections,
  replaceConnectionKey,
  replaceConnectionUrl,
} from './connections';
import { requestDiscovery } from './discovery';

// Connecting a Z-Wave JS Server as Settings and the CLI do, against the real
// zwave-js driver and @zwave-js/server with zwave-js's mock locks: the check,
// the import, the tick programming its locks, and discovery afterwards.

const T0 = new Date('2026-11-26T14:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const day = (d: number) => new Date(T0.getTime() + d * 86_400_000).toISOString().slice(0, 10);

const ROOM_A = 2;
const ROOM_B = 3;
const NEWCOMER = 4;

let database: TestDatabase;
let network: ZwaveNetwork;
let port: number;
let url: string;
let admin: Actor;
let owner: Actor;
let organizationId: string;
let propertyId: string;
const settings: SeamSettings = {
  endpoint: 'http://127.0.0.1:9',
  credentialsKey: deriveKey('test credentials key, 32+ chars long'),
};

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

beforeAll(async () => {
  port = await freePort();
  url = `ws://127.0.0.1:${port}`;
  [database, network] = await Promise.all([
    createTestDatabase(),
    startZwaveNetwork({
      serverPort: port,
      locks: [
        { nodeId: ROOM_A, slots: 10 },
        { nodeId: ROOM_B, slots: 10 },
      ],
    }),
  ]);
}, 120_000);
afterAll(async () => {
  closeZwaveClients();
  await network?.stop();
  await database?.close();
}, 60_000);
beforeEach(async () => {
  await database.truncate();
  const org = await createOrganization(database.db, { roles: ['admin', 'owner'] });
  organizationId = org.org.id;
  propertyId = org.property.id;
  admin = await actorFor(database.db, org, 'admin');
  owner = await actorFor(database.db, org, 'owner');
  // Each test starts from empty locks: Keyhold's slot records went with the truncate.
  for (const nodeId of [ROOM_A, ROOM_B]) {
    const lock = network.lock(nodeId);
    for (const slot of lock.codes().keys()) lock.clearAtKeypad(slot);
  }
});

const connect = (input: Partial<Parameters<typeof connectZwave>[2]> = {}, actor = admin) =>
  connectZwave(
    database.db,
    actor,
    { name: 'Harbour Z-Wave', url, propertyId, ...input },
    T0,
    settings,
  );

const tick = (now: Date) =>
  runTick(database.db, {
    now,
    adapters: defaultAdapters(database.db, { seam: settings }),
    random: () => 1,
    transports: {},
  });

async function keyholdLock(nodeId: number) {
  const [lock] = await database.db
    .select()
    .from(devices)
    .where(
      and(
        eq(devices.organizationId, organizationId),
        eq(devices.externalId, zwaveExternalId(network.homeId, nodeId)),
      ),
    );
  if (!lock) throw new Error(`no lock for node ${nodeId}`);
  return lock;
}

describe('connecting a Z-Wave JS Server', () => {
  it('checks the server with one call, keeps its address sealed and brings its locks into the property', async () => {
    // An address may carry a token: sealed, and only the host reaches the audit log.
    const withToken = `${url}/?token=s3cret-token`;
    const result = await connect({ url: withToken });
    expect(result.imported).toBe(2);

    const locks = await database.db
      .select()
      .from(devices)
      .where(eq(devices.connectionId, result.connectionId));
    expect(
      locks.map((l) => [l.externalId, l.propertyId, l.adapter, l.needsPlacement]).sort(),
    ).toEqual(
      [ROOM_A, ROOM_B]
        .map((n) => [zwaveExternalId(network.homeId, n), propertyId, 'zwave', false])
        .sort(),
    );
    for (const lock of locks) {
      expect(lock).toMatchObject({
        backupPoolEnabled: true,
        slotLimit: 10,
        online: true,
        supportsNativeScheduling: false,
        nextSyncAt: new Date(0),
      });
    }

    const [row] = await database.db
      .select()
      .from(adapterConnections)
      .where(eq(adapterConnections.id, result.connectionId));
    expect(row).toMatchObject({ adapter: 'zwave', status: 'ok' });
    expect(row?.credentialsEncrypted).toBeTruthy();
    expect(row?.credentialsEncrypted).not.toContain('s3cret');
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'connection.created'));
    expect(audit).toHaveLength(1);
    expect(audit[0]?.detail).toMatchObject({
      adapter: 'zwave',
      name: 'Harbour Z-Wave',
      locks: 2,
      host: `127.0.0.1:${port}`,
    });
    expect(JSON.stringify(audit[0])).not.toContain('s3cret');

    expect(await listConnections(database.db, owner)).toMatchObject([
      { name: 'Harbour Z-Wave', adapter: 'zwave', status: 'ok', locks: 2 },
    ]);
  });

  it('refuses an address that is not a WebSocket URL, naming the field, and keeps nothing', async () => {
    for (const bad of ['', 'zwave-js:3000', 'http://zwave-js:3000', 'ws://']) {
      await expect(connect({ url: bad })).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(/Z-Wave JS Server address/),
        options: { field: 'url' },
      });
    }
    await expect(connect({ name: ' ' })).rejects.toMatchObject({ options: { field: 'name' } });
    expect(await database.db.select().from(adapterConnections)).toHaveLength(0);
    expect(await database.db.select().from(devices)).toHaveLength(0);
  });

  it('says so when no Z-Wave JS Server answers at the address, and keeps nothing', async () => {
    const started = performance.now();
    await expect(connect({ url: 'ws://127.0.0.1:9' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringMatching(/^No Z-Wave JS Server answered at ws:\/\/127\.0\.0\.1:9/),
      options: { field: 'url' },
    });
    expect(performance.now() - started).toBeLessThan(6_000);
    expect(await database.db.select().from(adapterConnections)).toHaveLength(0);
    expect(await database.db.select().from(devices)).toHaveLength(0);
  });

  it('refuses the same Z-Wave network twice, another organization’s property, and non-admins', async () => {
    await connect();
    // The same server under another spelling is still the same network (its home id).
    await expect(connect({ name: 'Again', url: `ws://localhost:${port}` })).rejects.toMatchObject({
      code: 'conflict',
      message: 'This Z-Wave network is already connected as “Harbour Z-Wave”.',
      options: { field: 'url' },
    });
    const other = await createOrganization(database.db);
    await expect(connect({ propertyId: other.property.id })).rejects.toMatchObject({
      code: 'not_found',
      options: { field: 'propertyId' },
    });
    await expect(connect({}, owner)).rejects.toMatchObject({ code: 'not_found' });
    expect(await database.db.select().from(adapterConnections)).toHaveLength(1);
  });
});

describe('changing a Z-Wave JS connection’s server address', () => {
  it('checks the new address first, keeps it sealed and looks for locks at the next tick', async () => {
    const { connectionId } = await connect();
    const change = (newUrl: string) =>
      replaceConnectionUrl(database.db, admin, { connectionId, url: newUrl }, T0, settings);
    await expect(change('ws://127.0.0.1:9')).rejects.toMatchObject({
      code: 'invalid_input',
      options: { field: 'url' },
    });
    await expect(change('http://x')).rejects.toMatchObject({ options: { field: 'url' } });
    await expect(
      replaceConnectionUrl(database.db, owner, { connectionId, url }, T0, settings),
    ).rejects.toMatchObject({ code: 'not_found' });
    // A Seam key sealed over a Z-Wave connection would leave it unreachable.
    await expect(
      replaceConnectionKey(
        database.db,
        admin,
        { connectionId, apiKey: 'seam_some_workspace_key' },
        T0,
        settings,
      ),
    ).rejects.toMatchObject({ code: 'invalid_input', options: { field: 'connectionId' } });

    await change(`ws://localhost:${port}/?token=n3w-token`);
    const [row] = await database.db
      .select()
      .from(adapterConnections)
      .where(eq(adapterConnections.id, connectionId));
    expect(row?.credentialsEncrypted).not.toContain('n3w-token');
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'connection.url_replaced'));
    expect(audit?.detail).toEqual({ name: 'Harbour Z-Wave', host: `localhost:${port}` });
    // The tick reaches the locks at the new address.
    const stats = await tick(T0);
    expect(stats.backupCodesCreated).toBe(10);
    expect(network.lock(ROOM_B).codes().size).toBe(5);
  });
});

describe('Z-Wave locks in the tick', () => {
  it('programs the backup pool and a guest code on a Z-Wave lock, set once the lock confirms', async () => {
    await connect();
    const room = await keyholdLock(ROOM_A);
    await createReservation(
      database.db,
      admin,
      {
        propertyId,
        guestName: 'Maria Lopez',
        checkInDate: day(1),
        checkOutDate: day(3),
        deviceIds: [room.id],
      },
      T0,
    );

    const first = await tick(T0);
    expect(first.backupCodesCreated).toBe(10);
    const codes = () =>
      database.db.select().from(accessCodes).where(eq(accessCodes.deviceId, room.id));
    const backups = (await codes()).filter((c) => c.isBackup);
    expect(backups.map((c) => c.status)).toEqual(Array(5).fill('set'));
    expect([...network.lock(ROOM_A).codes().values()].sort()).toEqual(
      backups.map((c) => c.code).sort(),
    );

    // The lock keeps no windows: the guest code goes on at the lead time before check-in.
    const guest = (await codes()).find((c) => !c.isBackup);
    if (!guest?.nextAttemptAt || !guest.startsAt) throw new Error('no guest code waiting');
    expect(guest.status).toBe('unset');
    const lead = guest.nextAttemptAt;
    expect(lead.getTime()).toBeLessThan(guest.startsAt.getTime());
    await tick(lead);
    const onLock = (await codes()).find((c) => !c.isBackup);
    expect(onLock?.externalRef).toMatch(/^slot:\d+$/);
    expect([...network.lock(ROOM_A).codes().values()]).toContain(onLock?.code);
    // On the lock ahead of its window, as Seam says it: set from check-in.
    await tick(guest.startsAt);
    expect((await codes()).find((c) => !c.isBackup)).toMatchObject({ status: 'set', errors: [] });
  });

  it('shows a server that stops answering on the connection, and clears it once it is back', async () => {
    const { connectionId } = await connect();
    await tick(T0);
    await network.stopServer();
    try {
      await requestDiscovery(database.db, { organizationId, adapter: 'zwave', connectionId });
      await tick(minutes(1));
      const [connection] = await listConnections(database.db, admin);
      expect(connection).toMatchObject({ status: 'error' });
      expect(connection?.errors.map((e) => e.code)).toEqual(['provider_service_unavailable']);
      // Staff read it on the connection and in one alert; the address (it may hold a token) is in neither.
      expect(connection?.errors[0]?.message).toMatch(/Z-Wave JS Server\) could not be reached/);
      const [alert] = await database.db
        .select()
        .from(alerts)
        .where(and(eq(alerts.kind, 'provider_service_unavailable'), isNull(alerts.resolvedAt)));
      expect(alert?.message).toMatch(/^The lock connection “Harbour Z-Wave”: /);
      expect(alert?.message).not.toContain(String(port));
    } finally {
      await network.startServer();
    }
    // The client reconnects with back-off; each tick asks again.
    let at = 2;
    await expect
      .poll(
        async () => {
          await requestDiscovery(database.db, { organizationId, adapter: 'zwave', connectionId });
          await tick(minutes(at++));
          return (await listConnections(database.db, admin))[0]?.status;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toBe('ok');
  });

  // Last: it swaps the network for one where node 3 is gone and node 4 joined.
  it('marks a lock gone from the network device_removed, and a node that joined a new lock to place', async () => {
    const { connectionId } = await connect();
    await tick(T0);
    await network.stop();
    network = await startZwaveNetwork({
      serverPort: port,
      locks: [
        { nodeId: ROOM_A, slots: 10 },
        { nodeId: NEWCOMER, slots: 12 },
      ],
    });
    let at = 1;
    const totals = { found: 0, removed: 0 };
    await expect
      .poll(
        async () => {
          await requestDiscovery(database.db, { organizationId, adapter: 'zwave', connectionId });
          const stats = await tick(minutes(at++));
          totals.found += stats.locksFound;
          totals.removed += stats.locksRemoved;
          return totals;
        },
        { timeout: 20_000, interval: 500 },
      )
      .toEqual({ found: 1, removed: 1 });

    const gone = await keyholdLock(ROOM_B);
    expect(gone.online).toBe(false);
    expect(gone.errors.map((e) => e.code)).toContain('device_removed');
    const joined = await keyholdLock(NEWCOMER);
    expect(joined).toMatchObject({ needsPlacement: true, propertyId: null, slotLimit: 12 });
    expect(joined.warnings.map((w) => w.code)).toContain('new_lock_found');
    expect((await keyholdLock(ROOM_A)).errors).toEqual([]);
    expect((await listConnections(database.db, admin))[0]).toMatchObject({
      status: 'ok',
      locks: 3,
    });
  }, 60_000);
});
