// npm run bench:api — the Seam-style API under load, beside the framework's
// floor. Needs DATABASE_URL (a real Postgres); builds first.
//
// Starts `next start` on a fresh database with one organization, one lock and
// 55 codes, and beside it the bare Next app (bench/bare-next: the same
// one-line JSON route in an app with nothing else, built with the same Next).
// Drives the bare route, Keyhold's GET /api/live, access_codes/get and
// access_codes/list (55 codes) with autocannon at 50 connections, 10 s each,
// in 3 rounds (--rounds); prints each figure's median over the rounds and
// every ratio against the bare route and against Keyhold's /api/live.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { openDatabase } from '@/db/client';
import { accessCodes } from '@/db/schema';
import { addSimulatedLock, createOrganization } from '@/db/testing';
import { createApiKey } from '@/lib/api-keys';
import { loadActor } from '@/lib/auth/actor';
import {
  ensureBareNextBuilt,
  freshDatabase,
  type NextServer,
  startKeyholdAndBare,
} from './servers';
import { median } from './stats';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
    port: { type: 'string', default: '3300' },
    // Write V8 CPU profiles of both servers to .bench-profiles/ (open them in Chrome DevTools).
    profile: { type: 'boolean', default: false },
    only: { type: 'string' },
    // Each round runs every route once; the table shows each figure's median
    // over the rounds, so one noisy run on shared cores does not decide it.
    rounds: { type: 'string', default: '3' },
  },
});
const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) {
  console.error('bench:api needs DATABASE_URL (a real Postgres server).');
  process.exit(2);
}

async function seed(url: string) {
  const database = await openDatabase({ url });
  const { org, property, members } = await createOrganization(database.db, { roles: ['admin'] });
  const lock = await addSimulatedLock(database.db, {
    organizationId: org.id,
    propertyId: property.id,
  });
  const codes = await database.db
    .insert(accessCodes)
    .values(
      Array.from({ length: 55 }, (_, i) => ({
        organizationId: org.id,
        deviceId: lock.id,
        type: 'ongoing' as const,
        code: String(300000 + i),
        name: `Guest ${i}`,
      })),
    )
    .returning({ id: accessCodes.id });
  const actor = await loadActor(database.db, members.admin?.userId ?? '');
  if (!actor) throw new Error('no actor');
  const { apiKey } = await createApiKey(database.db, actor, { name: 'bench' });
  await database.close();
  return { apiKey, deviceId: lock.id, codeId: codes[0]?.id ?? '' };
}

function rssOf(pid: number): number {
  // next start runs the server in a child process titled next-server.
  let total = 0;
  for (const line of readFileSync(`/proc/${pid}/status`, 'utf8').split('\n')) {
    if (line.startsWith('VmRSS:')) total += Number(line.split(/\s+/)[1]) / 1024;
  }
  return Math.round(total);
}

async function run(title: string, url: string, headers: Record<string, string>, pid: number) {
  // A short warm-up so the first compile and connection setup are not measured.
  await autocannon({ url, headers, connections: 10, duration: 2 });
  const result = await autocannon({
    url,
    headers,
    connections: Number(values.connections),
    duration: Number(values.seconds),
  });
  return {
    route: title,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    serverRssMb: rssOf(pid),
  };
}

const url = await freshDatabase(serverUrl, 'keyhold_bench_api');
const { apiKey, deviceId, codeId } = await seed(url);
ensureBareNextBuilt();
const cpuProfileDir = values.profile ? resolve('.bench-profiles') : undefined;
const { keyhold, bare, stop } = await startKeyholdAndBare({
  port: values.port,
  cpuProfileDir,
  env: {
    DATABASE_URL: url,
    // One key at 50 connections measures the server, not the per-key limit (20 a second by default).
    SEAM_API_RATE_PER_SECOND: '0',
  },
});
try {
  const auth = { authorization: `Bearer ${apiKey}` };
  const seam = `${keyhold.base}/api/seam/access_codes`;
  const routes: [string, string, Record<string, string>, NextServer][] = [
    ['bare Next route (the floor)', `${bare.base}/api/live`, {}, bare],
    ['GET /api/live (trivial)', `${keyhold.base}/api/live`, {}, keyhold],
    ['access_codes/get', `${seam}/get?access_code_id=${codeId}`, auth, keyhold],
    ['access_codes/list (55 codes)', `${seam}/list?device_id=${deviceId}`, auth, keyhold],
  ];
  // --only list: the two yardsticks and the routes whose title contains "list".
  const chosen = routes.filter(
    ([title], i) => !values.only || i < 2 || title.includes(values.only),
  );
  type Row = Awaited<ReturnType<typeof run>>;
  // Every route warmed at full load first, so no round measures a server's
  // JIT still compiling (the first round ran 20% slower than the others).
  for (const [, routeUrl, headers] of chosen) {
    await autocannon({
      url: routeUrl,
      headers,
      connections: Number(values.connections),
      duration: 5,
    });
  }
  const rounds: Row[][] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const rows: Row[] = [];
    for (const [title, routeUrl, headers, server] of chosen)
      rows.push(await run(title, routeUrl, headers, server.pid));
    rounds.push(rows);
    console.log(
      `round ${round + 1}:`,
      rows.map((r) => `${r.route} ${r.requestsPerSecond} req/s p99 ${r.p99Ms} ms`).join('; '),
    );
  }
  // Ratios are taken within a round (each route against that round's yardstick), then the median.
  const ratio = (i: number, yardstick: number, pick: (r: Row) => number) =>
    +median(
      rounds.flatMap((rows) => {
        const row = rows[i];
        const base = rows[yardstick];
        return row && base ? [pick(row) / pick(base)] : [];
      }),
    ).toFixed(2);
  const rps = (r: Row) => r.requestsPerSecond;
  const p99 = (r: Row) => r.p99Ms;
  console.table(
    chosen.map(([title], i) => {
      const runs = rounds.flatMap((rows) => rows[i] ?? []);
      return {
        route: title,
        requestsPerSecond: median(runs.map(rps)),
        p50Ms: median(runs.map((r) => r.p50Ms)),
        p99Ms: median(runs.map(p99)),
        non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
        errors: runs.reduce((n, r) => n + r.errors, 0),
        serverRssMb: Math.max(...runs.map((r) => r.serverRssMb)),
        ofBareRps: ratio(i, 0, rps),
        p99VsBare: ratio(i, 0, p99),
        ofLiveRps: ratio(i, 1, rps),
        p99VsLive: ratio(i, 1, p99),
      };
    }),
  );
} finally {
  await stop();
}
