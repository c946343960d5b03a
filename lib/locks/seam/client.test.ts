import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SeamApiError, SeamClient } from './client';

/** A stand-in for Seam's edge that answers each request with the next scripted reply. */
type Reply = (req: IncomingMessage, res: ServerResponse) => void;
let server: Server;
let url: string;
let script: Reply[];
let seen: { method: string; path: string; auth: string | undefined; body: string }[];

const json =
  (status: number, body: unknown, headers: Record<string, string> = {}): Reply =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => {
      body += chunk;
    });
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        path: req.url ?? '',
        auth: req.headers.authorization,
        body,
      });
      const reply =
        script.shift() ?? json(500, { error: { type: 'unscripted', message: 'no reply' } });
      reply(req, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});
beforeEach(() => {
  script = [];
  seen = [];
});

function client(options: { sleeps?: number[]; timeoutMs?: number } = {}) {
  return new SeamClient({
    apiKey: 'seam_key_1',
    endpoint: `${url}/`,
    timeoutMs: options.timeoutMs ?? 2_000,
    random: () => 1,
    sleep: async (ms) => {
      options.sleeps?.push(ms);
    },
  });
}

describe('Seam HTTP client', () => {
  it('POSTs JSON with the key as a bearer token and returns the answer', async () => {
    script = [json(200, { devices: [], ok: true })];
    await expect(client().call('/devices/list', { limit: 5 })).resolves.toEqual({
      devices: [],
      ok: true,
    });
    expect(seen).toEqual([
      { method: 'POST', path: '/devices/list', auth: 'Bearer seam_key_1', body: '{"limit":5}' },
    ]);
  });

  it('retries 429 and 5xx with growing waits, honouring Retry-After', async () => {
    const sleeps: number[] = [];
    script = [
      json(429, { error: { type: 'rate_limited', message: 'slow down' } }, { 'retry-after': '2' }),
      (_req, res) => {
        res.writeHead(503);
        res.end();
      },
      json(200, { ok: true }),
    ];
    await expect(client({ sleeps }).call('/access_codes/list', {})).resolves.toEqual({ ok: true });
    expect(seen).toHaveLength(3);
    expect(sleeps).toEqual([2_000, 900]);
  });

  it('gives up after two retries with Seam’s status and type', async () => {
    script = [0, 1, 2].map(() =>
      json(502, { error: { type: 'bad_gateway', message: 'upstream' } }),
    );
    const error = await client()
      .call('/access_codes/list', {})
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SeamApiError);
    expect(error).toMatchObject({ status: 502, type: 'bad_gateway', message: 'upstream' });
    expect(seen).toHaveLength(3);
  });

  it('does not repeat a create after a 5xx, only after a refusal', async () => {
    script = [json(500, { error: { type: 'internal', message: 'oops' } })];
    await expect(
      client().call('/access_codes/create', {}, { retry: 'refused' }),
    ).rejects.toMatchObject({ status: 500 });
    expect(seen).toHaveLength(1);

    seen = [];
    script = [
      json(429, { error: { type: 'rate_limited', message: 'wait' } }),
      json(200, { ok: true }),
    ];
    await expect(client().call('/access_codes/create', {}, { retry: 'refused' })).resolves.toEqual({
      ok: true,
    });
    expect(seen).toHaveLength(2);
  });

  it('does not retry a refusal of the request itself', async () => {
    script = [json(400, { error: { type: 'invalid_input', message: 'code is too short' } })];
    await expect(client().call('/access_codes/create', {})).rejects.toMatchObject({
      status: 400,
      type: 'invalid_input',
      message: 'code is too short',
    });
    expect(seen).toHaveLength(1);
  });

  it('bounds each attempt’s time', async () => {
    script = [0, 1, 2].map(() => () => {
      // Never answers.
    });
    const started = performance.now();
    await expect(client({ timeoutMs: 150 }).call('/devices/list', {})).rejects.toMatchObject({
      status: 0,
      type: 'timeout',
    });
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(seen).toHaveLength(3);
  });

  it('never puts a non-JSON body in its message', async () => {
    script = [
      (_req, res) => {
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('Not Found: /secret/path?token=abc');
      },
    ];
    const error = await client()
      .call('/nowhere', {})
      .catch((e: unknown) => e as Error);
    expect((error as Error).message).toBe('Seam answered 404 Not Found.');
  });
});
