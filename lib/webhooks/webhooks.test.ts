import { randomBytes } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { auditLog, messages, webhookEndpoints } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { defaultAdapters } from '@/lib/devices/connections';
import { credentialsKeyFromEnv } from '@/lib/env';
import { dispatchEvents } from '@/lib/events/dispatch';
import { recordEvents } from '@/lib/events/store';
import type { EventType } from '@/lib/events/types';
import { deliverDueMessages } from '@/lib/messages/outbox';
import { runTick } from '@/lib/reconciler/tick';
import { toSeamEvent } from '@/lib/seam-api/shapes';
import { InvalidInputError } from '@/lib/validation';
import { sendTestEvent, TEST_EVENT_TYPE } from './deliveries';
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  getWebhookEndpoint,
  listWebhookDeliveries,
  listWebhookEndpoints,
  setWebhookEndpointDisabled,
  WEBHOOK_URL_MAX_LENGTH,
} from './endpoints';
import { verifyWebhook } from './signature';
import { type Answer, type ReceivedDelivery, startWebhookReceiver } from './testing';
import { webhookTransport } from './transport';

// The tick opens endpoint secrets with the server's key: this file's settings give it one.
vi.hoisted(() => {
  process.env.CREDENTIALS_KEY ??= 'webhooks-test-credentials-key-0123456789';
  process.env.AUTH_SECRET ??= 'webhooks-test-auth-secret-0123456789-abcdef';
  process.env.CRON_SECRET ??= 'webhooks-test-cron-0123456789-abcdef';
});
const KEY = credentialsKeyFromEnv();
const NOW = new Date('2026-12-05T12:00:00Z');
const HOUR = 3_600_000;

let database: TestDatabase;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
/** Per path: how the receiver answers its nth request (204 when unset). */
const answers = new Map<string, Answer>();
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let deviceId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  receiver = await startWebhookReceiver({
    answer: (path, nth) => answers.get(path)?.(path, nth) ?? 204,
  });
});
afterAll(async () => {
  await receiver.close();
  await database.close();
});
beforeEach(async () => {
  await database.truncate();
  answers.clear();
  receiver.received.length = 0;
  harbor = await createOrganization(database.db, {
    name: 'Harbor',
    roles: ['admin', 'owner', 'front_desk'],
  });
  admin = await actorFor(database.db, harbor, 'admin');
  deviceId = (
    await addSimulatedLock(database.db, {
      organizationId: harbor.org.id,
      propertyId: harbor.property.id,
      name: 'Room 204',
    })
  ).id;
});

/** A fresh path on the receiver, answering as `answer` says. */
function path(answer?: Answer): string {
  const p = `/hook/${randomBytes(4).toString('hex')}`;
  if (answer) answers.set(p, answer);
  return p;
}

const addEndpoint = (actor: Actor, p: string, eventTypes: string[] = []) =>
  createWebhookEndpoint(database.db, actor, { url: `${receiver.url}${p}`, eventTypes }, KEY);

async function unlocked(organizationId = harbor.org.id, device: string | null = deviceId) {
  const [event] = await recordEvents(database.db, [
    {
      organizationId,
      eventType: 'lock.unlocked',
      occurredAt: new Date(NOW.getTime() - 60_000),
      deviceId: device,
      method: 'keycode',
      dedupeKey: `lock:${device}:${randomBytes(4).toString('hex')}`,
    },
  ]);
  if (!event) throw new Error('event not recorded');
  return event;
}

/** Dispatch the new events, then send what is due at `at`, as the tick does. */
async function tickAt(at: Date, transportOptions: Parameters<typeof webhookTransport>[1] = {}) {
  const dispatched = await dispatchEvents(database.db, at);
  const delivered = await deliverDueMessages(database.db, {
    now: at,
    transports: { webhook: webhookTransport(database.db, { key: KEY, ...transportOptions }) },
    random: () => 1,
  });
  return { dispatched, delivered };
}

function verified(delivery: ReceivedDelivery | undefined, secret: string) {
  if (!delivery) throw new Error('nothing arrived');
  return verifyWebhook(secret, delivery.body, delivery.signature, new Date());
}

describe('deliveries', () => {
  it('goes out apart from guests’ and members’ messages: a send to people never claims a delivery', async () => {
    const hook = path();
    await addEndpoint(admin, hook);
    await unlocked();
    await dispatchEvents(database.db, NOW);
    const transports = { webhook: webhookTransport(database.db, { key: KEY }) };
    const toPeople = await deliverDueMessages(database.db, {
      now: NOW,
      transports,
      channels: ['email', 'sms'],
    });
    expect(toPeople.claimed).toBe(0);
    const [waiting] = await database.db
      .select({ status: messages.status, attempts: messages.attempts })
      .from(messages)
      .where(eq(messages.channel, 'webhook'));
    expect(waiting).toEqual({ status: 'queued', attempts: 0 });
    expect(receiver.received).toHaveLength(0);
    const toWebhooks = await deliverDueMessages(database.db, {
      now: NOW,
      transports,
      channels: ['webhook'],
    });
    expect(toWebhooks.sent).toBe(1);
    expect(receiver.received.map((r) => r.path)).toEqual([hook]);
  });

  it('an event reaches a subscribed endpoint signed and in Seam’s shape; not an unsubscribed one, not another organization’s', async () => {
    const all = path();
    const disconnectsOnly = path();
    const entries = path();
    const elsewhere = path();
    const { secret, endpoint } = await addEndpoint(admin, all);
    await addEndpoint(admin, disconnectsOnly, ['device.disconnected']);
    const entriesOnly = await addEndpoint(admin, entries, ['lock.unlocked', 'lock.locked']);
    const other = await createOrganization(database.db, { name: 'Other', roles: ['admin'] });
    await addEndpoint(await actorFor(database.db, other, 'admin'), elsewhere);

    const event = await unlocked();
    const { dispatched, delivered } = await tickAt(NOW);
    expect(dispatched.deliveries).toBe(2);
    expect(delivered.sent).toBe(2);

    const [arrived] = receiver.at(all);
    expect(receiver.at(all)).toHaveLength(1);
    expect(verified(arrived, secret)).toEqual({ ok: true });
    expect(verified(arrived, entriesOnly.secret)).toEqual({ ok: false, reason: 'bad_signature' });
    expect(verified(receiver.at(entries)[0], entriesOnly.secret)).toEqual({ ok: true });
    const body = JSON.parse(arrived?.body ?? '{}');
    expect(body).toEqual(JSON.parse(JSON.stringify(toSeamEvent(event))));
    expect(body).toMatchObject({
      event_id: event.id,
      event_type: 'lock.unlocked',
      device_id: deviceId,
      method: 'keycode',
      workspace_id: harbor.org.id,
    });
    expect(arrived?.eventType).toBe('lock.unlocked');
    expect(arrived?.deliveryId).toMatch(/^webhook-event\.[0-9a-f]{40}$/);
    expect(receiver.at(disconnectsOnly)).toEqual([]);
    expect(receiver.at(elsewhere)).toEqual([]);

    expect(await listWebhookDeliveries(database.db, admin, endpoint.id)).toMatchObject([
      { eventType: 'lock.unlocked', status: 'sent', attempts: 1, response: 'HTTP 204' },
    ]);

    // Dispatching again sends nothing twice.
    expect((await tickAt(new Date(NOW.getTime() + HOUR))).delivered.claimed).toBe(0);
    expect(receiver.at(all)).toHaveLength(1);
  });

  it('a receiver failing three times (500) gets the delivery later, exactly once', async () => {
    const flaky = path((_p, nth) => (nth <= 3 ? 500 : 200));
    const { endpoint, secret } = await addEndpoint(admin, flaky);
    await unlocked();

    await tickAt(NOW);
    expect(await listWebhookDeliveries(database.db, admin, endpoint.id)).toMatchObject([
      { status: 'queued', attempts: 1, lastError: 'The endpoint answered HTTP 500.' },
    ]);
    // Not again before the back-off has passed.
    expect((await tickAt(new Date(NOW.getTime() + 1_000))).delivered.claimed).toBe(0);
    expect(receiver.at(flaky)).toHaveLength(1);

    let at = NOW.getTime();
    for (let i = 0; i < 3; i++) {
      at += HOUR;
      await tickAt(new Date(at));
    }
    const arrivals = receiver.at(flaky);
    expect(arrivals.map((a) => a.status)).toEqual([500, 500, 500, 200]);
    // Every attempt is the same delivery, signed, with the same body: a receiver can drop a repeat.
    expect(new Set(arrivals.map((a) => a.deliveryId)).size).toBe(1);
    expect(new Set(arrivals.map((a) => a.body)).size).toBe(1);
    expect(verified(arrivals[3], secret)).toEqual({ ok: true });
    expect(await listWebhookDeliveries(database.db, admin, endpoint.id)).toMatchObject([
      { status: 'sent', attempts: 4, lastError: null, response: 'HTTP 200' },
    ]);

    await tickAt(new Date(at + 24 * HOUR));
    expect(receiver.at(flaky)).toHaveLength(4);
  });

  it.each([
    [410, 'failed', 1],
    [400, 'failed', 1],
    [404, 'failed', 1],
    [429, 'queued', 2],
    [408, 'queued', 2],
    [503, 'queued', 2],
  ])(
    'an endpoint answering %i: the delivery is %s after %i attempt(s) an hour apart',
    async (status, outcome, tries) => {
      const p = path(() => status);
      const { endpoint } = await addEndpoint(admin, p);
      await unlocked();
      await tickAt(NOW);
      await tickAt(new Date(NOW.getTime() + HOUR));
      expect(receiver.at(p)).toHaveLength(tries);
      const [delivery] = await listWebhookDeliveries(database.db, admin, endpoint.id);
      expect(delivery).toMatchObject({ status: outcome, attempts: tries });
      expect(delivery?.lastError).toContain(`HTTP ${status}`);
    },
  );

  it('a refused connection and a receiver that never answers are retried, not given up', async () => {
    const closed = await startWebhookReceiver();
    const gone = closed.url;
    await closed.close();
    const refusedEndpoint = await createWebhookEndpoint(
      database.db,
      admin,
      { url: `${gone}/nobody` },
      KEY,
    );
    const slow = path(() => 'hang');
    const hanging = await addEndpoint(admin, slow);
    await unlocked();
    await tickAt(NOW, { timeoutMs: 300 });
    expect(
      await listWebhookDeliveries(database.db, admin, refusedEndpoint.endpoint.id),
    ).toMatchObject([
      { status: 'queued', lastError: 'Could not connect: the connection was refused.' },
    ]);
    expect(await listWebhookDeliveries(database.db, admin, hanging.endpoint.id)).toMatchObject([
      { status: 'queued', lastError: 'No answer within 300 ms.' },
    ]);
    expect(receiver.at(slow)).toHaveLength(1);
  });

  it('"Send a test event" arrives signed, marked as a test', async () => {
    const p = path();
    const { endpoint, secret } = await addEndpoint(admin, p, ['device.disconnected']);
    const message = await sendTestEvent(database.db, admin, endpoint.id, NOW);
    expect(message.status).toBe('queued');
    await tickAt(NOW);
    const [arrived] = receiver.at(p);
    expect(verified(arrived, secret)).toEqual({ ok: true });
    expect(arrived?.eventType).toBe(TEST_EVENT_TYPE);
    expect(JSON.parse(arrived?.body ?? '{}')).toMatchObject({
      event_type: 'keyhold.test',
      is_test: true,
      workspace_id: harbor.org.id,
    });
    expect(await listWebhookDeliveries(database.db, admin, endpoint.id)).toMatchObject([
      { eventType: 'keyhold.test', status: 'sent', attempts: 1 },
    ]);
  });

  it('a disabled endpoint gets nothing: no new deliveries, queued ones not sent, no test event', async () => {
    const p = path();
    const { endpoint } = await addEndpoint(admin, p);
    await unlocked();
    // Queued while enabled, disabled before the send.
    await dispatchEvents(database.db, NOW);
    await setWebhookEndpointDisabled(database.db, admin, endpoint.id, true, NOW);
    await unlocked();
    const { dispatched, delivered } = await tickAt(NOW);
    expect(dispatched.deliveries).toBe(0);
    expect(delivered.failed).toBe(1);
    expect(receiver.at(p)).toEqual([]);
    expect(await listWebhookDeliveries(database.db, admin, endpoint.id)).toMatchObject([
      { status: 'failed', lastError: 'Not sent: the endpoint is disabled.' },
    ]);
    const error = await refused(() => sendTestEvent(database.db, admin, endpoint.id, NOW));
    expect(error.message).toBe('This endpoint is disabled. Enable it to send a test event.');

    const enabled = await setWebhookEndpointDisabled(database.db, admin, endpoint.id, false, NOW);
    expect(enabled.disabledAt).toBeNull();
    await unlocked();
    await tickAt(NOW);
    expect(receiver.at(p)).toHaveLength(1);
  });

  it('a removed endpoint takes its log with it and gets nothing more', async () => {
    const p = path();
    const { endpoint } = await addEndpoint(admin, p);
    await unlocked();
    await dispatchEvents(database.db, NOW);
    await deleteWebhookEndpoint(database.db, admin, endpoint.id);
    await tickAt(NOW);
    expect(receiver.at(p)).toEqual([]);
    expect(await database.db.select().from(messages)).toEqual([]);
    expect(await listWebhookEndpoints(database.db, admin)).toEqual([]);
  });

  it('the tick sends deliveries through the webhook transport by itself', async () => {
    const p = path();
    const { secret } = await addEndpoint(admin, p);
    await unlocked();
    const stats = await runTick(database.db, {
      now: NOW,
      adapters: defaultAdapters(database.db),
      transports: {},
    });
    expect(stats.webhookDeliveriesQueued).toBe(1);
    expect(verified(receiver.at(p)[0], secret)).toEqual({ ok: true });
  });
});

describe('endpoints', () => {
  it('shows the secret once: never in the list, the row, the audit log or a delivery', async () => {
    const p = path();
    const { endpoint, secret } = await addEndpoint(admin, `${p}?token=abc`, ['lock.unlocked']);
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(endpoint).toEqual({
      id: expect.any(String),
      url: `${receiver.url}${p}?token=abc`,
      eventTypes: ['lock.unlocked'],
      disabledAt: null,
      createdAt: expect.any(Date),
    });
    await sendTestEvent(database.db, admin, endpoint.id, NOW);
    await tickAt(NOW);
    const everywhere = JSON.stringify([
      await listWebhookEndpoints(database.db, admin),
      await getWebhookEndpoint(database.db, admin, endpoint.id),
      await listWebhookDeliveries(database.db, admin, endpoint.id),
      await database.db.select().from(webhookEndpoints),
      await database.db.select().from(auditLog),
      await database.db.select().from(messages),
      receiver.received,
    ]);
    expect(everywhere).not.toContain(secret);
    expect(everywhere).not.toContain(secret.slice(6));
    // The audit entry names the receiver's origin, not a path or query that may hold a token.
    const audit = await database.db
      .select({ action: auditLog.action, detail: auditLog.detail })
      .from(auditLog)
      .where(eq(auditLog.targetId, endpoint.id));
    expect(audit).toEqual(
      expect.arrayContaining([
        {
          action: 'webhook_endpoint.created',
          detail: { origin: receiver.url, eventTypes: ['lock.unlocked'] },
        },
      ]),
    );
    expect(JSON.stringify(audit)).not.toContain('token=abc');
  });

  it.each([
    [
      'a URL that is not http(s)',
      { url: 'ftp://example.com/hook' },
      'url',
      'URL must be an http:// or https:// address.',
    ],
    ['no URL', { url: '  ' }, 'url', 'URL is required.'],
    ['words for a URL', { url: 'my server' }, 'url', 'URL must be an http:// or https:// address.'],
    [
      'a URL too long',
      { url: `https://example.com/${'a'.repeat(WEBHOOK_URL_MAX_LENGTH)}` },
      'url',
      `URL must be at most ${WEBHOOK_URL_MAX_LENGTH} characters.`,
    ],
    [
      'an unknown event type',
      { url: 'https://example.com/hook', eventTypes: ['lock.unlocked', 'lock.exploded'] },
      'eventTypes',
      'Choose event types from the list.',
    ],
    [
      'only some event types, with none chosen',
      { url: 'https://example.com/hook', scope: 'some' as const, eventTypes: [] },
      'eventTypes',
      'Choose at least one event type, or All events.',
    ],
  ])(
    '%s is refused naming the field, and nothing is saved',
    async (_case, input, field, message) => {
      const snapshot = async () => [
        await database.db.select().from(webhookEndpoints),
        await database.db.select().from(auditLog),
      ];
      const error = await refused(snapshot, () =>
        createWebhookEndpoint(
          database.db,
          admin,
          input as { url: string; eventTypes?: EventType[] },
          KEY,
        ),
      );
      expect(error).toBeInstanceOf(InvalidInputError);
      expect((error as InvalidInputError).fieldErrors).toEqual({ [field]: message });
    },
  );

  it('owners and front desk are refused everything, as not found', async () => {
    const { endpoint } = await addEndpoint(admin, path());
    for (const role of ['owner', 'front_desk'] as const) {
      const member = await actorFor(database.db, harbor, role);
      const snapshot = async () => [
        await database.db.select().from(webhookEndpoints),
        await database.db.select().from(messages),
      ];
      const calls = [
        () => createWebhookEndpoint(database.db, member, { url: 'https://example.com/h' }, KEY),
        () => listWebhookEndpoints(database.db, member),
        () => getWebhookEndpoint(database.db, member, endpoint.id),
        () => listWebhookDeliveries(database.db, member, endpoint.id),
        () => setWebhookEndpointDisabled(database.db, member, endpoint.id, true, NOW),
        () => deleteWebhookEndpoint(database.db, member, endpoint.id),
        () => sendTestEvent(database.db, member, endpoint.id, NOW),
      ];
      for (const call of calls) {
        expect((await refused(snapshot, call)).code).toBe('not_found');
      }
    }
  });

  it('another organization’s endpoint is not found', async () => {
    const other = await createOrganization(database.db, { name: 'Other', roles: ['admin'] });
    const theirs = await addEndpoint(await actorFor(database.db, other, 'admin'), path());
    const id = theirs.endpoint.id;
    const snapshot = async () => [
      await database.db.select().from(webhookEndpoints),
      await database.db.select().from(messages),
    ];
    for (const call of [
      () => getWebhookEndpoint(database.db, admin, id),
      () => listWebhookDeliveries(database.db, admin, id),
      () => setWebhookEndpointDisabled(database.db, admin, id, true, NOW),
      () => deleteWebhookEndpoint(database.db, admin, id),
      () => sendTestEvent(database.db, admin, id, NOW),
      () => getWebhookEndpoint(database.db, admin, 'not-an-id'),
    ]) {
      const error = await refused(snapshot, call);
      expect(error.code).toBe('not_found');
      expect(error.message).toBe('Webhook endpoint not found.');
    }
    expect(await listWebhookEndpoints(database.db, admin)).toEqual([]);
  });
});
