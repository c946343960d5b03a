// npm run bench:tick -- [--locks 2000] [--codes 10000] [--latency 0] [--concurrency 32]
//                        [--budget 10000] [--engine pglite|postgres|both] [--runs 1]
//                        [--adapter simulated|noop]
//
// Seeds N simulated locks with M ongoing codes that are all due now, runs
// ticks until every code is on its lock, and prints codes/s, ticks needed,
// p50/p95 time per tick, the time of each step of the tick and peak RSS. Lock
// sync is not due during the run, so the figures are for programming codes
// alone. With --runs N each engine runs N times, each on a fresh database, and
// the median run (by codes/s) is printed after them. `--adapter noop` answers
// every lock call at once without touching the database: the reconciler's own
// cost, apart from the simulated locks' (which live in Postgres).
import { parseArgs } from 'node:util';
import { count, isNotNull, lte } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { accessCodes } from '@/db/schema';
import { createOrganization, createTestDatabase } from '@/db/testing';
import { generateCode } from '@/lib/access-codes/rules';
import { defaultAdapters } from '@/lib/devices/connections';
import type { CodeOnLock, LockAdapter, SetCodeRequest } from '@/lib/locks/adapter';
import { runTick } from '@/lib/reconciler/tick';
import { chunked, seedSimulatedLocks } from './seed';
import { percentile } from './stats';

const { values } = parseArgs({
  options: {
    locks: { type: 'string', default: '2000' },
    codes: { type: 'string', default: '10000' },
    latency: { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '32' },
    engine: { type: 'string' },
    budget: { type: 'string', default: '10000' },
    runs: { type: 'string', default: '1' },
    adapter: { type: 'string', default: 'simulated' },
  },
});
const LOCKS = Number(values.locks);
const CODES = Number(values.codes);
const LATENCY = Number(values.latency);
const CONCURRENCY = Number(values.concurrency);
/** Each tick stops starting rounds after this long, as a deployment's would. */
const BUDGET = Number(values.budget);
const RUNS = Number(values.runs);
const NOOP = values.adapter === 'noop';

/**
 * The simulated lock with its writes answered at once, in memory
 * (`--adapter noop`): what it lists and reports is the simulated lock's.
 */
function noopWrites(lock: LockAdapter): LockAdapter {
  return Object.assign(Object.create(lock) as LockAdapter, {
    setCode: async (_lock: string, request: SetCodeRequest): Promise<CodeOnLock> => ({
      ref: request.keyholdCodeId,
      code: request.code,
      name: request.name,
      startsAt: request.startsAt ?? null,
      endsAt: request.endsAt ?? null,
      keyholdCodeId: request.keyholdCodeId,
      state: 'set',
      errors: [],
      warnings: [],
    }),
    removeCode: async () => ({ pending: false }),
  });
}
const engines =
  values.engine === 'both' || (!values.engine && process.env.DATABASE_URL)
    ? ['pglite', 'postgres']
    : [values.engine ?? 'pglite'];

async function seed(db: Db, now: Date) {
  const { org, property } = await createOrganization(db, { name: 'Bench Hotel' });
  const deviceRows = await seedSimulatedLocks(db, {
    organizationId: org.id,
    propertyId: property.id,
    count: LOCKS,
    prefix: 'bench',
    now,
    slotLimit: Math.ceil(CODES / LOCKS) + 5,
    latencyMs: LATENCY,
  });
  const taken = new Map<string, Set<string>>();
  const codes = Array.from({ length: CODES }, (_, i) => {
    const deviceId = deviceRows[i % deviceRows.length]?.id ?? '';
    const used = taken.get(deviceId) ?? new Set<string>();
    taken.set(deviceId, used);
    const code = generateCode(6, used);
    used.add(code);
    return {
      organizationId: org.id,
      deviceId,
      type: 'ongoing' as const,
      code,
      name: `Bench ${i}`,
      nextAttemptAt: now,
    };
  });
  await chunked(codes, 1000, (chunk) => db.insert(accessCodes).values(chunk));
}

async function bench(engine: string) {
  const saved = process.env.DATABASE_URL;
  if (engine === 'pglite') delete process.env.DATABASE_URL;
  const database = await createTestDatabase({ max: 20 });
  // Assigning undefined would store the string "undefined", which the settings then refuse.
  if (saved !== undefined) process.env.DATABASE_URL = saved;
  const db = database.db;
  const now = new Date();
  const seedStarted = performance.now();
  await seed(db, now);
  const seedMs = performance.now() - seedStarted;

  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const tickMs: number[] = [];
  const roundMs: number[] = [];
  const stepMs: Record<string, number> = {};
  const started = performance.now();
  for (let i = 0; i < 1000; i++) {
    const t = performance.now();
    const simulated = defaultAdapters(db, { hardware: database.hardware });
    const stats = await runTick(db, {
      now,
      adapters: NOOP ? (target) => noopWrites(simulated(target)) : simulated,
      concurrency: CONCURRENCY,
      budgetMs: BUDGET,
      // Messages go nowhere: the environment's transports need settings a bench has not.
      transports: {},
    });
    if (stats.locks === 0) break;
    tickMs.push(performance.now() - t);
    roundMs.push(...stats.roundMs);
    for (const [step, ms] of Object.entries(stats.stepMs)) stepMs[step] = (stepMs[step] ?? 0) + ms;
  }
  const wallMs = performance.now() - started;
  clearInterval(sampler);

  const [left] = await db
    .select({ n: count() })
    .from(accessCodes)
    .where(lte(accessCodes.nextAttemptAt, now));
  const [onLocks] = await db
    .select({ n: count() })
    .from(accessCodes)
    .where(isNotNull(accessCodes.setOnDeviceAt));
  const sorted = [...tickMs].sort((a, b) => a - b);
  const rounds = [...roundMs].sort((a, b) => a - b);
  const ideal = (CODES * LATENCY) / CONCURRENCY;
  const result = {
    engine,
    adapter: NOOP ? 'noop' : 'simulated',
    locks: LOCKS,
    codes: CODES,
    latencyMs: LATENCY,
    concurrency: CONCURRENCY,
    seedSeconds: +(seedMs / 1000).toFixed(1),
    codesSet: onLocks?.n,
    codesStillDue: left?.n,
    wallSeconds: +(wallMs / 1000).toFixed(2),
    codesPerSecond: Math.round((CODES / wallMs) * 1000),
    ticks: tickMs.length,
    tickP50Ms: Math.round(percentile(sorted, 50)),
    tickP95Ms: Math.round(percentile(sorted, 95)),
    rounds: rounds.length,
    roundP50Ms: Math.round(percentile(rounds, 50)),
    roundP95Ms: Math.round(percentile(rounds, 95)),
    peakRssMb: Math.round(peakRss / 1024 / 1024),
    ...(LATENCY > 0
      ? { idealSeconds: +(ideal / 1000).toFixed(1), ofIdeal: +(wallMs / ideal).toFixed(2) }
      : {}),
    /** Summed over the ticks, largest first. */
    stepMs: Object.fromEntries(Object.entries(stepMs).sort((a, b) => b[1] - a[1])),
  };
  await database.close();
  return result;
}

for (const engine of engines) {
  const results = [];
  for (let run = 1; run <= RUNS; run++) {
    const result = await bench(engine);
    results.push(result);
    console.log(JSON.stringify(RUNS > 1 ? { run, ...result } : result, null, 2));
  }
  if (RUNS > 1) {
    const byRate = [...results].sort((a, b) => a.codesPerSecond - b.codesPerSecond);
    const median = byRate[Math.floor((byRate.length - 1) / 2)];
    console.log(
      JSON.stringify(
        {
          engine,
          runs: RUNS,
          codesPerSecondEach: results.map((r) => r.codesPerSecond),
          medianCodesPerSecond: median?.codesPerSecond,
          medianWallSeconds: median?.wallSeconds,
          medianRoundP50Ms: median?.roundP50Ms,
        },
        null,
        2,
      ),
    );
  }
}
