import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservations, sourceEvents } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import { deriveKey } from '@/lib/secret-box';
import { signWebhook } from '@/lib/webhooks/signature';
import { createWebhookSource } from './sources';
import { takeWebhook } from './webhooks';

const NOW = new Date('2026-12-05T12:00:00Z');
const KEY = deriveKey('test key for sealing webhook secrets');

let database: TestDatabase;
let sourceId: string;
let secret: string;

beforeAll(async () => {
  database = await createTestDatabase();
  const harbor = await createOrganization(database.db, { name: 'Harbor', roles: ['admin'] });
  const admin = await actorFor(database.db, harbor, 'admin');
  await addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: harbor.property.id,
    name: 'Room 12',
    room: '12',
  });
  const made = await createWebhookSource(
    database.db,
    admin,
    { name: 'Hostaway', propertyId: harbor.property.id },
    KEY,
  );
  sourceId = made.source.id;
  secret = made.secret;
});
afterAll(() => database.close());

let n = 0;
/** A generic-shape event for reservation `id`, as a PMS would send it. */
function event(
  id: string,
  overrides: { type?: string; checkOut?: string; updatedAt?: string; eventId?: string } = {},
) {
  n++;
  return JSON.stringify({
    id: overrides.eventId ?? `evt_${n}`,
    type: overrides.type ?? 'reservation.updated',
    reservation: {
      id,
      room: 'Room 12',
      guest: { name: 'Imogen Varga', email: 'imogen@example.test' },
      check_in: '2026-12-24',
      check_out: overrides.checkOut ?? '2026-12-27',
      updated_at: overrides.updatedAt ?? '2026-12-05T09:00:00Z',
    },
  });
}

const deliver = (
  rawBody: string,
  options: { at?: Date; secret?: string; signature?: string | null } = {},
) =>
  takeWebhook(
    database.db,
    sourceId,
    {
      rawBody,
      signature:
        options.signature === undefined
          ? signWebhook(options.secret ?? secret, rawBody, options.at ?? NOW)
          : options.signature,
    },
    NOW,
    KEY,
  );

async function writes() {
  const [stays] = await database.db.select({ n: count() }).from(reservations);
  const [events] = await database.db.select({ n: count() }).from(sourceEvents);
  return { stays: stays?.n, events: events?.n };
}

async function stayOf(reservationId: string | undefined) {
  const [stay] = await database.db
    .select()
    .from(reservations)
    .where(eq(reservations.id, reservationId ?? ''));
  return stay;
}

describe('a PMS webhook delivery', () => {
  it('becomes a stay on the room it names', async () => {
    const receipt = await deliver(event('R-1', { type: 'reservation.created' }));
    expect(receipt.outcome).toBe('created');
    const stay = await stayOf(receipt.reservationId);
    expect(stay?.source).toBe('Hostaway');
    expect(stay?.endsAt.toISOString()).toBe('2026-12-27T16:00:00.000Z');
  });

  it('is refused with nothing written when the signature is made with another secret', async () => {
    const error = await refused(writes, () =>
      deliver(event('R-2'), { secret: 'whsec_not_the_sources_secret' }),
    );
    expect(error.code).toBe('unauthenticated');
    expect(error.message).toMatch(/does not match/);
  });

  it('is refused when the body was changed after signing', async () => {
    const body = event('R-3');
    const signature = signWebhook(secret, body, NOW);
    const error = await refused(writes, () =>
      deliver(body.replace('2026-12-27', '2026-12-29'), { signature }),
    );
    expect(error.code).toBe('unauthenticated');
  });

  it('is refused without a signature', async () => {
    const error = await refused(writes, () => deliver(event('R-4'), { signature: null }));
    expect(error.message).toMatch(/Keyhold-Signature header is missing/);
  });

  it('is refused when its timestamp is stale, so a captured delivery cannot be replayed later', async () => {
    const error = await refused(writes, () =>
      deliver(event('R-5'), { at: new Date(NOW.getTime() - 6 * 60_000) }),
    );
    expect(error.message).toMatch(/more than 5 minutes/);
  });

  it('changes nothing when the same event is delivered twice', async () => {
    const body = event('R-6', { type: 'reservation.created' });
    const first = await deliver(body);
    const before = await writes();
    const again = await deliver(body);
    expect(again).toMatchObject({ outcome: 'duplicate', eventId: first.eventId });
    expect(await writes()).toEqual(before);
  });

  it('ignores an update older than one already taken (delivered out of order)', async () => {
    const created = await deliver(
      event('R-7', { type: 'reservation.created', updatedAt: '2026-12-05T08:00:00Z' }),
    );
    await deliver(event('R-7', { checkOut: '2026-12-30', updatedAt: '2026-12-05T10:00:00Z' }));
    const late = await deliver(
      event('R-7', { checkOut: '2026-12-26', updatedAt: '2026-12-05T09:00:00Z' }),
    );
    expect(late.outcome).toBe('stale');
    expect((await stayOf(created.reservationId))?.endsAt.toISOString()).toBe(
      '2026-12-30T16:00:00.000Z',
    );
  });

  it('cancels the stay on a cancellation event', async () => {
    const created = await deliver(event('R-8', { type: 'reservation.created' }));
    const cancelled = await deliver(
      event('R-8', { type: 'reservation.cancelled', updatedAt: '2026-12-05T11:00:00Z' }),
    );
    expect(cancelled.outcome).toBe('cancelled');
    expect((await stayOf(created.reservationId))?.status).toBe('cancelled');
  });

  it('refuses a malformed event naming the field, without writing or echoing guest data', async () => {
    const body = JSON.stringify({
      id: 'evt_bad',
      type: 'reservation.created',
      reservation: { id: 'R-9', guest: { name: 'Secret Guest' }, check_in: 'soon' },
    });
    const error = await refused(writes, () => deliver(body));
    expect(error.code).toBe('invalid_input');
    expect(JSON.stringify(error)).not.toContain('Secret Guest');
  });

  it('refuses a booking for a room the property does not have, and takes it once corrected', async () => {
    const body = event('R-10', { type: 'reservation.created', eventId: 'evt_room' }).replace(
      'Room 12',
      'Room 99',
    );
    const error = await refused(writes, () => deliver(body));
    expect(error.message).toMatch(/No lock at .* is called “Room 99”/);
    // The same event id, fixed at the PMS and sent again, is not a duplicate.
    const fixed = await deliver(body.replace('Room 99', 'Room 12'));
    expect(fixed.outcome).toBe('created');
  });

  it('refuses a booking naming a property that is not a Keyhold id, naming the field', async () => {
    const body = JSON.stringify({
      id: 'evt_property',
      type: 'reservation.created',
      reservation: {
        id: 'R-11',
        property_id: 'beach-house-7',
        guest: { name: 'Imogen Varga' },
        check_in: '2026-12-24',
        check_out: '2026-12-27',
        updated_at: '2026-12-05T09:00:00Z',
      },
    });
    const error = await refused(writes, () => deliver(body));
    expect(error).toMatchObject({ code: 'invalid_input', options: { field: 'propertyId' } });
    expect(error.message).toBe('The booking names a property Keyhold does not have.');
  });

  it('answers not found for an unknown source', async () => {
    const error = await refused(() =>
      takeWebhook(
        database.db,
        '00000000-0000-4000-8000-000000000000',
        { rawBody: '{}', signature: null },
        NOW,
        KEY,
      ),
    );
    expect(error.code).toBe('not_found');
  });
});
