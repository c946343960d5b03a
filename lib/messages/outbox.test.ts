import { createServer } from 'node:net';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type Message, messages } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { defaultAdapters } from '@/lib/devices/connections';
import { AppError } from '@/lib/errors';
import { createLogger } from '@/lib/log';
import { runTick } from '@/lib/reconciler/tick';
import { createReservation } from '@/lib/reservations/operations';
import { deliverDueMessages, type QueueMessageInput, queueMessage } from './outbox';
import { DEFAULT_TEMPLATES, renderTemplate } from './templates';
import { type ReceivedMail, startSmtpServer } from './testing';
import type { Transport } from './transport-types';
import { logTransport, smtpTransport } from './transports';

// Thursday 2026-11-26, 09:00 in New York.
const T0 = new Date('2026-11-26T14:00:00Z');
const minutes = (n: number) => n * 60_000;
const at = (ms: number) => new Date(T0.getTime() + ms);
const FROM = 'Keyhold Test <frontdesk@hotel.example>';

let database: TestDatabase;
let organizationId: string;
let reservationId: string;
let accessCodeId: string;
let pin: string;
let smtp: SMTPServer;
let smtpPort: number;
const received: ReceivedMail[] = [];
const openServers: SMTPServer[] = [];

/** A real SMTP server on loopback that keeps every message it accepts. */
async function startSmtp(port = 0): Promise<{ server: SMTPServer; port: number }> {
  const started = await startSmtpServer(received, port);
  openServers.push(started.server);
  return started;
}

const stopSmtp = (server: SMTPServer) => new Promise<void>((resolve) => server.close(resolve));

/** A loopback port nothing listens on. */
async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as { port: number };
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return port;
}

const smtpTo = (port: number) =>
  smtpTransport({ host: '127.0.0.1', port, secure: false, from: FROM, timeoutMs: 2_000 });

/** A received message's header value and its decoded plain-text part. */
function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  return new RegExp(`^${name}:\\s*(.*)$`, 'im').exec(unfolded)?.[1]?.trim();
}
function decodedText(raw: string): string {
  return raw
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

beforeAll(async () => {
  database = await createTestDatabase();
  ({ port: smtpPort, server: smtp } = await startSmtp());
});
afterAll(async () => {
  await Promise.all(openServers.map(stopSmtp));
  await database.close();
});
beforeEach(async () => {
  received.length = 0;
  await database.truncate();
  const { org, property, members } = await createOrganization(database.db, { roles: ['admin'] });
  organizationId = org.id;
  const lock = await addSimulatedLock(database.db, {
    organizationId,
    propertyId: property.id,
    room: '204',
  });
  const stay = await createReservation(
    database.db,
    await actorFor(database.db, { members }, 'admin'),
    {
      propertyId: property.id,
      guestName: 'Ada <b>Lovelace</b>',
      guestEmail: 'ada@guest.example',
      checkInDate: '2026-11-27',
      checkOutDate: '2026-11-29',
      deviceIds: [lock.id],
    },
    T0,
  );
  const code = stay.accessCodes[0];
  if (!code?.code) throw new Error('the stay has no guest code');
  reservationId = stay.id;
  accessCodeId = code.id;
  pin = code.code;
});
afterEach(() => {
  expect(smtp.server.listening).toBe(true);
});

function guestCodeEmail(overrides: Partial<QueueMessageInput> = {}): QueueMessageInput {
  const rendered = renderTemplate(
    { channel: 'email', ...DEFAULT_TEMPLATES.guest_code.email },
    {
      guestName: 'Ada <b>Lovelace</b>',
      code: pin,
      propertyName: 'Harbour Inn',
      room: '204',
      startsAt: at(minutes(60 * 24)),
      endsAt: at(minutes(60 * 72)),
      timeZone: 'America/New_York',
    },
  );
  return {
    organizationId,
    reservationId,
    accessCodeId,
    kind: 'guest_code',
    channel: 'email',
    recipient: 'ada@guest.example',
    subject: rendered.subject,
    body: rendered.text,
    cause: `${accessCodeId}:${pin}`,
    ...overrides,
  };
}

const queue = (input: QueueMessageInput = guestCodeEmail(), now = T0) =>
  database.db.transaction((tx) => queueMessage(tx, input, now));

const deliver = (now: Date, transport: Transport, extra: { maxAttempts?: number } = {}) =>
  deliverDueMessages(database.db, {
    now,
    transports: { email: transport },
    random: () => 1,
    ...extra,
  });

async function row(id: string): Promise<Message> {
  const [found] = await database.db.select().from(messages).where(eq(messages.id, id));
  if (!found) throw new Error('message row missing');
  return found;
}

describe('outbox email over SMTP', () => {
  it('delivers a queued guest-code email with its subject, body and a stable Message-ID', async () => {
    const { message, created } = await queue();
    expect(created).toBe(true);
    expect(message.idempotencyKey).not.toContain(pin);

    const stats = await deliver(T0, smtpTo(smtpPort));
    expect(stats).toMatchObject({ claimed: 1, sent: 1, retrying: 0, failed: 0 });

    expect(received).toHaveLength(1);
    const mail = received[0] as ReceivedMail;
    expect(mail.to).toEqual(['ada@guest.example']);
    expect(header(mail.raw, 'Subject')).toBe('Your door code for Harbour Inn');
    expect(header(mail.raw, 'Message-ID')).toBe(`<${message.idempotencyKey}@hotel.example>`);
    const text = decodedText(mail.raw);
    expect(text).toContain(`Your code for room 204 at Harbour Inn is ${pin}.`);
    // The guest's name is text in the HTML part, never markup.
    expect(text).toContain('Ada &lt;b&gt;Lovelace&lt;/b&gt;');

    const sent = await row(message.id);
    expect(sent).toMatchObject({ status: 'sent', attempts: 1, lastError: null });
    expect(sent.providerMessageId).toBe(`<${message.idempotencyKey}@hotel.example>`);
    expect(sent.sentAt?.toISOString()).toBe(T0.toISOString());
  });

  it('queues the same cause once and sends it once', async () => {
    const first = await queue();
    const second = await queue();
    expect(second.created).toBe(false);
    expect(second.message.id).toBe(first.message.id);
    expect(await database.db.select().from(messages)).toHaveLength(1);

    await deliver(T0, smtpTo(smtpPort));
    await queue();
    await deliver(at(minutes(5)), smtpTo(smtpPort));
    expect(received).toHaveLength(1);
  });

  it('keeps a message queued while SMTP is down and sends it once the server is back', async () => {
    const port = await deadPort();
    const transport = smtpTo(port);
    const { message } = await queue();

    const down = await deliver(T0, transport);
    expect(down).toMatchObject({ sent: 0, retrying: 1 });
    const waiting = await row(message.id);
    expect(waiting).toMatchObject({ status: 'queued', attempts: 1, leaseExpiresAt: null });
    expect(waiting.lastError).toMatch(/ECONNECTION|ECONNREFUSED/);
    expect(waiting.nextAttemptAt?.getTime()).toBe(at(minutes(1)).getTime());

    await startSmtp(port);
    // Not yet due: the backoff holds it back even though the server is up.
    expect(await deliver(at(minutes(0.5)), transport)).toMatchObject({ claimed: 0 });
    expect(await deliver(at(minutes(2)), transport)).toMatchObject({ sent: 1 });
    expect(received.map((r) => r.port)).toEqual([port]);
    expect(await row(message.id)).toMatchObject({ status: 'sent', attempts: 2, lastError: null });
  });

  it('sends again, with the same Message-ID, a message whose deliverer died mid-send', async () => {
    const { message } = await queue();
    // What a deliverer leaves behind when it dies after claiming.
    await database.db
      .update(messages)
      .set({ status: 'sending', attempts: 1, leaseExpiresAt: at(minutes(2)) })
      .where(eq(messages.id, message.id));

    expect(await deliver(at(minutes(1)), smtpTo(smtpPort))).toMatchObject({ claimed: 0 });
    expect(await deliver(at(minutes(3)), smtpTo(smtpPort))).toMatchObject({ sent: 1 });
    expect(received).toHaveLength(1);
    expect(header((received[0] as ReceivedMail).raw, 'Message-ID')).toBe(
      `<${message.idempotencyKey}@hotel.example>`,
    );
    expect(await row(message.id)).toMatchObject({ status: 'sent', attempts: 2 });
  });

  it('gives up as failed after the last attempt', async () => {
    const transport = smtpTo(await deadPort());
    const { message } = await queue();
    let now = T0;
    for (let attempt = 1; attempt <= 3; attempt++) {
      const stats = await deliver(now, transport, { maxAttempts: 3 });
      expect(stats).toMatchObject(attempt < 3 ? { retrying: 1 } : { failed: 1 });
      now = at(minutes(60 * attempt));
    }
    const failed = await row(message.id);
    expect(failed).toMatchObject({ status: 'failed', attempts: 3, nextAttemptAt: null });
    expect(failed.lastError).toBeTruthy();
    expect(await deliver(at(minutes(60 * 24)), transport, { maxAttempts: 3 })).toMatchObject({
      claimed: 0,
    });
  });

  it('sends each message exactly once when two deliverers run at once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++) {
      const { message } = await queue(
        guestCodeEmail({ cause: `guest-${i}`, recipient: `guest${i}@guest.example` }),
      );
      ids.push(message.id);
    }
    const [a, b] = await Promise.all([
      deliverDueMessages(database.db, {
        now: T0,
        transports: { email: smtpTo(smtpPort) },
        batchSize: 4,
      }),
      deliverDueMessages(database.db, {
        now: T0,
        transports: { email: smtpTo(smtpPort) },
        batchSize: 4,
      }),
    ]);
    expect((a?.sent ?? 0) + (b?.sent ?? 0)).toBe(12);
    const recipients = received.flatMap((r) => r.to).sort();
    expect(recipients).toHaveLength(12);
    expect(new Set(recipients).size).toBe(12);
    for (const id of ids) expect(await row(id)).toMatchObject({ status: 'sent', attempts: 1 });
  });
});

describe('the tick', () => {
  it('delivers queued messages and counts them', async () => {
    await queue();
    const stats = await runTick(database.db, {
      now: T0,
      adapters: defaultAdapters(database.db),
      transports: { email: smtpTo(smtpPort) },
      random: () => 1,
    });
    expect(stats).toMatchObject({ messagesSent: 1, messagesFailed: 0 });
    expect(received).toHaveLength(1);
  });
});

describe('queueMessage refuses bad recipients', () => {
  it.each([
    ['email', 'not-an-email'],
    ['email', 'ada@'],
    ['sms', '0415 555 0123'],
    ['sms', 'ada@guest.example'],
  ] as const)('%s to %s, naming the field and writing nothing', async (channel, recipient) => {
    const error = await queue(guestCodeEmail({ channel, recipient })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'invalid_input', options: { field: 'recipient' } });
    expect(await database.db.select().from(messages)).toHaveLength(0);
  });

  it('accepts an E.164 number for SMS', async () => {
    const { message } = await queue(
      guestCodeEmail({ channel: 'sms', recipient: '+14155550123', subject: null, body: 'x' }),
    );
    expect(message).toMatchObject({ channel: 'sms', subject: null, status: 'queued' });
  });
});

describe('the log transport', () => {
  it('records a message as logged without its subject or body', async () => {
    const lines: string[] = [];
    const log = createLogger(
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const { message } = await queue(guestCodeEmail({ subject: `Code ${pin}` }));
    expect(await deliver(T0, logTransport({ log }))).toMatchObject({ sent: 1 });

    expect(lines).toHaveLength(1);
    const line = JSON.parse(lines[0] ?? '{}');
    expect(line).toMatchObject({ msg: 'message logged, not sent', messageId: message.id });
    expect(lines[0]).not.toContain(pin);
    expect(lines[0]).not.toContain('Harbour Inn');
    expect(received).toHaveLength(0);
    const logged = await row(message.id);
    expect(logged.status).toBe('sent');
    expect(logged.providerMessageId).toBe(line.providerMessageId);
  });
});
