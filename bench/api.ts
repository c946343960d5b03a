// npm run bench:api — the Seam-style API under load, beside a trivial route in
// the same build. Needs DATABASE_URL (a real Postgres); builds first.
//
// Starts `next start` on a fresh database with one organization, one lock and
// 55 codes, then drives GET /api/live (trivial), access_codes/get and
// access_codes/list (55 codes) with autocannon at 50 connections, 10 s each.
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
const server = spawn(process.execPath, [nextBin, 'start', '-p', port], {
  env: {
    ...process.env,
    DATABASE_URL: url,
    AUTH_SECRET: 'bench-auth-secret-0123456789-0123456789',
    CRON_SECRET: 'bench-cron-secret-0123456789',
    SEED_DEMO: 'false',
    TICK_SECONDS: '0',
    LOG_LEVEL: 'warn',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
try {
  await waitForServer(base);
  const auth = { authorization: `Bearer ${apiKey}` };
  const pid = server.pid ?? 0;
  const rows = [
    await run('GET /api/live (trivial)', `${base}/api/live`, {}, pid),
    await run(
      'access_codes/get',
      `${base}/api/seam/access_codes/get?access_code_id=${codeId}`,
      auth,
      pid,
    ),
    await run(
      'access_codes/list (55 codes)',
      `${base}/api/seam/access_codes/list?device_id=${deviceId}`,
      auth,
      pid,
    ),
  ];
  const trivial = rows[0];
  console.table(
    rows.map((r) => ({
      ...r,
      ofTrivialRps: trivial ? +(r.requestsPerSecond / trivial.requestsPerSecond).toFixed(2) : null,
      p99VsTrivial: trivial ? +(r.p99Ms / trivial.p99Ms).toFixed(2) : null,
    })),
  );
} finally {
  server.kill('SIGTERM');
}
