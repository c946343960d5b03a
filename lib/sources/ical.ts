// iCal feeds (Airbnb, VRBO, Booking.com, any calendar): calendar text in,
// normalized bookings out. Fetching is ./feed-fetch.ts; deciding what changed
// is the ingestion core's.

import ICAL from 'ical.js';
import { z } from 'zod';
import { AppError } from '@/lib/errors';
import { isValidTimeZone, zonedInstant } from '@/lib/time';
import { parseInput } from '@/lib/validation';
import type { NormalizedBooking, ParsedBookings, StayEdge } from './booking';

type IcalTime = InstanceType<typeof ICAL.Time>;
type IcalEvent = InstanceType<typeof ICAL.Event>;
type IcalComponent = InstanceType<typeof ICAL.Component>;

export type CalendarPreset = 'airbnb' | 'vrbo' | 'booking' | 'generic';

/** What each preset is called where a host picks one, in the order they are offered. */
export const CALENDAR_PRESETS: Record<CalendarPreset, { label: string }> = {
  airbnb: { label: 'Airbnb' },
  vrbo: { label: 'VRBO' },
  booking: { label: 'Booking.com' },
  generic: { label: 'Other calendar' },
};

export const calendarPresetSchema = z.enum(['airbnb', 'vrbo', 'booking', 'generic'], {
  error: 'Choose which kind of calendar this is.',
});

/**
 * Recurring bookings are expanded this far ahead of `now`. A feed that repeats
 * a stay forever (a weekly cleaner, a monthly tenant) would otherwise never
 * end; 400 days covers the furthest any channel takes bookings ahead.
 */
const RECURRENCE_HORIZON_DAYS = 400;
/** Occurrences looked at per recurring event, past ones included: a daily rule from 2005 must still end. */
const MAX_OCCURRENCES_SCANNED = 20_000;

const NOT_A_CALENDAR =
  'The feed is not an iCal calendar. Check that the address is the calendar export link (it usually ends in .ics).';

const SKIP = {
  noUid: 'Events without a UID',
  noStart: 'Events without a start date',
  backwards: 'Events that end before they start',
  unreadable: 'Events with dates or times that could not be read',
  runaway: 'Recurring events that repeat too often to read',
  duplicateUid: "Events repeating an earlier event's UID",
  unrecognised: 'Events not marked as a reservation',
  airbnbBlock: 'Blocked dates (Airbnb "Not available")',
  vrboBlock: 'Blocked dates (VRBO "Blocked")',
  bookingBlock: 'Closed dates (Booking.com "Not available")',
  bookingNoName: 'Closed dates with no guest name',
} as const;

/** What a preset makes of one event: a booking's guest details, or why it is left out. */
type Reading =
  | {
      kind: 'booking';
      guestName: string;
      confirmationCode?: string | null;
      phoneLastDigits?: string | null;
      guestPhone?: string | null;
      guestEmail?: string | null;
    }
  | { kind: 'skip'; reason: string };

/**
 * The bookings in a calendar feed, read the way `preset`'s platform writes
 * them. Blocked dates are left out and counted in `skipped`. Text that is not
 * an iCal calendar (a login page, a cut-off download) is refused as
 * `invalid_input` on `url`: the caller counts it as a failed read.
 */
export function parseCalendar(
  text: string,
  preset: CalendarPreset,
  options: { now?: Date } = {},
): ParsedBookings {
  parseInput(z.object({ preset: calendarPresetSchema }), { preset });
  const now = options.now ?? new Date();
  // A byte-order mark is not part of the calendar (TextDecoder drops it; a file read by hand may not).
  const calendar = readCalendar(text.replace(/^\uFEFF/, ''));

  const bookings: NormalizedBooking[] = [];
  const skipped = new Map<string, number>();
  const skip = (reason: string) => skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  // ical.js reads values lazily: a malformed date or duration throws when its
  // event is read. That event is left out (counted); the rest of the feed is
  // still read. Its message quotes the value, so it is not kept. A recurring
  // booking that fails part-way gives none of its instances.
  const guarded = (work: () => void) => {
    const mark = bookings.length;
    try {
      work();
    } catch {
      bookings.length = mark;
      skip(SKIP.unreadable);
    }
  };

  // A recurring event's moved or cancelled instances are VEVENTs sharing its
  // UID with a RECURRENCE-ID; they belong to the master, not beside it.
  const components = calendar.getAllSubcomponents('vevent');
  const masters = new Map<string, IcalEvent>();
  for (const component of components) {
    const uid = textOf(component, 'uid');
    if (uid && !component.hasProperty('recurrence-id') && !masters.has(uid)) {
      masters.set(uid, new ICAL.Event(component));
    }
  }
  const orphans: IcalEvent[] = [];
  for (const component of components) {
    if (!component.hasProperty('recurrence-id')) continue;
    const uid = textOf(component, 'uid');
    const master = uid ? masters.get(uid) : undefined;
    guarded(() => {
      if (master?.isRecurring()) master.relateException(component);
      else if (uid) orphans.push(new ICAL.Event(component));
    });
  }

  const read = (event: IcalEvent, externalId: string, start: IcalTime, end: IcalTime) => {
    const reading = readEvent(preset, event);
    if (reading.kind === 'skip') return skip(reading.reason);
    if (end.compare(start) <= 0) return skip(SKIP.backwards);
    const { kind: _, ...guest } = reading;
    bookings.push({
      externalId,
      confirmationCode: null,
      phoneLastDigits: null,
      guestPhone: null,
      guestEmail: null,
      ...guest,
      checkIn: edgeOf(start, event.component, 'dtstart'),
      checkOut: edgeOf(
        end,
        event.component,
        event.component.hasProperty('dtend') ? 'dtend' : 'dtstart',
      ),
      status: statusOf(event.component),
      updatedAt: lastModifiedOf(event.component),
    });
  };

  for (const component of components) guarded(() => readComponent(component));
  for (const orphan of orphans) {
    guarded(() => {
      if (!orphan.component.hasProperty('dtstart')) return;
      read(
        orphan,
        `${orphan.uid}#${recurrenceKey(orphan.recurrenceId)}`,
        orphan.startDate,
        orphan.endDate,
      );
    });
  }

  function readComponent(component: IcalComponent): void {
    const uid = textOf(component, 'uid');
    if (!uid) {
      skip(SKIP.noUid);
      return;
    }
    if (!component.hasProperty('dtstart')) {
      skip(SKIP.noStart);
      return;
    }
    if (component.hasProperty('recurrence-id')) return;
    const event = masters.get(uid);
    if (!event) return;
    if (event.component !== component) {
      skip(SKIP.duplicateUid);
      return;
    }

    if (!event.isRecurring()) {
      read(event, uid, event.startDate, event.endDate);
      return;
    }
    // A recurring block is one reason to skip, not one per weekend.
    const master = readEvent(preset, event);
    if (master.kind === 'skip') {
      skip(master.reason);
      return;
    }
    const instances = occurrences(event, now);
    if (instances === null) {
      skip(SKIP.runaway);
      return;
    }
    for (const occurrence of instances) {
      read(
        occurrence.item,
        `${uid}#${recurrenceKey(occurrence.recurrenceId)}`,
        occurrence.startDate,
        occurrence.endDate,
      );
    }
  }

  return {
    bookings,
    skipped: [...skipped].map(([reason, count]) => ({ reason, count })),
  };
}

/** The VCALENDAR in `text`, or the refusal every caller shows as a failed read. */
function readCalendar(text: string): IcalComponent {
  // ical.js accepts a calendar with no END:VCALENDAR; a download cut off
  // mid-way would then read as a calendar with fewer bookings.
  if (!/^\s*BEGIN:VCALENDAR\r?\n/i.test(text) || !/END:VCALENDAR\s*$/i.test(text)) {
    throw new AppError('invalid_input', NOT_A_CALENDAR, {
      field: 'url',
      internal: 'feed text does not begin with BEGIN:VCALENDAR and end with END:VCALENDAR',
    });
  }
  let parsed: unknown;
  try {
    parsed = ICAL.parse(text);
  } catch {
    // ical.js's message quotes the offending line, which may hold guest data.
    throw new AppError('invalid_input', NOT_A_CALENDAR, {
      field: 'url',
      internal: 'ical.js could not parse the feed',
    });
  }
  // Several calendars in one text is not something any channel sends.
  if (!Array.isArray(parsed) || parsed[0] !== 'vcalendar') {
    throw new AppError('invalid_input', NOT_A_CALENDAR, {
      field: 'url',
      internal: 'feed holds no single VCALENDAR',
    });
  }
  return new ICAL.Component(parsed as unknown as ConstructorParameters<typeof ICAL.Component>[0]);
}

type Occurrence = {
  item: IcalEvent;
  recurrenceId: IcalTime;
  startDate: IcalTime;
  endDate: IcalTime;
};

/**
 * A recurring booking's instances that are not over at `now` and begin within
 * the next 400 days (RECURRENCE_HORIZON_DAYS), each as its exception says
 * when it was moved or cancelled. EXDATEs are left out by ical.js. Null for
 * a rule that repeats too often to reach the horizon (every minute since 2005).
 */
function occurrences(event: IcalEvent, now: Date): Occurrence[] | null {
  const nowMs = now.getTime();
  const horizonMs = nowMs + RECURRENCE_HORIZON_DAYS * 86_400_000;
  const found: Occurrence[] = [];
  const iterator = event.iterator();
  for (let scanned = 0; ; scanned++) {
    const next = iterator.next();
    if (!next) break;
    if (scanned >= MAX_OCCURRENCES_SCANNED) return null;
    const details = event.getOccurrenceDetails(next);
    const tzid = details.item.component.getFirstProperty('dtstart')?.getParameter('tzid');
    const startMs = approximateMs(details.startDate, tzid);
    if (startMs >= horizonMs && approximateMs(next, tzid) >= horizonMs) break;
    const endMs = approximateMs(details.endDate, tzid);
    if (endMs > nowMs && startMs < horizonMs) {
      found.push({
        item: details.item,
        recurrenceId: details.recurrenceId,
        startDate: details.startDate,
        endDate: details.endDate,
      });
    }
  }
  return found;
}

/**
 * An instant good enough to compare with the horizon and `now`: dates and
 * floating times as UTC (off by the property's offset at most, which no stay
 * notices at a 400-day horizon).
 */
function approximateMs(time: IcalTime, tzid: unknown): number {
  const edge = edgeFromTime(time, typeof tzid === 'string' ? tzid : null);
  if ('at' in edge) return edge.at.getTime();
  return Date.parse(`${edge.date}T${edge.time ?? '00:00'}:00Z`);
}

/** The instance part of a recurring booking's externalId: the instance's original start, as iCal writes it. */
function recurrenceKey(recurrenceId: IcalTime): string {
  const time = recurrenceId.isDate || isFloating(recurrenceId) ? recurrenceId : toUtc(recurrenceId);
  return time.toICALString();
}

function toUtc(time: IcalTime): IcalTime {
  return time.convertToZone(ICAL.Timezone.utcTimezone);
}

function isFloating(time: IcalTime): boolean {
  return time.zone === ICAL.Timezone.localTimezone || time.zone?.tzid === 'floating';
}

function edgeOf(time: IcalTime, component: IcalComponent, property: 'dtstart' | 'dtend'): StayEdge {
  const tzid = component.getFirstProperty(property)?.getParameter('tzid');
  return edgeFromTime(time, typeof tzid === 'string' ? tzid : null);
}

/**
 * One end of a stay: an all-day date as a date (DTEND is exclusive, so it is
 * the check-out day); a UTC time, or one in a zone the feed defines, as an
 * instant; a TZID the feed does not define but the runtime knows (an IANA
 * name) as that zone's wall clock; anything else as a local date and time for
 * the property's zone to place.
 */
function edgeFromTime(time: IcalTime, tzid: string | null): StayEdge {
  const date = `${pad(time.year, 4)}-${pad(time.month)}-${pad(time.day)}`;
  if (time.isDate) return { date };
  const clock = `${pad(time.hour)}:${pad(time.minute)}`;
  if (!isFloating(time)) return { at: new Date(time.toUnixTime() * 1000) };
  if (tzid && isValidTimeZone(tzid)) return { at: zonedInstant(date, clock, tzid) };
  return { date, time: clock };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function statusOf(component: IcalComponent): NormalizedBooking['status'] {
  return textOf(component, 'status')?.toUpperCase() === 'CANCELLED' ? 'cancelled' : 'confirmed';
}

/** LAST-MODIFIED only: Airbnb stamps DTSTAMP afresh on every download, so it says nothing about the booking. */
function lastModifiedOf(component: IcalComponent): Date | null {
  try {
    const value = component.getFirstPropertyValue('last-modified');
    return value instanceof ICAL.Time ? new Date(value.toUnixTime() * 1000) : null;
  } catch {
    // A garbled LAST-MODIFIED only costs the ordering hint, not the booking.
    return null;
  }
}

function textOf(component: IcalComponent, property: string): string | null {
  const value = component.getFirstPropertyValue(property);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** What `preset` makes of one event, from its SUMMARY and DESCRIPTION. */
function readEvent(preset: CalendarPreset, event: IcalEvent): Reading {
  const summary = textOf(event.component, 'summary') ?? '';
  const description = textOf(event.component, 'description') ?? '';
  switch (preset) {
    case 'airbnb':
      return readAirbnb(summary, description);
    case 'vrbo':
      return readVrbo(summary);
    case 'booking':
      return readBookingCom(summary);
    case 'generic':
      return readGeneric(summary, description);
  }
}

const AIRBNB_CODE = /\/hosting\/reservations\/details\/([A-Z0-9]{6,16})\b/i;
const AIRBNB_PHONE_DIGITS = /Phone Number \(Last 4 Digits\):\s*(\d{4})\b/i;

/**
 * Airbnb's export: a booking is SUMMARY "Reserved" (older feeds: "Airbnb
 * (Reserved)") with the reservation's URL and the guest's last four phone
 * digits in DESCRIPTION; "Airbnb (Not available)" / "Not available" are
 * nights the host or Airbnb's availability rules blocked. No guest name is
 * ever given.
 */
function readAirbnb(summary: string, description: string): Reading {
  const code = AIRBNB_CODE.exec(description)?.[1]?.toUpperCase() ?? null;
  if (/^(airbnb \()?not available\)?$/i.test(summary))
    return { kind: 'skip', reason: SKIP.airbnbBlock };
  if (!code && !/^(airbnb \()?reserved\)?$/i.test(summary)) {
    return { kind: 'skip', reason: SKIP.unrecognised };
  }
  return {
    kind: 'booking',
    guestName: code ? `Airbnb guest ${code}` : 'Airbnb guest',
    confirmationCode: code,
    phoneLastDigits: AIRBNB_PHONE_DIGITS.exec(description)?.[1] ?? null,
  };
}

/** VRBO's export: "Reserved - Guest Name" (or bare "Reserved") is a booking, "Blocked" is not. */
function readVrbo(summary: string): Reading {
  if (/^blocked\b/i.test(summary)) return { kind: 'skip', reason: SKIP.vrboBlock };
  const reserved = /^reserved(?:\s*-\s*(.*))?$/i.exec(summary);
  if (!reserved) return { kind: 'skip', reason: SKIP.unrecognised };
  return { kind: 'booking', guestName: guestName(reserved[1]) ?? 'VRBO guest' };
}

/**
 * Booking.com's export marks every unavailable night "CLOSED": a reservation
 * is "CLOSED - Guest Name" and gives nothing else; "CLOSED - Not available"
 * is a block. A bare "CLOSED" names no one and cannot be told from a block,
 * so it is left out (counted, so a host can see it): a stay programmed for
 * nobody would put a live code on the door for dates nobody booked.
 */
function readBookingCom(summary: string): Reading {
  const closed = /^closed(?:\s*-\s*(.*))?$/i.exec(summary);
  if (!closed) return { kind: 'skip', reason: SKIP.unrecognised };
  const name = guestName(closed[1]);
  if (!name) return { kind: 'skip', reason: SKIP.bookingNoName };
  if (/^not available$/i.test(name)) return { kind: 'skip', reason: SKIP.bookingBlock };
  return { kind: 'booking', guestName: name };
}

const emailSchema = z.email();

/** Any other calendar: every event is a stay, SUMMARY names the guest, DESCRIPTION may say Phone: and Email:. */
function readGeneric(summary: string, description: string): Reading {
  const line = (label: RegExp) => {
    for (const text of description.split(/\r?\n/)) {
      const match = label.exec(text);
      if (match) return match[1]?.trim() || null;
    }
    return null;
  };
  const email = line(/^\s*e-?mail\s*:\s*(?:mailto:)?(.*)$/i);
  return {
    kind: 'booking',
    guestName: guestName(summary) ?? 'Guest',
    guestPhone: line(/^\s*(?:phone|tel|telephone)\s*:\s*(.*)$/i),
    guestEmail: email && emailSchema.safeParse(email).success ? email : null,
  };
}

/** A name as a page can show it: trimmed, one line, not absurdly long; null when there is none. */
function guestName(raw: string | undefined): string | null {
  const name = raw?.replace(/\s+/g, ' ').trim().slice(0, 200) ?? '';
  return name === '' ? null : name;
}
