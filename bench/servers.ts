// What the HTTP benches share: a fresh database on the Postgres server, a
// `next start` of Keyhold's build, and the bare Next app (bench/bare-next) that
// measures the framework's own floor beside it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const nextBin = require.resolve('next/dist/bin/next');
const nextVersion: string = require('next/package.json').version;

/** The bare app's sources: one JSON route and one page, nothing of Keyhold's. */
const BARE_NEXT_SOURCE = fileURLToPath(new URL('./bare-next', import.meta.url));
const projectModules = fileURLToPath(new URL('../node_modules', import.meta.url));

/**
 * Where the bare app is built and served: outside this repository, so no
 * file of Keyhold's can join its build (inside the workspace, Turbopack
 * compiles Keyhold's instrumentation.ts into it; Next reads the nearest
 * next.config above it). Its node_modules is a link to Keyhold's, so it runs
 * the very same Next; a link leaving the workspace is why it builds with webpack.
 */
export const BARE_NEXT_DIR = join(tmpdir(), `keyhold-bare-next-${nextVersion}`);

/** The settings a bench's Keyhold server runs with: no tick, no demo, quiet logs. */
export const BENCH_ENV = {
  AUTH_SECRET: 'bench-auth-secret-0123456789-0123456789',
  CRON_SECRET: 'bench-cron-secret-0123456789',
  SEED_DEMO: 'false',
  TICK_SECONDS: '0',
  LOG_LEVEL: 'warn',
} as const;

export { freshDatabase } from '@/db/testing';

/**
 * Builds the bare app with the installed Next, once per Next version (a
 * stamp beside its build says which); ~15 s the first time.
 */
export function ensureBareNextBuilt(): void {
  const stamp = join(BARE_NEXT_DIR, '.next', 'keyhold-bare-source');
  const source = JSON.stringify(
    ['app/api/live/route.js', 'app/layout.jsx', 'app/page.jsx', 'next.config.mjs'].map((file) =>
      readFileSync(join(BARE_NEXT_SOURCE, file), 'utf8'),
    ),
  );
  if (existsSync(stamp) && readFileSync(stamp, 'utf8') === source) return;
  console.log(`building the bare Next ${nextVersion} app (bench/bare-next) in ${BARE_NEXT_DIR} …`);
  rmSync(BARE_NEXT_DIR, { recursive: true, force: true });
  mkdirSync(BARE_NEXT_DIR, { recursive: true });
  cpSync(BARE_NEXT_SOURCE, BARE_NEXT_DIR, { recursive: true });
  writeFileSync(join(BARE_NEXT_DIR, 'package.json'), '{ "private": true }\n');
  symlinkSync(projectModules, join(BARE_NEXT_DIR, 'node_modules'));
  execFileSync(process.execPath, [nextBin, 'build', '--webpack'], {
    cwd: BARE_NEXT_DIR,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
  writeFileSync(stamp, source);
}

export type NextServer = { base: string; pid: number; stop: () => Promise<void> };

/**
 * `next start` on `port` for the app in `dir` (Keyhold's own by default),
 * answering once `readyPath` does. `cpuProfileDir` writes a V8 CPU profile of
 * the server there when it stops.
 */
export async function startNext(options: {
  port: string;
  dir?: string;
  env?: Record<string, string>;
  readyPath?: string;
  cpuProfileDir?: string;
}): Promise<NextServer> {
  const profile = options.cpuProfileDir
    ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir]
    : [];
  const server: ChildProcess = spawn(
    process.execPath,
    [...profile, nextBin, 'start', '-p', options.port],
    {
      cwd: options.dir,
      env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1', ...options.env },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  const base = `http://127.0.0.1:${options.port}`;
  const stop = async () => {
    if (server.exitCode !== null) return;
    const exited = new Promise((resolve) => server.once('exit', resolve));
    server.kill('SIGTERM');
    await exited;
  };
  try {
    await waitFor(`${base}${options.readyPath ?? '/api/live'}`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { base, pid: server.pid ?? 0, stop };
}

async function waitFor(url: string) {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`server did not start: ${url}`);
}

/**
 * Keyhold's build on `port` (with the bench settings and `env`) and the bare
 * app on the next port, started side by side for one run's rounds.
 */
export async function startKeyholdAndBare(options: {
  port: string;
  env: Record<string, string>;
  cpuProfileDir?: string;
}): Promise<{ keyhold: NextServer; bare: NextServer; stop: () => Promise<void> }> {
  const keyhold = await startNext({
    port: options.port,
    cpuProfileDir: options.cpuProfileDir,
    env: { ...BENCH_ENV, ...options.env },
  });
  try {
    const bare = await startNext({
      port: String(Number(options.port) + 1),
      dir: BARE_NEXT_DIR,
      cpuProfileDir: options.cpuProfileDir,
    });
    return {
      keyhold,
      bare,
      stop: async () => void (await Promise.all([keyhold.stop(), bare.stop()])),
    };
  } catch (error) {
    await keyhold.stop();
    throw error;
  }
}
