import { type SpawnSyncReturns, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import {
  accessCodes,
  apiKeys,
  auditLog,
  devices,
  memberships,
  properties,
  simulatedLocks,
  users,
} from '@/db/schema';
import { addSimulatedLock } from '@/db/testing';
import { verifySignIn } from '@/lib/auth/sign-in';
import { defaultAdapters } from '@/lib/devices/connections';
import { DISCOVERY_INTERVAL_MS, discoverDevices } from '@/lib/devices/discovery';
import { startFakeSeam } from '@/lib/locks/seam/testing';
import { factoryResetLock } from '@/lib/locks/simulated/controls';
import { startZwaveNetwork } from '@/lib/locks/zwave/testing';
import { operatorActor } from '@/lib/organizations/admin';
import { createReservation } from '@/lib/reservations/operations';

// The CLI as an operator runs it: a real process on a real (throwaway) embedded
// database. PGlite takes seconds to boot, so the steps share one database and
// run in order; flag errors exit before the database is opened and cost little.

const root = fileURLToPath(new URL('..', import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'keyhold-admin-'));
const pgliteDir = join(temp, 'pglite');
const childEnv: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: pgliteDir, DATA_DIR: temp };
delete childEnv.DATABASE_URL;
delete childEnv.LOG_LEVEL;

const PASSWORD = 'harbor lights 2031';
const SHORT_PASSWORD = 'x7$kq2';
const outputs: string[] = [];

function admin(args: string[], input?: string): SpawnSyncReturns<string> {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
    cwd: root,
    env: childEnv,
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  outputs.push(result.stdout, result.stderr);
  return result;
}

/** `admin` without blocking this process: for commands that call a server this test runs. */
function adminAsync(
  args: string[],
  input?: string,
): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/admin.ts', ...args], {
      cwd: root,
      env: childEnv,
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdin.end(input ?? '');
    child.on('close', (status) => {
      outputs.push(stdout, stderr);
      resolve({ status, stdout, stderr });
    });
  });
}

const lines = (text: string) => text.trim().split('\n').filter(Boolean);

async function withDatabase<T>(fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>) {
  const database = await openDatabase({ pgliteDir });
  try {
    return await fn(database);
  } finally {
    await database.close();
  }
}

afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

describe('npm run admin', { timeout: 90_000 }, () => {
  let orgId = '';
  let propertyId = '';
  const locks = { offline: '', reset: '', seam: '', resetExternalId: '' };
  // The factory-reset flow: `swapped` is reset and replaced by `swappedNew`; `resetNew`
  // (the lock `reset` came back as) is placed as a lock of its own.
  const found = { swapped: '', swappedNew: '', resetNew: '', reservationId: '' };

  it('answers an unknown command with the usage text and exit code 2', () => {
    const result = admin(['frobnicate']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Unknown command "frobnicate"');
    expect(result.stderr).toContain('Usage: npm run admin -- <command>');
    expect(result.stderr).toContain('create-organization');
    expect(result.stdout).toBe('');
  });

  it('refuses a backup-pool state other than on or off, naming the flag', () => {
    const result = admin([
      'backup-pool',
      '--organization',
      '00000000-0000-4000-8000-000000000000',
      '--property',
      '00000000-0000-4000-8000-000000000001',
      '--state',
      'maybe',
    ]);
    expect(result.status).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain('--state');
  });

  it('creates an organization with a first property and prints its id', () => {
    const result = admin([
      'create-organization',
      '--name',
      'Harbor Hotel',
      '--time-zone',
      'America/New_York',
      '--json',
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const org = JSON.parse(result.stdout);
    expect(org).toMatchObject({ name: 'Harbor Hotel', timeZone: 'America/New_York' });
    expect(org.id).toMatch(/^[0-9a-f-]{36}$/);
    orgId = org.id;
    propertyId = org.propertyId;
  });

  it('creates a user with a password read from stdin, without echoing it', () => {
    const result = admin(
      [
        'create-user',
        '--organization',
        orgId,
        '--email',
        'Ann.Admin@Example.com',
        '--name',
        'Ann Admin',
        '--role',
        'admin',
        '--password-stdin',
      ],
      `${PASSWORD}\n`,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Created user ann.admin@example.com');
    expect(result.stdout).toContain('admin of Harbor Hotel');
  });

  it.each([
    {
      flag: '--role',
      args: ['--email', 'bad.role@example.com', '--role', 'manager', '--password', PASSWORD],
      message: 'Invalid --role: must be admin, owner or front_desk',
    },
    {
      flag: '--email',
      args: ['--email', 'not-an-email', '--role', 'owner', '--password', PASSWORD],
      message: 'Invalid --email: must be an email address',
    },
    {
      flag: '--password',
      args: ['--email', 'short@example.com', '--role', 'owner', '--password', SHORT_PASSWORD],
      message: 'Invalid --password: must be at least 8 characters',
    },
  ])('refuses a bad $flag with one line naming it and exit code 2', ({ args, message }) => {
    const result = admin(['create-user', '--organization', orgId, '--name', 'Bad', ...args]);
    expect(result.status).toBe(2);
    expect(lines(result.stderr)).toEqual([message]);
    expect(result.stdout).toBe('');
  });

  it('creates an API key and prints it once', () => {
    const result = admin(['create-api-key', '--organization', orgId, '--name', 'PMS']);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const keyLines = lines(result.stdout).filter((line) => line.startsWith('seam_kh_'));
    expect(keyLines).toHaveLength(1);
    expect(keyLines[0]?.length).toBeGreaterThan(30);
  });

  it('lists no locks of a new organization with a clear message', () => {
    const result = admin(['list-locks', '--organization', orgId]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(lines(result.stdout)).toEqual(['No locks in Harbor Hotel yet.']);
  });

  it('answers an unknown organization with one line and exit code 1', () => {
    const result = admin([
      'create-api-key',
      '--organization',
      '5b0e6f5e-3c1a-4d7e-9a51-2f0a9c1d7e42',
      '--name',
      'PMS',
    ]);
    expect(result.status).toBe(1);
    expect(lines(result.stderr)).toEqual(['Organization not found.']);
    expect(result.stdout).toBe('');
  });

  it('kept the user, wrote nothing for refused input, and refuses a database in use', async () => {
    await withDatabase(async ({ db }) => {
      // The database is open here: a CLI run must say so in one line, not corrupt it.
      const busy = admin(['list-locks', '--organization', orgId]);
      expect(busy.status).toBe(1);
      expect(lines(busy.stderr)).toHaveLength(1);
      expect(busy.stderr).toContain('is in use by process');
      expect(busy.stderr).not.toContain('    at ');

      const limits = { maxFailuresPerSource: 5, maxFailuresPerIp: 20, windowMinutes: 15 };
      const signIn = (password: string) =>
        verifySignIn(
          db,
          { email: 'ann.admin@example.com', password, ip: null },
          new Date(),
          limits,
        );
      expect(await signIn(PASSWORD)).toMatchObject({ ok: true });
      expect(await signIn(`${PASSWORD}!`)).toEqual({ ok: false, reason: 'invalid_credentials' });

      const [user] = await db.select().from(users).where(eq(users.email, 'ann.admin@example.com'));
      expect(user?.passwordHash).toMatch(/^\$argon2/);
      const refused = await db
        .select()
        .from(users)
        .where(inArray(users.email, ['bad.role@example.com', 'short@example.com']));
      expect(refused).toEqual([]);
      expect(await db.select().from(memberships)).toHaveLength(1);
      expect(await db.select().from(apiKeys)).toHaveLength(1);
      const [property] = await db.select().from(properties).where(eq(properties.id, propertyId));
      expect(property).toMatchObject({ organizationId: orgId, timeZone: 'America/New_York' });

      // Locks for the simulated-adapter commands below.
      const place = { organizationId: orgId, propertyId };
      locks.offline = (await addSimulatedLock(db, { ...place, room: '101' })).id;
      locks.reset = (await addSimulatedLock(db, { ...place, room: '102' })).id;
      const [seam] = await db
        .insert(devices)
        .values({ ...place, adapter: 'seam', externalId: 'seam_dev_1', name: 'Room 103' })
        .returning();
      locks.seam = seam?.id ?? '';
    });
  });

  it('takes a simulated lock offline', () => {
    const result = admin(['lock-offline', '--organization', orgId, '--lock', locks.offline]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Room 101');
    expect(result.stdout).toContain('offline');
  });

  it('refuses to drive a lock that is not simulated', () => {
    const result = admin(['lock-online', '--organization', orgId, '--lock', locks.seam]);
    expect(result.status).toBe(1);
    expect(lines(result.stderr)).toEqual([
      'Room 103 is a seam lock; only simulated locks can be controlled from here.',
    ]);
  });

  it('factory-resets a simulated lock and prints its new device id', () => {
    const result = admin(['factory-reset', '--organization', orgId, '--lock', locks.reset]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const newId = lines(result.stdout).at(-1) ?? '';
    expect(newId).toMatch(/^sim_[0-9a-f]{16}$/);
    locks.resetExternalId = newId;
  });

  it('finds the factory-reset locks once discovery runs', async () => {
    await withDatabase(async ({ db }) => {
      // Room 104 has a guest coming with a 4-digit code; it comes back from its reset
      // taking only 6 digits, so the guest's code must change.
      const swapped = await addSimulatedLock(db, {
        organizationId: orgId,
        propertyId,
        room: '104',
        allowedLengths: [4],
      });
      found.swapped = swapped.id;
      const day = (days: number) =>
        new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
      const actor = await operatorActor(db, orgId);
      const stay = await createReservation(
        db,
        actor,
        {
          propertyId,
          guestName: 'Dana Guest',
          checkInDate: day(2),
          checkOutDate: day(4),
          deviceIds: [swapped.id],
        },
        new Date(),
      );
      found.reservationId = stay.id;
      expect(stay.accessCodes[0]?.code).toMatch(/^\d{4}$/);

      // The first run finds what factory-reset did above; it sees Room 104 before its reset.
      const adapters = defaultAdapters(db);
      const first = new Date();
      expect(await discoverDevices(db, adapters, first)).toMatchObject({ found: 1, removed: 1 });
      const second = new Date(first.getTime() + DISCOVERY_INTERVAL_MS + 1000);
      const newId = await factoryResetLock(db, orgId, swapped.externalId, second);
      await db
        .update(simulatedLocks)
        .set({ allowedLengths: [6] })
        .where(eq(simulatedLocks.id, newId));
      expect(await discoverDevices(db, adapters, second)).toMatchObject({ found: 1, removed: 1 });

      const rows = await db
        .select()
        .from(devices)
        .where(
          and(
            eq(devices.organizationId, orgId),
            inArray(devices.externalId, [newId, locks.resetExternalId]),
          ),
        );
      const byExternal = (id: string) => rows.find((d) => d.externalId === id);
      expect(byExternal(newId)).toMatchObject({ needsPlacement: true, name: 'Room 104' });
      expect(byExternal(locks.resetExternalId)).toMatchObject({ needsPlacement: true });
      found.swappedNew = byExternal(newId)?.id ?? '';
      found.resetNew = byExternal(locks.resetExternalId)?.id ?? '';
    });
  });

  it('lists the new locks with the lock each most likely replaces', () => {
    const result = admin(['new-locks', '--organization', orgId]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const out = lines(result.stdout);
    expect(out[0]).toMatch(/^ID +NAME +FIRST SEEN +ONLINE +LIKELY REPLACES$/);
    // Newest first: Room 104's new id, then the one Room 102 came back as.
    expect(out[1]).toMatch(
      new RegExp(`^${found.swappedNew} +Room 104 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC +yes +`),
    );
    expect(out[1]).toContain(`${found.swapped}  Room 104 (room 104, Harbor Hotel)`);
    expect(out[2]).toMatch(new RegExp(`^${found.resetNew} +Room 102 `));
    expect(out[2]).toContain(`${locks.reset}  Room 102 (room 102, Harbor Hotel)`);
    expect(out[3]).toBe('2 new locks in Harbor Hotel.');

    const json = admin(['new-locks', '--organization', orgId, '--json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({
      organizationId: orgId,
      locks: [
        {
          id: found.swappedNew,
          name: 'Room 104',
          online: true,
          suggestedReplaces: {
            id: found.swapped,
            name: 'Room 104',
            room: '104',
            propertyName: 'Harbor Hotel',
          },
        },
        { id: found.resetNew, suggestedReplaces: { id: locks.reset } },
      ],
    });
  });

  it.each([
    { args: ['--new', 'not-a-uuid'], message: 'Invalid --new: must be a UUID' },
    { args: ['--new', 'same'], message: 'Invalid --new: is the same lock as --old' },
  ])('refuses $message with exit code 2, naming the flag', ({ args, message }) => {
    const flags = args.map((arg) => (arg === 'same' ? found.swapped : arg));
    const result = admin([
      'replace-lock',
      '--organization',
      orgId,
      '--old',
      found.swapped,
      ...flags,
    ]);
    expect(result.status).toBe(2);
    expect(lines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toContain(message);
    expect(result.stdout).toBe('');
  });

  it('replaces the reset lock once, telling which guest gets new digits', async () => {
    const devicesNow = (db: Awaited<ReturnType<typeof openDatabase>>['db']) =>
      db
        .select()
        .from(devices)
        .where(inArray(devices.id, [found.swapped, found.swappedNew]));
    await withDatabase(async ({ db }) => {
      // The refused runs above wrote nothing.
      const rows = await devicesNow(db);
      expect(rows.find((d) => d.id === found.swapped)?.status).toBe('active');
      expect(rows.find((d) => d.id === found.swappedNew)?.needsPlacement).toBe(true);
      expect(
        await db.select().from(auditLog).where(eq(auditLog.action, 'device.replaced')),
      ).toEqual([]);
    });

    const result = admin([
      'replace-lock',
      '--organization',
      orgId,
      '--old',
      found.swapped,
      '--new',
      found.swappedNew,
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(lines(result.stdout)).toEqual([
      'Replaced Room 104 with the new lock: 1 code queued for it, 0 pool codes closed (the tick refills the pool).',
      "The new lock does not take these guests' digits; each gets a new code:",
      `  Dana Guest (reservation ${found.reservationId}) gets a correction once the new code is set.`,
    ]);

    await withDatabase(async ({ db }) => {
      const rows = await devicesNow(db);
      expect(rows.find((d) => d.id === found.swapped)).toMatchObject({
        status: 'replaced',
        replacedByDeviceId: found.swappedNew,
      });
      expect(rows.find((d) => d.id === found.swappedNew)).toMatchObject({
        status: 'active',
        needsPlacement: false,
        name: 'Room 104',
        room: '104',
        propertyId,
      });
      const [code] = await db
        .select()
        .from(accessCodes)
        .where(
          and(
            eq(accessCodes.deviceId, found.swappedNew),
            eq(accessCodes.reservationId, found.reservationId),
          ),
        );
      expect(code?.code).toMatch(/^\d{6}$/);
    });

    const again = admin([
      'replace-lock',
      '--organization',
      orgId,
      '--old',
      found.swapped,
      '--new',
      found.swappedNew,
    ]);
    expect(again.status).toBe(1);
    expect(lines(again.stderr)).toEqual([
      'Invalid --old: Room 104 was already replaced or retired.',
    ]);
    expect(again.stdout).toBe('');
  });

  it('places a new lock that replaces nothing, once', async () => {
    const place = [
      'place-lock',
      '--organization',
      orgId,
      '--lock',
      found.resetNew,
      '--property',
      propertyId,
      '--name',
      'Spa door',
      '--room',
      'Spa',
    ];
    const result = admin(place);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(lines(result.stdout)).toEqual(['Placed Spa door, room Spa, at Harbor Hotel.']);

    await withDatabase(async ({ db }) => {
      const [lock] = await db.select().from(devices).where(eq(devices.id, found.resetNew));
      expect(lock).toMatchObject({
        status: 'active',
        needsPlacement: false,
        propertyId,
        name: 'Spa door',
        room: 'Spa',
      });
    });

    const again = admin(place);
    expect(again.status).toBe(1);
    expect(lines(again.stderr)).toEqual(['Invalid --lock: This lock is already placed.']);

    const none = admin(['new-locks', '--organization', orgId]);
    expect(none.status).toBe(0);
    expect(lines(none.stdout)).toEqual(['No new locks in Harbor Hotel: every lock is placed.']);
  });

  it('connects a Seam workspace with its key on stdin, refusing a key Seam does not accept', async () => {
    const seam = await startFakeSeam();
    try {
      seam.addLock({ name: 'Cabin 7' });
      childEnv.SEAM_ENDPOINT = seam.url;
      const connect = ['connect-seam', '--organization', orgId, '--property', propertyId];
      const noKey = admin([...connect, '--name', 'Harbor Seam']);
      expect(noKey.status).toBe(2);
      expect(lines(noKey.stderr)).toEqual(['Missing --api-key-stdin: it is required']);

      const wrong = await adminAsync(
        [...connect, '--name', 'Harbor Seam', '--api-key-stdin'],
        'seam_wrong\n',
      );
      expect(wrong.status).toBe(1);
      expect(lines(wrong.stderr)).toEqual([
        'Invalid --api-key-stdin: Seam did not accept this API key.',
      ]);

      const result = await adminAsync(
        [...connect, '--name', 'Harbor Seam', '--api-key-stdin', '--no-backup-pool'],
        `${seam.apiKey}\n`,
      );
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(lines(result.stdout)[0]).toBe('Connected “Harbor Seam”: 1 lock imported.');
      await withDatabase(async ({ db }) => {
        const [cabin] = await db
          .select()
          .from(devices)
          .where(and(eq(devices.organizationId, orgId), eq(devices.name, 'Cabin 7')));
        expect(cabin).toMatchObject({ adapter: 'seam', propertyId, backupPoolEnabled: false });
      });
      expect(outputs.length).toBeGreaterThan(0);
      for (const output of outputs) expect(output).not.toContain(seam.apiKey);
    } finally {
      delete childEnv.SEAM_ENDPOINT;
      await seam.stop();
    }
  });

  it('connects a Z-Wave JS Server by its address, refusing one that is not a WebSocket URL or does not answer', async () => {
    // The network starts (about 4 s) while the refusals run.
    const starting = startZwaveNetwork({ locks: [{ nodeId: 2, slots: 20 }] });
    const connect = ['connect-zwave', '--organization', orgId, '--property', propertyId];
    const [notWs, away] = await Promise.all([
      adminAsync([...connect, '--name', 'Harbor Z-Wave', '--url', 'zwave-js:3000']),
      adminAsync([...connect, '--name', 'Harbor Z-Wave', '--url', 'ws://127.0.0.1:9']),
    ]);
    const network = await starting;
    try {
      expect(notWs.status).toBe(2);
      expect(lines(notWs.stderr)).toEqual([
        'Invalid --url: The Z-Wave JS Server address begins with ws:// or wss://, e.g. ws://zwave-js:3000.',
      ]);
      expect(away.status).toBe(1);
      expect(lines(away.stderr)).toEqual([
        'Invalid --url: No Z-Wave JS Server answered at ws://127.0.0.1:9. Check the address and that the server is running; nothing was saved.',
      ]);

      const result = await adminAsync([
        ...connect,
        '--name',
        'Harbor Z-Wave',
        '--url',
        network.url,
        '--no-backup-pool',
      ]);
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(lines(result.stdout)[0]).toBe('Connected “Harbor Z-Wave”: 1 lock imported.');
      await withDatabase(async ({ db }) => {
        const [lock] = await db
          .select()
          .from(devices)
          .where(
            and(
              eq(devices.organizationId, orgId),
              eq(devices.externalId, network.lock(2).externalId),
            ),
          );
        expect(lock).toMatchObject({
          adapter: 'zwave',
          propertyId,
          backupPoolEnabled: false,
          slotLimit: 20,
        });
      });
    } finally {
      await network.stop();
    }
  });

  it('left the simulated hardware as the commands said, and never showed a password', async () => {
    await withDatabase(async ({ db }) => {
      const deviceRows = await db
        .select({ id: devices.id, externalId: devices.externalId })
        .from(devices)
        .where(eq(devices.organizationId, orgId));
      const externalOf = (id: string) => deviceRows.find((d) => d.id === id)?.externalId ?? '';
      const hardware = await db
        .select()
        .from(simulatedLocks)
        .where(eq(simulatedLocks.organizationId, orgId));
      const lock = (id: string) => hardware.find((l) => l.id === id);
      expect(lock(externalOf(locks.offline))).toMatchObject({ online: false, resetAt: null });
      expect(lock(externalOf(locks.reset))?.resetAt).toBeInstanceOf(Date);
      expect(lock(locks.resetExternalId)).toMatchObject({ online: true, resetAt: null });
    });
    expect(outputs.length).toBeGreaterThan(0);
    for (const output of outputs) {
      expect(output).not.toContain(PASSWORD);
      expect(output).not.toContain(SHORT_PASSWORD);
    }
  });
});
