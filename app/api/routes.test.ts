import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { alerts, devices } from '@/db/schema';
import {
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  memberActor,
  type TestDatabase,
} from '@/db/testing';
import { countOpenAlerts, listAlerts } from '@/lib/alerts/alerts';
import { listArrivals } from '@/lib/arrivals/arrivals';
import type { Actor } from '@/lib/auth/actor';
import { clock } from '@/lib/clock';
import { listReplacementChoices } from '@/lib/devices/new-locks';
import { replaceDevice } from '@/lib/devices/replace';
import { replacementPlan } from '@/lib/devices/replacement-plan';
import { replacementProgress } from '@/lib/devices/replacement-progress';
import { GENERIC_ERROR_MESSAGE } from '@/lib/errors';
import { jsonRoute } from '@/lib/http/route';
import { listDeskStays } from '@/lib/reservations/desk';
import { createReservation } from '@/lib/reservations/operations';
import { handleSeamRequest } from '@/lib/seam-api/handler';
import { createWebhookSource } from '@/lib/sources/sources';
import { signWebhook } from '@/lib/webhooks/signature';
import { GET as countAlerts } from './alerts/count/route';
import { GET as getAlerts } from './alerts/route';
import { GET as getArrivals } from './arrivals/route';
import { POST as tick } from './cron/tick/route';
import { GET as getFrontDesk } from './front-desk/route';
import { GET as getHealth } from './health/route';
import { GET as getLive } from './live/route';
import { GET as getLock } from './locks/[id]/route';
import { GET as getProgress } from './replacements/[newId]/route';
import { GET as getPlan } from './replacements/plan/route';
import { GET as getReplacementChoices } from './replacements/route';
import { GET as getReservation } from './reservations/[id]/route';
import { GET as listReservations } from './reservations/route';
import { POST as receiveWebhook } from './sources/[id]/webhook/route';

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
let harborDesk: Actor;
let rivalAdmin: Actor;
let lockId: string;
let stayId: string;
let harborId: string;
let harborPropertyId: string;

beforeAll(async () => {
  vi.stubEnv('CRON_SECRET', CRON_SECRET);
  vi.stubEnv('AUTH_SECRET', 'auth-secret-for-route-tests-0123456789');
  const database = await createTestDatabase();
  the.database = database;
  const harbor = await createOrganization(database.db, {
    name: 'Harbor',
    roles: ['admin', 'front_desk'],
  });
  const rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  harborAdmin = await memberActor(database.db, harbor.members.admin?.userId);
  harborDesk = await memberActor(database.db, harbor.members.front_desk?.userId);
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
    // Booked a month ahead of the stay: a stay starts at most 2 years out.
    new Date('2031-04-01T12:00:00Z'),
  );
  stayId = stay.id;
  harborId = harbor.org.id;
  harborPropertyId = harbor.property.id;
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

// Issue 23: the API skips the proxy, so its shells set what the proxy set on
// every answer: a request id (the caller's when plain) and the security headers.
describe('every API answer, without the proxy', () => {
  const seam = (init?: RequestInit, url = 'http://keyhold.test/api/seam/locks/list') =>
    handleSeamRequest(new Request(url, init), 'locks/list', {
      getDb: async () => the.database?.db as TestDatabase['db'],
      now: () => new Date(),
    });
  const answers: [string, (init?: RequestInit, url?: string) => Promise<Response>][] = [
    [
      'GET /api/live',
      (init, url) => getLive(new Request(url ?? 'http://keyhold.test/api/live', init), {}),
    ],
    [
      'GET /api/health',
      (init, url) => getHealth(new Request(url ?? 'http://keyhold.test/api/health', init), {}),
    ],
    [
      'a signed-in route, signed out',
      (init, url) => {
        as(null);
        return getReservation(
          new Request(url ?? 'http://keyhold.test/api/reservations/x', init),
          params({ id: stayId }),
        );
      },
    ],
    [
      'the cron route without its secret',
      (init, url) =>
        tick(
          new Request(url ?? 'http://keyhold.test/api/cron/tick', { method: 'POST', ...init }),
          params({}),
        ),
    ],
    ['the Seam-style API without a key', seam],
  ];

  it.each(answers)(
    '%s carries a request id, the JSON policy, nosniff and a referrer policy',
    async (_, call) => {
      const response = await call();
      expect(response.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(response.headers.get('content-security-policy')).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
      expect(response.headers.get('strict-transport-security')).toBeNull();
    },
  );

  it.each(answers)(
    "%s keeps a load balancer's plain request id, never a crafted one",
    async (_, call) => {
      const kept = await call({ headers: { 'x-request-id': 'lb-7f3a.42' } });
      expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.42');
      const crafted = await call({ headers: { 'x-request-id': '<script>alert(1)</script>' } });
      expect(crafted.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    },
  );

  it.each(answers)('%s sends HSTS when the client came over https', async (_, call) => {
    const proxied = await call({ headers: { 'x-forwarded-proto': 'https' } });
    expect(proxied.headers.get('strict-transport-security')).toBe(
      'max-age=31536000; includeSubDomains',
    );
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

// The live pages' routes (arrivals, alerts and the badge, the front desk, the
// replacement wizard): each answers what the lib function its page prefetches
// answers, as JSON, and nothing of another organization.
describe('the live pages’ routes', () => {
  // Ada checks in 2031-05-01 at 15:00 in New York: on the board and at the desk a day before.
  const NOW = new Date('2031-04-30T16:00:00Z');
  let oldLockId: string;
  let newLockId: string;
  let alertId: string;

  beforeAll(async () => {
    clock.set(NOW);
    const { db } = the.database as TestDatabase;
    const [alert] = await db
      .insert(alerts)
      .values({
        organizationId: harborId,
        deviceId: lockId,
        kind: 'device_removed',
        severity: 'error',
        message: 'Room 101 is gone from its account.',
        dedupeKey: `device_removed:${lockId}`,
        openedAt: NOW,
      })
      .returning({ id: alerts.id });
    alertId = alert?.id ?? '';
    oldLockId = (
      await addSimulatedLock(db, {
        organizationId: harborId,
        propertyId: harborPropertyId,
        room: '201',
      })
    ).id;
    // A lock discovery found and nobody placed: what a factory reset leaves.
    newLockId = (
      await addSimulatedLock(db, {
        organizationId: harborId,
        propertyId: harborPropertyId,
        room: 'new',
      })
    ).id;
    await db
      .update(devices)
      .set({ propertyId: null, needsPlacement: true })
      .where(eq(devices.id, newLockId));
  });
  afterAll(() => clock.reset());

  const db = () => (the.database as TestDatabase).db;
  it('answer what the lib functions answer, times as ISO strings', async () => {
    as(harborAdmin);
    const arrivals = await answer(await getArrivals(request(), {}));
    expect(arrivals.status).toBe(200);
    expect(arrivals.body).toEqual(await listArrivals(db(), harborAdmin, {}, NOW));
    expect(arrivals.body.now).toBe(NOW.toISOString());
    expect(arrivals.body.arrivals.map((a: { reservationId: string }) => a.reservationId)).toEqual([
      stayId,
    ]);
    expect(arrivals.body.arrivals[0].startsAt).toBe('2031-05-01T19:00:00.000Z');

    const desk = await answer(await getFrontDesk(request('?q=Ada&q=Zed'), {}));
    expect(desk.status).toBe(200);
    expect(desk.body).toEqual(await listDeskStays(db(), harborAdmin, { q: 'Ada' }, NOW));
    expect(desk.body.map((s: { reservationId: string }) => s.reservationId)).toEqual([stayId]);
    const nobody = await answer(await getFrontDesk(request('?q=Zed'), {}));
    expect(nobody.body).toEqual([]);

    const listed = await answer(await getAlerts(request(), {}));
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual(await listAlerts(db(), harborAdmin));
    expect(listed.body.alerts).toContainEqual(
      expect.objectContaining({
        id: alertId,
        openedAt: NOW.toISOString(),
        remedy: 'replace_lock',
        lockName: 'Room 101',
      }),
    );
    const badge = await answer(await countAlerts(request(), {}));
    expect(badge.body).toEqual({ open: await countOpenAlerts(db(), harborAdmin) });
    expect(badge.body.open).toBeGreaterThanOrEqual(1);

    const choices = await answer(await getReplacementChoices(request(), {}));
    expect(choices.status).toBe(200);
    expect(choices.body).toEqual(await listReplacementChoices(db(), harborAdmin));
    expect(choices.body.found.map((l: { id: string }) => l.id)).toEqual([newLockId]);
    expect(choices.body.replaceable.map((l: { id: string }) => l.id)).toContain(oldLockId);

    const pair = { oldDeviceId: oldLockId, newDeviceId: newLockId };
    const review = await answer(await getPlan(request(`?${new URLSearchParams(pair)}`), {}));
    expect(review.status).toBe(200);
    expect(review.body).toEqual(await replacementPlan(db(), harborAdmin, pair, NOW));
    expect(review.body.fresh).toMatchObject({ id: newLockId, firstSeenAt: expect.any(String) });
  });

  it('refuse a plan without its ids with a 400 naming the field', async () => {
    as(harborAdmin);
    const answered = await answer(await getPlan(request(`?newDeviceId=${newLockId}`), {}));
    expect(answered.status).toBe(400);
    expect(answered.body.error).toMatchObject({ field: 'oldDeviceId' });
  });

  it('follow a replacement by the new lock’s id in the route', async () => {
    as(harborAdmin);
    await replaceDevice(db(), harborAdmin, { oldDeviceId: oldLockId, newDeviceId: newLockId }, NOW);
    const progress = await answer(await getProgress(request(), params({ newId: newLockId })));
    expect(progress.status).toBe(200);
    expect(progress.body).toEqual(await replacementProgress(db(), harborAdmin, newLockId, NOW));
    expect(progress.body).toMatchObject({ oldDeviceId: oldLockId, lockName: 'Room 201' });
    expect(progress.body.undoUntil).toMatch(/^2031-04-30T16:15:00\.000Z$/);
  });

  it('show another organization none of it, and answer 404 for its ids', async () => {
    as(rivalAdmin);
    const harborIds = [stayId, lockId, oldLockId, newLockId, alertId];
    for (const route of [getArrivals, getFrontDesk, getAlerts, getReplacementChoices]) {
      const answered = await answer(await route(request(), {}));
      expect(answered.status).toBe(200);
      for (const id of harborIds) expect(JSON.stringify(answered.body)).not.toContain(id);
    }
    expect(await answer(await countAlerts(request(), {}))).toEqual({
      status: 200,
      body: { open: 0 },
    });
    const pair = new URLSearchParams({ oldDeviceId: lockId, newDeviceId: newLockId });
    expect((await answer(await getPlan(request(`?${pair}`), {}))).status).toBe(404);
    for (const newId of [newLockId, 'not-an-id']) {
      expect(await answer(await getProgress(request(), params({ newId })))).toEqual({
        status: 404,
        body: { error: { code: 'not_found', message: 'Lock not found.', field: 'newDeviceId' } },
      });
    }
  });

  it('answer 404 to a member whose role does not open the page', async () => {
    as(harborDesk);
    expect((await answer(await getReplacementChoices(request(), {}))).status).toBe(404);
    expect((await answer(await getProgress(request(), params({ newId: newLockId })))).status).toBe(
      404,
    );
    // The desk does read the board, the desk and the alerts.
    expect((await answer(await getFrontDesk(request(), {}))).status).toBe(200);
  });

  it('answer 401 in JSON when nobody is signed in', async () => {
    as(null);
    const routes = [
      getArrivals,
      getFrontDesk,
      getAlerts,
      countAlerts,
      getReplacementChoices,
      getPlan,
    ];
    for (const route of routes) {
      expect(await answer(await route(request(), {}))).toEqual({
        status: 401,
        body: { error: { code: 'unauthenticated', message: 'Sign in to continue.' } },
      });
    }
    expect((await answer(await getProgress(request(), params({ newId: newLockId })))).status).toBe(
      401,
    );
  });
});

describe('the reservation source webhook route', () => {
  let sourceId: string;
  let secret: string;
  const body = (id: string) =>
    JSON.stringify({
      id: `evt_${id}`,
      type: 'reservation.created',
      reservation: {
        id,
        room: '101',
        guest: { name: 'Imogen Varga' },
        check_in: '2027-06-01',
        check_out: '2027-06-03',
        updated_at: '2026-11-01T09:00:00Z',
      },
    });
  const post = (raw: string, signature: string | null) =>
    receiveWebhook(
      new Request('http://keyhold.test/api/elsewhere', {
        method: 'POST',
        body: raw,
        headers: signature ? { 'Keyhold-Signature': signature } : {},
      }),
      params({ id: sourceId }),
    );

  beforeAll(async () => {
    if (!the.database) throw new Error('no database');
    const made = await createWebhookSource(the.database.db, harborAdmin, {
      name: 'Hostaway',
      propertyId: harborPropertyId,
    });
    sourceId = made.source.id;
    secret = made.secret;
  });

  it('takes a signed delivery: 200 with the stay it made', async () => {
    const raw = body('R-route-1');
    const { status, body: answered } = await answer(
      await post(raw, signWebhook(secret, raw, clock.now())),
    );
    expect(status).toBe(200);
    expect(answered).toMatchObject({ ok: true, outcome: 'created', eventId: 'evt_R-route-1' });
  });

  it('answers 401 in JSON for a bad signature, 400 for a body that is not JSON, 404 for an unknown source', async () => {
    const raw = body('R-route-2');
    expect(await answer(await post(raw, signWebhook('whsec_wrong', raw, clock.now())))).toEqual({
      status: 401,
      body: {
        error: {
          code: 'unauthenticated',
          message: 'The signature does not match this source’s secret.',
        },
      },
    });
    const broken = '{"id": ';
    const refusal = await answer(await post(broken, signWebhook(secret, broken, clock.now())));
    expect(refusal).toMatchObject({ status: 400, body: { error: { field: 'body' } } });
    const unknown = await receiveWebhook(
      new Request('http://keyhold.test/api/elsewhere', { method: 'POST', body: raw }),
      params({ id: 'not-a-source' }),
    );
    expect((await answer(unknown)).status).toBe(404);
  });

  it('refuses a body over 256 KB without reading it as a booking', async () => {
    const raw = JSON.stringify({ padding: 'x'.repeat(300 * 1024) });
    const { status, body: answered } = await answer(
      await post(raw, signWebhook(secret, raw, clock.now())),
    );
    expect(status).toBe(400);
    expect(answered.error.message).toBe('The body is larger than 256 KB.');
  });

  // Review of issue 23: with the API out of the proxy, Next no longer caps a
  // route's body (the proxy's copy was 10 MB at most); a chunked body says no length.
  it('stops reading a chunked body without a length once it passes 256 KB', async () => {
    const { stream, pulled } = endlessBody();
    const response = await receiveWebhook(
      new Request('http://keyhold.test/api/elsewhere', {
        method: 'POST',
        body: stream,
        duplex: 'half',
      } as RequestInit),
      params({ id: sourceId }),
    );
    expect(await answer(response)).toMatchObject({
      status: 400,
      body: { error: { message: 'The body is larger than 256 KB.', field: 'body' } },
    });
    // 4 chunks make 256 KB; the stream reads one ahead. Not the 100 it offers.
    expect(pulled()).toBeLessThanOrEqual(6);
  });
});

/** A request body of 64 KB chunks that would go on for 6.4 MB, counting what was read. */
function endlessBody() {
  let pulls = 0;
  const chunk = new Uint8Array(64 * 1024).fill(120);
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulls += 1;
      if (pulls > 100) controller.close();
      else controller.enqueue(chunk);
    },
  });
  return { stream, pulled: () => pulls };
}
