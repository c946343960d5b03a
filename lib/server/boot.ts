import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getDatabase } from '@/db/client';
import { type DemoSeed, seedDemo } from '@/db/seed';
import { clock } from '@/lib/clock';
import { EnvError, env } from '@/lib/env';
import { logger, withRequestId } from '@/lib/log';
import { runTick } from '@/lib/tick';

const state = globalThis as unknown as { __keyholdBooted?: boolean };

/**
 * Start-up for a server process: check settings, migrate, seed the demo on an
 * empty database, and run the tick every TICK_SECONDS. Called once from
 * instrumentation.ts.
 */
export async function boot(): Promise<void> {
  if (state.__keyholdBooted) return;
  state.__keyholdBooted = true;

  let settings: ReturnType<typeof env>;
  try {
    settings = env();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(`Keyhold cannot start. ${error.message}`);
      process.exit(1);
    }
    throw error;
  }

  const started = performance.now();
  const database = await getDatabase();
  logger().info(
    {
      event: 'database_ready',
      kind: database.kind,
      ms: Math.round(performance.now() - started),
    },
    'database ready',
  );

  if (settings.SEED_DEMO) {
    const seeded = await seedDemo(database.db, {
      now: clock.now(),
      password: settings.DEMO_PASSWORD,
      defaults: {
        leadMinutes: settings.PROGRAMMING_LEAD_MINUTES,
        poolSize: settings.BACKUP_POOL_SIZE,
      },
    });
    if (seeded) announceDemo(seeded, settings.DATA_DIR, Boolean(settings.DEMO_PASSWORD));
  }

  if (settings.TICK_SECONDS > 0) scheduleTicks(settings.TICK_SECONDS * 1000);
}

function scheduleTicks(intervalMs: number) {
  const loop = async () => {
    await withRequestId(null, async () => {
      try {
        const { db } = await getDatabase();
        await runTick(db, clock.now());
      } catch (error) {
        logger().error({ err: error }, 'tick failed');
      }
    });
    // The next tick is scheduled after this one ends, so ticks never overlap in one process.
    setTimeout(loop, intervalMs).unref();
  };
  setTimeout(loop, 1000).unref();
}

/**
 * The demo's sign-in details go to the terminal, not the JSON log: the log
 * never carries a password.
 */
function announceDemo(seed: DemoSeed, dataDir: string, passwordFromEnv: boolean) {
  const port = process.env.PORT || '3000';
  const lines = [
    '',
    `  Keyhold demo data created: ${seed.organizationName}`,
    `  Sign in at http://localhost:${port}/sign-in as any of:`,
    ...seed.users.map((u) => `    ${u.role.padEnd(11)} ${u.email}`),
    passwordFromEnv
      ? '  Password: the value of DEMO_PASSWORD'
      : `  Password: ${seed.password}   (also saved in ${join(dataDir, 'demo-credentials.txt')})`,
    '',
  ];
  if (!passwordFromEnv) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'demo-credentials.txt'), `${lines.join('\n')}\n`, { mode: 0o600 });
  }
  console.log(lines.join('\n'));
}
