import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import type { NormalizedBooking } from './booking';
import { CALENDAR_PRESETS, type CalendarPreset, parseCalendar } from './ical';

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

// Every fixture's stays lie after this instant, so nothing is left out as past.
const now = new Date('2026-01-01T00:00:00Z');

function byId(bookings: NormalizedBooking[], externalId: string): NormalizedBooking {
  const booking = bookings.find((b) => b.externalId === externalId);
  if (!booking) throw new Error(`no booking ${externalId}`);
  return booking;
}

describe('CALENDAR_PRESETS', () => {
  it('names each preset the way a host knows the platform', () => {
    expect(Object.keys(CALENDAR_PRESETS)).toEqual(['airbnb', 'vrbo', 'booking', 'generic']);
    expect(CALENDAR_PRESETS.booking.label).toBe('Booking.com');
    expect(CALENDAR_PRESETS.airbnb.label).toBe('Airbnb');
  });
});

describe('parseCalendar: Airbnb', () => {
  const parsed = parseCalendar(fixture('airbnb.ics'), 'airbnb', { now });

  it('reads the two reservations with their confirmation code and phone digits', () => {
    expect(parsed.bookings).toHaveLength(2);
    const christmas = byId(
      parsed.bookings,
      '1418fb94e984-6c3f3f1a2b7e9d0c4a5b6c7d8e9f0a1b@airbnb.com',
    );
    expect(christmas).toMatchObject({
      confirmationCode: 'HM4WJ8K2NA',
      phoneLastDigits: '4821',
      guestName: 'Airbnb guest HM4WJ8K2NA',
      status: 'confirmed',
    });
    const newYear = byId(
      parsed.bookings,
      '1418fb94e984-abb82e86c42bbaf943c70dc4e6e41ec3@airbnb.com',
    );
    // Leading zeros are digits a guest types, not a number.
    expect(newYear.phoneLastDigits).toBe('0599');
    expect(newYear.confirmationCode).toBe('HMZ4HZCAP8');
  });

  it('checks a three-night stay out on the day DTEND names (DTEND is exclusive)', () => {
    const christmas = byId(
      parsed.bookings,
      '1418fb94e984-6c3f3f1a2b7e9d0c4a5b6c7d8e9f0a1b@airbnb.com',
    );
    expect(christmas.checkIn).toEqual({ date: '2026-12-24' });
    expect(christmas.checkOut).toEqual({ date: '2026-12-27' });
  });

  it('leaves out the two not-available blocks and says why', () => {
    expect(parsed.skipped).toEqual([
      { reason: 'Blocked dates (Airbnb "Not available")', count: 2 },
    ]);
  });

  it('takes "Airbnb (Reserved)" as a booking too, and gives a name without a code', () => {
    const text = calendar(
      event({
        uid: 'a@airbnb.com',
        summary: 'Airbnb (Reserved)',
        start: '20261001',
        end: '20261003',
      }),
    );
    const { bookings } = parseCalendar(text, 'airbnb', { now });
    expect(bookings).toHaveLength(1);
    expect(bookings[0]?.guestName).toBe('Airbnb guest');
    expect(bookings[0]?.confirmationCode).toBeNull();
  });
});

describe('parseCalendar: VRBO', () => {
  const parsed = parseCalendar(fixture('vrbo.ics'), 'vrbo', { now });

  it('reads "Reserved - Name" with the name and a bare "Reserved" with a stand-in', () => {
    expect(parsed.bookings.map((b) => b.guestName)).toEqual(['Jane Doe', 'VRBO guest']);
    expect(parsed.bookings[0]?.checkIn).toEqual({ date: '2026-12-18' });
    expect(parsed.bookings[0]?.checkOut).toEqual({ date: '2026-12-22' });
  });

  it('leaves out blocked dates', () => {
    expect(parsed.skipped).toEqual([{ reason: 'Blocked dates (VRBO "Blocked")', count: 1 }]);
  });
});

describe('parseCalendar: Booking.com', () => {
  const parsed = parseCalendar(fixture('booking.ics'), 'booking', { now });

  it('reads "CLOSED - Name" as a booking for that guest', () => {
    expect(parsed.bookings).toHaveLength(1);
    expect(parsed.bookings[0]).toMatchObject({
      externalId: '5f1c0a6e3d2b41aa9c7e@booking.com',
      guestName: 'Maria Rossi',
      checkIn: { date: '2026-12-10' },
      checkOut: { date: '2026-12-13' },
      status: 'confirmed',
    });
  });

  it('leaves out closed dates that name no guest, counted apart from "Not available"', () => {
    expect(parsed.skipped).toEqual([
      { reason: 'Closed dates (Booking.com "Not available")', count: 1 },
      { reason: 'Closed dates with no guest name', count: 1 },
    ]);
  });
});

describe('parseCalendar: generic', () => {
  it('keeps all-day stays across the Berlin DST changes as plain dates', () => {
    const { bookings } = parseCalendar(fixture('dst-berlin.ics'), 'generic', { now });
    expect(bookings.map((b) => [b.guestName, b.checkIn, b.checkOut])).toEqual([
      ['Anna Schmidt', { date: '2026-03-28' }, { date: '2026-03-30' }],
      ['Jonas Weber', { date: '2026-10-24' }, { date: '2026-10-27' }],
    ]);
  });

  it('reads timed stays as instants in their zone, and floating times as local date and time', () => {
    const { bookings } = parseCalendar(fixture('timed-tzid.ics'), 'generic', { now });
    // 15:00 CET before the spring change, 11:00 CEST after it.
    const berlin = byId(bookings, 'berlin-dst@keyhold.test');
    expect(berlin.checkIn).toEqual({ at: new Date('2026-03-28T14:00:00Z') });
    expect(berlin.checkOut).toEqual({ at: new Date('2026-03-30T09:00:00Z') });
    expect(berlin.updatedAt).toEqual(new Date('2026-01-15T09:30:00Z'));
    expect(berlin.guestPhone).toBe('+49 151 23456789');
    expect(berlin.guestEmail).toBe('lena@example.com');

    // No VTIMEZONE in the feed: the TZID is read as an IANA zone (EST after 1 November).
    const newYork = byId(bookings, 'new-york-no-vtimezone@keyhold.test');
    expect(newYork.checkIn).toEqual({ at: new Date('2026-11-05T21:00:00Z') });
    expect(newYork.checkOut).toEqual({ at: new Date('2026-11-08T15:00:00Z') });

    const utc = byId(bookings, 'utc-stay@keyhold.test');
    expect(utc.checkIn).toEqual({ at: new Date('2026-06-01T13:00:00Z') });
    expect(utc.checkOut).toEqual({ at: new Date('2026-06-03T21:00:00Z') });
    expect(utc.status).toBe('cancelled');

    const floating = byId(bookings, 'floating-stay@keyhold.test');
    expect(floating.checkIn).toEqual({ date: '2026-07-10', time: '15:30' });
    expect(floating.checkOut).toEqual({ date: '2026-07-12', time: '10:30' });
    expect(floating.guestName).toBe('Guest');
  });

  it('expands a recurring booking over the next 400 days, with its moved and cancelled instances', () => {
    const { bookings, skipped } = parseCalendar(fixture('recurring-booking.ics'), 'generic', {
      now: new Date('2026-11-15T00:00:00Z'),
    });
    expect(skipped).toEqual([]);
    // December 2026 to December 2027 (2027-12-01 is within 400 days; January 2028 is not),
    // less February's EXDATE.
    expect(bookings.map((b) => ('date' in b.checkIn ? b.checkIn.date : null))).toEqual([
      '2026-12-01',
      '2027-01-02',
      '2027-03-01',
      '2027-04-01',
      '2027-05-01',
      '2027-06-01',
      '2027-07-01',
      '2027-08-01',
      '2027-09-01',
      '2027-10-01',
      '2027-11-01',
      '2027-12-01',
    ]);
    const moved = bookings[1];
    expect(moved?.externalId).toBe('monthly-tenant@keyhold.test#20270101');
    expect(moved?.checkOut).toEqual({ date: '2027-01-05' });
    expect(bookings[2]?.status).toBe('cancelled');
    expect(bookings[0]?.guestEmail).toBe('travel@example.com');
    expect(new Set(bookings.map((b) => b.externalId)).size).toBe(bookings.length);
  });

  it('names a timed recurring instance by its original start in UTC', () => {
    const text = calendar(
      [
        'BEGIN:VEVENT',
        'UID:weekly@keyhold.test',
        'DTSTART:20261207T150000Z',
        'DTEND:20261208T100000Z',
        'RRULE:FREQ=WEEKLY;COUNT=2',
        'SUMMARY:Weekly Guest',
        'END:VEVENT',
      ].join('\r\n'),
    );
    const { bookings } = parseCalendar(text, 'generic', { now });
    expect(bookings.map((b) => [b.externalId, b.checkIn])).toEqual([
      ['weekly@keyhold.test#20261207T150000Z', { at: new Date('2026-12-07T15:00:00Z') }],
      ['weekly@keyhold.test#20261214T150000Z', { at: new Date('2026-12-14T15:00:00Z') }],
    ]);
  });

  it('stops expanding a rule that never ends instead of hanging the sync', () => {
    const text = calendar(
      [
        'BEGIN:VEVENT',
        'UID:every-minute@keyhold.test',
        'DTSTART:20050101T000000Z',
        'DTEND:20050101T000100Z',
        'RRULE:FREQ=MINUTELY',
        'SUMMARY:Runaway',
        'END:VEVENT',
      ].join('\r\n'),
    );
    const started = Date.now();
    const { bookings, skipped } = parseCalendar(text, 'generic', { now });
    expect(bookings).toEqual([]);
    expect(skipped).toEqual([
      { reason: 'Recurring events that repeat too often to read', count: 1 },
    ]);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('drops recurring instances that are over by now', () => {
    const { bookings } = parseCalendar(fixture('recurring-booking.ics'), 'generic', {
      now: new Date('2027-05-15T00:00:00Z'),
    });
    expect(bookings[0]?.checkIn).toEqual({ date: '2027-06-01' });
  });

  it('ignores an email that is not one', () => {
    const text = calendar(
      event({
        uid: 'x@example.com',
        summary: 'Pat',
        start: '20261001',
        end: '20261002',
        description: 'Email: not-an-email\\nPhone: ',
      }),
    );
    const [booking] = parseCalendar(text, 'generic', { now }).bookings;
    expect(booking?.guestEmail).toBeNull();
    expect(booking?.guestPhone).toBeNull();
  });
});

describe('parseCalendar: recurring blocks and odd events', () => {
  it('skips a recurring block once instead of once per weekend', () => {
    const parsed = parseCalendar(fixture('recurring-block.ics'), 'vrbo', { now });
    expect(parsed.bookings.map((b) => b.guestName)).toEqual(['Sam Lee']);
    expect(parsed.skipped).toEqual([{ reason: 'Blocked dates (VRBO "Blocked")', count: 1 }]);
  });

  it('skips events with no UID or that end before they start, and counts them', () => {
    const text = calendar(
      event({ summary: 'Reserved', start: '20261001', end: '20261003' }),
      event({
        uid: 'backwards@airbnb.com',
        summary: 'Reserved',
        start: '20261005',
        end: '20261003',
      }),
      event({
        uid: 'strange@airbnb.com',
        summary: 'Something else',
        start: '20261005',
        end: '20261006',
      }),
    );
    expect(parseCalendar(text, 'airbnb', { now }).skipped).toEqual([
      { reason: 'Events without a UID', count: 1 },
      { reason: 'Events that end before they start', count: 1 },
      { reason: 'Events not marked as a reservation', count: 1 },
    ]);
  });

  it('keeps the first of two events sharing a UID and counts the other', () => {
    const text = calendar(
      event({ uid: 'twice@example.com', summary: 'First', start: '20261001', end: '20261003' }),
      event({ uid: 'twice@example.com', summary: 'Second', start: '20261005', end: '20261007' }),
    );
    const parsed = parseCalendar(text, 'generic', { now });
    expect(parsed.bookings.map((b) => b.guestName)).toEqual(['First']);
    expect(parsed.skipped).toEqual([
      { reason: "Events repeating an earlier event's UID", count: 1 },
    ]);
  });

  it('reads a file that starts with a byte-order mark', () => {
    const text = `\uFEFF${fixture('vrbo.ics')}`;
    expect(parseCalendar(text, 'vrbo', { now }).bookings).toHaveLength(2);
  });

  it('leaves out an event whose dates cannot be read and reads the rest', () => {
    const broken = (uid: string, line: string) =>
      ['BEGIN:VEVENT', `UID:${uid}`, line, 'SUMMARY:Broken', 'END:VEVENT'].join('\r\n');
    const text = calendar(
      broken('bad-date@example.com', 'DTSTART:2026XX01'),
      broken('bad-time@example.com', 'DTSTART:20261201T1'),
      [
        'BEGIN:VEVENT',
        'UID:bad-duration@example.com',
        'DTSTART;VALUE=DATE:20261201',
        'DURATION:banana',
        'END:VEVENT',
      ].join('\r\n'),
      [
        'BEGIN:VEVENT',
        'UID:bad-last-modified@example.com',
        'DTSTART;VALUE=DATE:20261201',
        'DTEND;VALUE=DATE:20261202',
        'LAST-MODIFIED:garbage',
        'SUMMARY:Kept',
        'END:VEVENT',
      ].join('\r\n'),
    );
    const parsed = parseCalendar(text, 'generic', { now });
    expect(parsed.bookings.map((b) => [b.guestName, b.updatedAt])).toEqual([['Kept', null]]);
    expect(parsed.skipped).toEqual([
      { reason: 'Events with dates or times that could not be read', count: 3 },
    ]);
  });

  it('reads an empty calendar as no bookings', () => {
    expect(parseCalendar(calendar(), 'airbnb', { now })).toEqual({ bookings: [], skipped: [] });
  });
});

describe('parseCalendar: text that is not a calendar', () => {
  const notCalendars: [string, string][] = [
    ['an HTML login page', '<!doctype html><html><body>Please sign in</body></html>'],
    ['empty text', ''],
    ['a vCard', 'BEGIN:VCARD\nVERSION:4.0\nFN:Someone\nEND:VCARD\n'],
    ['a calendar cut off mid-way', 'BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\n'],
    ['JSON', '{"bookings": []}'],
  ];

  it.each(notCalendars)('refuses %s as an invalid feed on the url field', (_, text) => {
    let thrown: unknown;
    try {
      parseCalendar(text, 'generic', { now });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(AppError);
    const appError = thrown as AppError;
    expect(appError.code).toBe('invalid_input');
    expect(appError.message).toMatch(/^The feed is not an iCal calendar/);
    expect(appError.options.field).toBe('url');
  });

  it('refuses a preset it does not know', () => {
    expect(() => parseCalendar(calendar(), 'expedia' as CalendarPreset, { now })).toThrow(AppError);
  });
});

function calendar(...events: string[]): string {
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//test//EN',
    ...events,
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

function event(e: {
  uid?: string;
  summary: string;
  start: string;
  end: string;
  description?: string;
}): string {
  return [
    'BEGIN:VEVENT',
    ...(e.uid ? [`UID:${e.uid}`] : []),
    `DTSTART;VALUE=DATE:${e.start}`,
    `DTEND;VALUE=DATE:${e.end}`,
    `SUMMARY:${e.summary}`,
    ...(e.description ? [`DESCRIPTION:${e.description}`] : []),
    'END:VEVENT',
  ].join('\r\n');
}
