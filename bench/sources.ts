// npm run bench:sources -- [--feeds 200] [--per-feed 50] [--engine pglite|postgres|both]
//                          [--webhooks 1000] [--rate 17] [--flat-connections 16] [--port 3431]
//                          [--no-webhooks]
//
// Reservation sources at a hotel's scale. One loopback feed server serves
// `feeds` iCal feeds of `per-feed` bookings each, one feed per room (stays a
// week apart over the next year, so none meet on a lock), and prints:
//  (a) the first import: every feed approved (4 at once, as the tick reads),
//      total time and bookings/s;
//  (b) a steady-state refresh with nothing changed: every feed read again by
//      readDueCalendars (now moved past their next read, its default
//      concurrency and batch), once answered 304 (ETag) and once 200 with the
//      same body (no ETag); wall time, and the rows written meanwhile in
//      reservations, access_codes and source_bookings, counted as rows whose
//      xmin (the transaction that last inserted or updated them) is newer than
//      a transaction id taken before the refresh;
//  (c) with DATABASE_URL: `webhooks` signed deliveries to
//      POST /api/sources/<id>/webhook of the built app (`next start`), paced at
//      `rate` a second and then flat out, latency at the route p50/p95/p99.
// (a) and (b) run on PGlite and, with DATABASE_URL, on a database of their own there.
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { count, eq, sql } from 'drizzle-orm';
import pLimit from 'p-limit';
import postgres from 'postgres';
import { type Db, openDatabase } from '@/db/client';
import {
  accessCodes,
  organizations,
  reservationSources,
  reservations,
  sourceBookings,
} from '@/db/schema';
import { actorFor, createOrganization, createTestDatabase } from '@/db/testing';
import { deriveKey } from '@/lib/secret-box';
import { approveCalendar, readAllDueCalendars } from '@/lib/sources/calendars';
import { createCalendarSource, createWebhookSource } from '@/lib/sources/sources';
import { startFeedServer } from '@/lib/sources/testing/feed-server';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from '@/lib/webhooks/signature';
import { seedSimulatedLocks } from './seed';
import { BENCH_ENV, freshDatabase, type NextServer, startNext } from './servers';
import { percentile } from './stats';

const { values } = parseArgs({
  options: {
    feeds: { type: 'string', default: '200' },
    'per-feed': { type: 'string', default: '50' },
    engine: { type: 'string' },
    webhooks: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '17' },
    'flat-connections': { type: 'string', default: '16' },
    port: { type: 'string', default: '3431' },
    'no-webhooks': { type: 'boolean', default: false },
  },
});
const FEEDS = Number(values.feeds);
const PER_FEED = Number(values['per-feed']);
const WEBHOOKS = Number(values.webhooks);
const RATE = Number(values.rate);
const FLAT_CONNECTIONS = Number(values['flat-connections']);
/** What the tick would use: readDueCalendars' defaults (4 feeds at once, 50 a batch). */
const REFRESH_MINUTES = 10;
const APPROVE_CONCURRENCY = 4;
const CREDENTIALS_KEY = 'bench-credentials-key-0123456789-0123456789';
const KEY = deriveKey(CREDENTIALS_KEY);
const engines =
  values.engine === 'both' || (!values.engine && process.env.DATABASE_URL)
    ? ['pglite', 'postgres']
    : [values.engine ?? 'pglite'];

const DAY = 86_400_000;
const icsDate = (at: Date) => at.toISOString().slice(0, 10).replaceAll('-', '');

/** Feed `f`'s calendar: `PER_FEED` three-night stays a week apart, from tomorrow. */
function calendar(f: number, today: Date): string {
  const events = Array.from({ length: PER_FEED }, (_, j) => {
    const from = new Date(today.getTime() + (1 + j * 7) * DAY);
    const to = new Date(from.getTime() + 3 * DAY);
    return [
      'BEGIN:VEVENT',
      `UID:bench-${f}-${j}@feeds.bench`,
      'DTSTAMP:20260101T000000Z',
      `DTSTART;VALUE=DATE:${icsDate(from)}`,
      `DTEND;VALUE=DATE:${icsDate(to)}`,
      `SUMMARY:Guest ${f}-${j}`,
      'END:VEVENT',
    ].join('\r\n');
  });
  return [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Keyhold bench//EN',
    ...events,
    'END:VCALENDAR',
    '',
  ].join('\r\n');
}

const round = (ms: number) => +ms.toFixed(1);

/** A transaction id taken now: rows whose xmin is at least this were written after. */
async function txid(db: Db): Promise<string> {
  const [row] = await db
    .select({ id: sql<string>`txid_current()::text` })
    .from(organizations)
    .limit(1);
  return row?.id ?? '0';
}

/** Rows inserted or updated since `since`, and rows in all, per table the refresh must not touch. */
async function writesSince(db: Db, since: string) {
  const written =
    sql<number>`count(*) filter (where xmin::text::bigint >= ${since}::bigint)`.mapWith(Number);
  const tables = { reservations, accessCodes, sourceBookings, reservationSources } as const;
  const out: Record<string, { written: number; rows: number }> = {};
  for (const [name, table] of Object.entries(tables)) {
    const [row] = await db.select({ written, rows: count() }).from(table);
    out[name] = { written: row?.written ?? 0, rows: row?.rows ?? 0 };
  }
  return out;
}

async function refresh(db: Db, now: Date) {
  const before = await txid(db);
  const started = performance.now();
  const { read, unchanged, failed } = await readAllDueCalendars(db, {
    now,
    refreshMinutes: REFRESH_MINUTES,
    key: KEY,
  });
  const totals = { read, unchanged, failed };
  const wallMs = performance.now() - started;
  const writes = await writesSince(db, before);
  return { wallMs: round(wallMs), ...totals, writes };
}

async function feeds(engine: string) {
  const saved = process.env.DATABASE_URL;
  if (engine === 'pglite') delete process.env.DATABASE_URL;
  const database = await createTestDatabase({ max: 20 });
  // Assigning undefined would store the string "undefined", which the settings then refuse.
  if (saved !== undefined) process.env.DATABASE_URL = saved;
  const server = await startFeedServer();
  const { db } = database;
  try {
    const now = new Date();
    const today = new Date(`${now.toISOString().slice(0, 10)}T00:00:00Z`);
    const seedStarted = performance.now();
    const harbor = await createOrganization(db, { name: 'Bench Hotel', roles: ['admin'] });
    const admin = await actorFor(db, harbor, 'admin');
    const locks = await seedSimulatedLocks(db, {
      organizationId: harbor.org.id,
      propertyId: harbor.property.id,
      count: FEEDS,
      prefix: `sources_${engine}`,
      now,
      slotLimit: PER_FEED + 10,
      rooms: true,
    });
    const bodies = Array.from({ length: FEEDS }, (_, f) => calendar(f, today));
    const sources = [];
    for (let f = 0; f < FEEDS; f++) {
      server.setFeed(`/feeds/${f}.ics`, bodies[f] ?? '');
      sources.push(
        await createCalendarSource(
          db,
          admin,
          {
            name: `Room ${f + 1} calendar`,
            propertyId: harbor.property.id,
            deviceIds: [locks[f]?.id ?? ''],
            url: server.url(`/feeds/${f}.ics?s=token${f}`),
            preset: 'generic',
          },
          KEY,
        ),
      );
    }
    const seedMs = performance.now() - seedStarted;

    // (a) The first import: every feed previewed by staff is applied.
    const limit = pLimit(APPROVE_CONCURRENCY);
    const importStarted = performance.now();
    const reads = await Promise.all(
      sources.map((source) =>
        limit(() =>
          approveCalendar(db, admin, source.id, { now, refreshMinutes: REFRESH_MINUTES, key: KEY }),
        ),
      ),
    );
    const importMs = performance.now() - importStarted;
    const created = reads.reduce(
      (n, r) => n + (r.kind === 'read' ? r.summary.counts.created : 0),
      0,
    );
    const failedImports = reads.filter((r) => r.kind !== 'read').length;
    const importErrors: Record<string, number> = {};
    for (const r of reads) {
      if (r.kind === 'failed') importErrors[r.error] = (importErrors[r.error] ?? 0) + 1;
    }
    const [stays] = await db.select({ n: count() }).from(reservations);
    const [codes] = await db.select({ n: count() }).from(accessCodes);

    // (b) Nothing changed: every feed due again, answered 304 (the ETag matches)...
    const notModified = await refresh(db, new Date(now.getTime() + (REFRESH_MINUTES + 1) * 60_000));
    // ...then 200 with the same body and no ETag (a server that sends none).
    for (let f = 0; f < FEEDS; f++)
      server.setFeed(`/feeds/${f}.ics`, bodies[f] ?? '', { etag: null });
    const sameBody = await refresh(
      db,
      new Date(now.getTime() + 2 * (REFRESH_MINUTES + 1) * 60_000),
    );
    const [healthy] = await db
      .select({ n: count() })
      .from(reservationSources)
      .where(eq(reservationSources.failures, 0));

    console.log(
      JSON.stringify(
        {
          engine,
          feeds: FEEDS,
          bookingsPerFeed: PER_FEED,
          locks: locks.length,
          seedSeconds: +(seedMs / 1000).toFixed(1),
          firstImport: {
            concurrency: APPROVE_CONCURRENCY,
            wallSeconds: +(importMs / 1000).toFixed(1),
            bookingsPerSecond: Math.round((created / importMs) * 1000),
            created,
            failedFeeds: failedImports,
            ...(failedImports > 0 ? { failures: importErrors } : {}),
            reservations: stays?.n,
            accessCodes: codes?.n,
          },
          refreshUnchanged304: notModified,
          refreshSameBody200: sameBody,
          feedsWithoutFailures: healthy?.n,
          feedRequests: server.requestCount('/feeds/0.ics'),
        },
        null,
        2,
      ),
    );
  } finally {
    await server.close();
    await database.close();
  }
}

// (c) Webhooks at the route, on the built app.

type Delivery = { ms: number; status: number; outcome: string };

async function deliver(url: string, secret: string, body: string): Promise<Delivery> {
  const started = performance.now();
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, body, new Date()),
      },
      body,
    });
    const json = (await res.json().catch(() => ({}))) as { outcome?: string };
    return { ms: performance.now() - started, status: res.status, outcome: json.outcome ?? '' };
  } catch {
    return { ms: performance.now() - started, status: 0, outcome: 'network error' };
  }
}

/** Event `i` of a run: a new stay, in room `i % rooms`, its week of the year its own. */
function event(run: string, i: number, rooms: number, today: Date) {
  const slot = Math.floor(i / rooms) + (run === 'flat' ? 26 : 0);
  const from = new Date(today.getTime() + (1 + slot * 7) * DAY);
  const to = new Date(from.getTime() + 3 * DAY);
  return JSON.stringify({
    id: `evt_${run}_${i}`,
    type: 'reservation.created',
    reservation: {
      id: `R-${run}-${i}`,
      room: String((i % rooms) + 1),
      guest: { name: `Guest ${run} ${i}` },
      check_in: from.toISOString().slice(0, 10),
      check_out: to.toISOString().slice(0, 10),
      updated_at: new Date().toISOString(),
    },
  });
}

function summarize(title: string, deliveries: Delivery[], wallMs: number) {
  const sorted = deliveries.map((d) => d.ms).sort((a, b) => a - b);
  const outcomes: Record<string, number> = {};
  for (const d of deliveries) {
    const key = `${d.status} ${d.outcome}`.trim();
    outcomes[key] = (outcomes[key] ?? 0) + 1;
  }
  return {
    run: title,
    deliveries: deliveries.length,
    wallSeconds: +(wallMs / 1000).toFixed(1),
    perSecond: +((deliveries.length / wallMs) * 1000).toFixed(1),
    p50Ms: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? 0),
    outcomes,
  };
}

async function webhooks(serverUrl: string) {
  const url = await freshDatabase(serverUrl, 'keyhold_bench_sources');
  const database = await openDatabase({ url });
  const harbor = await createOrganization(database.db, { name: 'Bench Hotel', roles: ['admin'] });
  const admin = await actorFor(database.db, harbor, 'admin');
  const rooms = 200;
  await seedSimulatedLocks(database.db, {
    organizationId: harbor.org.id,
    propertyId: harbor.property.id,
    count: rooms,
    prefix: 'webhooks',
    now: new Date(),
    slotLimit: 30,
    rooms: true,
  });
  const { source, secret } = await createWebhookSource(
    database.db,
    admin,
    { name: 'Bench PMS', propertyId: harbor.property.id },
    KEY,
  );
  let server: NextServer | null = null;
  const today = new Date(`${new Date().toISOString().slice(0, 10)}T00:00:00Z`);
  try {
    server = await startNext({
      port: values.port,
      env: { ...BENCH_ENV, DATABASE_URL: url, CREDENTIALS_KEY },
    });
    const route = `${server.base}/api/sources/${source.id}/webhook`;
    // A few deliveries so the route's first compile and connections are not measured.
    for (let i = 0; i < 10; i++) await deliver(route, secret, event('warmup', i, rooms, today));

    // Paced: one every 1/RATE s whatever the answers (an open loop, as a PMS sends them).
    const paced: Promise<Delivery>[] = [];
    const pacedStarted = performance.now();
    for (let i = 0; i < WEBHOOKS; i++) {
      const at = pacedStarted + (i * 1000) / RATE;
      const wait = at - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      paced.push(deliver(route, secret, event('paced', i, rooms, today)));
    }
    const pacedResults = await Promise.all(paced);
    const pacedMs = performance.now() - pacedStarted;

    // Flat out: FLAT_CONNECTIONS deliveries in flight at all times.
    const limit = pLimit(FLAT_CONNECTIONS);
    const flatStarted = performance.now();
    const flatResults = await Promise.all(
      Array.from({ length: WEBHOOKS }, (_, i) =>
        limit(() => deliver(route, secret, event('flat', i, rooms, today))),
      ),
    );
    const flatMs = performance.now() - flatStarted;

    const [stays] = await database.db
      .select({ n: count() })
      .from(reservations)
      .where(eq(reservations.sourceId, source.id));
    const rows = [
      summarize(`paced at ${RATE}/s`, pacedResults, pacedMs),
      summarize(`flat out (${FLAT_CONNECTIONS} in flight)`, flatResults, flatMs),
    ];
    console.table(rows.map(({ outcomes, ...row }) => row));
    console.log(
      JSON.stringify({
        outcomes: rows.map((r) => [r.run, r.outcomes]),
        staysFromWebhooks: stays?.n,
      }),
    );
  } finally {
    await server?.stop();
    await database.close();
    const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
    await admin.unsafe('drop database if exists keyhold_bench_sources with (force)');
    await admin.end();
  }
}

console.log(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GB, node ${process.version}`,
);
for (const engine of engines) await feeds(engine);
if (!values['no-webhooks']) {
  if (process.env.DATABASE_URL) await webhooks(process.env.DATABASE_URL);
  else console.log('(c) webhooks skipped: it needs DATABASE_URL (a real Postgres) and a build.');
}
