import { randomUUID } from 'node:crypto';
import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accessCodes,
  alerts,
  auditLog,
  devices,
  messages,
  properties,
  reservations,
} from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { storeLockEvents } from '@/lib/lock-events/ingest';
import {
  acknowledgeAlerts,
  countOpenAlerts,
  listAlerts,
  MESSAGE_ALERT_ATTEMPTS,
  syncAlerts,
} from './alerts';

const NOW = new Date('2026-11-26T12:00:00Z');
const MINUTE = 60_000;
const at = (minutes: number) => new Date(NOW.getTime() + minutes * MINUTE);
const failed = {
  code: 'failed_to_set_on_device',
  message: 'The code is not on the lock. Give the guest a backup code.',
  createdAt: NOW.toISOString(),
};

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let rival: Awaited<ReturnType<typeof createOrganization>>;
let owner: Actor;
let frontDesk: Actor;
let rivalOwner: Actor;

async function newLock(org = harbor) {
  return addSimulatedLock(database.db, {
    organizationId: org.org.id,
    propertyId: org.property.id,
    room: String(Math.floor(Math.random() * 900) + 100),
  });
}

async function newCode(deviceId: string, values: Partial<typeof accessCodes.$inferInsert> = {}) {
  const [code] = await database.db
    .insert(accessCodes)
    .values({
      organizationId: harbor.org.id,
      deviceId,
      type: 'ongoing',
      code: String(100000 + Math.floor(Math.random() * 899999)),
      ...values,
    })
    .returning();
  if (!code) throw new Error('no code');
  return code;
}

async function newStay(values: Partial<typeof reservations.$inferInsert> = {}) {
  const [stay] = await database.db
    .insert(reservations)
    .values({
      organizationId: harbor.org.id,
      propertyId: harbor.property.id,
      guestName: 'Robin Inbox',
      guestEmail: 'robin@example.com',
      startsAt: at(-24 * 60),
      endsAt: at(2 * 24 * 60),
      ...values,
    })
    .returning();
  if (!stay) throw new Error('no stay');
  return stay;
}

const PIN = '482913';
const SMTP_DOWN = 'ESOCKET: connect ECONNREFUSED 127.0.0.1:587';

/** A guest-code email as the outbox stores it: its subject and body hold the PIN. */
async function newMessage(values: Partial<typeof messages.$inferInsert> = {}) {
  const [message] = await database.db
    .insert(messages)
    .values({
      organizationId: harbor.org.id,
      kind: 'guest_code',
      channel: 'email',
      recipient: 'robin@example.com',
      subject: `Your door code ${PIN}`,
      body: `Hello Robin, your code for Room 101 is ${PIN}.`,
      idempotencyKey: `guest-code.${randomUUID()}`,
      createdAt: NOW,
      updatedAt: NOW,
      ...values,
    })
    .returning();
  if (!message) throw new Error('no message');
  return message;
}

async function updateMessage(id: string, values: Partial<typeof messages.$inferInsert>) {
  await database.db
    .update(messages)
    .set({ updatedAt: NOW, ...values })
    .where(eq(messages.id, id));
}

async function alertsFor(subject: string) {
  return database.db
    .select()
    .from(alerts)
    .where(eq(alerts.dedupeKey, subject))
    .orderBy(alerts.openedAt);
}

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, { roles: ['owner', 'front_desk'] });
  rival = await createOrganization(database.db, { roles: ['owner'] });
  owner = await actorFor(database.db, harbor, 'owner');
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  rivalOwner = await actorFor(database.db, rival, 'owner');
});
afterAll(async () => {
  await database?.close();
});

describe('syncAlerts', () => {
  it('opens one alert for a failed code, keeps it on later ticks, and resolves it once fixed', async () => {
    const lock = await newLock();
    const code = await newCode(lock.id, { errors: [failed] });
    const key = `failed_to_set_on_device:${code.id}`;

    await syncAlerts(database.db, NOW);
    await syncAlerts(database.db, at(1));
    const [alert, ...more] = await alertsFor(key);
    expect(more).toEqual([]);
    expect(alert).toMatchObject({
      organizationId: harbor.org.id,
      deviceId: lock.id,
      accessCodeId: code.id,
      severity: 'error',
      status: 'open',
      message: failed.message,
      openedAt: NOW,
    });

    await database.db.update(accessCodes).set({ errors: [] }).where(eq(accessCodes.id, code.id));
    const result = await syncAlerts(database.db, at(2));
    expect(result.resolved).toBeGreaterThanOrEqual(1);
    expect(await alertsFor(key)).toMatchObject([{ status: 'resolved', resolvedAt: at(2) }]);
  });

  it('warns about a low battery and an offline lock, and clears both when the lock recovers', async () => {
    const lock = await newLock();
    await database.db
      .update(devices)
      .set({
        batteryLevel: 0.12,
        errors: [{ code: 'device_disconnected', message: 'The lock is offline.', createdAt: '' }],
      })
      .where(eq(devices.id, lock.id));
    await syncAlerts(database.db, NOW);
    expect(await alertsFor(`low_battery:${lock.id}`)).toMatchObject([
      { severity: 'warning', status: 'open', message: expect.stringContaining('12%') },
    ]);
    expect(await alertsFor(`device_disconnected:${lock.id}`)).toMatchObject([
      { severity: 'error', status: 'open' },
    ]);

    await database.db
      .update(devices)
      .set({ batteryLevel: 0.9, errors: [] })
      .where(eq(devices.id, lock.id));
    await syncAlerts(database.db, at(1));
    expect(await alertsFor(`low_battery:${lock.id}`)).toMatchObject([{ status: 'resolved' }]);
    expect(await alertsFor(`device_disconnected:${lock.id}`)).toMatchObject([
      { status: 'resolved' },
    ]);
  });

  it('flags a departed guest’s code still on the lock after the grace period, not before', async () => {
    const lock = await newLock();
    const [stay] = await database.db
      .insert(reservations)
      .values({
        organizationId: harbor.org.id,
        propertyId: harbor.property.id,
        guestName: 'Dana Late',
        startsAt: at(-3 * 24 * 60),
        endsAt: at(-10),
      })
      .returning();
    const code = await newCode(lock.id, {
      type: 'time_bound',
      reservationId: stay?.id,
      startsAt: at(-3 * 24 * 60),
      endsAt: at(-10),
      status: 'set',
    });
    const key = `code_on_lock_after_check_out:${code.id}`;
    await syncAlerts(database.db, NOW);
    expect(await alertsFor(key)).toEqual([]);
    await syncAlerts(database.db, at(10));
    expect(await alertsFor(key)).toMatchObject([{ severity: 'error', reservationId: stay?.id }]);
    const listed = await listAlerts(database.db, owner);
    expect(listed.alerts.find((a) => a.accessCodeId === code.id)).toMatchObject({
      guestName: 'Dana Late',
      lockName: lock.name,
    });
  });

  it('raises entry_after_check_out for a stay’s code that opened the door after check-out, one per code', async () => {
    const lock = await addSimulatedLock(database.db, {
      organizationId: harbor.org.id,
      propertyId: harbor.property.id,
      name: 'Room 204',
    });
    // Checked out at 11:00 New York on 25 Nov.
    const checkOut = new Date('2026-11-25T16:00:00Z');
    const stay = await newStay({
      guestName: 'Maria Lopez',
      startsAt: at(-4 * 24 * 60),
      endsAt: checkOut,
    });
    const window = { type: 'time_bound' as const, startsAt: stay.startsAt, endsAt: checkOut };
    const guest = await newCode(lock.id, { ...window, reservationId: stay.id, status: 'set' });
    const backup = await newCode(lock.id, {
      isBackup: true,
      pulledForReservationId: stay.id,
      pulledAt: at(-3 * 24 * 60),
      endsAt: checkOut,
      status: 'set',
    });
    const entry = (id: string, code: string, when: string) => ({
      externalEventId: id,
      type: 'lock.unlocked' as const,
      occurredAt: new Date(when),
      method: 'keycode' as const,
      code: { keyholdCodeId: code },
    });
    const stored = await storeLockEvents(database.db, lock, [
      // During the stay: no alert.
      entry('e1', guest.id, '2026-11-24T22:00:00Z'),
      entry('e2', guest.id, '2026-11-25T19:02:00Z'),
      entry('e3', backup.id, '2026-11-25T21:30:00Z'),
    ]);
    expect(stored.map((e) => e.detail.after_check_out)).toEqual([false, true, true]);
    await syncAlerts(database.db, NOW);

    expect(await alertsFor(`entry_after_check_out:${guest.id}`)).toMatchObject([
      {
        status: 'open',
        severity: 'error',
        deviceId: lock.id,
        reservationId: stay.id,
        message:
          "Maria Lopez's guest code opened Room 204 at 14:02 on 25 Nov, after check-out at 11:00. Check the code is off the lock.",
      },
    ]);
    expect(await alertsFor(`entry_after_check_out:${backup.id}`)).toMatchObject([
      {
        message:
          "Maria Lopez's backup code opened Room 204 at 16:30 on 25 Nov, after check-out at 11:00. Check the code is off the lock.",
      },
    ]);

    // The guest code again the next morning: still one alert, naming the latest entry and the check-out's day.
    await storeLockEvents(database.db, lock, [entry('e4', guest.id, '2026-11-26T11:15:00Z')]);
    await syncAlerts(database.db, at(30));
    const again = await alertsFor(`entry_after_check_out:${guest.id}`);
    expect(again).toHaveLength(1);
    expect(again[0]?.message).toBe(
      "Maria Lopez's guest code opened Room 204 at 06:15 on 26 Nov, after check-out at 11:00 on 25 Nov. Check the code is off the lock.",
    );

    // Two days after the last entry, the alert clears.
    await syncAlerts(database.db, new Date('2026-11-28T13:30:00Z'));
    expect(await alertsFor(`entry_after_check_out:${guest.id}`)).toMatchObject([
      { status: 'resolved' },
    ]);
  });
});

describe('syncAlerts for guest messages', () => {
  it('warns once a message has failed three times, quoting the error but never the PIN, and clears once sent', async () => {
    const stay = await newStay();
    const message = await newMessage({
      reservationId: stay.id,
      attempts: MESSAGE_ALERT_ATTEMPTS - 1,
      lastError: SMTP_DOWN,
    });
    const key = `message_delivery_delayed:${message.id}`;
    await syncAlerts(database.db, NOW);
    expect(await alertsFor(key)).toEqual([]);

    await updateMessage(message.id, { attempts: MESSAGE_ALERT_ATTEMPTS });
    await syncAlerts(database.db, at(1));
    await syncAlerts(database.db, at(2));
    const found = await alertsFor(key);
    expect(found).toMatchObject([
      {
        organizationId: harbor.org.id,
        reservationId: stay.id,
        deviceId: null,
        severity: 'warning',
        status: 'open',
        openedAt: at(1),
      },
    ]);
    const text = found[0]?.message ?? '';
    expect(text).toMatch(/^Email to the guest .*3 attempts.*still retrying/);
    expect(text).toContain(SMTP_DOWN);
    expect(text).not.toContain(PIN);
    expect(text).not.toContain('Hello Robin');

    // The claim makes it `sending` with a fourth attempt: still the same alert.
    await updateMessage(message.id, {
      status: 'sending',
      attempts: 4,
      lastError: `ESMTP 421:\n  ${'busy '.repeat(100)}`,
    });
    await syncAlerts(database.db, at(3));
    const [longer, ...more] = await alertsFor(key);
    expect(more).toEqual([]);
    expect(longer?.message).toContain('4 attempts');
    // One line, the error cut to 200 characters.
    expect(longer?.message).toMatch(/still retrying: ESMTP 421: (busy )+bus…$/);
    expect(longer?.message.split(': ').slice(1).join(': ')).toHaveLength(200);

    await updateMessage(message.id, { status: 'sent', lastError: null, sentAt: at(4) });
    await syncAlerts(database.db, at(4));
    expect(await alertsFor(key)).toMatchObject([{ status: 'resolved', resolvedAt: at(4) }]);
  });

  it('lists a message alert with its stay, in the stay’s property’s time zone', async () => {
    const [lisbon] = await database.db
      .insert(properties)
      .values({ organizationId: harbor.org.id, name: 'Lisbon Loft', timeZone: 'Europe/Lisbon' })
      .returning();
    const stay = await newStay({ propertyId: lisbon?.id, guestName: 'Avery Offline' });
    const message = await newMessage({
      reservationId: stay.id,
      attempts: MESSAGE_ALERT_ATTEMPTS,
      lastError: SMTP_DOWN,
    });
    await syncAlerts(database.db, NOW);
    const listed = await listAlerts(database.db, owner);
    const [alert] = await alertsFor(`message_delivery_delayed:${message.id}`);
    expect(listed.alerts.find((a) => a.id === alert?.id)).toMatchObject({
      kind: 'message_delivery_delayed',
      reservationId: stay.id,
      guestName: 'Avery Offline',
      lockName: null,
      timeZone: 'Europe/Lisbon',
    });
  });

  it('turns a message given up on into an error while the stay lasts, and resolves it when the stay ends', async () => {
    const stay = await newStay();
    const message = await newMessage({
      reservationId: stay.id,
      attempts: MESSAGE_ALERT_ATTEMPTS,
      lastError: SMTP_DOWN,
    });
    await syncAlerts(database.db, NOW);
    expect(await alertsFor(`message_delivery_delayed:${message.id}`)).toMatchObject([
      { status: 'open' },
    ]);

    const refused = 'EENVELOPE 550: 5.1.1 mailbox unavailable';
    await updateMessage(message.id, { status: 'failed', attempts: 4, lastError: refused });
    await syncAlerts(database.db, at(1));
    await syncAlerts(database.db, at(2));
    expect(await alertsFor(`message_delivery_delayed:${message.id}`)).toMatchObject([
      { status: 'resolved', resolvedAt: at(1) },
    ]);
    const key = `message_failed:${message.id}`;
    const [failure, ...more] = await alertsFor(key);
    expect(more).toEqual([]);
    expect(failure).toMatchObject({
      severity: 'error',
      status: 'open',
      reservationId: stay.id,
      message: `Email to the guest was not delivered: ${refused}`,
    });

    // Still open just before check-out, resolved once the stay has ended.
    await syncAlerts(database.db, new Date(stay.endsAt.getTime() - MINUTE));
    expect(await alertsFor(key)).toMatchObject([{ status: 'open' }]);
    await syncAlerts(database.db, stay.endsAt);
    expect(await alertsFor(key)).toMatchObject([{ status: 'resolved', resolvedAt: stay.endsAt }]);
  });

  it('clears a failure once a later message of the same kind reaches the guest, and skips old or past ones', async () => {
    const stay = await newStay();
    const failedSms = await newMessage({
      reservationId: stay.id,
      channel: 'sms',
      recipient: '+14155550123',
      subject: null,
      status: 'failed',
      attempts: 8,
      lastError: 'Provider said no.',
    });
    const key = `message_failed:${failedSms.id}`;
    await syncAlerts(database.db, NOW);
    expect(await alertsFor(key)).toMatchObject([
      { status: 'open', message: 'SMS to the guest was not delivered: Provider said no.' },
    ]);

    // Sent later, but by email or of another kind: the guest still lacks this text.
    await newMessage({ reservationId: stay.id, status: 'sent', createdAt: at(5) });
    await newMessage({
      reservationId: stay.id,
      channel: 'sms',
      recipient: '+14155550123',
      subject: null,
      kind: 'backup_code',
      status: 'sent',
      createdAt: at(5),
    });
    await syncAlerts(database.db, at(6));
    expect(await alertsFor(key)).toMatchObject([{ status: 'open' }]);

    await newMessage({
      reservationId: stay.id,
      channel: 'sms',
      recipient: '+14155550123',
      subject: null,
      status: 'sent',
      createdAt: at(7),
    });
    await syncAlerts(database.db, at(8));
    expect(await alertsFor(key)).toMatchObject([{ status: 'resolved' }]);

    // Given up on more than a week ago, or for a stay already over: no alert.
    const stale = await newMessage({
      reservationId: (await newStay()).id,
      status: 'failed',
      updatedAt: at(-8 * 24 * 60),
    });
    const past = await newMessage({
      reservationId: (await newStay({ startsAt: at(-3 * 24 * 60), endsAt: at(-60) })).id,
      status: 'failed',
    });
    const noStay = await newMessage({ status: 'failed' });
    await syncAlerts(database.db, at(9));
    expect(await alertsFor(`message_failed:${stale.id}`)).toEqual([]);
    expect(await alertsFor(`message_failed:${past.id}`)).toEqual([]);
    expect(await alertsFor(`message_failed:${noStay.id}`)).toMatchObject([
      { status: 'open', reservationId: null, message: 'Email to the guest was not delivered.' },
    ]);
  });
});

describe('syncAlerts for staff notifications and webhooks', () => {
  it('warns once a member’s notifications or a webhook stop getting through, naming only the address or host, and clears once one gets through', async () => {
    const member = 'night.manager@harbor.example';
    const retrying = await newMessage({
      kind: 'staff_notification',
      recipient: member,
      subject: 'Arrival at risk: Robin',
      attempts: MESSAGE_ALERT_ATTEMPTS,
      lastError: SMTP_DOWN,
    });
    const hook = 'https://hooks.example/keyhold/s3cr3t-path';
    await newMessage({
      kind: 'webhook_event',
      channel: 'webhook',
      recipient: hook,
      subject: 'lock.unlocked',
      body: '{}',
      status: 'failed',
      attempts: 1,
      lastError: 'The receiver answered HTTP 410.',
    });
    // A guest message failing is its own alert, not this one.
    await newMessage({ attempts: MESSAGE_ALERT_ATTEMPTS, lastError: SMTP_DOWN });
    await syncAlerts(database.db, at(1));

    const [toMember] = await alertsFor(`notification_not_delivered:${member}`);
    expect(toMember).toMatchObject({ severity: 'warning', status: 'open', reservationId: null });
    expect(toMember?.message).toBe(
      `Notifications to ${member} are not getting through: ${SMTP_DOWN}`,
    );
    const [toHook] = await alertsFor(`notification_not_delivered:${hook}`);
    expect(toHook?.message).toBe(
      'Events to the webhook at https://hooks.example are not getting through: The receiver answered HTTP 410.',
    );
    expect(toHook?.message).not.toContain('s3cr3t');
    expect(await alertsFor('notification_not_delivered:robin@example.com')).toEqual([]);

    // The member's next email gets through: that alert clears; the webhook's stays.
    await updateMessage(retrying.id, { status: 'sent', lastError: null, sentAt: at(2) });
    await syncAlerts(database.db, at(2));
    expect(await alertsFor(`notification_not_delivered:${member}`)).toMatchObject([
      { status: 'resolved' },
    ]);
    expect(await alertsFor(`notification_not_delivered:${hook}`)).toMatchObject([
      { status: 'open' },
    ]);
  });
});

describe('acknowledgeAlerts', () => {
  it('takes an alert off the badge but keeps it listed until it clears; a recurrence opens a new one', async () => {
    const lock = await newLock();
    const code = await newCode(lock.id, { errors: [failed] });
    const key = `failed_to_set_on_device:${code.id}`;
    await syncAlerts(database.db, NOW);
    const [alert] = await alertsFor(key);
    const badgeBefore = await countOpenAlerts(database.db, owner);

    expect(
      await acknowledgeAlerts(database.db, owner, { alertIds: [alert?.id ?? ''] }, at(1)),
    ).toEqual({ acknowledged: 1 });
    expect(await countOpenAlerts(database.db, owner)).toBe(badgeBefore - 1);
    await syncAlerts(database.db, at(2));
    expect(await alertsFor(key)).toMatchObject([{ status: 'acknowledged', acknowledgedAt: at(1) }]);
    const listed = await listAlerts(database.db, owner, { status: 'acknowledged' });
    expect(listed.alerts.map((a) => a.id)).toContain(alert?.id);
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.targetId, alert?.id ?? ''));
    expect(audit).toMatchObject({ action: 'alert.acknowledged', actorUserId: owner.userId });

    await database.db.update(accessCodes).set({ errors: [] }).where(eq(accessCodes.id, code.id));
    await syncAlerts(database.db, at(3));
    await database.db
      .update(accessCodes)
      .set({ errors: [failed] })
      .where(eq(accessCodes.id, code.id));
    await syncAlerts(database.db, at(4));
    expect((await alertsFor(key)).map((a) => a.status)).toEqual(['resolved', 'open']);
  });

  it('answers not found for another organization’s alert and changes nothing', async () => {
    const lock = await newLock();
    const code = await newCode(lock.id, { errors: [failed] });
    await syncAlerts(database.db, NOW);
    const [alert] = await alertsFor(`failed_to_set_on_device:${code.id}`);
    const error = await acknowledgeAlerts(
      database.db,
      rivalOwner,
      { alertIds: [alert?.id ?? ''] },
      NOW,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('not_found');
    expect(await alertsFor(`failed_to_set_on_device:${code.id}`)).toMatchObject([
      { status: 'open' },
    ]);
    const theirs = await listAlerts(database.db, rivalOwner);
    expect(theirs.alerts.map((a) => a.id)).not.toContain(alert?.id);
    expect(await countOpenAlerts(database.db, rivalOwner)).toBe(0);
  });

  it('lets front desk read alerts but not acknowledge them', async () => {
    const lock = await newLock();
    const code = await newCode(lock.id, { errors: [failed] });
    await syncAlerts(database.db, NOW);
    const [alert] = await alertsFor(`failed_to_set_on_device:${code.id}`);
    expect((await listAlerts(database.db, frontDesk)).alerts.map((a) => a.id)).toContain(alert?.id);
    const error = await acknowledgeAlerts(
      database.db,
      frontDesk,
      { alertIds: [alert?.id ?? ''] },
      NOW,
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((await alertsFor(`failed_to_set_on_device:${code.id}`))[0]?.status).toBe('open');
  });

  it('refuses bad input naming the field, and writes nothing', async () => {
    const before = await database.db.select({ n: count() }).from(auditLog);
    for (const alertIds of [[], ['not-an-id'], 'x' as unknown as string[]]) {
      const error = await acknowledgeAlerts(database.db, owner, { alertIds }, NOW).catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).options.field).toBe('alertIds');
    }
    const listError = await listAlerts(database.db, owner, {
      status: 'everything' as 'open',
    }).catch((e: unknown) => e);
    expect((listError as AppError).options.field).toBe('status');
    expect(await database.db.select({ n: count() }).from(auditLog)).toEqual(before);
  });
});
