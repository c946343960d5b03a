// The server Playwright tests against: the production build on its own fresh
// database (a new database on DATABASE_URL's server, or its own PGlite
// directory), seeded with the demo and a known password; Seam's fake server
// with a workspace of three locks, for connecting Seam from Settings; and a
// Z-Wave network of two mock locks behind a real Z-Wave JS Server, for
// connecting Z-Wave JS from Settings.
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { freshDatabase } from '../db/testing';
import { E2E } from '../e2e/settings';
import { startFakeSeam } from '../lib/locks/seam/testing';
import { startZwaveNetwork } from '../lib/locks/zwave/testing';

/**
 * Seam's fake never moves a code's status; real Seam does once the lock
 * answers. Do that every half second, as a quick lock would, except on the
 * slow lock, whose codes Seam keeps "being set" (e2e/code-states).
 */
async function startSeam() {
  const seam = await startFakeSeam({ apiKey: E2E.seam.apiKey, port: E2E.seam.port });
  for (const name of E2E.seam.locks) seam.addLock({ name, lengths: [4, 6] });
  const slow = seam.addLock({ name: E2E.seam.slowLock, lengths: [4, 6] });
  setInterval(() => seam.confirmAll(new Date(), [slow]), 500).unref();
  return seam;
}

/** A database beside the one DATABASE_URL names, so parallel CI runs never share one. */
function freshDatabaseUrl(serverUrl: string): Promise<string> {
  const base = new URL(serverUrl).pathname.slice(1) || 'keyhold';
  return freshDatabase(serverUrl, `${base}_e2e`.replace(/[^A-Za-z0-9_]/g, '_'));
}

async function main() {
  const dataDir = resolve('.data', 'e2e');
  rmSync(dataDir, { recursive: true, force: true });
  // Started beside the build's boot; the mock locks answer at once, as a mains-powered lock would.
  const zwave = startZwaveNetwork({
    serverPort: E2E.zwave.port,
    locks: E2E.zwave.nodes.map((nodeId) => ({ nodeId, slots: 20 })),
  });
  // Awaited below; a failure meanwhile is that await's to report, not an unhandled rejection.
  zwave.catch(() => {});
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATA_DIR: dataDir,
    PORT: String(E2E.port),
    DEMO_PASSWORD: E2E.password,
    AUTH_SECRET: E2E.authSecret,
    CRON_SECRET: E2E.cronSecret,
    SEED_DEMO: 'true',
    TICK_SECONDS: '2',
    SEAM_ENDPOINT: (await startSeam()).url,
  };
  if (process.env.DATABASE_URL) env.DATABASE_URL = await freshDatabaseUrl(process.env.DATABASE_URL);
  else env.PGLITE_DIR = join(dataDir, 'pglite');

  await zwave;
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  const child = spawn(process.execPath, [nextBin, 'start', '-p', String(E2E.port)], {
    env,
    stdio: 'inherit',
  });
  const stop = () => child.kill('SIGTERM');
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  // The database is dropped by whoever made DATABASE_URL's (.ci/run), or on the next run.
  child.on('exit', (code) => process.exit(code ?? 0));
}

void main();
