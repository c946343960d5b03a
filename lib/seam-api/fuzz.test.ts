import { and, count, desc, eq, isNull } from 'drizzle-orm';
import fc from 'fast-check';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessCodeEvents, accessCodes, actionAttempts, devices } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { createAccessCode, deleteAccessCode } from '@/lib/access-codes/operations';
import { createApiKey } from '@/lib/api-keys';
import type { Actor } from '@/lib/auth/actor';
import { recordEvents } from '@/lib/events/store';
import { EVENT_TYPES } from '@/lib/events/types';
import { ENDPOINTS } from './endpoints';
import { handleSeamRequest } from './handler';

// Property-based fuzzing of the Seam-style API, straight through
// handleSeamRequest: whatever arrives, the answer is never 5xx, every error is
// Seam's envelope with a seam-request-id, and a refused request writes nothing.
//
// The seed is printed first. FUZZ_SEED reproduces a run; without it the seed
// is random on a developer's machine and fixed in CI (CI set), so a red build
// is the code's doing, not the dice's. FUZZ_RUNS scales the runs.

const NOW = new Date('2026-11-26T12:00:00Z');
const CI_SEED = 20_261_126;
const SEED = fuzzSeed(process.env);
const RUNS = Number(process.env.FUZZ_RUNS ?? 50);
const VERBS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
type Verb = (typeof VERBS)[number];

let database: TestDatabase;
let key: string;
/** The organization the key belongs to. */
let ours: Actor;
const deps = { getDb: async () => database.db, now: () => NOW };

/** The fixtures' ids: of every kind, ours and the other organization's, live and gone. */
const fx = {
  devices: [] as string[],
  codes: [] as string[],
  attempts: [] as string[],
  digits: [] as string[],
  /** Our active locks taking 4–6 digits. */
  usableLocks: [] as string[],
  /** Our active lock taking 8 digits only: it cannot share a PIN with the others. */
  otherLengthLocks: [] as string[],
  /** Our live, editable codes. */
  liveCodes: [] as string[],
  /** Page cursors as the server makes them, for rows that exist. */
  cursors: [] as string[],
  /** Events of ours and of the other organization. */
  events: [] as string[],
};

/** Status histogram per endpoint, printed at the end to show how deep the fuzz got. */
const seen = new Map<string, Map<number, number>>();

function fuzzSeed(env: NodeJS.ProcessEnv): number {
  const chosen = env.FUZZ_SEED || (env.CI ? String(CI_SEED) : '');
  if (!chosen) return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(chosen);
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be an integer, not "${chosen}"`);
  return seed;
}

// ---------------------------------------------------------------------------
// Fixtures

beforeAll(async () => {
  console.info(`seam-api fuzz: seed ${SEED}, ${RUNS} runs per property (FUZZ_SEED=${SEED})`);
  database = await createTestDatabase();
  const db = database.db;
  const a = await createOrganization(db, { name: 'Harbor', roles: ['admin'] });
  const b = await createOrganization(db, { name: 'Rival', roles: ['admin'] });
  const actorA = await actorFor(db, a, 'admin');
  ours = actorA;
  const actorB = await actorFor(db, b, 'admin');
  key = (await createApiKey(db, actorA, { name: 'Fuzz' })).apiKey;

  const lock = (org: typeof a, room: string, allowedLengths?: number[]) =>
    addSimulatedLock(db, {
      organizationId: org.org.id,
      propertyId: org.property.id,
      room,
      allowedLengths,
    });
  const lockA1 = await lock(a, '101');
  const lockA2 = await lock(a, '102');
  // Takes only 8 digits: cannot share a PIN with the others.
  const lockA8 = await lock(a, '108', [8]);
  const lockGone = await lock(a, '199');
  await db.update(devices).set({ status: 'removed' }).where(eq(devices.id, lockGone.id));
  const lockB = await lock(b, '9');
  fx.devices.push(lockA1.id, lockA2.id, lockA8.id, lockGone.id, lockB.id);
  fx.usableLocks.push(lockA1.id, lockA2.id);
  fx.otherLengthLocks.push(lockA8.id);

  const ongoing = await createAccessCode(
    db,
    actorA,
    { deviceId: lockA1.id, name: 'Cleaner', code: '4821' },
    NOW,
  );
  const timed = await createAccessCode(
    db,
    actorA,
    {
      deviceId: lockA1.id,
      name: 'Guest',
      code: '135792',
      startsAt: '2026-12-01T20:00:00Z',
      endsAt: '2026-12-03T16:00:00Z',
    },
    NOW,
  );
  const deleted = await createAccessCode(db, actorA, { deviceId: lockA2.id, code: '2468' }, NOW);
  await deleteAccessCode(db, actorA, deleted.id, NOW);
  const [backup] = await db
    .insert(accessCodes)
    .values({
      organizationId: a.org.id,
      deviceId: lockA2.id,
      type: 'ongoing',
      code: '975310',
      isBackup: true,
    })
    .returning();
  const foreign = await createAccessCode(db, actorB, { deviceId: lockB.id, code: '1357' }, NOW);
  if (!backup) throw new Error('no backup code');
  fx.codes.push(ongoing.id, timed.id, deleted.id, backup.id, foreign.id);
  fx.liveCodes.push(ongoing.id, timed.id);
  fx.digits.push('4821', '135792', '2468', '975310', '1357');
  const cursor = (row: { createdAt: Date; id: string }) =>
    Buffer.from(`${row.createdAt.toISOString()}|${row.id}`).toString('base64url');
  fx.cursors.push(cursor(ongoing), cursor(timed), cursor(lockA1), cursor(lockB));

  const attempts = await db
    .insert(actionAttempts)
    .values([
      { organizationId: a.org.id, actionType: 'CREATE_ACCESS_CODE', status: 'success' },
      { organizationId: b.org.id, actionType: 'DELETE_ACCESS_CODE', status: 'success' },
    ])
    .returning();
  fx.attempts.push(...attempts.map((r) => r.id));

  const written = await recordEvents(db, [
    {
      organizationId: a.org.id,
      eventType: 'access_code.set_on_device',
      occurredAt: NOW,
      deviceId: lockA1.id,
      accessCodeId: ongoing.id,
      detail: { is_backup_access_code: false },
      dedupeKey: `fuzz:${ongoing.id}`,
    },
    {
      organizationId: b.org.id,
      eventType: 'lock.unlocked',
      occurredAt: NOW,
      deviceId: lockB.id,
      accessCodeId: foreign.id,
      method: 'keycode',
      dedupeKey: `fuzz:${foreign.id}`,
    },
  ]);
  fx.events.push(...written.map((e) => e.id));
});

/** Keep a few of our live codes at hand: the delete property uses them up. */
beforeEach(async () => {
  const live = () =>
    database.db
      .select({ id: accessCodes.id })
      .from(accessCodes)
      .where(
        and(
          eq(accessCodes.organizationId, ours.organizationId),
          isNull(accessCodes.deletedAt),
          eq(accessCodes.isBackup, false),
        ),
      )
      .orderBy(desc(accessCodes.createdAt))
      .limit(8);
  let rows = await live();
  if (rows.length === 0) {
    await createAccessCode(database.db, ours, { deviceId: fx.usableLocks[1] ?? '' }, NOW);
    rows = await live();
  }
  fx.liveCodes.splice(0, fx.liveCodes.length, ...rows.map((r) => r.id));
});

afterAll(async () => {
  const lines = [...seen].map(
    ([path, statuses]) =>
      `  ${path.padEnd(40)} ${[...statuses]
        .sort(([x], [y]) => x - y)
        .map(([s, n]) => `${s}×${n}`)
        .join(' ')}`,
  );
  if (lines.length > 0) console.info(`seam-api fuzz statuses (seed ${SEED}):\n${lines.join('\n')}`);
  await database?.close();
});

// ---------------------------------------------------------------------------
// Arbitraries

const hugeString = fc
  .tuple(
    fc.oneof(
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 3 }),
      fc.constantFrom('1', 'a', '|', '\u0000', '€', '𝟙'),
    ),
    fc.integer({ min: 10_240, max: 16_384 }),
  )
  .map(([s, n]) => s.repeat(Math.ceil(n / s.length)));

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: 'binary-ascii' }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'null',
    'undefined',
    'true',
    '0',
    '-1',
    '\u202e',
    '\ud800',
    '\udc00x',
    '𝟙𝟚𝟛𝟜',
    '١٢٣٤',
    '１２３４',
    "' or 1=1 --",
    '%00',
    '../../etc/passwd',
    '__proto__',
  ),
  hugeString,
);

/** Any JSON value of the wrong kind, or text where none was expected. */
const wild: fc.Arbitrary<unknown> = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

const iso = (d: Date) => d.toISOString();

const oddDates = fc.constantFrom(
  '0000-01-01',
  '9999-12-31T00:00:00Z',
  'yesterday',
  '1999-12-31T23:59:59Z',
  '2101-01-01T00:00:00Z',
  '2026-02-30T00:00:00Z',
  '2026-12-01T25:00:00Z',
  '2026-12-01',
  '2026-12-01T20:00:00+14:00',
  'Tue, 01 Dec 2026 20:00:00 GMT',
  '+275760-09-13T00:00:00.000Z',
  '-271821-04-20T00:00:00.000Z',
  '+010000-01-01T00:00:00.000Z',
  '-000001-01-01T00:00:00.000Z',
  '0',
  '1',
  ' ',
);

/** Built per test, once the fixtures' ids exist. Each parameter is good, plausible or wild. */
function arbitraries() {
  const all = [...fx.devices, ...fx.codes, ...fx.attempts];
  const lock = fx.usableLocks[0] ?? '';
  const id = fc.oneof(
    { arbitrary: fc.constantFrom(...all), weight: 4 },
    { arbitrary: fc.uuid(), weight: 2 },
    {
      arbitrary: fc.constantFrom(
        '00000000-0000-0000-0000-000000000000',
        'ffffffff-ffff-ffff-ffff-ffffffffffff',
        `${lock} `,
        lock.toUpperCase(),
        lock.replaceAll('-', ''),
        `{${lock}}`,
        'not-a-lock',
      ),
      weight: 1,
    },
  );
  const idList = fc.oneof(
    fc.array(id, { maxLength: 5 }),
    id,
    fc.constant([]),
    fc.array(fc.uuid(), { minLength: 90, maxLength: 600 }),
  );
  const date = fc.oneof(
    fc
      .date({ min: new Date('2026-11-01'), max: new Date('2028-01-01'), noInvalidDate: true })
      .map(iso),
    oddDates,
    fc.date({ noInvalidDate: true }).map(iso),
    fc.integer(),
  );
  const dateBetween = (min: string, max: string) =>
    fc.date({ min: new Date(min), max: new Date(max), noInvalidDate: true }).map(iso);
  const cursor = fc.oneof(
    {
      // Shaped like the server's own cursors, base64url of `createdAt|id`, at odd times.
      arbitrary: fc
        .tuple(
          fc.oneof(oddDates, fc.date({ noInvalidDate: true }).map(iso)),
          fc.oneof({ arbitrary: id, weight: 3 }, fc.string()),
        )
        .map(([at, last]) => Buffer.from(`${at}|${last}`).toString('base64url')),
      weight: 4,
    },
    text,
    fc.constantFrom('|', 'fA', 'fHw', '===', '%7C'),
  );
  const integerish = (min: number, max: number) =>
    fc.oneof(
      fc.integer({ min: min - 3, max: max + 3 }),
      fc.integer({ min: min - 3, max: max + 3 }).map(String),
      fc.integer(),
      fc.constantFrom('1e3', '0x10', ' 5 ', '5.5', 'NaN', 'Infinity', '-0', '', 4.5, -0),
    );
  /** A value the endpoint should take, and one it probably should not. */
  const tier = (good: fc.Arbitrary<unknown>, plausible: fc.Arbitrary<unknown>) => ({
    good,
    bad: fc.oneof({ arbitrary: plausible, weight: 2 }, { arbitrary: wild, weight: 1 }),
  });

  const params: Record<string, { good: fc.Arbitrary<unknown>; bad: fc.Arbitrary<unknown> }> = {
    device_id: tier(fc.constantFrom(...fx.usableLocks), id),
    device_ids: tier(
      fc.uniqueArray(fc.constantFrom(...fx.usableLocks, ...fx.otherLengthLocks), {
        minLength: 1,
        maxLength: 3,
      }),
      idList,
    ),
    access_code_id: tier(fc.constantFrom(...fx.liveCodes), id),
    access_code_ids: tier(fc.uniqueArray(fc.constantFrom(...fx.codes), { maxLength: 5 }), idList),
    action_attempt_id: tier(fc.constantFrom(...fx.attempts), id),
    code: tier(
      fc.oneof(fc.stringMatching(/^\d{4,6}$/), fc.constantFrom(...fx.digits)),
      fc.oneof(
        fc.stringMatching(/^\s?\d{0,14}\s?$/),
        fc.constantFrom('abcd', '12a4', '1111', '1234', '12345678', '１２３４', '١٢٣٤'),
        fc.string({ unit: 'binary', maxLength: 12 }),
      ),
    ),
    name: tier(
      fc.oneof(
        fc.string({ maxLength: 100 }),
        fc.string({ unit: 'binary', maxLength: 100 }),
        fc.string({ unit: 'grapheme', maxLength: 40 }),
        fc.constant(null),
      ),
      text,
    ),
    starts_at: tier(dateBetween('2026-11-27', '2026-12-15'), date),
    ends_at: tier(dateBetween('2026-12-16', '2027-06-01'), date),
    type: tier(
      fc.constantFrom('ongoing', 'time_bound'),
      fc.constantFrom('ONGOING', 'permanent', '', 'time-bound'),
    ),
    limit: tier(fc.integer({ min: 1, max: 200 }), integerish(1, 55_000)),
    page_cursor: tier(fc.constantFrom(...fx.cursors, null), cursor),
    preferred_code_length: tier(fc.integer({ min: 4, max: 8 }), integerish(4, 12)),
    use_backup_access_code_pool: tier(
      fc.constantFrom(true, false, 'true', 'false'),
      fc.constantFrom('yes', 1, 0, '', 'TRUE'),
    ),
    since: tier(dateBetween('2026-01-01', '2027-01-01'), date),
    between: tier(
      fc.tuple(dateBetween('2026-01-01', '2026-06-01'), dateBetween('2026-06-02', '2027-01-01')),
      fc.oneof(fc.array(date, { maxLength: 3 }), date),
    ),
    event_id: tier(fc.constantFrom(...fx.events), id),
    event_ids: tier(fc.uniqueArray(fc.constantFrom(...fx.events), { maxLength: 2 }), idList),
    event_type: tier(
      fc.constantFrom(...EVENT_TYPES),
      fc.constantFrom('lock.exploded', 'LOCK.UNLOCKED', '', 'access_code'),
    ),
    event_types: tier(
      fc.uniqueArray(fc.constantFrom(...EVENT_TYPES), { minLength: 1, maxLength: 3 }),
      fc.array(fc.string({ maxLength: 30 }), { maxLength: 60 }),
    ),
    unstable_offset: tier(fc.integer({ min: 0, max: 50 }), integerish(0, 100_000)),
    behavior_when_code_cannot_be_shared: tier(
      fc.constantFrom('throw', 'create_random_code'),
      fc.constantFrom('THROW', 'ignore', ''),
    ),
  };
  const names = Object.keys(params);
  const unknownKey = fc.oneof(
    fc.constantFrom(
      '__proto__',
      'constructor',
      'toString',
      'hasOwnProperty',
      '_strict',
      'workspace_id',
      'ok',
      'error',
      ...names,
    ),
    fc.string({ maxLength: 12 }),
  );
  const unknown = fc.dictionary(unknownKey, wild, { maxKeys: 3 });
  const pick = (names: string[], which: 'good' | 'bad' | 'any') =>
    Object.fromEntries(
      names.map((n) => {
        const p = params[n] ?? { good: wild, bad: wild };
        return [n, which === 'any' ? fc.oneof(p.good, p.bad) : p[which]];
      }),
    );
  /**
   * Parameters for an endpoint that takes `own`: all good; good but for one
   * field; or anything at all. Any of them may be missing, and unknown keys
   * come along.
   */
  const paramsFor = (own: string[]) => {
    const good = fc.record(pick(own, 'good'), { requiredKeys: [] });
    const oneBad = fc
      .tuple(good, fc.constantFrom(...own), fc.record(pick(own, 'bad')))
      .map(([base, field, bad]) => ({ ...base, [field]: bad[field] }));
    const chaos = fc.record(pick(own, 'any'), { requiredKeys: [] });
    return fc
      .tuple(unknown, fc.oneof(good, oneBad, chaos))
      .map(([extra, known]) => ({ ...extra, ...known }));
  };
  return { names, paramsFor };
}

/** Each endpoint's own parameter names (every known name for an endpoint not listed). */
const PARAMS: Record<string, string[]> = {
  'access_codes/create': [
    'device_id',
    'name',
    'code',
    'starts_at',
    'ends_at',
    'use_backup_access_code_pool',
    'preferred_code_length',
  ],
  'access_codes/create_multiple': [
    'device_ids',
    'name',
    'code',
    'starts_at',
    'ends_at',
    'behavior_when_code_cannot_be_shared',
    'use_backup_access_code_pool',
  ],
  'access_codes/get': ['access_code_id', 'device_id', 'code'],
  'access_codes/list': ['device_id', 'access_code_ids', 'limit', 'page_cursor'],
  'access_codes/update': ['access_code_id', 'name', 'code', 'starts_at', 'ends_at', 'type'],
  'access_codes/delete': ['access_code_id'],
  'access_codes/generate_code': ['device_id', 'preferred_code_length'],
  'access_codes/pull_backup_access_code': ['access_code_id'],
  'devices/get': ['device_id'],
  'devices/list': ['limit', 'page_cursor', 'device_ids'],
  'locks/get': ['device_id'],
  'locks/list': ['limit', 'page_cursor', 'device_ids'],
  'action_attempts/get': ['action_attempt_id'],
  'events/list': [
    'since',
    'between',
    'device_id',
    'device_ids',
    'access_code_id',
    'access_code_ids',
    'event_id',
    'event_ids',
    'event_type',
    'event_types',
    'limit',
    'unstable_offset',
  ],
  'events/get': ['event_id'],
};

/** How the parameters travel. The malformed ones must be refused whatever they hold. */
const TRANSPORTS = ['body', 'query', 'split'] as const;
const MALFORMED = ['invalid-json', 'array', 'string', 'number', 'null'] as const;
type Transport = (typeof TRANSPORTS)[number] | (typeof MALFORMED)[number];
const isMalformed = (t: Transport) => (MALFORMED as readonly string[]).includes(t);

const INVALID_JSON = [
  '{',
  '{"device_id":',
  "{'device_id':'x'}",
  '{"a":1}}',
  '{"a":1,}',
  'undefined',
  '\u0000',
  'NaN',
  '{"a":01}',
];

// ---------------------------------------------------------------------------
// Requests and checks

type Case = {
  verb: Verb;
  transport: Transport;
  params: Record<string, unknown>;
  invalidJson: string;
};

function queryValues(value: unknown): string[] {
  if (Array.isArray(value))
    return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v)));
  if (typeof value === 'string') return [value];
  return [JSON.stringify(value) ?? ''];
}

function buildRequest(path: string, c: Case, authorization: string | null): Request {
  const url = new URL(`http://127.0.0.1/api/seam/${path}`);
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization !== null) headers.authorization = authorization;
  // GET cannot carry a body: its parameters always travel in the query string.
  const transport: Transport = c.verb === 'GET' ? 'query' : c.transport;
  const entries = Object.entries(c.params);
  const inQuery =
    transport === 'query' ? entries : transport === 'split' ? entries.filter((_, i) => i % 2) : [];
  for (const [k, v] of inQuery) for (const s of queryValues(v)) url.searchParams.append(k, s);
  const inBody = Object.fromEntries(
    transport === 'body'
      ? entries
      : transport === 'split'
        ? entries.filter((_, i) => !(i % 2))
        : [],
  );
  const body: Record<Transport, string | undefined> = {
    body: JSON.stringify(inBody),
    split: JSON.stringify(inBody),
    query: undefined,
    'invalid-json': c.invalidJson,
    array: JSON.stringify([c.params]),
    string: JSON.stringify(JSON.stringify(c.params)),
    number: '42',
    null: 'null',
  };
  return new Request(url, { method: c.verb, headers, body: body[transport] });
}

async function counts() {
  const db = database.db;
  const n = async (table: typeof accessCodes | typeof accessCodeEvents | typeof actionAttempts) =>
    (await db.select({ n: count() }).from(table))[0]?.n ?? -1;
  return {
    access_codes: await n(accessCodes),
    access_code_events: await n(accessCodeEvents),
    action_attempts: await n(actionAttempts),
    devices: (await db.select({ n: count() }).from(devices))[0]?.n ?? -1,
  };
}

type Answer = { status: number; body: Record<string, unknown> };

/** The answer, checked against the envelope: never 5xx, JSON, seam-request-id, no stack. */
async function send(path: string, request: Request): Promise<Answer> {
  const response = await handleSeamRequest(request, path, deps);
  const raw = await response.text();
  expect(response.status, raw.slice(0, 500)).toBeLessThan(500);
  expect(response.headers.get('seam-request-id')).toMatch(/\S/);
  expect(response.headers.get('content-type')).toMatch(/^application\/json/);
  const body = JSON.parse(raw) as Record<string, unknown>;
  if (response.ok) {
    expect(body.ok).toBe(true);
  } else {
    expect(body).toMatchObject({
      ok: false,
      error: { type: expect.any(String), message: expect.any(String) },
    });
    const error = body.error as { type: string; message: string };
    expect(error.type).not.toBe('');
    expect(error.message).not.toBe('');
    expect(error.message).not.toContain('\n    at ');
    expect(raw).not.toContain('\\n    at ');
  }
  return { status: response.status, body };
}

/** Send, and hold the database to it: only a 2xx may add rows, and nothing adds locks. */
async function sendAndCount(path: string, request: Request): Promise<Answer> {
  const before = await counts();
  const answer = await send(path, request);
  const after = await counts();
  expect(after.devices).toBe(before.devices);
  if (answer.status < 200 || answer.status > 299) expect(after).toEqual(before);
  return answer;
}

const fuzzOptions = (numRuns = RUNS) => ({ seed: SEED, numRuns });

/** Inputs that once answered 500, replayed before the random ones on every run. */
function regressions(path: string): Case[] {
  const lock = fx.usableLocks[0];
  const code = fx.liveCodes[0];
  const own = PARAMS[path] ?? [];
  const get = (params: Record<string, unknown>): Case => ({
    verb: 'GET',
    transport: 'query',
    params,
    invalidJson: '{',
  });
  const post = (params: Record<string, unknown>): Case => ({
    ...get(params),
    verb: 'POST',
    transport: 'body',
  });
  const cases: Case[] = [];
  if (own.includes('page_cursor')) {
    // Years Postgres cannot hold, in an otherwise well-formed cursor.
    for (const at of [
      '0000-01-01',
      '0000-12-31T23:59:59.999Z',
      '-000001-01-01T00:00:00.000Z',
      '+010000-01-01T00:00:00.000Z',
    ]) {
      const page_cursor = Buffer.from(`${at}|${code}`).toString('base64url');
      cases.push(get({ device_id: lock, page_cursor }));
    }
  }
  if (own.includes('name')) {
    cases.push(
      post({ device_id: lock, device_ids: [lock], access_code_id: code, name: 'a\u0000b' }),
    );
  }
  if (own.includes('code')) {
    cases.push(post({ device_id: lock, device_ids: [lock], code: '12\u000034' }));
    cases.push(get({ access_code_id: code, code: '\u0000' }));
  }
  return cases;
}

// ---------------------------------------------------------------------------
// Properties

describe('Seam-style API under fuzzing', () => {
  it('knows the parameters of every endpoint the handler serves', () => {
    expect(Object.keys(ENDPOINTS).sort()).toEqual(Object.keys(PARAMS).sort());
  });

  for (const path of Object.keys(ENDPOINTS)) {
    it(`${path}: never 5xx, always the envelope, writes only on 2xx`, async () => {
      const { names, paramsFor } = arbitraries();
      const caseArb = fc
        .record({
          verb: fc.constantFrom(...VERBS),
          transport: fc.oneof(
            { arbitrary: fc.constantFrom(...TRANSPORTS), weight: 6 },
            { arbitrary: fc.constantFrom(...MALFORMED), weight: 1 },
          ),
          params: paramsFor(PARAMS[path] ?? names),
          // A trailing comma keeps every one of them invalid JSON.
          invalidJson: fc.oneof(
            fc.constantFrom(...INVALID_JSON),
            fc.string().map((s) => `{${s},`),
          ),
        })
        // GET has no body: its parameters go in the query string, whatever was drawn.
        .map((c): Case => (c.verb === 'GET' ? { ...c, transport: 'query' } : c));
      await fc.assert(
        fc.asyncProperty(caseArb, async (c) => {
          const answer = await sendAndCount(path, buildRequest(path, c, `Bearer ${key}`));
          const statuses = seen.get(path) ?? new Map<number, number>();
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          seen.set(path, statuses);
          if (c.verb !== 'GET' && isMalformed(c.transport)) {
            expect(answer.status).toBe(400);
            expect(answer.body.error).toMatchObject({ type: 'invalid_input' });
          }
        }),
        { ...fuzzOptions(), examples: regressions(path).map((c) => [c] as [Case]) },
      );
    }, 120_000);
  }

  it('answers 401 in the envelope to a missing or garbage key, on every endpoint and verb', async () => {
    const garbage = [
      null,
      '',
      'Bearer',
      'Bearer ',
      'Bearer garbage',
      'Bearer seam_kh_',
      'Bearer seam_kh_garbage',
      `Bearer seam_kh_${'x'.repeat(300)}`,
      `Bearer ${key}x`,
      `Bearer ${key.slice(0, -1)}`,
      `Basic ${Buffer.from(`${key}:`).toString('base64')}`,
      key,
      `Token ${key}`,
    ];
    const plausible: Case = {
      verb: 'POST',
      transport: 'body',
      params: { device_id: fx.usableLocks[0], access_code_id: fx.liveCodes[0], code: '5555' },
      invalidJson: '{',
    };
    const before = await counts();
    for (const path of Object.keys(ENDPOINTS)) {
      for (const verb of VERBS) {
        for (const authorization of garbage) {
          const answer = await send(
            path,
            buildRequest(path, { ...plausible, verb }, authorization),
          );
          expect(answer.status, `${verb} ${path} with ${authorization}`).toBe(401);
          expect(answer.body.error).toMatchObject({ type: 'unauthorized' });
        }
      }
    }
    expect(await counts()).toEqual(before);
  }, 120_000);

  it('answers 401 to random keys, whatever the parameters', async () => {
    const { names, paramsFor } = arbitraries();
    const headerSafe = fc.stringMatching(/^[\x21-\x7e]{0,250}$/);
    const authorization = fc.oneof(
      fc.constant(null),
      headerSafe,
      headerSafe.map((s) => `Bearer ${s}`),
      headerSafe.map((s) => `Bearer seam_kh_${s}`),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...Object.keys(ENDPOINTS)),
        fc.constantFrom(...VERBS),
        fc.constantFrom(...TRANSPORTS, ...MALFORMED),
        paramsFor(names),
        authorization,
        async (path, verb, transport, params, auth) => {
          const request = buildRequest(path, { verb, transport, params, invalidJson: '{' }, auth);
          const answer = await sendAndCount(path, request);
          expect(answer.status).toBe(401);
          expect(answer.body.error).toMatchObject({ type: 'unauthorized' });
        },
      ),
      fuzzOptions(RUNS * 3),
    );
  }, 120_000);

  it('refuses a malformed body on every endpoint and body verb with 400 invalid_input', async () => {
    const bodies = [
      ...INVALID_JSON,
      '[]',
      '[{"device_id":"x"}]',
      '"a string"',
      '42',
      'true',
      'null',
    ];
    const before = await counts();
    for (const path of Object.keys(ENDPOINTS)) {
      for (const verb of VERBS.filter((v) => v !== 'GET')) {
        for (const body of bodies) {
          const request = new Request(
            `http://127.0.0.1/api/seam/${path}?device_id=${fx.usableLocks[0]}`,
            {
              method: verb,
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body,
            },
          );
          const answer = await send(path, request);
          expect(answer.status, `${verb} ${path} ${JSON.stringify(body)}`).toBe(400);
          expect(answer.body.error).toMatchObject({ type: 'invalid_input' });
        }
      }
    }
    expect(await counts()).toEqual(before);
  }, 120_000);

  it('answers 404 in the envelope to paths that are not endpoints', async () => {
    const notEndpoints = fc.oneof(
      fc.constantFrom(
        '',
        'access_codes',
        'access_codes/',
        'access_codes/create/',
        'ACCESS_CODES/CREATE',
        'access_codes/simulate/create_unmanaged_access_code',
        '__proto__',
        'constructor',
        'toString',
        'valueOf',
        'hasOwnProperty',
        'isPrototypeOf',
        '__defineGetter__',
      ),
      fc.string(),
    );
    await fc.assert(
      fc.asyncProperty(notEndpoints, fc.constantFrom(...VERBS), async (path, verb) => {
        fc.pre(!Object.hasOwn(ENDPOINTS, path));
        const request = new Request('http://127.0.0.1/api/seam/x', {
          method: verb,
          headers: { authorization: `Bearer ${key}` },
        });
        const answer = await sendAndCount(path, request);
        expect(answer.status).toBe(404);
        expect(answer.body.error).toMatchObject({ type: 'not_found' });
      }),
      {
        ...fuzzOptions(RUNS * 2),
        // Object's own members once answered 500 (or ran as endpoints).
        examples: ['__proto__', 'constructor', 'valueOf', 'toString', 'hasOwnProperty'].map(
          (p): [string, Verb] => [p, 'POST'],
        ),
      },
    );
  }, 60_000);

  it('takes back every page cursor it hands out (the cursor check refuses only forgeries)', async () => {
    // The fuzz may have deleted codes: make sure there are pages to walk.
    for (let i = 0; i < 3; i++) {
      await createAccessCode(database.db, ours, { deviceId: fx.usableLocks[0] ?? '' }, NOW);
    }
    for (const [path, params, key_] of [
      ['access_codes/list', { device_id: fx.usableLocks[0] }, 'access_codes'],
      ['devices/list', {}, 'devices'],
      ['locks/list', {}, 'locks'],
    ] as const) {
      const ids: string[] = [];
      let page_cursor: string | undefined;
      for (let page = 0; page < 200; page++) {
        const answer = await send(
          path,
          buildRequest(
            path,
            {
              verb: 'GET',
              transport: 'query',
              params: { ...params, limit: 1, ...(page_cursor ? { page_cursor } : {}) },
              invalidJson: '{',
            },
            `Bearer ${key}`,
          ),
        );
        expect(answer.status, `${path} page ${page}: ${JSON.stringify(answer.body)}`).toBe(200);
        const rows = answer.body[key_] as { access_code_id?: string; device_id: string }[];
        ids.push(...rows.map((r) => r.access_code_id ?? r.device_id));
        const pagination = answer.body.pagination as { next_page_cursor: string | null };
        if (!pagination.next_page_cursor) break;
        page_cursor = pagination.next_page_cursor;
      }
      expect(ids.length, path).toBeGreaterThan(1);
      expect(new Set(ids).size, path).toBe(ids.length);
    }
  });

  it.each([
    ['starts_at', '2027-02-30T15:00:00Z', '2027-03-05T11:00:00Z'],
    ['starts_at', '2027-04-31T15:00:00Z', '2027-05-05T11:00:00Z'],
    ['ends_at', '2027-02-10T15:00:00Z', '2027-02-29T11:00:00Z'],
    ['ends_at', '2027-02-10T15:00:00Z', '2027-02-12T24:30:00Z'],
    ['starts_at', 'March 5, 2027', '2027-03-06T11:00:00Z'],
    ['starts_at', 1_800_000_000_000, '2027-03-06T11:00:00Z'],
  ])(
    'refuses an impossible or non-ISO %s with 400 naming it, writing nothing',
    async (field, starts_at, ends_at) => {
      // Finding 18.6: 2027-02-30 was stored as 2 March.
      const answer = await sendAndCount(
        'access_codes/create',
        buildRequest(
          'access_codes/create',
          {
            verb: 'POST',
            transport: 'body',
            params: { device_id: fx.usableLocks[1], name: 'Impossible', starts_at, ends_at },
            invalidJson: '{',
          },
          `Bearer ${key}`,
        ),
      );
      expect(answer.status).toBe(400);
      expect((answer.body.error as { message: string }).message).toContain(field);
    },
  );

  it('still writes on a valid create through the same harness (the write check is live)', async () => {
    const before = await counts();
    const answer = await sendAndCount(
      'access_codes/create',
      buildRequest(
        'access_codes/create',
        {
          verb: 'POST',
          transport: 'body',
          params: { device_id: fx.usableLocks[1], name: 'Control' },
          invalidJson: '{',
        },
        `Bearer ${key}`,
      ),
    );
    expect(answer.status).toBe(200);
    const after = await counts();
    expect(after.access_codes).toBe(before.access_codes + 1);
    expect(after.access_code_events).toBe(before.access_code_events + 1);
    expect(after.action_attempts).toBe(before.action_attempts + 1);
  });
});
