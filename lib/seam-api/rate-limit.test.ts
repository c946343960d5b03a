import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isSeamHttpApiError, SeamHttp } from '@seamapi/http/connect';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { createApiKey } from '@/lib/api-keys';
import { parseEnv } from '@/lib/env';
import { handleSeamRequest } from './handler';
import { rateLimiterFrom, TokenBuckets } from './rate-limit';

// Issue 18 finding 2: one key probed digits at 52–67 requests a second. Each
// API key now gets a token bucket: a burst, then a steady rate, and beyond
// it 429 in Seam's envelope with Retry-After in seconds.

const NOW = new Date('2026-11-26T12:00:00Z');
let database: TestDatabase;
let keyA: string;
let keyB: string;
let lockId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const org = await createOrganization(database.db, { roles: ['admin'] });
  const admin = await actorFor(database.db, org, 'admin');
  keyA = (await createApiKey(database.db, admin, { name: 'A' })).apiKey;
  keyB = (await createApiKey(database.db, admin, { name: 'B' })).apiKey;
  lockId = (
    await addSimulatedLock(database.db, { organizationId: org.org.id, propertyId: org.property.id })
  ).id;
});
afterAll(async () => {
  await database.close();
});

function limited(limit: { perSecond: number; burst: number }) {
  let ms = 0;
  const limiter = new TokenBuckets(limit, () => ms);
  const call = (key: string) =>
    handleSeamRequest(
      new Request('http://127.0.0.1/api/seam/devices/get', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ device_id: lockId }),
      }),
      'devices/get',
      { getDb: async () => database.db, now: () => NOW, rateLimiter: limiter },
    );
  return { call, wait: (seconds: number) => (ms += seconds * 1000) };
}

describe('the per-key rate limit', () => {
  it('answers 429 with Retry-After after the burst, and serves again once the key has waited', async () => {
    const { call, wait } = limited({ perSecond: 2, burst: 5 });
    for (let i = 0; i < 5; i++) expect((await call(keyA)).status).toBe(200);

    const refused = await call(keyA);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(await refused.json()).toEqual({
      error: {
        type: 'rate_limited',
        message:
          'Too many requests for this API key: at most 2 a second, in bursts of up to 5. Try again in 1 s.',
      },
      ok: false,
    });
    // Another key of the same organization has its own bucket.
    expect((await call(keyB)).status).toBe(200);

    wait(Number(refused.headers.get('retry-after')));
    expect((await call(keyA)).status).toBe(200);
  });

  it('says how long to wait when the rate is below one a second', async () => {
    const { call } = limited({ perSecond: 0.25, burst: 1 });
    expect((await call(keyA)).status).toBe(200);
    const refused = await call(keyA);
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('4');
  });

  it('counts nothing for a request without a valid key', async () => {
    const { call } = limited({ perSecond: 1, burst: 1 });
    for (let i = 0; i < 3; i++) expect((await call('seam_kh_not-a-key')).status).toBe(401);
    expect((await call(keyA)).status).toBe(200);
  });

  it('is 20 a second in bursts of 100 unless configured, and off at 0', () => {
    const defaults = parseEnv({});
    expect(rateLimiterFrom(defaults)?.limit).toEqual({ perSecond: 20, burst: 100 });
    const off = parseEnv({ SEAM_API_RATE_PER_SECOND: '0' });
    expect(rateLimiterFrom(off)).toBeUndefined();
    const custom = parseEnv({ SEAM_API_RATE_PER_SECOND: '50', SEAM_API_RATE_BURST: '200' });
    expect(rateLimiterFrom(custom)?.limit).toEqual({ perSecond: 50, burst: 200 });
  });

  it('reaches Seam’s own client as an API error it can tell by type', async () => {
    const limiter = new TokenBuckets({ perSecond: 1, burst: 2 }, () => 0);
    const server = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = Buffer.concat(chunks);
      const response = await handleSeamRequest(
        new Request(url, {
          method: req.method,
          headers: req.headers as Record<string, string>,
          body: body.length > 0 && req.method !== 'GET' ? body : undefined,
        }),
        url.pathname.replace(/^\/api\/seam\//, ''),
        { getDb: async () => database.db, now: () => NOW, rateLimiter: limiter },
      );
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const seam = SeamHttp.fromApiKey(keyA, { endpoint: `http://127.0.0.1:${port}/api/seam` });
      await seam.devices.get({ device_id: lockId });
      await seam.devices.get({ device_id: lockId });
      const error = await seam.devices.get({ device_id: lockId }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(isSeamHttpApiError(error)).toBe(true);
      expect(error).toMatchObject({ code: 'rate_limited', statusCode: 429 });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
