// `npm start`: check settings, build, then serve. Migrations, the demo seed and
// the tick run inside the server (instrumentation.ts), so a plain `next start`
// behind a process manager behaves the same.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { EnvError, loadEnv } from '../lib/env';

function run(args: string[]): Promise<number> {
  const nextBin = createRequire(import.meta.url).resolve('next/dist/bin/next');
  return new Promise((resolvePromise) => {
    // Own process group, so stopping `npm start` also stops next-server.
    const child = spawn(process.execPath, [nextBin, ...args], { stdio: 'inherit', detached: true });
    const forward = (signal: NodeJS.Signals) => {
      try {
        if (child.pid) process.kill(-child.pid, signal);
      } catch {
        // Already gone.
      }
    };
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
    for (const signal of signals) process.on(signal, forward);
    // If this process dies first, take the server with it: a stray server keeps the embedded database.
    const onExit = () => forward('SIGTERM');
    process.on('exit', onExit);
    child.on('exit', (code, signal) => {
      for (const s of signals) process.off(s, forward);
      process.off('exit', onExit);
      resolvePromise(code ?? (signal ? 1 : 0));
    });
  });
}

async function main() {
  let settings: ReturnType<typeof loadEnv>;
  try {
    settings = loadEnv(process.env);
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`Keyhold cannot start. ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const skipBuild = process.argv.includes('--no-build');
  if (!skipBuild) {
    const built = await run(['build']);
    if (built !== 0) process.exit(built);
  }
  process.exit(await run(['start', '-p', String(settings.PORT)]));
}

void main();
