import { Writable } from 'node:stream';
import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessCodes,
  alerts,
  auditLog,
  messages,
  messageTemplates,
  organizations,
  reservations,
} from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { updateAccessCode } from '@/lib/access-codes/operations';
import type { Actor } from '@/lib/auth/actor';
import { defaultAdapters } from '@/lib/devices/connections';
import { setSimulatedLockOnline } from '@/lib/devices/simulated-controls';
import { AppError } from '@/lib/errors';
import { createLogger } from '@/lib/log';
import { runTick } from '@/lib/reconciler/tick';
import { getReservationDetail } from '@/lib/reservations/detail';
import {
  cancelReservation,
  createReservation,
  updateReservation,
} from '@/lib/reservations/operations';
import { queueDueGuestCode, sendGuestCodeNow } from './guest';
import { deliverDueMessages, WITHDRAWN_ERROR } from './outbox';
import { queueDueGuestCodeMessages } from './schedule';
import { SMS_MAX_LENGTH } from './templates';
import { loopbackSmtp, type ReceivedMail, startSmtpServer } from './testing';
import type { Transports } from './transport-types';
import { logTransport } from './transports';

// Check-in 2026-11-28 15:00 in New York (the property's zone) is 20:00 UTC.
const ARRIVAL = new Date('2026-11-28T20:00:00Z');
const BOOKED = new Date('2026-11-26T12:00:00Z');
const minutes = (n: number) => n * 60_000;
const ahead = (ms: number) => new Date(ARRIVAL.getTime() - ms);

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let frontDesk: Actor;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
const received: ReceivedMail[] = [];
const quiet = createLogger(
  new Writable({
    write(_chunk, _encoding, done) {
      done();
    },
  }),
);
const logged: Transports = {
  email: logTransport({ log: quiet }),
  sms: logTransport({ log: quiet }),
};

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, { roles: ['admin', 'front_desk'] });
  admin = await actorFor(database.db, harbor, 'admin');
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  smtp = await startSmtpServer(received);
});
afterAll(async () => {
  await smtp?.close();
  await database?.close();
});

const tick = (now: Date, transports: Transports = logged) =>
  runTick(database.db, {
    now,
    adapters: defaultAdapters(database.db),
    transports,
    random: () => 1,
  });

/** A stay arriving at ARRIVAL on one new lock of Harbor's, booked two days ahead. */
async function stay(
  room: string,
  options: {
    guestEmail?: string | null;
    guestPhone?: string | null;
    online?: boolean;
    supportsNativeScheduling?: boolean;
  } = {},
) {
  const lock = await addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: harbor.property.id,
    room,
    online: options.online,
    supportsNativeScheduling: options.supportsNativeScheduling,
  });
  const reservation = await createReservation(
    database.db,
    admin,
    {
      propertyId: harbor.property.id,
      guestName: `Guest of ${room}`,
      guestEmail: options.guestEmail === undefined ? `guest${room}@guest.example` : null,
      guestPhone: options.guestPhone ?? null,
      checkInDate: '2026-11-28',
      checkOutDate: '2026-11-30',
      deviceIds: [lock.id],
    },
    BOOKED,
  );
  const code = reservation.accessCodes[0];
  if (!code?.code) throw new Error('no guest code');
  return { lock, reservation, code };
}

const messagesOf = (reservationId: string) =>
  database.db
    .select()
    .from(messages)
    .where(eq(messages.reservationId, reservationId))
    .orderBy(asc(messages.createdAt), asc(messages.kind));

describe('the guest code message', () => {
  it('waits until the code is on the lock, then reaches the guest in the tick that set it', async () => {
    const { lock, reservation, code } = await stay('501', { online: false });
    // 20 minutes before arrival: long past the 24 h lead, and the code is due on the lock.
    await tick(ahead(minutes(20)));
    const [onLock] = await database.db
      .select({ status: accessCodes.status, externalRef: accessCodes.externalRef })
      .from(accessCodes)
      .where(eq(accessCodes.id, code.id));
    expect(onLock?.externalRef).toBeNull();
    expect(await messagesOf(reservation.id)).toEqual([]);

    await setSimulatedLockOnline(
      database.db,
      admin,
      { deviceId: lock.id, online: true },
      ahead(minutes(20)),
    );
    const smtpTransports = { email: loopbackSmtp(smtp.port) };
    await tick(ahead(minutes(5)), smtpTransports);
    const sent = await messagesOf(reservation.id);
    expect(sent.map((m) => [m.kind, m.channel, m.status])).toEqual([
      ['guest_code', 'email', 'sent'],
    ]);
    const mail = received.filter((m) => m.to.includes('guest501@guest.example'));
    expect(mail).toHaveLength(1);
    expect(mail[0]?.raw).toContain(code.code);
    expect(mail[0]?.raw).toContain('2026-11-28 15:00 (America/New_York)');

    // Later ticks have nothing more to say.
    await tick(ahead(minutes(1)), smtpTransports);
    expect(await messagesOf(reservation.id)).toHaveLength(1);
  });

  it('goes out the organization’s lead time before arrival, not when the code reaches the lock', async () => {
    const { reservation } = await stay('502', { supportsNativeScheduling: true });
    // A lock that keeps schedules takes the code days ahead; 48 h out is before the 24 h lead.
    await tick(ahead(minutes(48 * 60)));
    const [code] = await database.db
      .select({ externalRef: accessCodes.externalRef })
      .from(accessCodes)
      .where(eq(accessCodes.reservationId, reservation.id));
    expect(code?.externalRef).not.toBeNull();
    expect(await messagesOf(reservation.id)).toEqual([]);

    await tick(ahead(minutes(23 * 60)));
    const [message] = await messagesOf(reservation.id);
    expect(message).toMatchObject({ kind: 'guest_code', status: 'sent' });
    expect(message?.nextAttemptAt).toBeNull();
  });

  it('follows a longer lead set by the organization', async () => {
    await database.db
      .update(organizations)
      .set({ guestMessageLeadMinutes: 72 * 60 })
      .where(eq(organizations.id, harbor.org.id));
    try {
      const { reservation } = await stay('503', { supportsNativeScheduling: true });
      await tick(ahead(minutes(48 * 60)));
      expect((await messagesOf(reservation.id)).map((m) => m.kind)).toEqual(['guest_code']);
    } finally {
      await database.db
        .update(organizations)
        .set({ guestMessageLeadMinutes: 24 * 60 })
        .where(eq(organizations.id, harbor.org.id));
    }
  });

  it('sends a correction when the stay’s dates or digits change after the guest was told, once each', async () => {
    const { reservation, code } = await stay('504', { supportsNativeScheduling: true });
    await tick(ahead(minutes(23 * 60)));
    expect((await messagesOf(reservation.id)).map((m) => m.kind)).toEqual(['guest_code']);

    // A later check-out: the lock keeps the window, so the code is rewritten there first.
    await updateReservation(
      database.db,
      admin,
      reservation.id,
      { checkOutDate: '2026-12-01' },
      ahead(minutes(22 * 60)),
    );
    await tick(ahead(minutes(21 * 60)));
    await tick(ahead(minutes(20 * 60)));
    const afterDates = await messagesOf(reservation.id);
    expect(afterDates.map((m) => m.kind)).toEqual(['guest_code', 'code_changed']);
    expect(afterDates[1]?.body).toContain('2026-12-01 11:00 (America/New_York)');
    expect(afterDates[1]?.body).toContain(code.code);

    // New digits at the lock: one more correction with them, and no more after that.
    await updateAccessCode(
      database.db,
      admin,
      code.id,
      { code: '864213' },
      ahead(minutes(19 * 60)),
    );
    await tick(ahead(minutes(18 * 60)));
    await tick(ahead(minutes(17 * 60)));
    const afterDigits = await messagesOf(reservation.id);
    expect(afterDigits.map((m) => m.kind)).toEqual(['guest_code', 'code_changed', 'code_changed']);
    expect(afterDigits[2]?.body).toContain('864213');
    expect(afterDigits.every((m) => m.status === 'sent')).toBe(true);
  });

  it('is never queued for a guest without email or phone, or a cancelled stay', async () => {
    const silent = await stay('505', { guestEmail: null });
    const cancelled = await stay('506');
    await cancelReservation(database.db, admin, cancelled.reservation.id, BOOKED);
    await tick(ahead(minutes(20)));
    expect(await messagesOf(silent.reservation.id)).toEqual([]);
    expect(await messagesOf(cancelled.reservation.id)).toEqual([]);
  });

  it('is queued once when two ticks look at the same stay at the same moment', async () => {
    const { reservation } = await stay('507', {
      supportsNativeScheduling: true,
      guestPhone: '+14155550123',
    });
    await tick(ahead(minutes(48 * 60)));
    const at = ahead(minutes(23 * 60));
    await Promise.all([
      queueDueGuestCodeMessages(database.db, at),
      queueDueGuestCodeMessages(database.db, at),
    ]);
    const queued = await messagesOf(reservation.id);
    expect(queued.map((m) => `${m.kind}:${m.channel}`).sort()).toEqual([
      'guest_code:email',
      'guest_code:sms',
    ]);
  });
});

describe('stays the messages must not fail', () => {
  it('tells a guest with many locks, each with its own digits, by email in full and by a short SMS', async () => {
    const locks = [];
    for (let i = 0; i < 16; i++) {
      locks.push(
        await addSimulatedLock(database.db, {
          organizationId: harbor.org.id,
          propertyId: harbor.property.id,
          name: `Wing ${i} door`,
          room: `W${i}`,
          supportsNativeScheduling: true,
          // Half take only 4 digits, half only 6: no PIN fits them all.
          allowedLengths: i % 2 === 0 ? [4] : [6],
        }),
      );
    }
    const reservation = await createReservation(
      database.db,
      admin,
      {
        propertyId: harbor.property.id,
        guestName: 'Guest of the wings',
        guestEmail: 'wings@guest.example',
        guestPhone: '+14155550199',
        checkInDate: '2026-11-28',
        checkOutDate: '2026-11-30',
        deviceIds: locks.map((l) => l.id),
      },
      BOOKED,
    );
    const digits = reservation.accessCodes.map((c) => c.code ?? '');
    expect(new Set(digits.map((d) => d.length))).toEqual(new Set([4, 6]));

    await tick(ahead(minutes(48 * 60)));
    await tick(ahead(minutes(23 * 60)));
    const sent = await messagesOf(reservation.id);
    expect(sent.map((m) => `${m.kind}:${m.channel}:${m.status}`).sort()).toEqual([
      'guest_code:email:sent',
      'guest_code:sms:sent',
    ]);
    const email = sent.find((m) => m.channel === 'email');
    for (const d of digits) expect(email?.body).toContain(d);
    const sms = sent.find((m) => m.channel === 'sms');
    expect(sms?.body.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
  });

  it('cancels a stay even when its cancellation SMS, filled in, is too long to send as written', async () => {
    // 179 characters: the longest names the form takes fill this template past one SMS.
    const longName = `Maximiliana ${'Hohenzollern-'.repeat(12)}Sigmaringen`;
    const { reservation } = await stay('531', {
      supportsNativeScheduling: true,
      guestPhone: '+14155550131',
    });
    await updateReservation(database.db, admin, reservation.id, { guestName: longName }, BOOKED);
    await database.db.insert(messageTemplates).values({
      organizationId: harbor.org.id,
      kind: 'cancellation',
      channel: 'sms',
      body: '{{guest_name}}: your stay at {{property}} from {{starts_at}} to {{ends_at}} is cancelled, {{guest_name}}.',
    });
    try {
      await tick(ahead(minutes(48 * 60)));
      await tick(ahead(minutes(23 * 60)));
      await cancelReservation(database.db, admin, reservation.id, ahead(minutes(22 * 60)));
      const [row] = await database.db
        .select({ status: reservations.status })
        .from(reservations)
        .where(eq(reservations.id, reservation.id));
      expect(row?.status).toBe('cancelled');
      const cancellation = (await messagesOf(reservation.id)).filter(
        (m) => m.kind === 'cancellation',
      );
      expect(cancellation.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
      const sms = cancellation.find((m) => m.channel === 'sms');
      expect(sms?.body.length).toBeLessThanOrEqual(SMS_MAX_LENGTH);
      expect(sms?.body).toContain('is cancelled');
    } finally {
      await database.db
        .delete(messageTemplates)
        .where(eq(messageTemplates.organizationId, harbor.org.id));
    }
  });

  it('sends nothing for a stay cancelled between the tick reading it and queueing', async () => {
    const { reservation } = await stay('532', { supportsNativeScheduling: true });
    await tick(ahead(minutes(48 * 60)));
    // The scan saw the stay due; then the desk cancelled it before the queueing transaction.
    await cancelReservation(database.db, admin, reservation.id, ahead(minutes(23 * 60)));
    const queued = await queueDueGuestCode(
      database.db,
      harbor.org.id,
      reservation.id,
      ahead(minutes(23 * 60)),
    );
    expect(queued).toBeNull();
    expect(await messagesOf(reservation.id)).toEqual([]);
  });

  it('withdraws, instead of retrying, a code message whose send failed while the stay was cancelled', async () => {
    const { reservation } = await stay('533', { supportsNativeScheduling: true });
    await tick(ahead(minutes(48 * 60)));
    await queueDueGuestCodeMessages(database.db, ahead(minutes(23 * 60)));
    // In flight: claimed by a deliverer whose send then failed and whose lease ran out.
    await database.db
      .update(messages)
      .set({ status: 'sending', attempts: 1, leaseExpiresAt: ahead(minutes(22 * 60)) })
      .where(eq(messages.reservationId, reservation.id));
    await database.db
      .update(reservations)
      .set({ status: 'cancelled', cancelledAt: ahead(minutes(22 * 60)) })
      .where(eq(reservations.id, reservation.id));
    await deliverDueMessages(database.db, { now: ahead(minutes(21 * 60)), transports: logged });
    const [message] = await messagesOf(reservation.id);
    expect(message).toMatchObject({
      status: 'failed',
      lastError: WITHDRAWN_ERROR,
      providerMessageId: null,
      sentAt: null,
    });
  });
});

describe('cancelling a stay', () => {
  it('withdraws a code message not yet sent, and tells a guest who had their code that it is void', async () => {
    const unsent = await stay('511', { supportsNativeScheduling: true });
    const told = await stay('512', { supportsNativeScheduling: true });
    await tick(ahead(minutes(48 * 60)));
    await tick(ahead(minutes(23 * 60)));
    expect((await messagesOf(told.reservation.id)).map((m) => m.status)).toEqual(['sent']);
    // Queued, not yet delivered: the next tick would send it.
    await database.db
      .update(messages)
      .set({ status: 'queued', sentAt: null, nextAttemptAt: ahead(minutes(23 * 60)) })
      .where(eq(messages.reservationId, unsent.reservation.id));

    const at = ahead(minutes(22 * 60));
    await cancelReservation(database.db, admin, unsent.reservation.id, at);
    await cancelReservation(database.db, admin, told.reservation.id, at);

    const withdrawn = await messagesOf(unsent.reservation.id);
    expect(withdrawn.map((m) => [m.kind, m.status, m.lastError])).toEqual([
      ['guest_code', 'failed', 'Not sent: the stay was cancelled first.'],
    ]);
    await tick(ahead(minutes(21 * 60)));
    const voided = await messagesOf(told.reservation.id);
    expect(voided.map((m) => [m.kind, m.status])).toEqual([
      ['guest_code', 'sent'],
      ['cancellation', 'sent'],
    ]);
    expect(voided[1]?.body).toContain('is cancelled');
    expect(voided[1]?.body).not.toContain(told.code.code);
    // A message withdrawn on purpose is no delivery failure: nothing to alert about.
    const raised = await database.db
      .select({ kind: alerts.kind })
      .from(alerts)
      .where(eq(alerts.reservationId, unsent.reservation.id));
    expect(raised).toEqual([]);
  });
});

describe('sendGuestCodeNow', () => {
  it('lets the front desk send the code again, once per click however often the form is submitted', async () => {
    const { reservation, code } = await stay('521');
    const first = '5f0c7a52-8d8e-4f43-9d3b-1c2d3e4f5a60';
    const send = (requestId: string) =>
      sendGuestCodeNow(
        database.db,
        frontDesk,
        { reservationId: reservation.id, requestId },
        BOOKED,
      );
    const result = await send(first);
    expect(result).toMatchObject({ channels: ['email'], onLocks: false });
    expect(result.text).toContain(code.code);
    await send(first);
    expect(await messagesOf(reservation.id)).toHaveLength(1);
    await send('0b9c1e2d-3f4a-4b5c-8d6e-7f8091a2b3c4');
    expect((await messagesOf(reservation.id)).map((m) => m.kind)).toEqual([
      'guest_code',
      'guest_code',
    ]);

    const audits = await database.db
      .select({ detail: auditLog.detail })
      .from(auditLog)
      .where(
        and(eq(auditLog.action, 'message.sent_by_staff'), eq(auditLog.targetId, reservation.id)),
      );
    expect(audits).toHaveLength(3);
    expect(JSON.stringify(audits)).not.toContain(code.code);

    // The reservation page lists both, newest first, as logged (no provider in this test), by whom.
    const detail = await getReservationDetail(database.db, frontDesk, reservation.id, BOOKED);
    expect(detail.messages.map((m) => [m.kindLabel, m.recipient, m.state, m.by])).toEqual([
      ['Guest code by email', 'guest521@guest.example', 'queued', frontDesk.name],
      ['Guest code by email', 'guest521@guest.example', 'queued', frontDesk.name],
    ]);
    expect(JSON.stringify(detail.messages)).not.toContain(code.code);

    // The guest has these codes from staff, so the tick does not send them a third time.
    await tick(ahead(minutes(20)));
    expect((await messagesOf(reservation.id)).map((m) => m.kind)).toEqual([
      'guest_code',
      'guest_code',
    ]);
    const after = await getReservationDetail(database.db, frontDesk, reservation.id, BOOKED);
    expect(after.messages.map((m) => m.state)).toEqual(['logged', 'logged']);
    expect(after.messages[0]?.stateLabel).toMatch(/^Logged, not sent/);
  });

  it('gives the text to pass on when the guest has no email or phone', async () => {
    const { reservation, code } = await stay('522', { guestEmail: null });
    const result = await sendGuestCodeNow(
      database.db,
      frontDesk,
      { reservationId: reservation.id, requestId: 'a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d' },
      BOOKED,
    );
    expect(result.channels).toEqual([]);
    expect(result.text).toContain(code.code);
    expect(await messagesOf(reservation.id)).toEqual([]);
  });

  it('answers not found for another organization’s stay and names a bad field', async () => {
    const { reservation } = await stay('523');
    const other = await createOrganization(database.db, { roles: ['admin'] });
    const outsider = await actorFor(database.db, other, 'admin');
    const requestId = 'c0ffee00-1234-4abc-8def-0123456789ab';
    await expect(
      sendGuestCodeNow(database.db, outsider, { reservationId: reservation.id, requestId }, BOOKED),
    ).rejects.toMatchObject({ code: 'not_found' });
    const bad = await sendGuestCodeNow(
      database.db,
      frontDesk,
      { reservationId: reservation.id, requestId: 'twice' },
      BOOKED,
    ).catch((error: unknown) => error);
    expect(bad).toBeInstanceOf(AppError);
    expect(bad).toMatchObject({ code: 'invalid_input', options: { field: 'requestId' } });
    expect(await messagesOf(reservation.id)).toEqual([]);
  });
});
