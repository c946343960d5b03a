import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseInUseError, getDatabase } from '@/db/client';
import { type DemoSeed, seedDemo } from '@/db/seed';
import { dummyPasswordHash } from '@/lib/auth/password';
import { clock } from '@/lib/clock';
import { defaultAdapters } from '@/lib/devices/connections';
import { EnvError, env } from '@/lib/env';
import { logger, withRequestId } from '@/lib/log';
import { runTick } from '@/lib/reconciler/tick';

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

  // Computed now so the first sign-in with an unknown email costs no more than any other.
  void dummyPasswordHash();

  const started = performance.now();
  let database: Awaited<ReturnType<typeof getDatabase>>;
  try {
    database = await getDatabase();
  } catch (error) {
    console.error(`Keyhold cannot start. ${describeDatabaseError(error, settings.DATABASE_URL)}`);
    process.exit(1);
  }
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
    if (seeded)
      announceDemo(seeded, {
        dataDir: settings.DATA_DIR,
        passwordFromEnv: Boolean(settings.DEMO_PASSWORD),
        port: settings.PORT,
        tty: Boolean(process.stdout.isTTY),
      });
  }

  if (settings.TICK_SECONDS > 0) scheduleTicks(settings.TICK_SECONDS * 1000);
}

/** One line an operator can act on; never the URL's password. */
function describeDatabaseError(error: unknown, url: string | undefined): string {
  if (error instanceof DatabaseInUseError) return error.message;
  const detail = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
  const code = (error as { code?: unknown })?.code;
  if (!url) return `The embedded database could not be opened: ${detail}`;
  const { hostname, port } = new URL(url);
  return `Could not open DATABASE_URL (${hostname}:${port || 5432}): ${typeof code === 'string' ? code : detail}`;
}

function scheduleTicks(intervalMs: number) {
  const loop = async () => {
    const more = await withRequestId(null, async () => {
      try {
        const { db, hardware } = await getDatabase();
        const stats = await runTick(db, {
          now: clock.now(),
          adapters: defaultAdapters(db, { hardware }),
          calendarRefreshMinutes: env().CALENDAR_REFRESH_MINUTES,
        });
        return stats.more;
      } catch (error) {
        logger().error({ err: error }, 'tick failed');
        return false;
      }
    });
    // The next tick starts after this one ends, so ticks never overlap in one
    // process; straight away when this one left work for lack of time.
    setTimeout(loop, more ? 0 : intervalMs).unref();
  };
  setTimeout(loop, 1000).unref();
}

/** The demo's sign-in details, printed for the person who just ran `npm start`. */
export function announceDemo(
  seed: DemoSeed,
  options: { dataDir: string; passwordFromEnv: boolean; port: number; tty: boolean },
): void {
  const { dataDir, passwordFromEnv, port, tty } = options;
  const file = join(dataDir, 'demo-credentials.txt');
  const head = [
    '',
    `  Keyhold demo data created: ${seed.organizationName}`,
    `  Sign in at http://localhost:${port}/sign-in as any of:`,
    ...seed.users.map((u) => `    ${u.role.padEnd(11)} ${u.email}`),
  ];
  if (passwordFromEnv) {
    console.log([...head, '  Password: the value of DEMO_PASSWORD', ''].join('\n'));
    return;
  }
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(file, [...head, `  Password: ${seed.password}`, ''].join('\n'), { mode: 0o600 });
  // On a terminal, show it; elsewhere stdout is a log, and logs never carry passwords.
  const shown = tty
    ? `  Password: ${seed.password}   (also saved in ${file})`
    : `  Password: saved in ${file}`;
  console.log([...head, shown, ''].join('\n'));
}
