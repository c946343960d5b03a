import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  isSeamHttpApiError,
  SeamHttp,
  SeamHttpInvalidInputError,
  SeamHttpUnauthorizedError,
} from '@seamapi/http/connect';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessCodes, devices } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { createApiKey, revokeApiKey } from '@/lib/api-keys';
import { defaultAdapters } from '@/lib/devices/connections';
import { runTick } from '@/lib/reconciler/tick';
import { handleSeamRequest } from './handler';

// Seam's official client against Keyhold's Seam-style API, served in process
// by the same handler as /api/seam on a loopback port.

const NOW = new Date('2026-11-26T12:00:00Z');
let database: TestDatabase;
let server: Server;
let endpoint: string;
let keyA: string;
let keyB: string;
let lockA: string;
let lockA2: string;
let lockB: string;

async function startServer(): Promise<Server> {
  const s = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const request = new Request(url, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: body.length > 0 && req.method !== 'GET' && req.method !== 'HEAD' ? body : undefined,
    });
    const path = url.pathname.replace(/^\/api\/seam\//, '');
    const response = await handleSeamRequest(request, path, {
      getDb: async () => database.db,
      now: () => NOW,
    });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  return s;
}

const seamFor = (key: string) => SeamHttp.fromApiKey(key, { endpoint });

async function keyFor(organization: Parameters<typeof actorFor>[1]) {
  const actor = await actorFor(database.db, organization, 'admin');
  return (await createApiKey(database.db, actor, { name: 'Integration' })).apiKey;
}

beforeAll(async () => {
  database = await createTestDatabase();
  const a = await createOrganization(database.db, { name: 'Harbor', roles: ['admin'] });
  const b = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  keyA = await keyFor(a);
  keyB = await keyFor(b);
  lockA = (
    await addSimulatedLock(database.db, {
      organizationId: a.org.id,
      propertyId: a.property.id,
      room: '101',
    })
  ).id;
  lockA2 = (
    await addSimulatedLock(database.db, {
      organizationId: a.org.id,
      propertyId: a.property.id,
      room: '102',
    })
  ).id;
  lockB = (
    await addSimulatedLock(database.db, {
      organizationId: b.org.id,
      propertyId: b.property.id,
      room: '9',
    })
  ).id;
  server = await startServer();
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/seam`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await database.close();
});

describe('the guide’s flow through Seam’s SDK', () => {
  it('creates, reads, lists, moves and deletes a guest code', async () => {
    const seam = seamFor(keyA);
    const created = await seam.accessCodes.create({
      device_id: lockA,
      name: 'My Access Code',
      code: '4821',
      starts_at: '2026-12-01T20:00:00.000Z',
      ends_at: '2026-12-03T16:00:00.000Z',
      use_backup_access_code_pool: true,
    });
    expect(created).toMatchObject({
      device_id: lockA,
      name: 'My Access Code',
      code: '4821',
      type: 'time_bound',
      status: 'unset',
      is_managed: true,
      errors: [],
      warnings: [],
      pending_mutations: [],
      is_backup_access_code_available: false,
      pulled_backup_access_code_id: null,
    });
    const [device] = await database.db.select().from(devices).where(eq(devices.id, lockA));
    expect(device?.backupPoolEnabled).toBe(true);

    const fetched = await seam.accessCodes.get({ access_code_id: created.access_code_id });
    expect(fetched.errors).toHaveLength(0);
    expect(fetched.code).toBe('4821');
    const byDigits = await seam.accessCodes.get({ device_id: lockA, code: '4821' });
    expect(byDigits.access_code_id).toBe(created.access_code_id);

    const listed = await seam.accessCodes.list({ device_id: lockA });
    expect(listed.map((c) => c.access_code_id)).toContain(created.access_code_id);

    await seam.accessCodes.update({
      access_code_id: created.access_code_id,
      ends_at: '2026-12-04T16:00:00.000Z',
    });
    const moved = await seam.accessCodes.get({ access_code_id: created.access_code_id });
    expect(moved.ends_at).toBe('2026-12-04T16:00:00.000Z');

    await seam.accessCodes.delete({ access_code_id: created.access_code_id });
    // The SDK retries DELETE after a lost reply: a repeat must succeed too.
    await seam.accessCodes.delete({ access_code_id: created.access_code_id });
    const gone = await seam.accessCodes
      .get({ access_code_id: created.access_code_id })
      .catch((e: unknown) => e);
    expect(isSeamHttpApiError(gone) && gone.code).toBe('access_code_not_found');
    expect(isSeamHttpApiError(gone) && gone.statusCode).toBe(404);
  });

  it('creates an ongoing code with generated digits that fit the lock', async () => {
    const seam = seamFor(keyA);
    const { code: suggestion } = await seam.accessCodes.generateCode({ device_id: lockA });
    expect(suggestion).toMatch(/^\d{4,6}$/);
    const created = await seam.accessCodes.create({ device_id: lockA, name: 'Cleaner' });
    expect(created.type).toBe('ongoing');
    expect(created.code).toMatch(/^\d{4,6}$/);
  });

  it('creates one code on several locks with shared digits', async () => {
    const seam = seamFor(keyA);
    const codes = await seam.accessCodes.createMultiple({
      device_ids: [lockA, lockA2],
      name: 'Family',
      starts_at: '2026-12-10T20:00:00.000Z',
      ends_at: '2026-12-12T16:00:00.000Z',
    });
    expect(codes).toHaveLength(2);
    expect(new Set(codes.map((c) => c.code)).size).toBe(1);
  });

  it('resolves the action attempt an update returns, and sends seam-request-id', async () => {
    const seam = seamFor(keyA);
    const created = await seam.accessCodes.create({ device_id: lockA, name: 'Attempted' });
    const response = await seam.client.patch('/access_codes/update', {
      access_code_id: created.access_code_id,
      name: 'Renamed',
    });
    expect(response.headers['seam-request-id']).toBeTruthy();
    const attemptId = response.data.action_attempt.action_attempt_id;
    const attempt = await seam.actionAttempts.get({ action_attempt_id: attemptId });
    expect(attempt).toMatchObject({ status: 'success', action_type: 'UPDATE_ACCESS_CODE' });
  });
});

describe('backup codes through the SDK', () => {
  it('pulls a backup code for a stay, the same one twice, with its digits', async () => {
    const seam = seamFor(keyA);
    const stay = await seam.accessCodes.create({
      device_id: lockA2,
      name: 'Locked-out guest',
      starts_at: '2026-11-26T10:00:00.000Z',
      ends_at: '2026-11-28T16:00:00.000Z',
      use_backup_access_code_pool: true,
    });
    // Nothing is on the lock until ticks have run: the pull says so.
    const early = await seam.accessCodes
      .pullBackupAccessCode({ access_code_id: stay.access_code_id })
      .catch((e: unknown) => e);
    expect(isSeamHttpApiError(early) && early.statusCode).toBe(409);

    await runTick(database.db, { now: NOW, adapters: defaultAdapters(database.db) });
    const ready = await seam.accessCodes.get({ access_code_id: stay.access_code_id });
    expect(ready.is_backup_access_code_available).toBe(true);
    const listed = await seam.accessCodes.list({ device_id: lockA2 });
    expect(listed.find((c) => c.access_code_id === stay.access_code_id)).toEqual(ready);
    const listedBackups = listed.filter((c) => c.is_backup);
    expect(listedBackups).toHaveLength(5);
    for (const code of listedBackups) expect(code.code).toBeNull();

    const backup = await seam.accessCodes.pullBackupAccessCode({
      access_code_id: stay.access_code_id,
    });
    expect(backup).toMatchObject({ is_backup: true, type: 'time_bound', ends_at: stay.ends_at });
    expect(backup.code).toMatch(/^\d{4,6}$/);
    const again = await seam.accessCodes.pullBackupAccessCode({
      access_code_id: stay.access_code_id,
    });
    expect(again.access_code_id).toBe(backup.access_code_id);
    const original = await seam.accessCodes.get({ access_code_id: stay.access_code_id });
    expect(original.pulled_backup_access_code_id).toBe(backup.access_code_id);
    expect(original.warnings.map((w) => w.warning_code)).toContain('using_backup_access_code');
  });
});

describe('a pull follows the same rule as the desk', () => {
  const refusal = (e: unknown) =>
    isSeamHttpApiError(e) ? { status: e.statusCode, message: e.message } : { error: e };

  it('refuses a code whose stay has not started, saying from when', async () => {
    const seam = seamFor(keyA);
    const tomorrow = await seam.accessCodes.create({
      device_id: lockA2,
      name: 'Tomorrow’s guest',
      starts_at: '2026-11-27T20:00:00.000Z',
      ends_at: '2026-11-29T16:00:00.000Z',
    });
    const error = await seam.accessCodes
      .pullBackupAccessCode({ access_code_id: tomorrow.access_code_id })
      .catch(refusal);
    expect(error).toEqual({
      status: 409,
      message:
        'Backup codes for Tomorrow’s guest work from check-in: pull one from Fri, 27 Nov 2026, 15:00 EST.',
    });
  });

  it('refuses a lock that was reset, with the fallback, and says no backup is available', async () => {
    const seam = seamFor(keyA);
    const stay = await seam.accessCodes.create({
      device_id: lockA2,
      name: 'Guest on a reset lock',
      starts_at: '2026-11-26T10:00:00.000Z',
      ends_at: '2026-11-28T16:00:00.000Z',
    });
    const [before] = await database.db.select().from(devices).where(eq(devices.id, lockA2));
    await database.db
      .update(devices)
      .set({
        online: false,
        errors: [{ code: 'device_removed', message: 'gone', createdAt: NOW.toISOString() }],
      })
      .where(eq(devices.id, lockA2));
    try {
      const error = await seam.accessCodes
        .pullBackupAccessCode({ access_code_id: stay.access_code_id })
        .catch(refusal);
      expect(error).toMatchObject({
        status: 409,
        message: expect.stringMatching(
          /was reset and has no codes — Let the guest in with a key, or call maintenance\.$/,
        ),
      });
      const code = await seam.accessCodes.get({ access_code_id: stay.access_code_id });
      expect(code.is_backup_access_code_available).toBe(false);
      // Get, the lock's list and a list by ids read the lock their own ways
      // (issue 23: one statement each); all three show the code alike.
      expect(code.errors).toContainEqual(
        expect.objectContaining({ error_code: 'device_removed', is_device_error: true }),
      );
      const onLock = await seam.accessCodes.list({ device_id: lockA2 });
      expect(onLock.find((c) => c.access_code_id === stay.access_code_id)).toEqual(code);
      const byId = await seam.accessCodes.list({ access_code_ids: [stay.access_code_id] });
      expect(byId).toEqual([code]);
    } finally {
      await database.db
        .update(devices)
        .set({ online: before?.online ?? true, errors: before?.errors ?? [] })
        .where(eq(devices.id, lockA2));
    }
  });
});

describe('devices and locks', () => {
  it('lists and gets locks as devices and as locks', async () => {
    const seam = seamFor(keyA);
    const all = await seam.devices.list();
    expect(all.map((d) => d.device_id).sort()).toEqual([lockA, lockA2].sort());
    const device = await seam.devices.get({ device_id: lockA });
    expect(device.properties).toMatchObject({ online: true, supported_code_lengths: [4, 5, 6] });
    const locks = await seam.locks.list();
    expect(locks).toHaveLength(2);
    const lock = await seam.locks.get({ device_id: lockA2 });
    expect(lock.device_id).toBe(lockA2);
  });
});

describe('paging', () => {
  it('walks 120 codes with the SDK’s paginator, each once', async () => {
    const seam = seamFor(keyA);
    const lock = await database.db
      .select({ id: devices.id, organizationId: devices.organizationId })
      .from(devices)
      .where(eq(devices.id, lockA2));
    const target = lock[0];
    if (!target) throw new Error('lock missing');
    await database.db.insert(accessCodes).values(
      Array.from({ length: 120 }, (_, i) => ({
        organizationId: target.organizationId,
        deviceId: target.id,
        type: 'ongoing' as const,
        code: String(200000 + i),
        name: `Bulk ${i}`,
      })),
    );
    const [total] = await database.db
      .select({ n: count() })
      .from(accessCodes)
      .where(eq(accessCodes.deviceId, lockA2));
    const paginator = seam.createPaginator(seam.accessCodes.list({ device_id: lockA2, limit: 50 }));
    const [firstPage, pagination] = await paginator.firstPage();
    expect(firstPage).toHaveLength(50);
    expect(pagination.hasNextPage).toBe(true);
    const everything = await paginator.flattenToArray();
    expect(everything).toHaveLength(total?.n ?? 0);
    expect(new Set(everything.map((c) => c.access_code_id)).size).toBe(everything.length);
  });
});

describe('errors', () => {
  // Review of issue 23: the API skips the proxy, whose copy of a body was
  // capped; a chunked body announces no length, so the read itself must stop.
  it('refuses a chunked body past 1 MB without reading the rest', async () => {
    let pulls = 0;
    const chunk = new TextEncoder().encode(' '.repeat(256 * 1024));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls += 1;
        if (pulls > 100) controller.close();
        else controller.enqueue(chunk);
      },
    });
    const response = await handleSeamRequest(
      new Request(`${endpoint}/devices/list`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keyA}`, 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit),
      'devices/list',
      { getDb: async () => database.db, now: () => NOW },
    );
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error: { type: 'invalid_input', message: 'The request body is larger than 1 MB.' },
    });
    // 4 chunks make 1 MB; the stream reads one ahead. Not the 100 it offers.
    expect(pulls).toBeLessThanOrEqual(6);
  });

  it('raises SeamHttpInvalidInputError naming the field', async () => {
    const seam = seamFor(keyA);
    const notAnId = await seam.accessCodes.create({ device_id: 'not-a-lock' }).catch((e) => e);
    expect(notAnId).toBeInstanceOf(SeamHttpInvalidInputError);
    expect((notAnId as SeamHttpInvalidInputError).getValidationErrorMessages('device_id')).toEqual([
      'device_id must be a valid id.',
    ]);
    const backwards = await seam.accessCodes
      .create({
        device_id: lockA,
        starts_at: '2026-12-03T16:00:00.000Z',
        ends_at: '2026-12-01T20:00:00.000Z',
      })
      .catch((e) => e);
    expect(backwards).toBeInstanceOf(SeamHttpInvalidInputError);
    expect((backwards as Error).message).toBe('ends_at must be after starts_at.');
    // A year typed wrong is refused, not booked for years (9999 is past the instant's own range).
    const farOff = await seam.accessCodes
      .create({
        device_id: lockA,
        starts_at: '2030-12-01T20:00:00.000Z',
        ends_at: '2030-12-03T16:00:00.000Z',
      })
      .catch((e) => e);
    expect(farOff).toBeInstanceOf(SeamHttpInvalidInputError);
    expect((farOff as SeamHttpInvalidInputError).getValidationErrorMessages('starts_at')).toEqual([
      'starts_at must be within 2 years.',
    ]);
    const letters = await seam.accessCodes
      .create({ device_id: lockA, code: 'abcd' })
      .catch((e) => e);
    expect(letters).toBeInstanceOf(SeamHttpInvalidInputError);
  });

  it('raises SeamHttpUnauthorizedError for an unknown or revoked key', async () => {
    const unknown = await seamFor('seam_kh_not_a_real_key')
      .devices.list()
      .catch((e) => e);
    expect(unknown).toBeInstanceOf(SeamHttpUnauthorizedError);

    const org = await createOrganization(database.db, { roles: ['admin'] });
    const actor = await actorFor(database.db, org, 'admin');
    const { apiKey, key } = await createApiKey(database.db, actor, { name: 'Short-lived' });
    await expect(seamFor(apiKey).devices.list()).resolves.toEqual([]);
    await revokeApiKey(database.db, actor, key.id, NOW);
    await expect(seamFor(apiKey).devices.list()).rejects.toBeInstanceOf(SeamHttpUnauthorizedError);
  });
});

describe('isolation', () => {
  it('names what is missing in the error type Seam’s SDK reads, with 404', async () => {
    const seam = seamFor(keyA);
    const nobody = '7d1f0c2e-5a4b-4c3d-8e9f-a0b1c2d3e4f5';
    const missing = async (call: Promise<unknown>) => {
      const error = await call.then(
        () => null,
        (e: unknown) => e,
      );
      if (!isSeamHttpApiError(error)) throw new Error(`expected a Seam API error, got ${error}`);
      return [error.statusCode, error.code];
    };
    expect(await missing(seam.accessCodes.get({ access_code_id: nobody }))).toEqual([
      404,
      'access_code_not_found',
    ]);
    expect(await missing(seam.accessCodes.delete({ access_code_id: nobody }))).toEqual([
      404,
      'access_code_not_found',
    ]);
    expect(await missing(seam.devices.get({ device_id: nobody }))).toEqual([
      404,
      'device_not_found',
    ]);
    expect(await missing(seam.locks.get({ device_id: nobody }))).toEqual([404, 'device_not_found']);
    // A code for a lock that is not there, or is another organization's: the lock is what is missing.
    for (const device_id of [nobody, lockB]) {
      expect(await missing(seam.accessCodes.create({ device_id, name: 'Nowhere' }))).toEqual([
        404,
        'device_not_found',
      ]);
    }
    expect(await missing(seam.actionAttempts.get({ action_attempt_id: nobody }))).toEqual([
      404,
      'action_attempt_not_found',
    ]);
  });

  it('never shows another organization’s lock on a code, even one wrongly pointed at it', async () => {
    const [harbor] = await database.db.select().from(devices).where(eq(devices.id, lockA));
    const [stray] = await database.db
      .insert(accessCodes)
      .values({
        organizationId: harbor?.organizationId ?? '',
        deviceId: lockB,
        type: 'ongoing',
        code: '864213',
        name: 'Stray',
      })
      .returning();
    const [rival] = await database.db.select().from(devices).where(eq(devices.id, lockB));
    await database.db
      .update(devices)
      .set({
        errors: [
          {
            code: 'device_removed',
            message: 'Rival lock 9 was reset',
            createdAt: NOW.toISOString(),
          },
        ],
      })
      .where(eq(devices.id, lockB));
    try {
      const code = await seamFor(keyA).accessCodes.get({ access_code_id: stray?.id ?? '' });
      expect(code.errors).toEqual([]);
      expect(code.is_backup_access_code_available).toBe(false);
    } finally {
      await database.db
        .update(devices)
        .set({ errors: rival?.errors ?? [] })
        .where(eq(devices.id, lockB));
      await database.db.delete(accessCodes).where(eq(accessCodes.id, stray?.id ?? ''));
    }
  });

  it('answers 404 to a list of codes on a lock that is not there, another’s, or replaced', async () => {
    const seam = seamFor(keyA);
    const [harbor] = await database.db.select().from(devices).where(eq(devices.id, lockA));
    const replaced = await addSimulatedLock(database.db, {
      organizationId: harbor?.organizationId ?? '',
      propertyId: harbor?.propertyId ?? '',
      room: '103',
    });
    await database.db
      .update(devices)
      .set({ status: 'replaced' })
      .where(eq(devices.id, replaced.id));
    for (const device_id of ['7d1f0c2e-5a4b-4c3d-8e9f-a0b1c2d3e4f5', lockB, replaced.id]) {
      const error = await seam.accessCodes.list({ device_id }).catch((e: unknown) => e);
      expect(isSeamHttpApiError(error) && [error.statusCode, error.code]).toEqual([
        404,
        'device_not_found',
      ]);
    }
    expect(await seam.accessCodes.list({ device_id: lockA })).toBeInstanceOf(Array);
  });

  it('answers 404 to another organization’s key and never lists its rows', async () => {
    const created = await seamFor(keyA).accessCodes.create({ device_id: lockA, name: 'Private' });
    const seamB = seamFor(keyB);
    const code = await seamB.accessCodes
      .get({ access_code_id: created.access_code_id })
      .catch((e) => e);
    expect(isSeamHttpApiError(code) && code.code).toBe('access_code_not_found');
    expect(isSeamHttpApiError(code) && code.statusCode).toBe(404);
    const device = await seamB.devices.get({ device_id: lockA }).catch((e) => e);
    expect(isSeamHttpApiError(device) && device.code).toBe('device_not_found');
    expect(isSeamHttpApiError(device) && device.statusCode).toBe(404);
    const list = await seamB.accessCodes.list({ device_id: lockA }).catch((e) => e);
    expect(isSeamHttpApiError(list) && list.statusCode).toBe(404);
    const del = await seamB.accessCodes
      .delete({ access_code_id: created.access_code_id })
      .catch((e) => e);
    expect(isSeamHttpApiError(del) && del.statusCode).toBe(404);
    expect((await seamB.devices.list()).map((d) => d.device_id)).toEqual([lockB]);
    // A's code is untouched.
    const still = await seamFor(keyA).accessCodes.get({ access_code_id: created.access_code_id });
    expect(still.name).toBe('Private');
  });
});
