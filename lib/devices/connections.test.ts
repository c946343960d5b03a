import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessCodes, adapterConnections, alerts, auditLog, devices } from '@/db/schema';
import { actorFor, createOrganization, createTestDatabase, type TestDatabase } from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { setBackupPool } from '@/lib/backup-pools/pools';
import type { SeamSettings } from '@/lib/locks/seam/options';
import { type FakeSeam, startFakeSeam } from '@/lib/locks/seam/testing';
import { runTick } from '@/lib/reconciler/tick';
import { createReservation } from '@/lib/reservations/operations';
import { deriveKey } from '@/lib/secret-box';
import { connectSeam, defaultAdapters, listConnections, replaceConnectionKey } from './connections';
import { requestDiscovery } from './discovery';

const T0 = new Date('2026-11-26T14:00:00Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);
const day = (d: number) => new Date(T0.getTime() + d * 86_400_000).toISOString().slice(0, 10);

let database: TestDatabase;
let seam: FakeSeam;
let settings: SeamSettings;
let admin: Actor;
let owner: Actor;
let organizationId: string;
let propertyId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  seam = await startFakeSeam();
  settings = {
    endpoint: seam.url,
    credentialsKey: deriveKey('test credentials key, 32+ chars long'),
  };
});
afterAll(async () => {
  await seam.stop();
  await database.close();
});
beforeEach(async () => {
  await database.truncate();
  const org = await createOrganization(database.db, { roles: ['admin', 'owner'] });
  organizationId = org.org.id;
  propertyId = org.property.id;
  admin = await actorFor(database.db, org, 'admin');
  owner = await actorFor(database.db, org, 'owner');
  // Each test gets its own workspace's worth of locks: forget the last test's.
  for (const d of [...seam.fake.database.devices]) seam.fake.database.deleteDevice(d.device_id);
});

const tick = (now: Date, withSettings = settings) =>
  runTick(database.db, {
    now,
    adapters: defaultAdapters(database.db, { seam: withSettings }),
    random: () => 1,
    transports: {},
  });

const connect = (input: Partial<Parameters<typeof connectSeam>[2]> = {}) =>
  connectSeam(
    database.db,
    admin,
    { name: 'Harbour Seam', apiKey: seam.apiKey, propertyId, ...input },
    T0,
    settings,
  );

async function keyholdLock(externalId: string) {
  const [lock] = await database.db
    .select()
    .from(devices)
    .where(and(eq(devices.organizationId, organizationId), eq(devices.externalId, externalId)));
  if (!lock) throw new Error(`no lock for ${externalId}`);
  return lock;
}

const codesOf = (deviceId: string) =>
  database.db.select().from(accessCodes).where(eq(accessCodes.deviceId, deviceId));

/** What Seam does once each lock confirms: every code the fake holds is on its lock. */
function seamConfirmsAll(deviceId: string) {
  for (const c of seam.codesOn(deviceId)) seam.setStatus(c.access_code_id, 'set');
}

describe('connecting a Seam workspace', () => {
  it('checks the key, keeps it sealed and brings the workspace’s locks into the property', async () => {
    seam.addLock({ name: 'Room 1', lengths: [6], slotLimit: 25, batteryLevel: 0.6 });
    seam.addLock({ name: 'Room 2', deviceType: 'lockly_lock' });
    const result = await connect();
    expect(result.imported).toBe(2);

    const locks = await database.db
      .select()
      .from(devices)
      .where(eq(devices.connectionId, result.connectionId));
    expect(locks.map((l) => [l.name, l.propertyId, l.adapter, l.needsPlacement]).sort()).toEqual([
      ['Room 1', propertyId, 'seam', false],
      ['Room 2', propertyId, 'seam', false],
    ]);
    expect(locks.find((l) => l.name === 'Room 1')).toMatchObject({
      backupPoolEnabled: true,
      slotLimit: 25,
      batteryLevel: 0.6,
      codeConstraints: { allowedLengths: [6], digitsOnly: true },
      supportsNativeScheduling: true,
    });

    const [row] = await database.db
      .select()
      .from(adapterConnections)
      .where(eq(adapterConnections.id, result.connectionId));
    expect(row?.status).toBe('ok');
    expect(row?.credentialsEncrypted).toBeTruthy();
    expect(row?.credentialsEncrypted).not.toContain(seam.apiKey);
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'connection.created'));
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit[0])).not.toContain(seam.apiKey);

    expect(await listConnections(database.db, owner)).toMatchObject([
      { name: 'Harbour Seam', adapter: 'seam', status: 'ok', locks: 2 },
    ]);
  });

  it('leaves the backup pools off when asked', async () => {
    seam.addLock({ name: 'Gate' });
    const { connectionId } = await connect({ backupPool: false });
    const [gate] = await database.db
      .select()
      .from(devices)
      .where(eq(devices.connectionId, connectionId));
    expect(gate?.backupPoolEnabled).toBe(false);
  });

  it('refuses a key Seam does not accept, naming the field, and keeps nothing', async () => {
    seam.addLock();
    await expect(connect({ apiKey: 'seam_not_a_real_key' })).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'Seam did not accept this API key.',
      options: { field: 'apiKey' },
    });
    await expect(connect({ apiKey: 'sk_live_123' })).rejects.toMatchObject({
      code: 'invalid_input',
      options: { field: 'apiKey' },
    });
    await expect(connect({ name: '  ' })).rejects.toMatchObject({ options: { field: 'name' } });
    expect(await database.db.select().from(adapterConnections)).toHaveLength(0);
    expect(await database.db.select().from(devices)).toHaveLength(0);
  });

  it('says so when Seam cannot be reached, and keeps nothing', async () => {
    const away = { ...settings, endpoint: 'http://127.0.0.1:9' };
    await expect(
      connectSeam(database.db, admin, { name: 'X', apiKey: seam.apiKey, propertyId }, T0, away),
    ).rejects.toMatchObject({ code: 'conflict', options: { field: 'apiKey' } });
    expect(await database.db.select().from(adapterConnections)).toHaveLength(0);
  });

  it('refuses the same workspace twice, another organization’s property, and non-admins', async () => {
    seam.addLock();
    await connect();
    await expect(connect({ name: 'Again' })).rejects.toMatchObject({ code: 'conflict' });
    const other = await createOrganization(database.db);
    await expect(connect({ propertyId: other.property.id })).rejects.toMatchObject({
      code: 'not_found',
      options: { field: 'propertyId' },
    });
    await expect(
      connectSeam(database.db, owner, { name: 'X', apiKey: seam.apiKey, propertyId }, T0, settings),
    ).rejects.toMatchObject({ code: 'not_found' });
    expect(await database.db.select().from(adapterConnections)).toHaveLength(1);
  });
});

describe('Seam locks in the tick', () => {
  it('programs guest codes and backup pools on Seam locks, set once Seam confirms', async () => {
    const native = seam.addLock({ name: 'Room 1' });
    const plain = seam.addLock({ name: 'Room 2', deviceType: 'lockly_lock' });
    await connect();
    const room1 = await keyholdLock(native);
    const room2 = await keyholdLock(plain);
    await createReservation(
      database.db,
      admin,
      {
        propertyId,
        guestName: 'Maria Lopez',
        checkInDate: day(1),
        checkOutDate: day(3),
        deviceIds: [room1.id, room2.id],
      },
      T0,
    );

    const first = await tick(T0);
    expect(first.backupCodesCreated).toBe(10);
    // Pools on both; the guest code on the August lock only, which keeps its window (72 h ahead).
    expect(seam.codesOn(native)).toHaveLength(6);
    expect(seam.codesOn(plain)).toHaveLength(5);
    const stay = seam.codesOn(native).find((c) => c.name.startsWith('Maria Lopez'));
    expect(stay).toBeDefined();
    // Accepted by Seam is not on the lock: Keyhold waits for Seam to say so.
    const accepted = await codesOf(room1.id);
    expect(accepted).toHaveLength(6);
    expect(accepted.every((c) => c.status !== 'set')).toBe(true);

    seamConfirmsAll(plain);
    for (const c of seam.codesOn(native)) {
      seam.setStatus(c.access_code_id, c === stay ? 'unset' : 'set', c === stay);
    }
    await tick(minutes(1));
    const room1Codes = await codesOf(room1.id);
    expect(room1Codes.filter((c) => c.isBackup).map((c) => c.status)).toEqual(Array(5).fill('set'));
    const guest = room1Codes.find((c) => !c.isBackup);
    expect(guest).toMatchObject({ status: 'unset', isScheduledOnDevice: true });
    expect(guest?.externalRef).not.toBeNull();
    expect((await codesOf(room2.id)).filter((c) => c.status === 'set')).toHaveLength(5);

    // The Lockly lock gets the guest's code at the lead time before check-in (15:00 New York).
    const checkIn = (await codesOf(room2.id)).find((c) => !c.isBackup)?.startsAt as Date;
    const lead = new Date(checkIn.getTime() - 30 * 60_000);
    await tick(lead);
    expect(seam.codesOn(plain)).toHaveLength(6);
    seamConfirmsAll(plain);
    await tick(new Date(lead.getTime() + 60_000));
    const room2Guest = (await codesOf(room2.id)).find((c) => !c.isBackup);
    expect(room2Guest?.status).toBe('unset');
    expect(room2Guest?.externalRef).not.toBeNull();
  });

  it('shows Seam’s warnings on the code without an alert, and Seam’s errors with one', async () => {
    const id = seam.addLock({ name: 'Room 9' });
    await connect();
    const lock = await keyholdLock(id);
    await tick(T0);
    const [first] = seam.codesOn(id);
    if (!first) throw new Error('no code at Seam');
    seam.fake.database.updateAccessCode({
      access_code_id: first.access_code_id,
      warnings: [{ warning_code: 'third_party_integration_detected', message: 'Another app.' }],
      errors: [
        {
          error_code: 'failed_to_set_on_device',
          message: 'Seam could not set it.',
          is_access_code_error: true,
        },
      ],
    } as never);
    await tick(minutes(1));
    const shown = (await codesOf(lock.id)).find((c) => c.warnings.length > 0);
    expect(shown?.warnings.map((w) => w.code)).toEqual(['third_party_integration_detected']);
    const open = await database.db.select().from(alerts).where(isNull(alerts.resolvedAt));
    expect(open.map((a) => a.kind)).toContain('failed_to_set_on_device');
    expect(open.map((a) => a.kind)).not.toContain('third_party_integration_detected');
  });

  it('keeps a code queued with delay_in_setting_on_device through a Seam outage, and sets it after', async () => {
    const id = seam.addLock({ name: 'Room 3' });
    await connect();
    const lock = await keyholdLock(id);
    await setBackupPool(database.db, admin, { deviceId: lock.id, enabled: true }, T0);
    seam.fake.database.simulateWorkspaceOutage(seam.workspaceId, {
      routes: ['/access_codes/create'],
    });
    try {
      await tick(T0);
      await tick(minutes(2));
      const queued = await codesOf(lock.id);
      expect(queued).toHaveLength(5);
      for (const code of queued) {
        expect(code.status).toBe('setting');
        expect(code.warnings.map((w) => w.code)).toContain('delay_in_setting_on_device');
      }
      expect(seam.codesOn(id)).toHaveLength(0);
    } finally {
      seam.fake.database.simulateWorkspaceOutageRecovery(seam.workspaceId);
    }
    await tick(minutes(30));
    expect(seam.codesOn(id)).toHaveLength(5);
    seamConfirmsAll(id);
    await tick(minutes(31));
    const set = await codesOf(lock.id);
    expect(set.map((c) => c.status)).toEqual(Array(5).fill('set'));
    expect(set.flatMap((c) => c.warnings)).toEqual([]);
  });

  it('shows a revoked key on the connection and on the codes, and recovers with a new key', async () => {
    const id = seam.addLock({ name: 'Room 4' });
    const { connectionId } = await connect();
    const lock = await keyholdLock(id);
    await setBackupPool(database.db, admin, { deviceId: lock.id, enabled: true }, T0);
    // Another Seam, where this key means nothing: as if the key had been revoked.
    const elsewhere = await startFakeSeam();
    try {
      const revoked = { ...settings, endpoint: elsewhere.url };
      await tick(T0, revoked);
      const [connection] = await listConnections(database.db, admin);
      expect(connection).toMatchObject({ status: 'error' });
      expect(connection?.errors.map((e) => e.code)).toEqual(['unauthorized']);
      // One alert for the connection, beside the codes' own.
      const [alert] = await database.db
        .select()
        .from(alerts)
        .where(and(eq(alerts.kind, 'unauthorized'), isNull(alerts.resolvedAt)));
      expect(alert?.message).toMatch(/^The lock connection “Harbour Seam”: Seam did not accept/);
      const [code] = await codesOf(lock.id);
      expect(code?.warnings.map((w) => w.code)).toContain('delay_in_setting_on_device');

      await expect(
        replaceConnectionKey(
          database.db,
          admin,
          { connectionId, apiKey: 'seam_wrong_again' },
          T0,
          revoked,
        ),
      ).rejects.toMatchObject({ code: 'invalid_input', options: { field: 'apiKey' } });
      // A good key, but to another workspace: none of this connection's locks are there.
      elsewhere.addLock({ name: 'Somewhere else' });
      await expect(
        replaceConnectionKey(
          database.db,
          admin,
          { connectionId, apiKey: elsewhere.apiKey },
          T0,
          revoked,
        ),
      ).rejects.toMatchObject({
        code: 'invalid_input',
        message: expect.stringMatching(/different Seam workspace/),
      });
    } finally {
      await elsewhere.stop();
    }
    await replaceConnectionKey(
      database.db,
      admin,
      { connectionId, apiKey: seam.apiKey },
      T0,
      settings,
    );
    await tick(minutes(10));
    expect((await listConnections(database.db, admin))[0]?.status).toBe('ok');
    const open = await database.db
      .select()
      .from(alerts)
      .where(and(eq(alerts.kind, 'unauthorized'), isNull(alerts.resolvedAt)));
    expect(open).toHaveLength(0);
    expect(seam.codesOn(id)).toHaveLength(5);
  });

  it('marks a lock removed from the workspace device_removed', async () => {
    const gone = seam.addLock({ name: 'Room 5' });
    const { connectionId } = await connect();
    seam.fake.database.deleteDevice(gone);
    await requestDiscovery(database.db, { organizationId, adapter: 'seam', connectionId });
    const stats = await tick(T0);
    expect(stats.locksRemoved).toBe(1);
    const lock = await keyholdLock(gone);
    expect(lock.online).toBe(false);
    expect(lock.errors.map((e) => e.code)).toContain('device_removed');
  });

  it('finds a lock added to the workspace later as a new lock to place', async () => {
    seam.addLock({ name: 'Room 6' });
    const { connectionId } = await connect();
    const added = seam.addLock({ name: 'Room 7' });
    await requestDiscovery(database.db, { organizationId, adapter: 'seam', connectionId });
    expect((await tick(T0)).locksFound).toBe(1);
    expect(await keyholdLock(added)).toMatchObject({ needsPlacement: true, name: 'Room 7' });
  });

  it('says when the stored key cannot be read with the server’s credentials key', async () => {
    const id = seam.addLock({ name: 'Room 8' });
    await connect();
    const lock = await keyholdLock(id);
    await setBackupPool(database.db, admin, { deviceId: lock.id, enabled: true }, T0);
    await tick(T0, { ...settings, credentialsKey: deriveKey('a different key, also 32+ chars') });
    const [connection] = await listConnections(database.db, admin);
    expect(connection?.errors.map((e) => e.code)).toEqual(['credentials_unreadable']);
    expect(seam.codesOn(id)).toHaveLength(0);
  });
});
