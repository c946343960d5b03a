import { mkdtempSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Message, messages } from '@/db/schema';
import { createOrganization, createTestDatabase, type TestDatabase } from '@/db/testing';
import { deliverDueMessages, queueMessage } from './outbox';
import { twilioSmsTransport } from './sms-http';
import { type OutgoingMessage, TransportError } from './transport-types';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'tok-3f9a1c55e0b2-not-for-logs';
const FROM = '+14155550100';
const BASIC = Buffer.from(`${SID}:${TOKEN}`).toString('base64');

type Recorded = {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  form: Record<string, string>;
};
/** How the fake provider answers the nth request (from 0); `hang` never answers. */
type Answer = { status: number; json?: unknown; text?: string; headers?: Record<string, string> };
type Answerer = (request: Recorded, n: number) => Answer | 'hang';

const requests: Recorded[] = [];
let answer: Answerer;
let server: Server;
let baseUrl: string;

const created = (sid: string): Answer => ({ status: 201, json: { sid, status: 'queued' } });
const twilioError = (status: number, code: number, message: string): Answer => ({
  status,
  json: { code, message, more_info: `https://www.twilio.com/docs/errors/${code}`, status },
});

beforeAll(async () => {
  // A real HTTP server on loopback speaking just enough of Twilio's Messages API.
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded: Recorded = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        form: Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))),
      };
      requests.push(recorded);
      const reply = answer(recorded, requests.length - 1);
      if (reply === 'hang') return;
      const body = reply.json !== undefined ? JSON.stringify(reply.json) : (reply.text ?? '');
      res.writeHead(reply.status, {
        'content-type': reply.json !== undefined ? 'application/json' : 'text/html',
        ...reply.headers,
      });
      res.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  requests.length = 0;
  answer = () => created('SM00000000000000000000000000000001');
});

const sms = (timeoutMs?: number) =>
  twilioSmsTransport({ baseUrl, accountSid: SID, authToken: TOKEN, from: FROM, timeoutMs });

function outgoing(overrides: Partial<OutgoingMessage> = {}): OutgoingMessage {
  return {
    id: '6f1c2b8e-0d4a-4c1e-9a57-3b2f6e8d9c10',
    organizationId: 'a3e9d1f0-7b6c-4e2a-8f15-2c4d6b8a0e13',
    kind: 'backup_code',
    channel: 'sms',
    recipient: '+14155550123',
    subject: null,
    text: 'Harbour Inn: your backup code for room 204 is 482913.',
    html: null,
    idempotencyKey: 'backup-code.0123456789abcdef0123456789abcdef01234567',
    ...overrides,
  };
}

/** The TransportError a send rejects with; fails the test if it resolves. */
async function refusal(send: Promise<unknown>): Promise<TransportError> {
  const error = await send.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TransportError);
  return error as TransportError;
}

describe('twilioSmsTransport', () => {
  it("posts the form to the account's Messages endpoint with Basic auth and returns the sid", async () => {
    answer = () => created('SM1f0e2d3c4b5a69788796a5b4c3d2e1f0');
    const message = outgoing();
    const result = await sms().send(message);

    expect(result).toEqual({ providerMessageId: 'SM1f0e2d3c4b5a69788796a5b4c3d2e1f0' });
    expect(requests).toHaveLength(1);
    const request = requests[0] as Recorded;
    expect(request.method).toBe('POST');
    expect(request.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(request.headers.authorization).toBe(`Basic ${BASIC}`);
    expect(request.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(request.headers['idempotency-key']).toBe(message.idempotencyKey);
    expect(request.headers['x-keyhold-message']).toBe(message.id);
    expect(request.form).toEqual({ To: '+14155550123', From: FROM, Body: message.text });
  });

  it('sends the same Idempotency-Key on every attempt of a message, and another for another', async () => {
    answer = (_, n) => (n === 0 ? { status: 503, text: 'busy' } : created(`SM${n}`));
    const transport = sms();
    const message = outgoing();
    await refusal(transport.send(message));
    await transport.send(message);
    await transport.send(outgoing({ id: 'other', idempotencyKey: 'backup-code.other' }));

    expect(requests.map((r) => r.headers['idempotency-key'])).toEqual([
      message.idempotencyKey,
      message.idempotencyKey,
      'backup-code.other',
    ]);
  });

  it('falls back to the idempotency key when a 2xx has no sid', async () => {
    answer = () => ({ status: 200, text: 'OK' });
    const message = outgoing();
    expect(await sms().send(message)).toEqual({ providerMessageId: message.idempotencyKey });
  });

  it('marks a refused number (400, Twilio 21211) as permanent with the code and message', async () => {
    answer = () =>
      twilioError(400, 21211, "The 'To' number +14155550123 is not a valid phone number.");
    const error = await refusal(sms().send(outgoing()));
    expect(error.permanent).toBe(true);
    expect(error.message).toBe(
      "SMS 400 Bad Request, Twilio error 21211: The 'To' number +14155550123 is not a valid phone number.",
    );
  });

  it.each([
    [503, twilioError(503, 20503, 'Service unavailable')],
    [500, { status: 500, text: '<html><body><h1>Internal error</h1></body></html>' }],
    [429, twilioError(429, 20429, 'Too Many Requests')],
  ])('keeps a %i retryable', async (status, reply) => {
    answer = () => reply;
    const error = await refusal(sms().send(outgoing()));
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(new RegExp(`^SMS ${status}\\b`));
    // The body of an HTML error page is not worth storing.
    expect(error.message).not.toContain('<');
  });

  it.each([
    ['a wrong account SID or URL', twilioError(404, 20404, 'The requested resource was not found')],
    ['a sender the account may not use', twilioError(400, 21606, "The 'From' number is not valid")],
  ])('keeps %s retryable and points at the settings', async (_what, reply) => {
    answer = () => reply;
    const error = await refusal(sms().send(outgoing()));
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/check the SMS_\* settings\.$/);
  });

  it('keeps refused credentials (401) retryable and says so', async () => {
    answer = () => twilioError(401, 20003, 'Authenticate');
    const error = await refusal(sms().send(outgoing()));
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/^SMS provider refused the credentials \(401 .*20003/);
  });

  it('does not follow a redirect, which would resend the credentials elsewhere', async () => {
    answer = () => ({ status: 301, headers: { location: `${baseUrl}/moved` }, text: '' });
    const error = await refusal(sms().send(outgoing()));
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/SMS_API_URL/);
    expect(requests.map((r) => r.path)).toEqual([`/2010-04-01/Accounts/${SID}/Messages.json`]);
  });

  it('gives up on a provider that never answers after timeoutMs, as retryable', async () => {
    answer = () => 'hang';
    const started = performance.now();
    const error = await refusal(sms(200).send(outgoing()));
    const elapsed = performance.now() - started;
    expect(error.permanent).toBe(false);
    expect(error.message).toBe('SMS provider did not answer within 200 ms.');
    expect(requests).toHaveLength(1);
    expect(elapsed).toBeGreaterThanOrEqual(150);
    expect(elapsed).toBeLessThan(2_000);
  });

  it('keeps a refused connection retryable', async () => {
    const probe = createNetServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as { port: number };
    await new Promise<void>((resolve) => probe.close(() => resolve()));

    const transport = twilioSmsTransport({
      baseUrl: `http://127.0.0.1:${port}`,
      accountSid: SID,
      authToken: TOKEN,
      from: FROM,
    });
    const error = await refusal(transport.send(outgoing()));
    expect(error.permanent).toBe(false);
    expect(error.message).toMatch(/^SMS request failed: ECONNREFUSED/);
  });

  it('never puts the auth token in an error message, even when the provider echoes it', async () => {
    const echoes = [401, 400, 500].map((status) =>
      twilioError(
        status,
        20003,
        `Bad credentials ${SID}:${TOKEN} (Authorization: Basic ${BASIC}) token=${TOKEN}`,
      ),
    );
    for (const echo of echoes) {
      answer = () => echo;
      const error = await refusal(sms().send(outgoing()));
      expect(error.message).toContain('[redacted]');
      expect(error.message).not.toContain(TOKEN);
      expect(error.message).not.toContain(BASIC);
    }
    expect(sms().name).toBe(`SMS ${new URL(baseUrl).host}`);
    expect(sms().name).not.toContain(TOKEN);
  });

  it('cuts a long provider message to a storable length', async () => {
    answer = () => twilioError(400, 21610, `Blocked. ${'x'.repeat(2_000)}`);
    const error = await refusal(sms().send(outgoing()));
    expect(error.message.length).toBe(300);
    expect(error.message).toMatch(/^SMS 400 Bad Request, Twilio error 21610: Blocked\./);
  });
});

describe('the outbox with the SMS provider', () => {
  const T0 = new Date('2026-11-26T14:00:00Z');
  let database: TestDatabase;
  let organizationId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });
  beforeEach(async () => {
    await database.truncate();
    ({
      org: { id: organizationId },
    } = await createOrganization(database.db, { roles: ['admin'] }));
  });

  const queueSms = (cause = 'stay-1:482913') =>
    database.db.transaction((tx) =>
      queueMessage(
        tx,
        {
          organizationId,
          kind: 'backup_code',
          channel: 'sms',
          recipient: '+14155550123',
          body: 'Harbour Inn: your backup code for room 204 is 482913.',
          cause,
        },
        T0,
      ),
    );
  const deliver = (now: Date) =>
    deliverDueMessages(database.db, { now, transports: { sms: sms() }, random: () => 1 });
  async function row(id: string): Promise<Message> {
    const [found] = await database.db.select().from(messages).where(eq(messages.id, id));
    if (!found) throw new Error('message row missing');
    return found;
  }

  it('delivers a queued SMS and records the provider sid', async () => {
    answer = () => created('SMfeedc0de0000000000000000000000aa');
    const { message } = await queueSms();

    expect(await deliver(T0)).toMatchObject({ claimed: 1, sent: 1, retrying: 0, failed: 0 });
    expect(requests).toHaveLength(1);
    const request = requests[0] as Recorded;
    expect(request.form).toEqual({
      To: '+14155550123',
      From: FROM,
      Body: 'Harbour Inn: your backup code for room 204 is 482913.',
    });
    expect(request.headers['idempotency-key']).toBe(message.idempotencyKey);
    expect(request.headers['x-keyhold-message']).toBe(message.id);
    expect(await row(message.id)).toMatchObject({
      status: 'sent',
      attempts: 1,
      lastError: null,
      providerMessageId: 'SMfeedc0de0000000000000000000000aa',
    });
  });

  it('fails a message the provider refuses (400, 21211) at once', async () => {
    answer = () =>
      twilioError(400, 21211, "The 'To' number +14155550123 is not a valid phone number.");
    const { message } = await queueSms();

    expect(await deliver(T0)).toMatchObject({ claimed: 1, sent: 0, retrying: 0, failed: 1 });
    const failed = await row(message.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 1, nextAttemptAt: null });
    expect(failed.lastError).toMatch(/^SMS 400 .*21211/);
    expect(await deliver(new Date(T0.getTime() + 24 * 3_600_000))).toMatchObject({ claimed: 0 });
    expect(requests).toHaveLength(1);
  });

  it('retries a 503 later with the same Idempotency-Key', async () => {
    answer = (_, n) => (n === 0 ? twilioError(503, 20503, 'Service unavailable') : created('SM2'));
    const { message } = await queueSms();

    expect(await deliver(T0)).toMatchObject({ retrying: 1 });
    expect(await row(message.id)).toMatchObject({ status: 'queued', attempts: 1 });
    expect(await deliver(new Date(T0.getTime() + 2 * 60_000))).toMatchObject({ sent: 1 });
    expect(await row(message.id)).toMatchObject({ status: 'sent', providerMessageId: 'SM2' });
    expect(requests.map((r) => r.headers['idempotency-key'])).toEqual([
      message.idempotencyKey,
      message.idempotencyKey,
    ]);
  });
});

describe('transports from the environment', () => {
  /** A fresh module graph, so env() and the transports are read from these settings. */
  async function fromEnv(settings: Record<string, string>) {
    vi.stubEnv('DATABASE_URL', '');
    vi.stubEnv('DATA_DIR', mkdtempSync(join(tmpdir(), 'keyhold-sms-')));
    for (const name of ['SMS_ACCOUNT_SID', 'SMS_AUTH_TOKEN', 'SMS_FROM', 'SMS_API_URL']) {
      vi.stubEnv(name, settings[name] ?? '');
    }
    vi.resetModules();
    return import('./transports');
  }
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('sends SMS through the provider when it is configured', async () => {
    const { transportsFromEnv, channelsDelivered } = await fromEnv({
      SMS_ACCOUNT_SID: SID,
      SMS_AUTH_TOKEN: TOKEN,
      SMS_FROM: FROM,
      SMS_API_URL: baseUrl,
    });
    expect(channelsDelivered().sms).toBe(true);
    const transport = transportsFromEnv().sms;
    expect(transport?.name).toBe(`SMS ${new URL(baseUrl).host}`);
    expect(await transport?.send(outgoing())).toEqual({
      providerMessageId: 'SM00000000000000000000000000000001',
    });
    expect(requests).toHaveLength(1);
    expect(requests[0]?.headers.authorization).toBe(`Basic ${BASIC}`);
  });

  it('logs SMS, and says it is not delivered, when it is not', async () => {
    const { transportsFromEnv, channelsDelivered } = await fromEnv({});
    expect(channelsDelivered().sms).toBe(false);
    expect(transportsFromEnv().sms?.name).toMatch(/^log /);
  });
});
