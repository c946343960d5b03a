import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessCodes, auditLog, devices, simulatedLockCodes } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { createAccessCode } from '@/lib/access-codes/operations';
import { createApiKey } from '@/lib/api-keys';
import type { Actor } from '@/lib/auth/actor';
import { createPermanentBackupCode } from '@/lib/backup-pools/permanent';
import { defaultAdapters } from '@/lib/devices/connections';
import { runTick } from '@/lib/reconciler/tick';
import { handleSeamRequest } from './handler';

/**
 * Issue 18 finding 2: hidden digits (an unpulled backup code's, a permanent
 * backup code's) must not be discoverable through the API. Updating one's own
 * far-future code to digits X answered "That code is already in use…" exactly
 * when a backup held X, and `access_codes/get {device_id, code}` returned a
 * permanent code with its digits.
 */

const T0 = new Date('2026-11-26T14:00:00Z');
const DAY = 86_400_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

let database: TestDatabase;
let actor: Actor;
let apiKey: string;
let organizationId: string;
let propertyId: string;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await database.truncate();
  const org = await createOrganization(database.db, { roles: ['admin'] });
  organizationId = org.org.id;
  propertyId = org.property.id;
  actor = await actorFor(database.db, org, 'admin');
  apiKey = (await createApiKey(database.db, actor, { name: 'Integration' })).apiKey;
});

const tick = (now: Date) =>
  runTick(database.db, { now, adapters: defaultAdapters(database.db), random: () => 1 });

type ShownCode = {
  access_code_id: string;
  code: string | null;
  status: string;
  errors: unknown[];
  warnings: unknown[];
};
/** The parts of Seam's envelope these tests read. */
type Answer = {
  ok: boolean;
  error?: { type: string; message: string };
  access_code?: ShownCode;
  action_attempt?: { result?: { access_code?: ShownCode } };
};

async function call(path: string, body: Record<string, unknown>, now = T0) {
  const response = await handleSeamRequest(
    new Request(`http://127.0.0.1/api/seam/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
    path,
    { getDb: async () => database.db, now: () => now },
  );
  return { status: response.status, body: (await response.json()) as Answer };
}

/** A lock with a full, programmed backup pool; its pool codes as the database holds them. */
async function lockWithPool() {
  const lock = await addSimulatedLock(database.db, {
    organizationId,
    propertyId,
    allowedLengths: [4],
  });
  await database.db.update(devices).set({ backupPoolEnabled: true }).where(eq(devices.id, lock.id));
  await tick(T0);
  const pool = await poolOf(lock.id);
  expect(pool).toHaveLength(5);
  return { lock, pool };
}

const poolOf = (deviceId: string) =>
  database.db
    .select()
    .from(accessCodes)
    .where(
      and(
        eq(accessCodes.deviceId, deviceId),
        eq(accessCodes.isBackup, true),
        isNull(accessCodes.pulledAt),
        isNull(accessCodes.deletedAt),
      ),
    );

/** The integrator's own code, a month ahead. */
const farFutureCode = (deviceId: string) =>
  createAccessCode(
    database.db,
    actor,
    { deviceId, name: 'Later guest', startsAt: at(30 * DAY), endsAt: at(32 * DAY) },
    T0,
  );

/** What a prober can compare between answers: everything but the digits asked for and ids. */
function answer(result: Awaited<ReturnType<typeof call>>) {
  const code = result.body.action_attempt?.result?.access_code ?? result.body.access_code;
  return {
    status: result.status,
    ok: result.body.ok,
    error: result.body.error ?? null,
    codeStatus: code?.status ?? null,
    codeErrors: code?.errors ?? null,
    codeWarnings: code?.warnings ?? null,
  };
}

/** Four-digit strings nobody on the lock holds. */
function unheld(taken: Set<string>, count: number): string[] {
  const out: string[] = [];
  for (let n = 1234; out.length < count; n = (n * 7919 + 17) % 10_000) {
    const digits = String(n).padStart(4, '0');
    if (!taken.has(digits) && !out.includes(digits)) out.push(digits);
  }
  return out;
}

describe('no oracle on hidden digits', () => {
  it('answers an update to a backup code’s digits exactly as one to digits nobody holds', async () => {
    const { lock, pool } = await lockWithPool();
    const own = await farFutureCode(lock.id);
    const poolDigits = pool.map((c) => c.code ?? '');
    const taken = new Set([...poolDigits, own.code ?? '']);
    const probes = [...poolDigits, ...unheld(taken, 20)];

    const answers = new Map<string, ReturnType<typeof answer>>();
    for (const digits of probes) {
      answers.set(
        digits,
        answer(await call('access_codes/update', { access_code_id: own.id, code: digits })),
      );
    }
    const distinct = new Set([...answers.values()].map((a) => JSON.stringify(a)));
    expect([...distinct].map((a) => JSON.parse(a))).toEqual([
      { status: 200, ok: true, error: null, codeStatus: 'unset', codeErrors: [], codeWarnings: [] },
    ]);
  });

  it('retires the backup code whose digits were asked for; the pool refills with other digits and the new code reaches the lock', async () => {
    const { lock, pool } = await lockWithPool();
    const [taken] = pool;
    if (!taken?.code) throw new Error('no backup');
    const result = await call('access_codes/create', {
      device_id: lock.id,
      name: 'Walk-in',
      code: taken.code,
    });
    expect(result.status).toBe(200);
    const created = result.body.access_code;
    if (!created) throw new Error('no code in the answer');
    expect(created.code).toBe(taken.code);

    const [retired] = await database.db
      .select()
      .from(accessCodes)
      .where(eq(accessCodes.id, taken.id));
    expect(retired?.deletedAt).not.toBeNull();

    await tick(at(60_000));
    await tick(at(120_000));
    const [mine] = await database.db
      .select()
      .from(accessCodes)
      .where(eq(accessCodes.id, created.access_code_id));
    expect(mine).toMatchObject({ status: 'set', errors: [] });
    const refilled = await poolOf(lock.id);
    expect(refilled).toHaveLength(5);
    expect(refilled.map((c) => c.code)).not.toContain(taken.code);
    const onLock = await database.db.select().from(simulatedLockCodes);
    expect(onLock.filter((c) => c.code === taken.code).map((c) => c.keyholdCodeId)).toEqual([
      created.access_code_id,
    ]);
  });

  it('answers an update to a permanent backup code’s digits as one to digits nobody holds, and tells the owner it was retired', async () => {
    const { lock } = await lockWithPool();
    const permanent = await createPermanentBackupCode(database.db, actor, lock.id, T0);
    const own = await farFutureCode(lock.id);
    const free = unheld(new Set([permanent.code, own.code ?? '']), 1)[0] ?? '';
    const forFree = answer(
      await call('access_codes/update', { access_code_id: own.id, code: free }),
    );
    const forPermanent = answer(
      await call('access_codes/update', { access_code_id: own.id, code: permanent.code }),
    );
    expect(forPermanent).toEqual(forFree);
    expect(forPermanent.status).toBe(200);

    const [retired] = await database.db
      .select()
      .from(accessCodes)
      .where(eq(accessCodes.id, permanent.accessCodeId));
    expect(retired?.deletedAt).not.toBeNull();
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'permanent_backup_code.retired'));
    expect(audit).toHaveLength(1);
    expect(audit[0]?.targetId).toBe(permanent.accessCodeId);
    expect(JSON.stringify(audit[0]?.detail)).not.toContain(permanent.code);
  });

  it('still refuses digits another visible code holds, in the words it always used', async () => {
    const { lock } = await lockWithPool();
    const own = await farFutureCode(lock.id);
    const other = await farFutureCode(lock.id);
    const result = await call('access_codes/update', {
      access_code_id: own.id,
      code: other.code,
    });
    expect(result.status).toBe(400);
    expect(result.body.error?.message).toMatch(
      /^That code is already in use on .* by another code/,
    );
  });
});

describe('get by digits never returns hidden digits', () => {
  it('answers a pool code’s digits and a permanent code’s digits as digits nobody holds', async () => {
    const { lock, pool } = await lockWithPool();
    const permanent = await createPermanentBackupCode(database.db, actor, lock.id, T0);
    await tick(T0);
    const taken = new Set([...pool.map((c) => c.code ?? ''), permanent.code]);
    const [free] = unheld(taken, 1);
    const nobody = await call('access_codes/get', { device_id: lock.id, code: free });
    expect(nobody.status).toBe(404);
    expect(nobody.body.error?.type).toBe('access_code_not_found');
    for (const digits of [pool[0]?.code, permanent.code]) {
      const result = await call('access_codes/get', { device_id: lock.id, code: digits });
      expect({ status: result.status, body: result.body }).toEqual({
        status: nobody.status,
        body: nobody.body,
      });
    }
  });
});

describe('events never carry digits', () => {
  it('lists the pool’s codes going on and a pull without any code’s digits', async () => {
    const { lock, pool } = await lockWithPool();
    const guest = await createAccessCode(
      database.db,
      actor,
      { deviceId: lock.id, name: 'Guest', startsAt: at(-DAY), endsAt: at(DAY) },
      at(-2 * DAY),
    );
    await tick(T0);
    const pulled = await call('access_codes/pull_backup_access_code', {
      access_code_id: guest.id,
    });
    expect(pulled.status).toBe(200);
    const listed = await call('events/list', {
      since: '2000-01-01T00:00:00Z',
      device_id: lock.id,
    });
    expect(listed.status).toBe(200);
    const events = (listed.body as unknown as { events: { event_type: string }[] }).events;
    expect(events.map((e) => e.event_type)).toContain('access_code.backup_access_code_pulled');
    // One set_on_device per pool code and one for the guest's.
    expect(events.filter((e) => e.event_type === 'access_code.set_on_device')).toHaveLength(6);
    const text = JSON.stringify(listed.body);
    expect(text).not.toMatch(/"(code|backup_access_code)":/);
    for (const digits of [...pool.map((c) => c.code), guest.code, pulled.body.access_code?.code]) {
      expect(digits).toMatch(/^\d{4}$/);
      expect(text).not.toContain(`"${digits}"`);
    }
  });
});
