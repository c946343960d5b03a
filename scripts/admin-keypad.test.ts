import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '@/db/client';
import { simulatedLockCodes, simulatedLockEvents } from '@/db/schema';
import { addSimulatedLock, createOrganization } from '@/db/testing';

// `keypad` and `unlock-with-key` as an operator runs them: a real process on a
// throwaway embedded database. The steps share one database and run in order.

const root = fileURLToPath(new URL('..', import.meta.url));
const temp = mkdtempSync(join(tmpdir(), 'keyhold-admin-keypad-'));
const pgliteDir = join(temp, 'pglite');
const childEnv: NodeJS.ProcessEnv = { ...process.env, PGLITE_DIR: pgliteDir, DATA_DIR: temp };
delete childEnv.DATABASE_URL;
delete childEnv.LOG_LEVEL;

const outputs: string[] = [];

function admin(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
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
    child.stdin.end();
    child.on('close', (status) => {
      outputs.push(stdout, stderr);
      resolve({ status, stdout, stderr });
    });
  });
}

async function withDatabase<T>(
  fn: (db: Awaited<ReturnType<typeof openDatabase>>['db']) => Promise<T>,
) {
  const database = await openDatabase({ pgliteDir });
  try {
    return await fn(database.db);
  } finally {
    await database.close();
  }
}

const lock = { id: '', externalId: '' };
let orgId = '';

beforeAll(async () => {
  await withDatabase(async (db) => {
    const org = await createOrganization(db, { name: 'Keypad Inn', roles: ['admin'] });
    orgId = org.org.id;
    const added = await addSimulatedLock(db, {
      organizationId: orgId,
      propertyId: org.property.id,
      room: '512',
      name: 'Room 512',
    });
    lock.id = added.id;
    lock.externalId = added.externalId;
    await db
      .insert(simulatedLockCodes)
      .values({ lockId: added.externalId, code: '4821', name: 'Guest' });
  });
}, 60_000);
afterAll(() => {
  rmSync(temp, { recursive: true, force: true });
});

describe('admin keypad and unlock-with-key', () => {
  it('opens the lock for a code it holds', async () => {
    const result = await admin([
      'keypad',
      '--organization',
      orgId,
      '--lock',
      lock.id,
      '--code',
      '4821',
    ]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(`Room 512 (${lock.externalId}): unlocked.`);
  });

  it('answers a refused code as JSON, without the digits', async () => {
    const result = await admin([
      'keypad',
      '--organization',
      orgId,
      '--lock',
      lock.id,
      '--code',
      '9999',
      '--json',
    ]);
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      device_id: lock.id,
      outcome: 'access_denied',
    });
    expect(result.stdout).not.toContain('9999');
  });

  it('refuses digits a keypad cannot take, naming the flag, and logs nothing', async () => {
    const result = await admin([
      'keypad',
      '--organization',
      orgId,
      '--lock',
      lock.id,
      '--code',
      '48a1',
    ]);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(
      'Invalid --code: Code must be 4 to 12 digits, as typed at the keypad.',
    );
    const missing = await admin(['keypad', '--organization', orgId, '--lock', lock.id]);
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('--code');
  });

  it('opens the lock with a key, and the lock logged each thing in order', async () => {
    const result = await admin(['unlock-with-key', '--organization', orgId, '--lock', lock.id]);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout.trim()).toBe(`Room 512 (${lock.externalId}): unlocked with a key.`);
    const log = await withDatabase((db) =>
      db
        .select({ kind: simulatedLockEvents.kind, method: simulatedLockEvents.method })
        .from(simulatedLockEvents)
        .where(eq(simulatedLockEvents.lockId, lock.externalId))
        .orderBy(asc(simulatedLockEvents.seq)),
    );
    expect(log).toEqual([
      { kind: 'unlocked', method: 'keycode' },
      { kind: 'access_denied', method: 'keycode' },
      { kind: 'unlocked', method: 'manual' },
    ]);
    // No PIN reached a printed line.
    expect(outputs.join('\n')).not.toContain('4821');
  });
});
