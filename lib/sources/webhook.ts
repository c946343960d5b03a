// Signed PMS webhooks: Keyhold's signature scheme, and the payloads a
// reservation source may POST to /api/sources/<id>/webhook, read into the
// NormalizedBooking the ingestion core takes. No HTTP and no database here.
//
// The signature every delivery carries (Keyhold-Signature) is defined once,
// for inbound source webhooks and outbound event webhooks alike, in
// lib/webhooks/signature.ts.

import { createHash } from 'node:crypto';
import { z } from 'zod';
import { type FieldErrors, InvalidInputError, isIsoInstant } from '../validation';
import type { NormalizedBooking, StayEdge } from './booking';

// ## Payloads

/**
 * What one delivery means: a booking for the ingestion core, or an event that
 * is deliberately not a stay (a Guesty inquiry), with why. `eventId` is for
 * de-duplicating redeliveries.
 */
export type WebhookEventResult =
  | { kind: 'booking'; eventId: string; booking: NormalizedBooking }
  | { kind: 'ignored'; eventId: string; reason: string };

/** The payload shapes a webhook source may take (its `preset`). */
export const WEBHOOK_SHAPES = ['generic', 'guesty'] as const;
export type WebhookShape = (typeof WEBHOOK_SHAPES)[number];

/**
 * Reads a parsed JSON body in the source's shape. Throws InvalidInputError
 * naming every refused field by its dotted path (`reservation.check_in`);
 * messages never repeat what was sent, so no guest data reaches an answer or
 * a log.
 */
export function parseWebhookEvent(body: unknown, shape: WebhookShape): WebhookEventResult {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidInputError({ '': 'The body must be a JSON object.' });
  }
  return shape === 'guesty' ? parseGuesty(body) : parseGeneric(body);
}

/** Each refused field's first problem, keyed by its full dotted path. */
function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.');
    if (!Object.hasOwn(errors, field)) errors[field] = issue.message;
  }
  return errors;
}

/**
 * Parse, or refuse with every problem at once: the schema's, then `more`
 * (checks across fields, made on the raw input so that one bad field does not
 * hide another, as a zod refinement would).
 */
function parseWith<T extends z.ZodType>(
  schema: T,
  input: unknown,
  more: FieldErrors = {},
): z.output<T> {
  const result = schema.safeParse(input);
  if (result.success && Object.keys(more).length === 0) return result.data;
  const errors = result.success ? {} : fieldErrors(result.error);
  for (const [field, message] of Object.entries(more)) {
    if (!Object.hasOwn(errors, field)) errors[field] = message;
  }
  throw new InvalidInputError(errors);
}

/** Optional text: null, absent or blank mean "not given". */
const optionalText = (field: string, max: number) =>
  z.preprocess(
    (v) => (typeof v === 'string' && v.trim() === '' ? null : v),
    z
      .string({ error: `${field} must be text.` })
      .trim()
      .max(max, `${field} must be at most ${max} characters.`)
      .nullish()
      .transform((v) => v ?? null),
  );

const requiredText = (field: string, max: number) =>
  z
    .string({ error: `${field} is required, as text.` })
    .trim()
    .min(1, `${field} must not be empty.`)
    .max(max, `${field} must be at most ${max} characters.`);

const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const LOCAL_DATE_TIME = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?$/;
const CLOCK = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

function isRealDate(value: string): boolean {
  const m = LOCAL_DATE.exec(value);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** "HH:mm" from "HH:mm" or "HH:mm:ss", or null when it is not a time of day. Seconds are dropped. */
function clockTime(value: string): string | null {
  const m = CLOCK.exec(value);
  if (!m) return null;
  if (Number(m[1]) > 23 || Number(m[2]) > 59 || Number(m[3] ?? 0) > 59) return null;
  return `${m[1]}:${m[2]}`;
}

/** A stay edge from a local date, a local date and time, or an instant with a zone. */
function stayEdge(value: string): StayEdge | null {
  if (isRealDate(value)) return { date: value };
  const local = LOCAL_DATE_TIME.exec(value);
  if (local) {
    const [, date = '', hours, minutes, seconds = '00'] = local;
    const time = clockTime(`${hours}:${minutes}:${seconds}`);
    return isRealDate(date) && time ? { date, time } : null;
  }
  return isIsoInstant(value) ? { at: new Date(value) } : null;
}

const stayEdgeField = (field: string) =>
  z.unknown().transform((v, ctx): StayEdge => {
    const edge = typeof v === 'string' ? stayEdge(v.trim()) : null;
    if (edge) return edge;
    ctx.addIssue({
      code: 'custom',
      message: `${field} must be a date (2026-12-24), a local date and time (2026-12-24T15:00) or an instant with its offset (2026-12-24T15:00:00+01:00).`,
    });
    return z.NEVER;
  });

const instantField = (field: string) =>
  z.unknown().transform((v, ctx): Date => {
    if (typeof v === 'string' && isIsoInstant(v.trim())) return new Date(v.trim());
    ctx.addIssue({
      code: 'custom',
      message: `${field} must be an ISO 8601 date and time with its offset, like 2026-11-02T09:30:00Z.`,
    });
    return z.NEVER;
  });

/**
 * Whether check-out comes after check-in, when the two can be compared here:
 * both local (date, then time) or both instants. A local edge against an
 * instant needs the property's zone, which the ingestion core has.
 */
function endsAfterStart(checkIn: StayEdge, checkOut: StayEdge): boolean {
  if ('at' in checkIn && 'at' in checkOut) return checkOut.at > checkIn.at;
  if ('date' in checkIn && 'date' in checkOut) {
    if (checkOut.date !== checkIn.date) return checkOut.date > checkIn.date;
    return Boolean(checkIn.time && checkOut.time && checkOut.time > checkIn.time);
  }
  return true;
}

// ### The generic shape (for the README)
//
// For any system that can POST JSON. One reservation per delivery:
//
// {
//   "id": "evt_…",                 required. This event's id, unique per source; a redelivery
//                                  repeats it, and Keyhold acts on each id once.
//   "type": "reservation.created", required. reservation.created | reservation.updated |
//                                  reservation.cancelled. Created and updated are treated
//                                  alike (the latest wins); cancelled cancels the stay.
//   "reservation": {               required.
//     "id": "R-1042",              required. Your reservation id; every event for one stay
//                                  carries the same id.
//     "confirmation_code": "HM…",  optional. The channel's code (Airbnb HM…); lets Keyhold
//                                  recognise the same stay arriving from another source.
//     "property_id": "…",          optional. A Keyhold property id; without it, the
//                                  source's own property.
//     "room": "Room 12",           optional. The lock (or room) name at the property;
//                                  without it, the source's locks.
//     "guest": {                   required.
//       "name": "…",               required, 1–200 characters.
//       "email": "…",              optional.
//       "phone": "+44…"            optional; kept when it reads as an international number.
//     },
//     "check_in": "2026-12-24",    required. A date (the property's default check-in time
//                                  applies), a local date and time "2026-12-24T15:00" in the
//                                  property's zone, or an instant with its offset
//                                  "2026-12-24T15:00:00+01:00" / "…Z". Seconds are ignored.
//     "check_out": "2026-12-27",   required, the same forms; must come after check_in.
//     "status": "confirmed",       optional. confirmed | cancelled; cancelled (or type
//                                  reservation.cancelled) cancels the stay.
//     "updated_at": "2026-11-02T09:30:00Z"
//                                  required. When the reservation last changed at your end,
//                                  with its offset: an older event never overwrites a newer one.
//   }
// }
//
// Unknown fields are ignored. A refused payload is answered 400 with each
// refused field's dotted path (`reservation.check_in`) and the problem.

const GENERIC_TYPES = [
  'reservation.created',
  'reservation.updated',
  'reservation.cancelled',
] as const;

const genericEventSchema = z.object(
  {
    id: requiredText('id', 200),
    type: z.enum(GENERIC_TYPES, { error: `type must be one of ${GENERIC_TYPES.join(', ')}.` }),
    reservation: z.object(
      {
        id: requiredText('reservation.id', 200),
        confirmation_code: optionalText('reservation.confirmation_code', 100),
        property_id: optionalText('reservation.property_id', 200),
        room: optionalText('reservation.room', 200),
        guest: z.object(
          {
            name: requiredText('reservation.guest.name', 200),
            email: optionalText('reservation.guest.email', 320),
            phone: optionalText('reservation.guest.phone', 40),
          },
          { error: 'reservation.guest is required, with at least a name.' },
        ),
        check_in: stayEdgeField('reservation.check_in'),
        check_out: stayEdgeField('reservation.check_out'),
        status: z
          .enum(['confirmed', 'cancelled'], {
            error: 'reservation.status must be confirmed or cancelled.',
          })
          .nullish(),
        updated_at: instantField('reservation.updated_at'),
      },
      { error: 'reservation is required, as an object.' },
    ),
  },
  { error: 'The body must be a JSON object.' },
);

function parseGeneric(body: object): WebhookEventResult {
  const raw = (body as { reservation?: { check_in?: unknown; check_out?: unknown } }).reservation;
  const checkIn = typeof raw?.check_in === 'string' ? stayEdge(raw.check_in.trim()) : null;
  const checkOut = typeof raw?.check_out === 'string' ? stayEdge(raw.check_out.trim()) : null;
  const order: FieldErrors =
    checkIn && checkOut && !endsAfterStart(checkIn, checkOut)
      ? { 'reservation.check_out': 'reservation.check_out must be after reservation.check_in.' }
      : {};
  const event = parseWith(genericEventSchema, body, order);
  const r = event.reservation;
  const cancelled = event.type === 'reservation.cancelled' || r.status === 'cancelled';
  return {
    kind: 'booking',
    eventId: event.id,
    booking: {
      externalId: r.id,
      confirmationCode: r.confirmation_code,
      propertyId: r.property_id,
      room: r.room,
      guestName: r.guest.name,
      guestEmail: r.guest.email,
      guestPhone: r.guest.phone,
      checkIn: r.check_in,
      checkOut: r.check_out,
      status: cancelled ? 'cancelled' : 'confirmed',
      updatedAt: r.updated_at,
    },
  };
}

// ### Guesty (for the README)
//
// Guesty's Open API webhooks, subscribed to reservation.created.v2 and
// reservation.updated.v2 (the legacy reservation.new / reservation.updated,
// which Guesty retires at the end of 2026, read the same). The body is
// `{ "event": "<name>", "reservation": { … } }`; a reservation nested under
// `data` is read too, as some integrators report it there. From the reservation:
//
//   _id                          → the booking's external id (required)
//   confirmationCode             → confirmation code
//   status                       confirmed, checked_in, checked_out → a stay;
//                                canceled / cancelled → cancelled; inquiry, declined,
//                                expired, awaiting_payment, reserved, pending → ignored
//                                (not a stay, or not yet one: its confirmation arrives
//                                as another update); any other status → ignored.
//   checkIn / checkOut           instants, preferred when present; otherwise
//   checkInDateLocalized / checkOutDateLocalized with plannedArrival /
//   plannedDeparture ("HH:mm")   → the property's local date and time
//   guest.fullName (or firstName + lastName), guest.email (or emails[0]),
//   guest.phone (or phones[0])   → guest; with no guest, "Guesty guest <code>"
//   listing.nickname (or title)  → room, matched against the property's lock names
//   lastUpdatedAt                → updatedAt
//
// The event `reservation.removed` cancels whatever the status says. Guesty's
// body carries no event id, so Keyhold derives one: `guesty_` and the first
// 32 hex digits of SHA-256 over the event name, the reservation id and its
// lastUpdatedAt (publishedAt, else the whole body, when that is missing). A
// redelivery of one change gets the same id; a new change gets a new one.

const GUESTY_EVENTS = [
  'reservation.created.v2',
  'reservation.updated.v2',
  'reservation.new',
  'reservation.updated',
  'reservation.removed',
] as const;

const GUESTY_STAY = new Set(['confirmed', 'checked_in', 'checked_out']);
const GUESTY_CANCELLED = new Set(['canceled', 'cancelled']);
const GUESTY_NOT_A_STAY = new Set([
  'inquiry',
  'declined',
  'expired',
  'awaiting_payment',
  'reserved',
  'pending',
]);

const firstOf = (field: string) =>
  z
    .array(z.unknown(), { error: `${field} must be a list.` })
    .nullish()
    .transform((list) => {
      const first = list?.find((v) => typeof v === 'string' && v.trim() !== '');
      return typeof first === 'string' ? first.trim() : null;
    });

const guestySchema = z.object(
  {
    event: z.enum(GUESTY_EVENTS, {
      error: `event must be one of ${GUESTY_EVENTS.join(', ')}.`,
    }),
    reservation: z.object(
      {
        _id: requiredText('reservation._id', 200),
        confirmationCode: optionalText('reservation.confirmationCode', 100),
        status: requiredText('reservation.status', 50).transform((s) => s.toLowerCase()),
        guest: z
          .object(
            {
              fullName: optionalText('reservation.guest.fullName', 200),
              firstName: optionalText('reservation.guest.firstName', 100),
              lastName: optionalText('reservation.guest.lastName', 100),
              email: optionalText('reservation.guest.email', 320),
              emails: firstOf('reservation.guest.emails'),
              phone: optionalText('reservation.guest.phone', 40),
              phones: firstOf('reservation.guest.phones'),
            },
            { error: 'reservation.guest must be an object.' },
          )
          .nullish(),
        listing: z
          .object(
            {
              nickname: optionalText('reservation.listing.nickname', 200),
              title: optionalText('reservation.listing.title', 200),
            },
            { error: 'reservation.listing must be an object.' },
          )
          .nullish(),
        lastUpdatedAt: z
          .unknown()
          .optional()
          .transform((v, ctx): Date | null => {
            if (v === undefined || v === null || v === '') return null;
            if (typeof v === 'string' && isIsoInstant(v)) return new Date(v);
            ctx.addIssue({
              code: 'custom',
              message: 'reservation.lastUpdatedAt must be an ISO 8601 date and time.',
            });
            return z.NEVER;
          }),
      },
      { error: 'reservation is required, as an object.' },
    ),
  },
  { error: 'The body must be a JSON object.' },
);

type GuestyDates = {
  checkIn?: unknown;
  checkOut?: unknown;
  checkInDateLocalized?: unknown;
  checkOutDateLocalized?: unknown;
  plannedArrival?: unknown;
  plannedDeparture?: unknown;
};

const given = (v: unknown) => v !== undefined && v !== null && v !== '';

/**
 * One end of a Guesty stay: the instant when Guesty sends one, else the
 * localized date with the planned time. A problem is recorded under the field
 * that is wrong, or under checkIn/checkOut when neither form is there.
 */
function guestyEdge(r: GuestyDates, end: 'In' | 'Out', errors: FieldErrors): StayEdge | null {
  const atField = `check${end}` as const;
  const dateField = `check${end}DateLocalized` as const;
  const plannedField = end === 'In' ? 'plannedArrival' : 'plannedDeparture';
  const problem = (field: string, message: string) => {
    errors[`reservation.${field}`] = `reservation.${field} ${message}`;
    return null;
  };

  const instant = r[atField];
  if (given(instant)) {
    if (typeof instant === 'string' && isIsoInstant(instant)) return { at: new Date(instant) };
    return problem(atField, 'must be an ISO 8601 date and time.');
  }
  const localDate = r[dateField];
  if (!given(localDate)) return problem(atField, `or reservation.${dateField} is required.`);
  const date = typeof localDate === 'string' && isRealDate(localDate) ? localDate : null;
  if (!date) problem(dateField, 'must be a date like 2027-03-05.');
  const planned = r[plannedField];
  let time: string | null = null;
  if (given(planned)) {
    time = typeof planned === 'string' ? clockTime(planned.trim()) : null;
    if (!time) problem(plannedField, 'must be a time of day like 15:00.');
  }
  if (!date) return null;
  return time ? { date, time } : { date };
}

/** Both ends of a Guesty stay, or the problems with them. */
function guestyStay(reservation: unknown) {
  const errors: FieldErrors = {};
  const r = (
    typeof reservation === 'object' && reservation !== null ? reservation : {}
  ) as GuestyDates;
  const checkIn = guestyEdge(r, 'In', errors);
  const checkOut = guestyEdge(r, 'Out', errors);
  if (checkIn && checkOut && !endsAfterStart(checkIn, checkOut)) {
    errors['reservation.checkOut'] = 'reservation.checkOut must be after reservation.checkIn.';
  }
  return { checkIn, checkOut, errors };
}

function guestyEventId(body: object, event: string, reservationId: string): string {
  const reservation = (body as { reservation?: { lastUpdatedAt?: unknown } }).reservation;
  const stamp = reservation?.lastUpdatedAt ?? (body as { publishedAt?: unknown }).publishedAt;
  const basis =
    typeof stamp === 'string' && stamp !== ''
      ? `${event}\n${reservationId}\n${stamp}`
      : JSON.stringify(body);
  return `guesty_${createHash('sha256').update(basis).digest('hex').slice(0, 32)}`;
}

function parseGuesty(body: object): WebhookEventResult {
  const input = unwrapGuestyData(body);
  const stay = guestyStay((input as { reservation?: unknown }).reservation);
  // Dates are refused only for what becomes a booking: an inquiry with odd
  // dates is still just ignored, not answered 400 for Guesty to retry for days.
  const result = guestySchema.safeParse(input);
  const parsed = result.success ? result.data : parseWith(guestySchema, input, stay.errors);
  const r = parsed.reservation;
  const eventId = guestyEventId(input, parsed.event, r._id);

  let status: NormalizedBooking['status'];
  if (parsed.event === 'reservation.removed' || GUESTY_CANCELLED.has(r.status)) {
    status = 'cancelled';
  } else if (GUESTY_STAY.has(r.status)) {
    status = 'confirmed';
  } else if (GUESTY_NOT_A_STAY.has(r.status)) {
    // Guesty's own word from the fixed list above; an unknown status is not repeated.
    return { kind: 'ignored', eventId, reason: `Guesty status ${r.status} is not a stay.` };
  } else {
    return { kind: 'ignored', eventId, reason: 'Guesty status not recognised.' };
  }

  const { checkIn, checkOut } = stay;
  if (!checkIn || !checkOut || Object.keys(stay.errors).length > 0) {
    throw new InvalidInputError(stay.errors);
  }

  const guest = r.guest;
  const joined = [guest?.firstName, guest?.lastName].filter(Boolean).join(' ');
  return {
    kind: 'booking',
    eventId,
    booking: {
      externalId: r._id,
      confirmationCode: r.confirmationCode,
      propertyId: null,
      room: r.listing?.nickname ?? r.listing?.title ?? null,
      guestName: guest?.fullName || joined || `Guesty guest ${r.confirmationCode ?? r._id}`,
      guestEmail: guest?.email ?? guest?.emails ?? null,
      guestPhone: guest?.phone ?? guest?.phones ?? null,
      checkIn,
      checkOut,
      status,
      updatedAt: r.lastUpdatedAt,
    },
  };
}

/** `{ event, data: { reservation } }` read as `{ event, reservation }`. */
function unwrapGuestyData(body: object): object {
  const b = body as { reservation?: unknown; data?: unknown };
  if (b.reservation === undefined && typeof b.data === 'object' && b.data !== null) {
    const data = b.data as { reservation?: unknown };
    if (typeof data.reservation === 'object' && data.reservation !== null) {
      return { ...body, reservation: data.reservation };
    }
  }
  return body;
}
