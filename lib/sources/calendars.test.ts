import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { and, count, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  accessCodes,
  alerts,
  type ReservationSource,
  reservationSources,
  reservations,
  sourceBookings,
} from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import { isLive } from '@/lib/access-codes/predicates';
import { syncAlerts } from '@/lib/alerts/alerts';
import type { Actor } from '@/lib/auth/actor';
import { defaultAdapters } from '@/lib/devices/connections';
import { credentialsKeyFromEnv } from '@/lib/env';
import { runTick } from '@/lib/reconciler/tick';
import {
  approveCalendar,
  previewCalendar,
  readCalendar,
  readCalendarNow,
  readDueCalendars,
} from './calendars';
import { createCalendarSource } from './sources';
import { type FeedServer, startFeedServer, statusResponder } from './testing/feed-server';

const NOW = new Date('2026-12-05T12:00:00Z');
// The tick opens feed addresses with the server's key: this file's settings give it one (and,
// on a shared Postgres as in CI, the secrets every instance must share).
vi.hoisted(() => {
  process.env.CREDENTIALS_KEY ??= 'calendars-test-credentials-key-0123456789';
  process.env.AUTH_SECRET ??= 'calendars-test-auth-secret-0123456789-abcdef';
  process.env.CRON_SECRET ??= 'calendars-test-cron-0123456789-abcdef';
});
const KEY = credentialsKeyFromEnv();
const AIRBNB = readFileSync(join(import.meta.dirname, 'fixtures/airbnb.ics'), 'utf8');
const FIRST_UID = '1418fb94e984-6c3f3f1a2b7e9d0c4a5b6c7d8e9f0a1b@airbnb.com';
const SECOND_UID = '1418fb94e984-abb82e86c42bbaf943c70dc4e6e41ec3@airbnb.com';

/** The Airbnb fixture without its first reservation (the guest's booking dropped from the feed). */
const withoutFirst = (body: string) =>
  body.replace(/BEGIN:VEVENT\r?\n(?:(?!END:VEVENT)[\s\S])*?4821\r?\nEND:VEVENT\r?\n/, '');

let database: TestDatabase;
let server: FeedServer;
let admin: Actor;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let feeds = 0;

beforeAll(async () => {
  database = await createTestDatabase();
  server = await startFeedServer();
  harbor = await createOrganization(database.db, { name: 'Harbor', roles: ['admin'] });
  admin = await actorFor(database.db, harbor, 'admin');
});
afterAll(async () => {
  await server.close();
  await database.close();
});

/**
 * A fresh feed path serving the Airbnb fixture, and its source in Keyhold, on
 * a lock of its own and with confirmation codes of its own: two feeds with one
 * code would be one stay.
 */
async function newFeed() {
  feeds++;
  const path = `/calendar/ical/${feeds}.ics`;
  const body = AIRBNB.replaceAll(/HM(\w{6})\w{2}/g, `HM$1${String(feeds).padStart(2, '0')}`);
  server.setFeed(path, body);
  const lock = await addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: harbor.property.id,
    name: `Room ${300 + feeds}`,
  });
  const source = await createCalendarSource(
    database.db,
    admin,
    {
      name: `Airbnb ${feeds}`,
      propertyId: harbor.property.id,
      deviceIds: [lock.id],
      url: `${server.url(path)}?s=secret-token`,
      preset: 'airbnb',
    },
    KEY,
  );
  return { path, source, lockId: lock.id, body };
}

const options = (now = NOW) => ({ now, refreshMinutes: 10, key: KEY, timeoutMs: 2_000 });

async function reload(source: ReservationSource) {
  const [row] = await database.db
    .select()
    .from(reservationSources)
    .where(eq(reservationSources.id, source.id));
  if (!row) throw new Error('source gone');
  return row;
}

async function stayOf(source: ReservationSource, uid: string) {
  const [link] = await database.db
    .select()
    .from(sourceBookings)
    .where(and(eq(sourceBookings.sourceId, source.id), eq(sourceBookings.externalId, uid)));
  const [stay] = link?.reservationId
    ? await database.db.select().from(reservations).where(eq(reservations.id, link.reservationId))
    : [];
  const codes = stay
    ? await database.db
        .select()
        .from(accessCodes)
        .where(and(eq(accessCodes.reservationId, stay.id), isLive.sql()))
    : [];
  return { link, stay, codes };
}

async function alertsOf(source: ReservationSource) {
  return database.db
    .select()
    .from(alerts)
    .where(
      and(eq(alerts.dedupeKey, `calendar_not_read:${source.id}`), ne(alerts.status, 'resolved')),
    );
}

async function stays() {
  const [row] = await database.db.select({ n: count() }).from(reservations);
  return row?.n ?? 0;
}

describe('an iCal feed', () => {
  it('is previewed before anything is created, then applied: the bookings become stays with codes', async () => {
    const { source, lockId: lock } = await newFeed();
    const before = await stays();
    const preview = await previewCalendar(database.db, admin, source.id, options());
    expect(preview.kind).toBe('read');
    if (preview.kind !== 'read') return;
    expect(preview.summary.counts.created).toBe(2);
    expect(preview.skipped.map((s) => s.count).reduce((a, b) => a + b, 0)).toBe(2);
    expect(await stays()).toBe(before);
    expect((await reload(source)).approvedAt).toBeNull();

    const applied = await approveCalendar(database.db, admin, source.id, options());
    expect(applied.kind).toBe('read');
    expect(await stays()).toBe(before + 2);
    const first = await stayOf(source, FIRST_UID);
    // An all-day Airbnb booking: the property's 15:00 and 11:00 in New York.
    expect(first.stay?.startsAt.toISOString()).toBe('2026-12-24T20:00:00.000Z');
    expect(first.stay?.endsAt.toISOString()).toBe('2026-12-27T16:00:00.000Z');
    expect(first.codes.map((c) => c.deviceId)).toEqual([lock]);
    expect(first.link?.confirmationCode).toBe('HM4WJ8K201');
    const after = await reload(source);
    expect(after.approvedAt).not.toBeNull();
    expect(after.nextReadAt?.toISOString()).toBe('2026-12-05T12:10:00.000Z');
  });

  it('is read again with a conditional GET, and an unchanged feed writes no stay', async () => {
    const { path, source } = await newFeed();
    await approveCalendar(database.db, admin, source.id, options());
    const before = await stayOf(source, FIRST_UID);
    const read = await readCalendarNow(database.db, admin, source.id, options());
    expect(read.kind).toBe('unchanged');
    expect(server.lastRequestHeaders(path)?.['if-none-match']).toBeTruthy();
    const after = await stayOf(source, FIRST_UID);
    expect(after.link?.updatedAt).toEqual(before.link?.updatedAt);
    expect(after.stay?.updatedAt).toEqual(before.stay?.updatedAt);
  });

  it('cancels nothing when the feed fails, and backs off', async () => {
    const { path, source } = await newFeed();
    await approveCalendar(database.db, admin, source.id, options());
    server.setFeed(path, statusResponder(500));
    for (let i = 0; i < 3; i++) {
      const read = await readCalendar(database.db, await reload(source), options());
      expect(read.kind).toBe('failed');
    }
    const after = await reload(source);
    expect(after.failures).toBe(3);
    expect(after.lastError).toMatch(/500/);
    // 10, 20, then 40 minutes after the last failure.
    expect(after.nextReadAt?.toISOString()).toBe('2026-12-05T12:40:00.000Z');
    expect(after.lastError).not.toContain('secret-token');
    expect((await stayOf(source, FIRST_UID)).stay?.status).toBe('confirmed');
  });

  it('waits as long as a 429’s Retry-After asks', async () => {
    const { path, source } = await newFeed();
    await approveCalendar(database.db, admin, source.id, options());
    server.setFeed(path, statusResponder(429, { 'Retry-After': '3600' }));
    const read = await readCalendar(database.db, await reload(source), options());
    expect(read.kind === 'failed' && read.nextReadAt.toISOString()).toBe(
      '2026-12-05T13:00:00.000Z',
    );
  });

  it('cancels nothing when the feed comes back empty', async () => {
    const { path, source } = await newFeed();
    await approveCalendar(database.db, admin, source.id, options());
    server.setFeed(path, 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n');
    for (let i = 0; i < 3; i++) await readCalendar(database.db, await reload(source), options());
    expect((await stayOf(source, FIRST_UID)).stay?.status).toBe('confirmed');
    expect((await stayOf(source, SECOND_UID)).stay?.status).toBe('confirmed');
    const after = await reload(source);
    expect(after.lastError).toMatch(/listed no bookings/);
    // Not a success: an hour of these is an alert.
    expect(after.lastSuccessAt?.toISOString()).toBe(NOW.toISOString());
  });

  it('marks a booking missing once as pending, keeps it when it returns, and cancels it after two misses', async () => {
    const { path, source, body } = await newFeed();
    await approveCalendar(database.db, admin, source.id, options());
    server.setFeed(path, withoutFirst(body));
    await readCalendar(database.db, await reload(source), options());
    let first = await stayOf(source, FIRST_UID);
    expect(first.link?.missingReads).toBe(1);
    expect(first.stay?.status).toBe('confirmed');

    server.setFeed(path, body);
    await readCalendar(database.db, await reload(source), options());
    expect((await stayOf(source, FIRST_UID)).link?.missingReads).toBe(0);

    server.setFeed(path, withoutFirst(body));
    await readCalendar(database.db, await reload(source), options());
    // The same bytes again, answered 304 if asked conditionally: still a second clean read.
    await readCalendar(database.db, await reload(source), options());
    first = await stayOf(source, FIRST_UID);
    expect(first.stay?.status).toBe('cancelled');
    expect(first.codes).toEqual([]);
    expect((await stayOf(source, SECOND_UID)).stay?.status).toBe('confirmed');
  });

  it('follows moved dates: the code moves with the stay', async () => {
    const { path, source, body } = await newFeed();
    await approveCalendar(database.db, admin, source.id, options());
    server.setFeed(path, body.replace('DTEND;VALUE=DATE:20261227', 'DTEND;VALUE=DATE:20261228'));
    await readCalendar(database.db, await reload(source), options());
    const first = await stayOf(source, FIRST_UID);
    expect(first.stay?.endsAt.toISOString()).toBe('2026-12-28T16:00:00.000Z');
    expect(first.codes[0]?.endsAt?.toISOString()).toBe('2026-12-28T16:00:00.000Z');
  });

  it('is read by the tick only when approved and due', async () => {
    const due = await newFeed();
    await approveCalendar(database.db, admin, due.source.id, options());
    const unapproved = await newFeed();
    const dueRequests = server.requestCount(due.path);
    const early = await readDueCalendars(database.db, options(new Date('2026-12-05T12:05:00Z')));
    expect(server.requestCount(due.path)).toBe(dueRequests);
    expect(early.read + early.unchanged).toBe(0);
    await readDueCalendars(database.db, options(new Date('2026-12-05T12:10:00Z')));
    expect(server.requestCount(due.path)).toBe(dueRequests + 1);
    expect(server.requestCount(unapproved.path)).toBe(0);
  });

  it('is an alert once it has not been read successfully for an hour, cleared by the next good read', async () => {
    const { path, source, body } = await newFeed();
    await approveCalendar(database.db, admin, source.id, options());
    server.setFeed(path, statusResponder(503));
    const later = new Date(NOW.getTime() + 61 * 60_000);
    await readCalendar(database.db, await reload(source), options(later));
    await syncAlerts(database.db, later);
    const open = await alertsOf(source);
    expect(open).toHaveLength(1);
    expect(open[0]?.message).toMatch(/has not been read successfully for over 60 minutes: .*503/);
    expect(open[0]?.message).not.toContain('secret-token');

    server.setFeed(path, body);
    await readCalendar(database.db, await reload(source), options(later));
    await syncAlerts(database.db, later);
    expect(await alertsOf(source)).toEqual([]);
  });

  it('brings a new booking in on the tick, with its code put on the lock that same tick', async () => {
    const { path, source, body } = await newFeed();
    await approveCalendar(database.db, admin, source.id, options());
    const added = body.replace(
      'END:VCALENDAR',
      [
        'BEGIN:VEVENT',
        'DTSTART;VALUE=DATE:20261205',
        'DTEND;VALUE=DATE:20261207',
        'SUMMARY:Reserved',
        `UID:tonight-${source.id}@airbnb.com`,
        'DESCRIPTION:Reservation URL: https://www.airbnb.com/hosting/reservations/details/HMTONIGHT1',
        'END:VEVENT',
        'END:VCALENDAR',
      ].join('\r\n'),
    );
    server.setFeed(path, added);
    // Check-in at 15:00 New York is 20:00Z; the code goes on 30 minutes before.
    const at = new Date('2026-12-05T19:45:00Z');
    const stats = await runTick(database.db, {
      now: at,
      adapters: defaultAdapters(database.db),
      calendarRefreshMinutes: 10,
    });
    expect(stats.staysFromCalendars).toBe(1);
    const tonight = await stayOf(source, `tonight-${source.id}@airbnb.com`);
    // On the lock ahead of check-in (it reads `set` from 15:00, as Seam's codes do).
    expect(tonight.codes.map((c) => c.setOnDeviceAt?.toISOString())).toEqual([at.toISOString()]);
  });

  it('cannot be read now before its first import is applied', async () => {
    const { source } = await newFeed();
    const error = await refused(() => readCalendarNow(database.db, admin, source.id, options()));
    expect(error.message).toMatch(/Preview and apply the first import/);
  });

  it('never shows its address’s secret', async () => {
    const { source } = await newFeed();
    expect(source.urlLabel).not.toContain('secret-token');
    expect(source.urlSealed).not.toContain('secret-token');
  });
});
