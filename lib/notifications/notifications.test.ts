import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { defaultAdapters } from '@/lib/devices/connections';
import { dispatchEvents } from '@/lib/events/dispatch';
import { type NewEvent, recordEvents } from '@/lib/events/store';
import { stayMessages } from '@/lib/messages/history';
import { deliverDueMessages } from '@/lib/messages/outbox';
import { loopbackSmtp, type ReceivedMail, startSmtpServer } from '@/lib/messages/testing';
import { runTick } from '@/lib/reconciler/tick';
import { createReservation } from '@/lib/reservations/operations';
import { notifyConditions } from './conditions';
import { notifyForEvents } from './events';
import type { NotificationKind } from './kinds';
import { saveOwnNotificationPreferences } from './preferences';

// Thursday 2026-11-26, 09:00 in New York (the organization's and property's zone).
const T0 = new Date('2026-11-26T14:00:00Z');
const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);

let database: TestDatabase;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
const received: ReceivedMail[] = [];

type Org = Awaited<ReturnType<typeof createOrganization>>;
let orgA: Org;
let orgB: Org;
let lock: schema.Device;
let stay: Awaited<ReturnType<typeof createReservation>>;
let pin: string;
const actors: Record<string, Actor> = {};

beforeAll(async () => {
  database = await createTestDatabase();
  smtp = await startSmtpServer(received);
});
afterAll(async () => {
  await smtp.close();
  await database.close();
});

beforeEach(async () => {
  received.length = 0;
  await database.truncate();
  const db = database.db;
  orgA = await createOrganization(db, { name: 'Harbor', roles: ['admin', 'owner', 'front_desk'] });
  orgB = await createOrganization(db, { name: 'Elsewhere', roles: ['admin'] });
  for (const role of ['admin', 'owner', 'front_desk'] as const) {
    actors[role] = await actorFor(db, orgA, role);
  }
  actors.outsider = await actorFor(db, orgB, 'admin');
  lock = await addSimulatedLock(db, {
    organizationId: orgA.org.id,
    propertyId: orgA.property.id,
    room: '204',
  });
  // Checks in today 15:00, out Saturday 11:00, New York time.
  stay = await createReservation(
    db,
    actors.admin as Actor,
    {
      propertyId: orgA.property.id,
      guestName: 'Maria Lopez',
      guestEmail: 'maria@guest.example',
      checkInDate: '2026-11-26',
      checkOutDate: '2026-11-28',
      deviceIds: [lock.id],
    },
    T0,
  );
  const code = stay.accessCodes[0];
  if (!code?.code) throw new Error('the stay has no guest code');
  pin = code.code;
});

async function choose(
  who: string,
  prefs: {
    kinds: NotificationKind[];
    quietFrom?: string;
    quietUntil?: string;
    dailyDigest?: boolean;
  },
) {
  await saveOwnNotificationPreferences(database.db, actors[who] as Actor, prefs, T0);
}

const email = (who: string) => (actors[who] as Actor).email;

function record(events: NewEvent[]) {
  return database.db.transaction((tx) => recordEvents(tx, events));
}

async function deliver(now: Date) {
  return deliverDueMessages(database.db, { now, transports: { email: loopbackSmtp(smtp.port) } });
}

/** What the member read: the plain-text part, quoted-printable and UTF-8 undone. */
function text(mail: ReceivedMail): string {
  const part = mail.raw
    .split(/\r?\n--[^\r\n]+\r?\n/)
    .find((p) => /^Content-Type: text\/plain/im.test(p));
  if (!part) throw new Error('the email has no plain-text part');
  const bytes = part
    .split(/\r?\n\r?\n/)
    .slice(1)
    .join('\n\n')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

const mailsTo = (who: string) => received.filter((m) => m.to.includes(email(who)));

/** No run of digits in what a member reads could be a PIN: only the year and ids have 4+. */
function expectNoPin(mail: ReceivedMail) {
  const body = text(mail);
  const withoutIds = body.replace(
    /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi,
    '',
  );
  const runs = (withoutIds.match(/\d{4,}/g) ?? []).filter((run) => run !== '2026');
  expect(runs, `digits in a notification to ${mail.to.join(', ')}`).toEqual([]);
  // The years' run aside, no 4+ digits means no PIN; said outright for any other PIN.
  if (pin !== '2026') expect(body).not.toContain(pin);
}

const pulled = (dedupe = 'pull-1'): NewEvent => ({
  organizationId: orgA.org.id,
  eventType: 'access_code.backup_access_code_pulled',
  occurredAt: T0,
  deviceId: lock.id,
  accessCodeId: stay.accessCodes[0]?.id ?? null,
  reservationId: stay.id,
  detail: { backup_access_code_id: '7c1f2f9e-5b8c-4f57-9a43-0d6a3f3e1b11' },
  dedupeKey: `access_code.backup_access_code_pulled:${dedupe}`,
});

describe('backup code pulled', () => {
  it('tells the member who chose it, once, and nobody else', async () => {
    await choose('admin', { kinds: ['backup_code_pulled'] });
    await choose('owner', { kinds: ['entry_after_check_out'] });
    await choose('outsider', { kinds: ['backup_code_pulled'] });
    // Chose it, but their membership is disabled.
    await choose('front_desk', { kinds: ['backup_code_pulled'] });
    await database.db
      .update(schema.memberships)
      .set({ disabledAt: T0 })
      .where(eq(schema.memberships.userId, (actors.front_desk as Actor).userId as string));

    await record([pulled()]);
    const first = await dispatchEvents(database.db, T0);
    expect(first.notifications).toBe(1);
    // The same happening recorded again is one event; dispatched again, nothing new.
    await record([pulled()]);
    await dispatchEvents(database.db, new Date(T0.getTime() + 60_000));
    await deliver(new Date(T0.getTime() + 120_000));

    expect(received).toHaveLength(1);
    const [mail] = mailsTo('admin');
    if (!mail) throw new Error('the admin got no email');
    const body = text(mail);
    expect(body).toContain('A backup code was pulled for Maria Lopez (Room 204)');
    expect(body).toContain('Harbor Inn');
    // Times in the property's zone.
    expect(body).toContain('Thu, 26 Nov 2026, 09:00 EST');
    expect(body).toContain(`/reservations/${stay.id}`);
    expectNoPin(mail);
  });

  it('tells a member once when the same cause is handed over twice', async () => {
    await choose('admin', { kinds: ['backup_code_pulled'] });
    const [event] = await record([pulled()]);
    if (!event) throw new Error('no event');
    const counts = await database.db.transaction(async (tx) => [
      await notifyForEvents(tx, [event], T0),
      await notifyForEvents(tx, [event], T0),
    ]);
    expect(counts).toEqual([1, 0]);
    await deliver(T0);
    expect(mailsTo('admin')).toHaveLength(1);
  });

  it('tells of a guest with a very long name (the subject cut), and one bad event elsewhere holds nothing up', async () => {
    await choose('admin', { kinds: ['backup_code_pulled'] });
    await database.db
      .update(schema.reservations)
      .set({ guestName: `Maria ${'Lopez-'.repeat(32)}Garcia` })
      .where(eq(schema.reservations.id, stay.id));
    // Another organization's endpoint row the outbox refuses: every delivery to it fails.
    await database.db.insert(schema.webhookEndpoints).values({
      organizationId: orgB.org.id,
      url: 'not a url',
      secretSealed: 'sealed',
    });
    await record([
      {
        organizationId: orgB.org.id,
        eventType: 'device.disconnected',
        occurredAt: T0,
        dedupeKey: 'device.disconnected:elsewhere',
      },
      pulled(),
    ]);
    const stats = await dispatchEvents(database.db, T0);
    expect(stats).toMatchObject({ events: 1, notifications: 1, dropped: 1 });
    const undispatched = await database.db
      .select()
      .from(schema.events)
      .where(isNull(schema.events.dispatchedAt));
    expect(undispatched).toHaveLength(0);
    await deliver(T0);
    const [mail] = mailsTo('admin');
    if (!mail) throw new Error('the admin got no email');
    expect(text(mail)).toContain('A backup code was pulled for Maria Lopez-Lopez-');
    const [row] = await database.db
      .select({ subject: schema.messages.subject })
      .from(schema.messages)
      .where(eq(schema.messages.kind, 'staff_notification'));
    expect(row?.subject?.length).toBeLessThanOrEqual(200);
    expect(row?.subject?.endsWith('…')).toBe(true);
  });

  it('is not listed among the messages to the guest on the stay', async () => {
    await choose('admin', { kinds: ['backup_code_pulled'] });
    await record([pulled()]);
    await dispatchEvents(database.db, T0);
    const staffEmails = await database.db
      .select()
      .from(schema.messages)
      .where(eq(schema.messages.kind, 'staff_notification'));
    expect(staffEmails).toHaveLength(1);
    expect(staffEmails[0]?.reservationId).toBe(stay.id);
    const listed = await stayMessages(database.db, orgA.org.id, stay.id, 'America/New_York', T0);
    expect(listed.map((m) => m.kind)).not.toContain('staff_notification');
  });
});

describe('entry after check-out', () => {
  it('tells the member who chose it of an entry with a guest code after check-out only', async () => {
    await choose('owner', { kinds: ['entry_after_check_out'] });
    await choose('admin', { kinds: ['backup_code_pulled'] });
    await choose('outsider', { kinds: ['entry_after_check_out'] });
    const afterCheckOut = at('2026-11-28T18:05:00Z'); // Saturday 13:05 EST
    await record([
      {
        organizationId: orgA.org.id,
        eventType: 'lock.unlocked',
        occurredAt: at('2026-11-27T01:00:00Z'),
        deviceId: lock.id,
        accessCodeId: stay.accessCodes[0]?.id ?? null,
        reservationId: stay.id,
        method: 'keycode',
        detail: {},
        dedupeKey: `lock:${lock.id}:e1`,
      },
      {
        organizationId: orgA.org.id,
        eventType: 'lock.unlocked',
        occurredAt: afterCheckOut,
        deviceId: lock.id,
        accessCodeId: stay.accessCodes[0]?.id ?? null,
        reservationId: stay.id,
        method: 'keycode',
        detail: { after_check_out: true },
        dedupeKey: `lock:${lock.id}:e2`,
      },
    ]);
    await dispatchEvents(database.db, afterCheckOut);
    await deliver(afterCheckOut);
    expect(received).toHaveLength(1);
    const [mail] = mailsTo('owner');
    if (!mail) throw new Error('the owner got no email');
    const body = text(mail);
    expect(body).toContain('Room 204 at Harbor Inn was opened with Maria Lopez');
    expect(body).toContain('Sat, 28 Nov 2026, 13:05 EST');
    expect(body).toContain('Sat, 28 Nov 2026, 11:00 EST');
    expect(body).toContain(`/locks/${lock.id}`);
    expectNoPin(mail);
  });
});

describe('code failed at check-in', () => {
  it('tells of a guest code that failed for a stay checking in within 24 hours, not later ones', async () => {
    await choose('front_desk', { kinds: ['code_failed_at_check_in'] });
    await choose('outsider', { kinds: ['code_failed_at_check_in'] });
    const later = await createReservation(
      database.db,
      actors.admin as Actor,
      {
        propertyId: orgA.property.id,
        guestName: 'Jonas Berg',
        checkInDate: '2026-11-30',
        checkOutDate: '2026-12-02',
        deviceIds: [lock.id],
      },
      T0,
    );
    const failed = (code: { id: string } | undefined, reservationId: string | null, key: string) =>
      ({
        organizationId: orgA.org.id,
        eventType: 'access_code.failed_to_set_on_device',
        occurredAt: T0,
        deviceId: lock.id,
        accessCodeId: code?.id ?? null,
        reservationId,
        detail: { error_code: 'failed_to_set_on_device' },
        dedupeKey: `access_code.failed_to_set_on_device:${key}`,
      }) satisfies NewEvent;
    await record([
      failed(stay.accessCodes[0], stay.id, 'today'),
      failed(later.accessCodes[0], later.id, 'monday'),
      // A code of no stay (a backup code): not a check-in.
      failed(undefined, null, 'backup'),
    ]);
    await dispatchEvents(database.db, T0);
    await deliver(T0);
    expect(received).toHaveLength(1);
    const [mail] = mailsTo('front_desk');
    if (!mail) throw new Error('the front desk got no email');
    const body = text(mail);
    expect(body).toContain('could not be set on Room 204 at Harbor Inn');
    expect(body).toContain('Check-in: Thu, 26 Nov 2026, 15:00 EST');
    expect(body).not.toContain('Jonas Berg');
    expectNoPin(mail);
  });
});

describe('quiet hours', () => {
  it('hold the email until they end, in the organization’s zone', async () => {
    await choose('admin', {
      kinds: ['backup_code_pulled'],
      quietFrom: '22:00',
      quietUntil: '07:00',
    });
    const lateEvening = at('2026-11-27T04:00:00Z'); // Thursday 23:00 EST
    await record([{ ...pulled(), occurredAt: lateEvening }]);
    await dispatchEvents(database.db, lateEvening);
    await deliver(lateEvening);
    expect(received).toHaveLength(0);
    await deliver(at('2026-11-27T11:59:00Z')); // 06:59 EST
    expect(received).toHaveLength(0);
    await deliver(at('2026-11-27T12:00:00Z')); // 07:00 EST
    expect(mailsTo('admin')).toHaveLength(1);
  });
});

describe('daily digest', () => {
  it('sends one digest at 07:00 local with the day’s items and no single emails', async () => {
    await choose('admin', {
      kinds: ['backup_code_pulled', 'entry_after_check_out'],
      dailyDigest: true,
    });
    // Chose the digest, but nothing happened that they chose.
    await choose('owner', { kinds: ['code_failed_at_check_in'], dailyDigest: true });
    // Chose the digest with quiet hours that run past 07:00.
    await choose('front_desk', {
      kinds: ['backup_code_pulled'],
      dailyDigest: true,
      quietFrom: '21:00',
      quietUntil: '08:00',
    });
    await record([pulled()]);
    await dispatchEvents(database.db, T0); // Thursday 09:00
    const evening = at('2026-11-27T01:30:00Z'); // Thursday 20:30
    await record([
      {
        organizationId: orgA.org.id,
        eventType: 'lock.unlocked',
        occurredAt: evening,
        deviceId: lock.id,
        accessCodeId: stay.accessCodes[0]?.id ?? null,
        reservationId: stay.id,
        method: 'keycode',
        detail: { after_check_out: true },
        dedupeKey: `lock:${lock.id}:late`,
      },
    ]);
    await dispatchEvents(database.db, evening);
    await deliver(evening);
    expect(received).toHaveLength(0);

    // Friday 06:59 and 07:00 EST.
    await notifyConditions(database.db, at('2026-11-27T11:59:00Z'));
    await deliver(at('2026-11-27T11:59:00Z'));
    expect(received).toHaveLength(0);
    const seven = at('2026-11-27T12:00:00Z');
    await notifyConditions(database.db, seven);
    // A later tick the same morning, and a new item after 07:00: no second digest today.
    await record([{ ...pulled('pull-2'), detail: { backup_access_code_id: 'b2' } }]);
    await dispatchEvents(database.db, at('2026-11-27T12:30:00Z'));
    await notifyConditions(database.db, at('2026-11-27T12:45:00Z'));
    await deliver(at('2026-11-27T12:45:00Z'));

    expect(received).toHaveLength(1);
    expect(mailsTo('front_desk')).toHaveLength(0);
    await deliver(at('2026-11-27T13:00:00Z')); // 08:00: the front desk's quiet hours are over
    expect(mailsTo('front_desk')).toHaveLength(1);
    const [digest] = mailsTo('admin');
    if (!digest) throw new Error('no digest');
    const body = text(digest);
    expect(body).toContain('Backup code pulled for Maria Lopez (Room 204)');
    expect(body).toContain('Entry after check-out');
    expectNoPin(digest);
    // Friday's 07:30 item was not carried: it waits for Saturday's digest.
    const [waiting] = await database.db
      .select({ digestedAt: schema.staffNotifications.digestedAt })
      .from(schema.staffNotifications)
      .where(
        and(
          eq(schema.staffNotifications.userId, (actors.admin as Actor).userId as string),
          eq(schema.staffNotifications.cause, `backup_code_pulled:${stay.accessCodes[0]?.id}:b2`),
        ),
      );
    expect(waiting?.digestedAt).toBeNull();

    // Saturday 07:00: the digest carries only Friday's item.
    await notifyConditions(database.db, at('2026-11-28T12:00:00Z'));
    await deliver(at('2026-11-28T12:00:00Z'));
    expect(mailsTo('admin')).toHaveLength(2);
    expect(mailsTo('owner')).toHaveLength(0);
    expect(received).toHaveLength(3);
  });

  it('carries a day whose digest was missed into the next, and leaves out what was emailed before the switch', async () => {
    await choose('admin', { kinds: ['backup_code_pulled'] });
    await record([pulled('told-alone')]);
    await dispatchEvents(database.db, T0); // Thursday 09:00, emailed at once
    await deliver(T0);
    expect(mailsTo('admin')).toHaveLength(1);
    await choose('admin', { kinds: ['backup_code_pulled'], dailyDigest: true });
    await record([{ ...pulled('for-the-digest'), detail: { backup_access_code_id: 'b3' } }]);
    await dispatchEvents(database.db, at('2026-11-26T16:00:00Z')); // Thursday 11:00
    // Nothing ran at Friday 07:00 (the server was down); Saturday 07:00 does.
    const saturday = at('2026-11-28T12:00:00Z');
    await notifyConditions(database.db, saturday);
    await deliver(saturday);
    const mails = mailsTo('admin');
    expect(mails).toHaveLength(2);
    const digest = text(mails[1] as ReceivedMail);
    expect(digest.match(/Backup code pulled for Maria Lopez/g)).toHaveLength(1);
  });
});

/** Take the lock offline as the reconciler records it, since `since`. */
async function goOffline(since: Date) {
  await database.db
    .update(schema.devices)
    .set({
      online: false,
      errors: [
        {
          code: 'device_disconnected',
          message: 'The lock is offline.',
          createdAt: since.toISOString(),
        },
      ],
    })
    .where(eq(schema.devices.id, lock.id));
}

describe('arrival at risk', () => {
  it('tells as soon as a stay is at risk and again within 2 hours of check-in', async () => {
    await choose('admin', { kinds: ['arrival_at_risk'] });
    await choose('outsider', { kinds: ['arrival_at_risk'] });
    // Nothing wrong yet: nobody is told.
    expect(await notifyConditions(database.db, T0)).toBe(0);
    await goOffline(new Date(T0.getTime() - HOUR));
    expect(await notifyConditions(database.db, T0)).toBe(1);
    expect(await notifyConditions(database.db, new Date(T0.getTime() + HOUR))).toBe(0);
    await deliver(new Date(T0.getTime() + HOUR));
    expect(mailsTo('admin')).toHaveLength(1);
    const early = text(mailsTo('admin')[0] as ReceivedMail);
    expect(early).toContain(
      'Maria Lopez checks in at Harbor Inn, Room 204, on Thu, 26 Nov 2026, 15:00 EST',
    );
    expect(early).toContain('Room 204 is offline since');
    // 13:00 EST, 2 hours before check-in, still offline.
    const twoHoursBefore = at('2026-11-26T18:00:00Z');
    expect(await notifyConditions(database.db, twoHoursBefore)).toBe(1);
    expect(await notifyConditions(database.db, twoHoursBefore)).toBe(0);
    await deliver(twoHoursBefore);
    expect(mailsTo('admin')).toHaveLength(2);
    expect(received).toHaveLength(2);
    for (const mail of received) expectNoPin(mail);
  });
});

describe('lock offline before an arrival', () => {
  it('tells once per outage when a guest checks in on the lock within 24 hours', async () => {
    await choose('owner', { kinds: ['lock_offline_before_arrival'] });
    await choose('admin', { kinds: ['backup_code_pulled'] });
    await choose('outsider', { kinds: ['lock_offline_before_arrival'] });
    // A blip inside the grace is not an outage.
    await goOffline(new Date(T0.getTime() - 60_000));
    expect(await notifyConditions(database.db, T0)).toBe(0);
    const wentOffline = new Date(T0.getTime() - HOUR);
    await goOffline(wentOffline);
    expect(await notifyConditions(database.db, T0)).toBe(1);
    expect(await notifyConditions(database.db, new Date(T0.getTime() + 5 * 60_000))).toBe(0);
    await deliver(new Date(T0.getTime() + 5 * 60_000));
    expect(received).toHaveLength(1);
    const body = text(mailsTo('owner')[0] as ReceivedMail);
    expect(body).toContain('Room 204 at Harbor Inn is offline since Thu, 26 Nov 2026, 08:00 EST');
    expect(body).toContain('Maria Lopez checks in on it Thu, 26 Nov 2026, 15:00 EST');

    // Back online, then a new outage: told again.
    await database.db
      .update(schema.devices)
      .set({ online: true, errors: [] })
      .where(eq(schema.devices.id, lock.id));
    expect(await notifyConditions(database.db, new Date(T0.getTime() + HOUR))).toBe(0);
    await goOffline(new Date(T0.getTime() + HOUR));
    expect(await notifyConditions(database.db, new Date(T0.getTime() + 2 * HOUR))).toBe(1);
    await deliver(new Date(T0.getTime() + 2 * HOUR));
    expect(mailsTo('owner')).toHaveLength(2);
    expect(mailsTo('admin')).toHaveLength(0);
  });

  it('says nothing of a lock whose next arrival is more than 24 hours away', async () => {
    await choose('owner', { kinds: ['lock_offline_before_arrival'] });
    await goOffline(new Date(T0.getTime() - HOUR));
    // Friday 16:00 EST: Maria checked in yesterday; nobody else is booked.
    expect(await notifyConditions(database.db, at('2026-11-27T21:00:00Z'))).toBe(0);
  });
});

describe('nobody subscribed', () => {
  it('writes nothing', async () => {
    await goOffline(new Date(T0.getTime() - HOUR));
    await record([pulled()]);
    expect((await dispatchEvents(database.db, T0)).notifications).toBe(0);
    expect(await notifyConditions(database.db, at('2026-11-27T12:00:00Z'))).toBe(0);
    expect(await database.db.select().from(schema.staffNotifications)).toEqual([]);
  });
});

describe('the tick', () => {
  it('emails a member of an event recorded before it, in the same tick', async () => {
    await choose('owner', { kinds: ['entry_after_check_out'] });
    const afterCheckOut = at('2026-11-28T18:05:00Z');
    await record([
      {
        organizationId: orgA.org.id,
        eventType: 'lock.unlocked',
        occurredAt: afterCheckOut,
        deviceId: lock.id,
        accessCodeId: stay.accessCodes[0]?.id ?? null,
        reservationId: stay.id,
        method: 'keycode',
        detail: { after_check_out: true },
        dedupeKey: `lock:${lock.id}:tick`,
      },
    ]);
    const stats = await runTick(database.db, {
      now: afterCheckOut,
      adapters: defaultAdapters(database.db),
      transports: { email: loopbackSmtp(smtp.port) },
      random: () => 1,
    });
    expect(stats.staffNotifications).toBe(1);
    expect(mailsTo('owner')).toHaveLength(1);
    expect(text(mailsTo('owner')[0] as ReceivedMail)).toContain('opened with Maria Lopez');
  });
});
