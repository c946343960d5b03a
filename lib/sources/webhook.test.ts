import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newWebhookSecret, signWebhook, verifyWebhook } from '@/lib/webhooks/signature';
import { InvalidInputError } from '../validation';
import { parseWebhookEvent, type WebhookEventResult } from './webhook';

const fixture = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8'));

const SECRET = 'whsec_test_0123456789abcdefghijklmnopqrstuv';
const BODY = JSON.stringify(fixture('webhook-generic-created.json'));
const AT = new Date('2026-11-02T09:30:05Z');

function refusal(body: unknown, shape: 'generic' | 'guesty'): InvalidInputError {
  try {
    parseWebhookEvent(body, shape);
  } catch (error) {
    if (error instanceof InvalidInputError) return error;
    throw error;
  }
  throw new Error('expected the payload to be refused');
}

describe('signWebhook / verifyWebhook', () => {
  it('accepts what it signed, at the moment it was signed and within five minutes either side', () => {
    const header = signWebhook(SECRET, BODY, AT);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifyWebhook(SECRET, BODY, header, AT)).toEqual({ ok: true });
    expect(verifyWebhook(SECRET, BODY, header, new Date(AT.getTime() + 299_000))).toEqual({
      ok: true,
    });
    expect(verifyWebhook(SECRET, BODY, header, new Date(AT.getTime() - 299_000))).toEqual({
      ok: true,
    });
  });

  it('signs "<t>.<raw body>" with HMAC-SHA256, so a sender in any language can follow the README', () => {
    const t = Math.floor(AT.getTime() / 1000);
    const hex = createHmac('sha256', SECRET).update(`${t}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, BODY, AT)).toBe(`t=${t},v1=${hex}`);
  });

  it.each([
    [
      'a different secret',
      () => verifyWebhook('whsec_other', BODY, signWebhook(SECRET, BODY, AT), AT),
    ],
    [
      'a body changed after signing',
      () =>
        verifyWebhook(
          SECRET,
          BODY.replace('2026-12-27', '2027-01-27'),
          signWebhook(SECRET, BODY, AT),
          AT,
        ),
    ],
    [
      'a timestamp changed after signing',
      () => {
        const header = signWebhook(SECRET, BODY, AT).replace(
          /^t=(\d+)/,
          (_, t) => `t=${Number(t) + 1}`,
        );
        return verifyWebhook(SECRET, BODY, header, AT);
      },
    ],
    ['a header without v1', () => verifyWebhook(SECRET, BODY, `t=${AT.getTime() / 1000}`, AT)],
    ['a header without t', () => verifyWebhook(SECRET, BODY, 'v1=abcd', AT)],
    ['a header that is not the scheme', () => verifyWebhook(SECRET, BODY, 'sha256=deadbeef', AT)],
    [
      'a signature of the wrong length',
      () => verifyWebhook(SECRET, BODY, signWebhook(SECRET, BODY, AT).slice(0, -2), AT),
    ],
  ])('refuses %s as bad_signature', (_, verify) => {
    expect(verify()).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it.each([
    ['no header', null],
    ['an empty header', ''],
    ['a blank header', '   '],
  ])('refuses %s as missing_signature', (_, header) => {
    expect(verifyWebhook(SECRET, BODY, header, AT)).toEqual({
      ok: false,
      reason: 'missing_signature',
    });
  });

  it('refuses a genuine signature six minutes old, or six minutes in the future, as stale_timestamp', () => {
    const header = signWebhook(SECRET, BODY, AT);
    const sixMinutes = 6 * 60_000;
    expect(verifyWebhook(SECRET, BODY, header, new Date(AT.getTime() + sixMinutes))).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    expect(verifyWebhook(SECRET, BODY, header, new Date(AT.getTime() - sixMinutes))).toEqual({
      ok: false,
      reason: 'stale_timestamp',
    });
    // A wider tolerance is the caller's choice.
    expect(verifyWebhook(SECRET, BODY, header, new Date(AT.getTime() + sixMinutes), 600)).toEqual({
      ok: true,
    });
  });

  it('never calls a forged signature merely stale: a wrong secret with an old timestamp is bad_signature', () => {
    const old = signWebhook('whsec_other', BODY, new Date(AT.getTime() - 3_600_000));
    expect(verifyWebhook(SECRET, BODY, old, AT)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('accepts either secret while one is being rotated (two v1 in one header)', () => {
    const next = newWebhookSecret();
    const withOld = signWebhook(SECRET, BODY, AT);
    const newV1 = signWebhook(next, BODY, AT).split(',')[1];
    const header = `${withOld},${newV1}`;
    expect(verifyWebhook(SECRET, BODY, header, AT)).toEqual({ ok: true });
    expect(verifyWebhook(next, BODY, header, AT)).toEqual({ ok: true });
    expect(verifyWebhook(newWebhookSecret(), BODY, header, AT)).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
  });

  it('tolerates spaces around the header’s parts, as a hand-written sender may add them', () => {
    const header = signWebhook(SECRET, BODY, AT).replace(',', ' , ');
    expect(verifyWebhook(SECRET, BODY, ` ${header} `, AT)).toEqual({ ok: true });
  });
});

describe('verifyWebhook over a real HTTP request', () => {
  let server: Server;
  let url: string;

  beforeAll(async () => {
    // What the route will do: read the raw bytes, verify them, only then parse.
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const header = req.headers['keyhold-signature'];
        const result = verifyWebhook(
          SECRET,
          raw,
          typeof header === 'string' ? header : null,
          new Date(),
        );
        res.writeHead(result.ok ? 204 : 401, { 'content-type': 'application/json' });
        res.end(result.ok ? undefined : JSON.stringify(result));
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('accepts a signed delivery and refuses the same signature over a re-serialized body', async () => {
    const header = signWebhook(SECRET, BODY, new Date());
    const signed = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'keyhold-signature': header },
      body: BODY,
    });
    expect(signed.status).toBe(204);

    const pretty = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'keyhold-signature': header },
      body: JSON.stringify(JSON.parse(BODY), null, 2),
    });
    expect(pretty.status).toBe(401);
    expect(await pretty.json()).toEqual({ ok: false, reason: 'bad_signature' });

    const unsigned = await fetch(url, { method: 'POST', body: BODY });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toEqual({ ok: false, reason: 'missing_signature' });
  });
});

describe('newWebhookSecret', () => {
  it('gives a fresh whsec_ secret of 32 random bytes each time', () => {
    const a = newWebhookSecret();
    const b = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(b).not.toBe(a);
  });
});

describe('parseWebhookEvent: generic shape', () => {
  it('reads a created reservation with all-day dates', () => {
    expect(parseWebhookEvent(fixture('webhook-generic-created.json'), 'generic')).toEqual({
      kind: 'booking',
      eventId: 'evt_01HZX3K9Q2',
      booking: {
        externalId: 'R-1042',
        confirmationCode: 'HM4WJ8K2NA',
        propertyId: null,
        room: 'Room 12',
        guestName: 'Imogen Varga',
        guestEmail: 'imogen@example.test',
        guestPhone: '+44 20 7946 0123',
        checkIn: { date: '2026-12-24' },
        checkOut: { date: '2026-12-27' },
        status: 'confirmed',
        updatedAt: new Date('2026-11-02T09:30:00Z'),
      },
    } satisfies WebhookEventResult);
  });

  it('reads an update with a local check-in time and an instant check-out', () => {
    expect(parseWebhookEvent(fixture('webhook-generic-updated.json'), 'generic')).toEqual({
      kind: 'booking',
      eventId: 'evt_01HZX3M7B8',
      booking: {
        externalId: 'R-1042',
        confirmationCode: 'HM4WJ8K2NA',
        propertyId: null,
        room: 'Room 12',
        guestName: 'Imogen Varga',
        guestEmail: null,
        guestPhone: null,
        checkIn: { date: '2026-12-24', time: '13:00' },
        checkOut: { at: new Date('2026-12-28T10:00:00Z') },
        status: 'confirmed',
        updatedAt: new Date('2026-11-20T16:05:12.480Z'),
      },
    });
  });

  it('reads reservation.cancelled as a cancelled booking', () => {
    const result = parseWebhookEvent(fixture('webhook-generic-cancelled.json'), 'generic');
    expect(result).toMatchObject({
      kind: 'booking',
      eventId: 'evt_01HZX3P2C4',
      booking: { externalId: 'R-1042', status: 'cancelled', checkOut: { date: '2026-12-28' } },
    });
  });

  it('reads status "cancelled" on an update as a cancellation too', () => {
    const body = fixture('webhook-generic-updated.json') as { reservation: { status: string } };
    body.reservation.status = 'cancelled';
    expect(parseWebhookEvent(body, 'generic')).toMatchObject({ booking: { status: 'cancelled' } });
  });

  it('refuses an unknown event type, naming type', () => {
    const error = refusal(fixture('webhook-generic-unknown-type.json'), 'generic');
    expect(error.options.field).toBe('type');
    expect(error.message).toMatch(/^type must be one of reservation\.created/);
  });

  it('refuses impossible dates and timestamps, naming every field, without echoing the guest', () => {
    const error = refusal(fixture('webhook-generic-bad-fields.json'), 'generic');
    expect(error.fieldErrors).toEqual({
      'reservation.check_in': expect.stringMatching(/^reservation\.check_in must be/),
      'reservation.check_out': expect.stringMatching(/^reservation\.check_out must be/),
      'reservation.updated_at': expect.stringMatching(/^reservation\.updated_at must be/),
    });
    expect(error.options.field).toBe('reservation.check_in');
    expect(JSON.stringify(error.fieldErrors)).not.toMatch(/Imogen|Varga|next tuesday|2026-02-30/);
    expect(error.message).not.toMatch(/Imogen|Varga/);
  });

  it('refuses a reservation without a guest, and a check-out before the check-in', () => {
    const error = refusal(fixture('webhook-generic-no-guest.json'), 'generic');
    expect(error.fieldErrors).toEqual({
      'reservation.guest': 'reservation.guest is required, with at least a name.',
      'reservation.check_out': 'reservation.check_out must be after reservation.check_in.',
    });
  });

  it.each([
    ['a blank guest name', { name: '   ' }, 'reservation.guest.name'],
    ['a guest name that is not text', { name: 42 }, 'reservation.guest.name'],
    ['an absurdly long guest name', { name: 'x'.repeat(201) }, 'reservation.guest.name'],
  ])('refuses %s, naming the field', (_, guest, field) => {
    const body = fixture('webhook-generic-created.json') as { reservation: { guest: unknown } };
    body.reservation.guest = guest;
    const error = refusal(body, 'generic');
    expect(Object.keys(error.fieldErrors)).toEqual([field]);
  });

  it.each([
    ['no event id', (b: Record<string, unknown>) => delete b.id, 'id'],
    ['no reservation', (b: Record<string, unknown>) => delete b.reservation, 'reservation'],
    [
      'no reservation id',
      (b: Record<string, unknown>) => delete (b.reservation as Record<string, unknown>).id,
      'reservation.id',
    ],
    [
      'an unknown status',
      (b: Record<string, unknown>) => {
        (b.reservation as Record<string, unknown>).status = 'tentative';
      },
      'reservation.status',
    ],
    [
      'a check-in at 25:00',
      (b: Record<string, unknown>) => {
        (b.reservation as Record<string, unknown>).check_in = '2026-12-24T25:00';
      },
      'reservation.check_in',
    ],
  ])('refuses %s, naming the field', (_, change, field) => {
    const body = fixture('webhook-generic-created.json') as Record<string, unknown>;
    change(body);
    expect(Object.keys(refusal(body, 'generic').fieldErrors)).toEqual([field]);
  });

  it.each([
    ['null', null],
    ['an array', []],
    ['a string', 'reservation.created'],
  ])('refuses a body that is %s', (_, body) => {
    const error = refusal(body, 'generic');
    expect(error.fieldErrors).toEqual({ '': 'The body must be a JSON object.' });
  });
});

describe('parseWebhookEvent: Guesty shape', () => {
  it('reads reservation.created.v2 with check-in and check-out instants, the listing’s nickname as the room', () => {
    const result = parseWebhookEvent(fixture('webhook-guesty-created-v2.json'), 'guesty');
    expect(result).toEqual({
      kind: 'booking',
      eventId: expect.stringMatching(/^guesty_[0-9a-f]{32}$/),
      booking: {
        externalId: '66f1a2b3c4d5e6f708192a3b',
        confirmationCode: 'GY-8ZQ4R2',
        propertyId: null,
        room: 'Harbour Loft 3B',
        guestName: 'Tomasz Lindqvist',
        guestEmail: 'tomasz@example.test',
        guestPhone: '+46 70 123 45 67',
        checkIn: { at: new Date('2027-03-05T15:00:00Z') },
        checkOut: { at: new Date('2027-03-09T10:00:00Z') },
        status: 'confirmed',
        updatedAt: new Date('2027-01-10T12:00:03.512Z'),
      },
    });
  });

  it('reads reservation.updated.v2 with local dates and planned times when no instants are sent', () => {
    const result = parseWebhookEvent(fixture('webhook-guesty-updated-v2.json'), 'guesty');
    expect(result).toMatchObject({
      kind: 'booking',
      booking: {
        externalId: '66f1a2b3c4d5e6f708192a3b',
        guestName: 'Tomasz Lindqvist',
        guestEmail: 'tomasz@example.test',
        guestPhone: '+46 70 123 45 67',
        checkIn: { date: '2027-03-04', time: '13:30' },
        checkOut: { date: '2027-03-09', time: '11:00' },
        status: 'confirmed',
        updatedAt: new Date('2027-02-01T08:15:00Z'),
      },
    });
  });

  it('reads status "canceled" as a cancelled booking', () => {
    expect(parseWebhookEvent(fixture('webhook-guesty-canceled.json'), 'guesty')).toMatchObject({
      kind: 'booking',
      booking: { externalId: '66f1a2b3c4d5e6f708192a3b', status: 'cancelled' },
    });
  });

  it('reads reservation.removed as a cancellation whatever the status says', () => {
    const body = fixture('webhook-guesty-created-v2.json') as { event: string };
    body.event = 'reservation.removed';
    expect(parseWebhookEvent(body, 'guesty')).toMatchObject({ booking: { status: 'cancelled' } });
  });

  it.each(['inquiry', 'declined', 'expired', 'awaiting_payment', 'reserved'])(
    'ignores a reservation whose status is %s: it is not a stay',
    (status) => {
      const body = fixture('webhook-guesty-inquiry.json') as { reservation: { status: string } };
      body.reservation.status = status;
      const result = parseWebhookEvent(body, 'guesty');
      expect(result).toEqual({
        kind: 'ignored',
        eventId: expect.stringMatching(/^guesty_[0-9a-f]{32}$/),
        reason: `Guesty status ${status} is not a stay.`,
      });
    },
  );

  it('ignores an inquiry even when its dates are unreadable, rather than refusing it for Guesty to retry', () => {
    const body = fixture('webhook-guesty-inquiry.json') as { reservation: Record<string, unknown> };
    body.reservation.checkInDateLocalized = 'soon';
    delete body.reservation.checkOutDateLocalized;
    expect(parseWebhookEvent(body, 'guesty')).toMatchObject({ kind: 'ignored' });
  });

  it('ignores a status Keyhold does not know, without echoing it', () => {
    const body = fixture('webhook-guesty-inquiry.json') as { reservation: { status: string } };
    body.reservation.status = 'Tomasz Lindqvist';
    const result = parseWebhookEvent(body, 'guesty');
    expect(result).toMatchObject({ kind: 'ignored', reason: 'Guesty status not recognised.' });
    expect(JSON.stringify(result)).not.toMatch(/Tomasz/);
  });

  it('derives one event id per event, reservation and change: a redelivery is recognised, a new change is not', () => {
    const created = parseWebhookEvent(fixture('webhook-guesty-created-v2.json'), 'guesty');
    const again = parseWebhookEvent(fixture('webhook-guesty-created-v2.json'), 'guesty');
    const updated = parseWebhookEvent(fixture('webhook-guesty-updated-v2.json'), 'guesty');
    const cancelled = parseWebhookEvent(fixture('webhook-guesty-canceled.json'), 'guesty');
    expect(again.eventId).toBe(created.eventId);
    expect(new Set([created.eventId, updated.eventId, cancelled.eventId]).size).toBe(3);
  });

  it('names the guest from the confirmation code when Guesty sends no guest', () => {
    const body = fixture('webhook-guesty-created-v2.json') as { reservation: { guest?: unknown } };
    delete body.reservation.guest;
    expect(parseWebhookEvent(body, 'guesty')).toMatchObject({
      booking: { guestName: 'Guesty guest GY-8ZQ4R2', guestEmail: null, guestPhone: null },
    });
  });

  it('refuses an unknown event, naming event', () => {
    const body = fixture('webhook-guesty-created-v2.json') as { event: string };
    body.event = 'listing.updated';
    const error = refusal(body, 'guesty');
    expect(error.options.field).toBe('event');
  });

  it('refuses malformed fields, naming each, without echoing the guest', () => {
    const error = refusal(fixture('webhook-guesty-bad-fields.json'), 'guesty');
    expect(Object.keys(error.fieldErrors)).toEqual([
      'reservation._id',
      'reservation.checkInDateLocalized',
      'reservation.plannedArrival',
      'reservation.checkOut',
    ]);
    expect(JSON.stringify(error.fieldErrors)).not.toMatch(/Tomasz|Lindqvist|05\/03\/2027|4pm/);
  });
});
