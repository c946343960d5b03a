import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { eq, inArray } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { apiKeys, devices, memberships, properties, simulatedLocks, users } from '@/db/schema';
import { addSimulatedLock } from '@/db/testing';
import { verifySignIn } from '@/lib/auth/sign-in';

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

      const limits = { maxFailuresPerEmail: 5, maxFailuresPerIp: 20, windowMinutes: 15 };
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
    for (const output of outputs) {
      expect(output).not.toContain(PASSWORD);
      expect(output).not.toContain(SHORT_PASSWORD);
    }
  });
});
