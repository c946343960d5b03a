// npm run bench:api — the Seam-style API under load, beside a trivial route in
// the same build. Needs DATABASE_URL (a real Postgres); builds first.
//
// Starts `next start` on a fresh database with one organization, one lock and
// 55 codes, then drives GET /api/live (trivial), access_codes/get and
// access_codes/list (55 codes) with autocannon at 50 connections, 10 s each,
// in 3 rounds (--rounds); prints each figure's median over the rounds.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import postgres from 'postgres';
import { openDatabase } from '@/db/client';
import { accessCodes } from '@/db/schema';
import { addSimulatedLock, createOrganization } from '@/db/testing';
import { createApiKey } from '@/lib/api-keys';
import { loadActor } from '@/lib/auth/actor';

const { values } = parseArgs({
  options: {
    connections: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '10' },
    port: { type: 'string', default: '3300' },
    // Write a V8 CPU profile of the server to .bench-profiles/ (open it in Chrome DevTools).
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

async function freshDatabase(): Promise<string> {
  const name = 'keyhold_bench_api';
  const admin = postgres(serverUrl as string, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${name} with (force)`);
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl as string);
  url.pathname = `/${name}`;
  return url.toString();
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

async function waitForServer(base: string) {
  for (let i = 0; i < 120; i++) {
    try {
      const res = await fetch(`${base}/api/live`);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server did not start');
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

const url = await freshDatabase();
const { apiKey, deviceId, codeId } = await seed(url);
const port = values.port;
const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
const profileArgs = values.profile ? ['--cpu-prof', '--cpu-prof-dir', '.bench-profiles'] : [];
const server = spawn(process.execPath, [...profileArgs, nextBin, 'start', '-p', port], {
  env: {
    ...process.env,
    DATABASE_URL: url,
    AUTH_SECRET: 'bench-auth-secret-0123456789-0123456789',
    CRON_SECRET: 'bench-cron-secret-0123456789',
    SEED_DEMO: 'false',
    TICK_SECONDS: '0',
    LOG_LEVEL: 'warn',
    // One key at 50 connections measures the server, not the per-key limit (20 a second by default).
    SEAM_API_RATE_PER_SECOND: '0',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
try {
  await waitForServer(base);
  const auth = { authorization: `Bearer ${apiKey}` };
  const pid = server.pid ?? 0;
  const routes: [string, string, Record<string, string>][] = [
    ['GET /api/live (trivial)', `${base}/api/live`, {}],
    ['access_codes/get', `${base}/api/seam/access_codes/get?access_code_id=${codeId}`, auth],
    [
      'access_codes/list (55 codes)',
      `${base}/api/seam/access_codes/list?device_id=${deviceId}`,
      auth,
    ],
  ];
  // --only list: the trivial route (the yardstick) and the routes whose title contains "list".
  const chosen = routes.filter(
    ([title]) => !values.only || title.includes(values.only) || title.includes('trivial'),
  );
  const rounds: Awaited<ReturnType<typeof run>>[][] = [];
  for (let round = 0; round < Number(values.rounds); round++) {
    const rows = [];
    for (const [title, routeUrl, headers] of chosen)
      rows.push(await run(title, routeUrl, headers, pid));
    rounds.push(rows);
    console.log(
      `round ${round + 1}:`,
      rows.map((r) => `${r.route} ${r.requestsPerSecond} req/s p99 ${r.p99Ms} ms`).join('; '),
    );
  }
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
  };
  // Ratios are taken within a round (each route against that round's trivial run), then the median.
  type Row = Awaited<ReturnType<typeof run>>;
  const ratios = (i: number, pick: (r: Row) => number) =>
    rounds.flatMap(([trivial, ...rest]) => {
      const row = [trivial, ...rest][i];
      return row && trivial ? [pick(row) / pick(trivial)] : [];
    });
  console.table(
    chosen.map(([title], i) => {
      const runs = rounds.flatMap((rows) => rows[i] ?? []);
      return {
        route: title,
        requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
        p50Ms: median(runs.map((r) => r.p50Ms)),
        p99Ms: median(runs.map((r) => r.p99Ms)),
        non2xx: runs.reduce((n, r) => n + r.non2xx, 0),
        errors: runs.reduce((n, r) => n + r.errors, 0),
        serverRssMb: Math.max(...runs.map((r) => r.serverRssMb)),
        ofTrivialRps: +median(ratios(i, (r) => r.requestsPerSecond)).toFixed(2),
        p99VsTrivial: +median(ratios(i, (r) => r.p99Ms)).toFixed(2),
      };
    }),
  );
} finally {
  const exited = new Promise((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM');
  await exited;
}
