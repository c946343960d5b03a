import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSeamHttpApiError, SeamHttp, SeamHttpInvalidInputError } from '@seamapi/http/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { createAccessCode } from '@/lib/access-codes/operations';
import { createApiKey } from '@/lib/api-keys';
import { defaultAdapters } from '@/lib/devices/connections';
import { recordEvents } from '@/lib/events/store';
import { runTick } from '@/lib/reconciler/tick';
import { handleSeamRequest } from './handler';

// events/list and events/get through Seam's official client, against the
// same handler /api/seam serves, on a loopback port: Keyhold's own events
// (a tick setting codes) and a lock's report, in Seam's shape.

const NOW = new Date('2026-11-26T12:00:00Z');
let database: TestDatabase;
let server: Server;
let endpoint: string;
let keyA: string;
let keyB: string;
let lockA: string;
let lockA2: string;
let lockB: string;
let codeA: { id: string; code: string | null };
let codeA2: { id: string; code: string | null };
let codeB: { id: string; code: string | null };
/** Before anything was written: every event was stored after it. */
let before: string;

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
/** An event's fields whatever its type: the SDK types each of Seam's events apart. */
const f = (e: object) => e as Record<string, unknown>;

beforeAll(async () => {
  database = await createTestDatabase();
  before = new Date(Date.now() - 1000).toISOString();
  const a = await createOrganization(database.db, { name: 'Harbor', roles: ['admin'] });
  const b = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  const adminA = await actorFor(database.db, a, 'admin');
  const adminB = await actorFor(database.db, b, 'admin');
  keyA = (await createApiKey(database.db, adminA, { name: 'Integration' })).apiKey;
  keyB = (await createApiKey(database.db, adminB, { name: 'Integration' })).apiKey;
  const lock = async (org: typeof a, room: string) =>
    (
      await addSimulatedLock(database.db, {
        organizationId: org.org.id,
        propertyId: org.property.id,
        room,
      })
    ).id;
  lockA = await lock(a, '101');
  lockA2 = await lock(a, '102');
  lockB = await lock(b, '9');
  const staff = (actor: typeof adminA, deviceId: string) =>
    createAccessCode(database.db, actor, { deviceId, name: 'Staff' }, NOW);
  codeA = await staff(adminA, lockA);
  codeA2 = await staff(adminA, lockA2);
  codeB = await staff(adminB, lockB);
  // The tick puts all three on their locks: three access_code.set_on_device.
  await runTick(database.db, { now: NOW, adapters: defaultAdapters(database.db) });
  // Then the guest comes in with code A.
  await recordEvents(database.db, [
    {
      organizationId: a.org.id,
      eventType: 'lock.unlocked',
      occurredAt: new Date(NOW.getTime() + 60_000),
      deviceId: lockA,
      accessCodeId: codeA.id,
      method: 'keycode',
      detail: { is_backup_access_code: false },
      dedupeKey: `lock:${lockA}:evt-1`,
    },
  ]);
  server = await startServer();
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/seam`;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await database.close();
});

describe('events/list', () => {
  it('answers a lock’s events in Seam’s shape, newest first', async () => {
    const listed = await seamFor(keyA).events.list({ since: before, device_id: lockA });
    expect(listed.map((e) => e.event_type)).toEqual(['lock.unlocked', 'access_code.set_on_device']);
    const [unlocked, set] = listed;
    expect(unlocked).toMatchObject({
      event_type: 'lock.unlocked',
      device_id: lockA,
      access_code_id: codeA.id,
      method: 'keycode',
      occurred_at: '2026-11-26T12:01:00.000Z',
      is_backup_access_code: false,
    });
    expect(set).toMatchObject({
      event_type: 'access_code.set_on_device',
      device_id: lockA,
      access_code_id: codeA.id,
      occurred_at: NOW.toISOString(),
      is_backup_access_code: false,
    });
    for (const e of listed) {
      expect(e.event_id).toMatch(/^[0-9a-f-]{36}$/);
      expect(new Date(e.created_at).getTime()).toBeGreaterThan(new Date(before).getTime());
    }
  });

  it('filters by code, type, several locks, a window and a limit', async () => {
    const seam = seamFor(keyA);
    const byCode = await seam.events.list({ since: before, access_code_id: codeA2.id });
    expect(byCode.map((e) => [e.event_type, f(e).device_id])).toEqual([
      ['access_code.set_on_device', lockA2],
    ]);
    const byCodes = await seam.events.list({
      since: before,
      access_code_ids: [codeA.id, codeA2.id],
    });
    expect(byCodes).toHaveLength(3);
    const sets = await seam.events.list({
      since: before,
      event_type: 'access_code.set_on_device',
    });
    expect(sets.map((e) => f(e).access_code_id).sort()).toEqual([codeA.id, codeA2.id].sort());
    const types = await seam.events.list({
      since: before,
      event_types: ['lock.unlocked', 'device.disconnected'],
    });
    expect(types.map((e) => e.event_type)).toEqual(['lock.unlocked']);
    const locks = await seam.events.list({ since: before, device_ids: [lockA, lockA2] });
    expect(locks).toHaveLength(3);
    const inWindow = await seam.events.list({
      between: [before, new Date(Date.now() + 60_000).toISOString()],
    });
    expect(inWindow).toHaveLength(3);
    const future = await seam.events.list({ since: new Date(Date.now() + 60_000).toISOString() });
    expect(future).toEqual([]);
    const one = await seam.events.list({ since: before, limit: 1 });
    expect(one.map((e) => e.event_type)).toEqual(['lock.unlocked']);
  });

  it('never shows another organization’s events, nor any digits', async () => {
    const rival = await seamFor(keyB).events.list({ since: before });
    expect(rival.map((e) => [e.event_type, f(e).access_code_id])).toEqual([
      ['access_code.set_on_device', codeB.id],
    ]);
    expect(await seamFor(keyB).events.list({ since: before, device_id: lockA })).toEqual([]);
    const mine = await seamFor(keyA).events.list({ since: before });
    expect(mine.map((e) => f(e).device_id)).not.toContain(lockB);
    const text = JSON.stringify([...rival, ...mine]);
    for (const c of [codeA, codeA2, codeB]) expect(text).not.toContain(`"${c.code}"`);
  });

  it('refuses a bad since, a missing window and an unknown type with 400 naming the field', async () => {
    const seam = seamFor(keyA);
    /** The messages the 400 gives for `field`; each names it. */
    const refusal = async (call: Promise<unknown>, field: string) => {
      const error = await call.then(
        () => null,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SeamHttpInvalidInputError);
      const invalid = error as SeamHttpInvalidInputError;
      expect(invalid.statusCode).toBe(400);
      const messages = invalid.getValidationErrorMessages(field);
      expect(messages).toHaveLength(1);
      expect(messages[0]).toContain(field);
      return messages[0];
    };
    expect(await refusal(seam.events.list({ since: 'yesterday', device_id: lockA }), 'since')).toBe(
      'since must be an ISO 8601 date and time that exists, like 2027-03-05T15:00:00Z.',
    );
    expect(await refusal(seam.events.list({ device_id: lockA }), 'since')).toBe(
      'Give since or between.',
    );
    await refusal(
      seam.events.list({ since: before, event_type: 'lock.exploded' as 'lock.unlocked' }),
      'event_type',
    );
    await refusal(seam.events.list({ since: before, limit: 5000 }), 'limit');
    await refusal(seam.events.list({ since: before, between: [before, before] }), 'between');
  });
});

describe('events/get', () => {
  it('answers one of the organization’s events, and event_not_found for another’s', async () => {
    const [latest] = await seamFor(keyA).events.list({ since: before, device_id: lockA });
    if (!latest) throw new Error('no event');
    const got = await seamFor(keyA).events.get({ event_id: latest.event_id });
    expect(got).toEqual(latest);

    for (const call of [
      seamFor(keyB).events.get({ event_id: latest.event_id }),
      seamFor(keyA).events.get({ event_id: '00000000-0000-4000-8000-000000000000' }),
    ]) {
      const error = await call.then(
        () => null,
        (e: unknown) => e,
      );
      expect(isSeamHttpApiError(error) && error.statusCode).toBe(404);
      expect(isSeamHttpApiError(error) && error.code).toBe('event_not_found');
    }
  });
});
