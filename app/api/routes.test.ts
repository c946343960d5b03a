import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  memberActor,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { GENERIC_ERROR_MESSAGE } from '@/lib/errors';
import { jsonRoute } from '@/lib/http/route';
import { createReservation } from '@/lib/reservations/operations';
import { POST as tick } from './cron/tick/route';
import { GET as getLock } from './locks/[id]/route';
import { GET as getReservation } from './reservations/[id]/route';
import { GET as listReservations } from './reservations/route';

// The real route handlers, called the way Next calls them (a Request and a
// context whose params are a Promise), on a real database. Only two things
// come from the test: the process's database is this file's, and the
// signed-in member is chosen here (Auth.js sessions need a running Next).
const the = vi.hoisted(() => ({
  database: undefined as TestDatabase | undefined,
  actor: null as Actor | null,
}));

vi.mock('@/db/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/db/client')>();
  const database = async () => {
    if (!the.database) throw new Error('the test database is not open yet');
    return the.database;
  };
  return { ...actual, getDatabase: database, getDb: async () => (await database()).db };
});
vi.mock('@/lib/http/session', () => ({ currentActor: async () => the.actor }));

const CRON_SECRET = 'cron-secret-for-route-tests';
let harborAdmin: Actor;
let rivalAdmin: Actor;
let lockId: string;
let stayId: string;

beforeAll(async () => {
  vi.stubEnv('CRON_SECRET', CRON_SECRET);
  vi.stubEnv('AUTH_SECRET', 'auth-secret-for-route-tests-0123456789');
  const database = await createTestDatabase();
  the.database = database;
  const harbor = await createOrganization(database.db, { name: 'Harbor', roles: ['admin'] });
  const rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  harborAdmin = await memberActor(database.db, harbor.members.admin?.userId);
  rivalAdmin = await memberActor(database.db, rival.members.admin?.userId);
  lockId = (
    await addSimulatedLock(database.db, {
      organizationId: harbor.org.id,
      propertyId: harbor.property.id,
      room: '101',
    })
  ).id;
  const stay = await createReservation(
    database.db,
    harborAdmin,
    {
      propertyId: harbor.property.id,
      guestName: 'Ada Lovelace',
      checkInDate: '2031-05-01',
      checkOutDate: '2031-05-03',
      deviceIds: [lockId],
    },
    new Date(),
  );
  stayId = stay.id;
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await the.database?.close();
});

const as = (actor: Actor | null) => {
  the.actor = actor;
};
const params = <P>(value: P) => ({ params: Promise.resolve(value) });
// A path that names nothing: the handlers must take the id from params, not from here.
const request = (query = '', init?: RequestInit) =>
  new Request(`http://keyhold.test/api/elsewhere${query}`, init);

async function answer(response: Response) {
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: response.status, body: await response.json() };
}

describe('withActor routes', () => {
  it('hand the handler its params: one stay, one lock, by the id in the route', async () => {
    as(harborAdmin);
    const stay = await answer(await getReservation(request(), params({ id: stayId })));
    expect(stay.status).toBe(200);
    expect(stay.body).toMatchObject({ id: stayId, guestName: 'Ada Lovelace' });
    const lock = await answer(await getLock(request(), params({ id: lockId })));
    expect(lock.status).toBe(200);
    expect(lock.body.lock).toMatchObject({ id: lockId });
  });

  it('hand over the query, a repeated key keeping its first value as on pages', async () => {
    as(harborAdmin);
    // A route without dynamic segments gets no params from Next.
    const page = await answer(await listReservations(request('?search=Ada&search=Zed'), {}));
    expect(page.status).toBe(200);
    expect(page.body.search).toBe('Ada');
    expect(page.body.reservations.map((r: { id: string }) => r.id)).toEqual([stayId]);
  });

  it('answer 404 in JSON for another organization’s row and for an id that cannot be one', async () => {
    as(rivalAdmin);
    for (const id of [stayId, 'not-an-id', `${stayId}x`]) {
      expect(await answer(await getReservation(request(), params({ id })))).toEqual({
        status: 404,
        body: { error: { code: 'not_found', message: 'Reservation not found.' } },
      });
    }
    expect(await answer(await getLock(request(), params({ id: lockId })))).toEqual({
      status: 404,
      body: { error: { code: 'not_found', message: 'Lock not found.' } },
    });
  });

  it('answer 401 in JSON when nobody is signed in', async () => {
    as(null);
    expect(await answer(await getReservation(request(), params({ id: stayId })))).toEqual({
      status: 401,
      body: { error: { code: 'unauthenticated', message: 'Sign in to continue.' } },
    });
  });

  it('answer an unexpected failure with the generic message, never its text', async () => {
    const failing = jsonRoute(async () => {
      throw new Error('connection to 10.0.0.5 refused at db/client.ts:41');
    });
    const answered = await answer(await failing(request(), params({})));
    expect(answered).toEqual({
      status: 500,
      body: { error: { code: 'internal', message: GENERIC_ERROR_MESSAGE } },
    });
  });
});

describe('the cron route', () => {
  const withAuthorization = (authorization?: string) =>
    request('', {
      method: 'POST',
      headers: authorization ? { authorization } : {},
    });

  it.each([
    ['no authorization', undefined],
    ['a wrong secret', 'Bearer not-the-secret'],
    ['the secret without Bearer', CRON_SECRET],
    ['an empty bearer', 'Bearer '],
  ])('answers %s with the mapped 401 JSON, like every other route', async (_, authorization) => {
    const answered = await answer(await tick(withAuthorization(authorization), params({})));
    expect(answered).toEqual({
      status: 401,
      body: {
        error: {
          code: 'unauthenticated',
          message: 'A valid CRON_SECRET bearer token is required.',
        },
      },
    });
  });

  it('runs a tick for the right secret', async () => {
    const answered = await answer(
      await tick(withAuthorization(`Bearer ${CRON_SECRET}`), params({})),
    );
    expect(answered.status).toBe(200);
    expect(answered.body).toMatchObject({ ok: true, locks: 1 });
  });
});
