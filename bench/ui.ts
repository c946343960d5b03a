// npm run bench:ui — the dashboard's busiest pages on a large organization,
// beside the framework's floor. Needs DATABASE_URL (a real Postgres); builds first.
//
// Seeds one organization with 2,000 locks, 20,000 codes and 5,000
// reservations (some locks offline, some batteries low, some codes failed,
// alerts raised; one lock in 40 small enough to run short of slots; 100
// cleaners on ten weekly shifts, 20 locks each), starts `next start`, and
// beside it the bare Next app (bench/bare-next: one page and one JSON route,
// both per request, built with the same Next). In each of 3 rounds
// (--rounds) it loads, 20 times each (--loads): the bare page and route, the
// sign-in page (a page that reads nothing from the database), and the
// arrivals, locks, alerts and slot forecast pages as a signed-in admin.
// Prints the server response time (request to last byte; p50/p95) and each
// page's size per round, then each figure's median over the rounds and every
// page's p95 against sign-in's and the bare page's p95 in the same round
// (the median of those ratios); and, in process, the arrivals board's own
// time (lib/arrivals: `listArrivals`) and the slot forecast's (lib/slots:
// `slotForecast`) with the tick's forecast step.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import { encode } from 'next-auth/jwt';
import { openDatabase } from '@/db/client';
import {
  accessCodes,
  devices,
  type Issue,
  organizations,
  reservationDevices,
  reservations,
  staffAccess,
  staffMembers,
  staffWindows,
} from '@/db/schema';
import { actorFor, createOrganization } from '@/db/testing';
import { syncAlerts } from '@/lib/alerts/alerts';
import { listArrivals } from '@/lib/arrivals/arrivals';
import { startSession } from '@/lib/auth/sessions';
import { slotForecast } from '@/lib/slots/forecast';
import { forecastSlotShortages } from '@/lib/slots/shortages';
import { BENCH_ENV, ensureBareNextBuilt, freshDatabase, startKeyholdAndBare } from './servers';
import { median, percentile } from './stats';

const { values } = parseArgs({
  options: {
    locks: { type: 'string', default: '2000' },
    codes: { type: 'string', default: '20000' },
    reservations: { type: 'string', default: '5000' },
    loads: { type: 'string', default: '20' },
    port: { type: 'string', default: '3310' },
    // Each round loads every page; the table shows each figure's median over
    // the rounds, so one noisy run on shared cores does not decide it.
    rounds: { type: 'string', default: '3' },
    // Write V8 CPU profiles of both servers to .bench-profiles/ (open them in Chrome DevTools).
    profile: { type: 'boolean', default: false },
    // --only arrivals: the three yardsticks and the pages whose title contains "arrivals".
    only: { type: 'string' },
  },
});
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error('bench:ui needs DATABASE_URL (a real Postgres server).');
  process.exit(2);
}
const LOCKS = Number(values.locks);
const CODES = Number(values.codes);
const STAYS = Number(values.reservations);
const LOADS = Number(values.loads);
const DAY = 86_400_000;

async function inChunks<T>(rows: T[], size: number, write: (chunk: T[]) => Promise<unknown>) {
  for (let i = 0; i < rows.length; i += size) await write(rows.slice(i, i + size));
}

/** A deterministic pseudo-random sequence, so every run seeds the same hotel. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

async function seed(url: string) {
  const started = performance.now();
  const now = new Date();
  const rand = random(42);
  const database = await openDatabase({ url });
  const { db } = database;
  const { org, property, members } = await createOrganization(db, { roles: ['admin'] });
  await db.update(organizations).set({ backupPoolSize: 5 });
  const failed: Issue = {
    code: 'failed_to_set_on_device',
    message: 'The code is not on the lock. Give the guest a backup code.',
    createdAt: now.toISOString(),
  };
  const offline: Issue = {
    code: 'device_disconnected',
    message: 'The lock is offline.',
    createdAt: now.toISOString(),
  };

  const lockRows = Array.from({ length: LOCKS }, (_, i) => {
    const room = String(100 * (1 + Math.floor(i / 50)) + (i % 50) + 1);
    const isOffline = i % 50 === 7;
    return {
      organizationId: org.id,
      propertyId: property.id,
      adapter: 'simulated' as const,
      externalId: `sim_bench_${i}`,
      name: `Room ${room}`,
      room,
      // One lock in 40 is small: the slot forecast finds it short, with fixes.
      slotLimit: i % 40 === 3 ? 8 : 30,
      online: !isOffline,
      batteryLevel: i % 33 === 5 ? 0.1 : 0.4 + rand() * 0.6,
      backupPoolEnabled: true,
      supportsNativeScheduling: i % 2 === 0,
      errors: isOffline ? [offline] : [],
    };
  });
  const locks: { id: string }[] = [];
  await inChunks(lockRows, 500, async (chunk) =>
    locks.push(...(await db.insert(devices).values(chunk).returning({ id: devices.id }))),
  );

  // Stays from ten days ago to twenty days ahead, one to five nights, one lock each.
  const stayRows = Array.from({ length: STAYS }, (_, i) => {
    const startsAt = new Date(now.getTime() + (rand() * 30 - 10) * DAY);
    const endsAt = new Date(startsAt.getTime() + (1 + Math.floor(rand() * 5)) * DAY);
    return {
      organizationId: org.id,
      propertyId: property.id,
      guestName: `Guest ${i + 1}`,
      guestEmail: `guest${i + 1}@example.com`,
      startsAt,
      endsAt,
    };
  });
  const stays: { id: string; startsAt: Date; endsAt: Date }[] = [];
  await inChunks(stayRows, 1000, async (chunk) =>
    stays.push(
      ...(await db.insert(reservations).values(chunk).returning({
        id: reservations.id,
        startsAt: reservations.startsAt,
        endsAt: reservations.endsAt,
      })),
    ),
  );
  const lockOfStay = (i: number) => locks[i % locks.length]?.id ?? '';
  const links = stays.map((stay, i) => ({
    reservationId: stay.id,
    deviceId: lockOfStay(i),
    organizationId: org.id,
  }));
  await inChunks(links, 1000, (chunk) => db.insert(reservationDevices).values(chunk));

  let digits = 100_000;
  const code = () => String(digits++);
  const guestCodes = stays.map((stay, i) => {
    const begun = stay.startsAt <= now;
    const ended = stay.endsAt <= now;
    return {
      organizationId: org.id,
      deviceId: lockOfStay(i),
      reservationId: stay.id,
      type: 'time_bound' as const,
      code: code(),
      name: `Guest ${i + 1}`,
      startsAt: stay.startsAt,
      endsAt: stay.endsAt,
      status: ended ? ('removed' as const) : begun ? ('set' as const) : ('unset' as const),
      errors: i % 97 === 3 && !ended ? [failed] : [],
    };
  });
  const backupCodes = locks.flatMap((lock) =>
    Array.from({ length: 5 }, () => ({
      organizationId: org.id,
      deviceId: lock.id,
      type: 'ongoing' as const,
      code: code(),
      isBackup: true,
      status: 'set' as const,
    })),
  );
  const staffCodes = Array.from(
    { length: Math.max(0, CODES - guestCodes.length - backupCodes.length) },
    (_, i) => ({
      organizationId: org.id,
      deviceId: locks[i % locks.length]?.id ?? '',
      type: 'ongoing' as const,
      code: code(),
      name: `Housekeeping ${i + 1}`,
      status: 'set' as const,
    }),
  );
  const codes = [...guestCodes, ...backupCodes, ...staffCodes].slice(0, CODES);
  await inChunks(codes, 1000, (chunk) => db.insert(accessCodes).values(chunk));

  // Cleaners on weekday windows, 20 doors each: the forecast counts them from the staff plan.
  const cleaners = await db
    .insert(staffMembers)
    .values(
      Array.from({ length: 100 }, (_, i) => ({
        organizationId: org.id,
        name: `Cleaner ${i + 1}`,
        role: 'cleaning' as const,
        code: String(900_000 + i),
      })),
    )
    .returning({ id: staffMembers.id });
  await inChunks(
    cleaners.flatMap((cleaner, c) =>
      Array.from({ length: 20 }, (_, k) => ({
        organizationId: org.id,
        staffMemberId: cleaner.id,
        deviceId: locks[(c * 20 + k) % locks.length]?.id ?? '',
      })),
    ),
    1000,
    (chunk) => db.insert(staffAccess).values(chunk),
  );
  // Ten shifts: weekdays or weekends, starting between 07:00 and 11:00.
  await db.insert(staffWindows).values(
    cleaners.map((cleaner, c) => ({
      organizationId: org.id,
      staffMemberId: cleaner.id,
      kind: 'weekly' as const,
      days: c % 2 === 0 ? [1, 2, 3, 4, 5] : [6, 7],
      startTime: `${String(7 + (c % 5)).padStart(2, '0')}:00`,
      endTime: `${String(11 + (c % 5)).padStart(2, '0')}:00`,
    })),
  );
  // A real database has statistics (autovacuum analyzes a bulk load within a
  // minute or so); without them the planner walks some tables once per row
  // (the arrivals board takes ~2 s instead of ~0.2 s).
  await db.execute(sql`analyze`);
  const admin = await actorFor(db, { members }, 'admin');
  await timeArrivals(db, admin, now);
  await timeForecast(db, admin, now);
  const alerts = await syncAlerts(db, now);
  const userId = members.admin?.userId ?? '';
  // A cookie means something only with a live session row behind it.
  const session = await startSession(db, { userId, userAgent: 'bench', ip: null }, now);
  await database.close();
  console.log(
    `seeded ${locks.length} locks, ${codes.length} codes, ${stays.length} reservations, ${alerts.opened} alerts in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return { userId, sessionId: session.id };
}

/** The forecast in process, without the page around it: its own p50/p95, and the tick's step once. */
async function timeForecast(
  db: Awaited<ReturnType<typeof openDatabase>>['db'],
  actor: Awaited<ReturnType<typeof actorFor>>,
  now: Date,
) {
  const times: number[] = [];
  let forecast: Awaited<ReturnType<typeof slotForecast>> | null = null;
  for (let i = 0; i <= LOADS; i++) {
    const started = performance.now();
    forecast = await slotForecast(db, actor, now);
    if (i > 0) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const started = performance.now();
  const step = await forecastSlotShortages(db, now);
  const stepMs = performance.now() - started;
  const short = forecast?.locks.filter((l) => l.firstShortage).length ?? 0;
  console.log(
    `slotForecast on ${forecast?.locks.length} locks (${short} short): p50 ${Math.round(percentile(times, 50))} ms, p95 ${Math.round(percentile(times, 95))} ms; the tick's forecast step ${Math.round(stepMs)} ms (${step.warned} locks warned)`,
  );
}

/** The arrivals board in process, without the page around it: its own p50/p95. */
async function timeArrivals(
  db: Awaited<ReturnType<typeof openDatabase>>['db'],
  actor: Awaited<ReturnType<typeof actorFor>>,
  now: Date,
) {
  const times: number[] = [];
  let board: Awaited<ReturnType<typeof listArrivals>> | null = null;
  for (let i = 0; i <= LOADS; i++) {
    const started = performance.now();
    board = await listArrivals(db, actor, {}, now);
    if (i > 0) times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(
    `listArrivals: ${board?.matching} arrivals in the window (${JSON.stringify(board?.counts)}), ${board?.departuresTotal} departures: p50 ${Math.round(percentile(times, 50))} ms, p95 ${Math.round(percentile(times, 95))} ms`,
  );
}

type Row = { page: string; status: number; p50Ms: number; p95Ms: number; sizeKb: number };

async function measure(title: string, url: string, cookie: string): Promise<Row> {
  const times: number[] = [];
  let bytes = 0;
  let status = 0;
  // One warm-up load: the first request compiles nothing in a production
  // build, but it does open the database pool.
  for (let i = 0; i <= LOADS; i++) {
    const started = performance.now();
    const response = await fetch(url, {
      headers: { cookie, 'accept-encoding': 'identity' },
      redirect: 'manual',
    });
    const body = await response.arrayBuffer();
    const ms = performance.now() - started;
    status = response.status;
    bytes = body.byteLength;
    if (i > 0) times.push(ms);
  }
  times.sort((a, b) => a - b);
  return {
    page: title,
    status,
    p50Ms: Math.round(percentile(times, 50)),
    p95Ms: Math.round(percentile(times, 95)),
    sizeKb: Math.round(bytes / 1024),
  };
}

const url = await freshDatabase(serverUrl, 'keyhold_bench_ui');
const { userId, sessionId } = await seed(url);
const cookieName = 'authjs.session-token';
const token = await encode({
  token: { sub: userId, sid: sessionId },
  secret: BENCH_ENV.AUTH_SECRET,
  salt: cookieName,
  maxAge: 3600,
});
const cookie = `${cookieName}=${token}`;
ensureBareNextBuilt();
const cpuProfileDir = values.profile ? resolve('.bench-profiles') : undefined;
const { keyhold, bare, stop } = await startKeyholdAndBare({
  port: values.port,
  cpuProfileDir,
  env: { DATABASE_URL: url },
});
try {
  // The sign-in page is loaded signed out (signed in, it sends you home).
  const pages: [string, string, string][] = [
    ['bare Next page (the floor)', `${bare.base}/`, ''],
    ['bare Next route /api/live', `${bare.base}/api/live`, ''],
    ['/sign-in (trivial)', `${keyhold.base}/sign-in`, ''],
    ['/ (arrivals)', `${keyhold.base}/`, cookie],
    ['/locks', `${keyhold.base}/locks`, cookie],
    ['/alerts', `${keyhold.base}/alerts`, cookie],
    ['/locks/forecast', `${keyhold.base}/locks/forecast`, cookie],
  ];
  const BARE_PAGE = 0;
  const SIGN_IN = 2;
  const chosen = pages.filter(
    ([title], i) => !values.only || i <= SIGN_IN || title.includes(values.only),
  );
  const rounds: Row[][] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const rows: Row[] = [];
    for (const [title, pageUrl, pageCookie] of chosen)
      rows.push(await measure(title, pageUrl, pageCookie));
    rounds.push(rows);
    console.log(
      `round ${round + 1}:`,
      rows.map((r) => `${r.page} p50 ${r.p50Ms} ms p95 ${r.p95Ms} ms`).join('; '),
    );
  }
  // Ratios are taken within a round (each page against that round's yardstick), then the median.
  const ratio = (i: number, yardstick: number) =>
    +median(
      rounds.flatMap((rows) => {
        const row = rows[i];
        const base = rows[yardstick];
        return row && base ? [row.p95Ms / base.p95Ms] : [];
      }),
    ).toFixed(2);
  console.table(
    chosen.map(([title], i) => {
      const runs = rounds.flatMap((rows) => rows[i] ?? []);
      return {
        page: title,
        status: runs.map((r) => r.status).join(','),
        p50Ms: median(runs.map((r) => r.p50Ms)),
        p95Ms: median(runs.map((r) => r.p95Ms)),
        sizeKb: median(runs.map((r) => r.sizeKb)),
        p95VsSignIn: ratio(i, SIGN_IN),
        p95VsBarePage: ratio(i, BARE_PAGE),
      };
    }),
  );
} finally {
  await stop();
}
