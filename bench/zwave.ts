// npm run bench:zwave -- [--locks 10] [--codes 20] [--slots 30] [--runs 1]
//                         [--engine pglite|postgres] [--verbose]
//
// Z-Wave locks programmed by the real tick: zwave-js's mock controller and
// mock locks, the real Z-Wave JS driver and a real Z-Wave JS Server on
// loopback (lib/locks/zwave/testing.ts), and Keyhold's Z-Wave adapter. It
// seeds N locks of S slots, each with C guest codes due now (one stay per
// code, checking in within the lead time; backup pools off, so only guest
// codes are written), runs ticks until every code is set, and counts the
// Z-Wave commands each lock received, by name: the first look at a lock
// (everything before its first write) and the writes. Then it makes every
// lock's read-back due and runs one tick with nothing to change: the target
// is zero writes and at most one read per lock. With --runs, each run starts
// from a fresh network and database, and medians are printed at the end.
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { and, count, eq } from 'drizzle-orm';
import { accessCodes, adapterConnections, devices } from '@/db/schema';
import { createOrganization, createTestDatabase } from '@/db/testing';
import { isSet } from '@/lib/access-codes/predicates';
import { loadActor } from '@/lib/auth/actor';
import { newDevice } from '@/lib/devices/discovery';
import { adapterResolver } from '@/lib/locks/registry';
import { ZwaveAdapter } from '@/lib/locks/zwave/adapter';
import { closeZwaveClients } from '@/lib/locks/zwave/client';
import { startZwaveNetwork } from '@/lib/locks/zwave/testing';
import { runTick } from '@/lib/reconciler/tick';
import { createReservation } from '@/lib/reservations/operations';
import { localDateTimeParts } from '@/lib/time';
import { median } from './stats';

const { values } = parseArgs({
  options: {
    locks: { type: 'string', default: '10' },
    codes: { type: 'string', default: '20' },
    slots: { type: 'string', default: '30' },
    runs: { type: 'string', default: '1' },
    engine: { type: 'string' },
    /** Print each tick's figures. */
    verbose: { type: 'boolean', default: false },
  },
});
const LOCKS = Number(values.locks);
const CODES_PER_LOCK = Number(values.codes);
const SLOTS = Number(values.slots);
const RUNS = Number(values.runs);
const engine = values.engine ?? (process.env.DATABASE_URL ? 'postgres' : 'pglite');
if (engine === 'pglite') delete process.env.DATABASE_URL;
if (engine === 'postgres' && !process.env.DATABASE_URL) {
  throw new Error('--engine postgres needs DATABASE_URL');
}
/** Ticks stop being started after this, whatever is left (a stuck code would otherwise hang the bench). */
const GIVE_UP_MS = 5 * 60_000;
const DAY = 86_400_000;

/** Commands that change what a lock holds; everything else the adapter sends reads. */
const WRITES = new Set([
  'UserCodeCCSet',
  'UserCodeCCExtendedUserCodeSet',
  'UserCodeCCMasterCodeSet',
]);

type Run = {
  wallMs: number;
  ticks: number;
  codes: number;
  codesSet: number;
  onLocks: number;
  /** Commands by name: the first look at each lock, the writes after it, the no-change sync. */
  firstLook: Map<string, number>;
  programming: Map<string, number>;
  noChange: Map<string, number>;
  /** The no-change sync, per lock. */
  noChangeWrites: number[];
  noChangeReads: number[];
  noChangeMs: number;
  noChangeSynced: number;
};

function tally(into: Map<string, number>, names: string[]) {
  for (const name of names) into.set(name, (into.get(name) ?? 0) + 1);
}
const total = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

async function run(): Promise<Run> {
  const [database, network] = await Promise.all([
    createTestDatabase({ max: 20 }),
    startZwaveNetwork({
      locks: Array.from({ length: LOCKS }, (_, i) => ({ nodeId: i + 2, slots: SLOTS })),
    }),
  ]);
  try {
    const db = database.db;
    const { org, property, members } = await createOrganization(db, {
      name: 'Bench Z-Wave Hotel',
      roles: ['admin'],
    });
    const actor = await loadActor(db, members.admin?.userId ?? '');
    if (!actor) throw new Error('no actor');
    const [connection] = await db
      .insert(adapterConnections)
      .values({ organizationId: org.id, adapter: 'zwave', name: 'Bench Z-Wave JS', status: 'ok' })
      .returning();
    if (!connection) throw new Error('no connection');
    const zwave = { connectionId: connection.id, url: network.url };

    // The locks as the adapter lists them (no Z-Wave command: Z-Wave JS Server's state).
    const now = new Date();
    const listed = await new ZwaveAdapter(db, zwave).listDevices();
    if (listed.length !== LOCKS) throw new Error(`${listed.length} of ${LOCKS} locks listed`);
    const account = {
      organizationId: org.id,
      adapter: 'zwave' as const,
      connectionId: connection.id,
    };
    const deviceRows = await db
      .insert(devices)
      .values(
        listed.map((d) => ({
          ...newDevice(account, d, now),
          propertyId: property.id,
          backupPoolEnabled: false,
          // As an import leaves them: read at the next tick.
          nextSyncAt: new Date(0),
        })),
      )
      .returning({ id: devices.id, externalId: devices.externalId });

    // One stay per code, checking in this minute: every guest code is due now and
    // is `set` as soon as the lock confirms it (a code put on ahead of check-in stays `unset`).
    const checkIn = localDateTimeParts(now, property.timeZone);
    const checkOut = localDateTimeParts(new Date(now.getTime() + 2 * DAY), property.timeZone);
    for (const device of deviceRows) {
      for (let i = 0; i < CODES_PER_LOCK; i++) {
        await createReservation(
          db,
          actor,
          {
            propertyId: property.id,
            guestName: `Guest ${i + 1}`,
            checkInDate: checkIn.date,
            checkInTime: checkIn.time,
            checkOutDate: checkOut.date,
            checkOutTime: checkOut.time,
            deviceIds: [device.id],
            allowOverlap: true,
          },
          now,
        );
      }
    }
    const codes = deviceRows.length * CODES_PER_LOCK;

    const locks = deviceRows.map((d) => {
      const nodeId = Number(d.externalId.split('-')[1]);
      return network.lock(nodeId);
    });
    for (const lock of locks) lock.clearReceived();

    // A tick's adapters, as the app builds them per tick.
    const tick = () =>
      runTick(db, {
        now: new Date(),
        adapters: adapterResolver({
          simulated: database.hardware,
          db,
          seam: async () => {
            throw new Error('no Seam locks in this bench');
          },
          zwave: async () => zwave,
        }),
        transports: {},
        budgetMs: 600_000,
      });
    const setCount = async () => {
      const [row] = await db
        .select({ n: count() })
        .from(accessCodes)
        .where(and(eq(accessCodes.organizationId, org.id), isSet.sql({ now: new Date() })));
      return row?.n ?? 0;
    };

    const started = performance.now();
    let ticks = 0;
    let codesSet = 0;
    while (performance.now() - started < GIVE_UP_MS) {
      const stats = await tick();
      ticks++;
      codesSet = await setCount();
      if (values.verbose) {
        const { locks: l, set, failed, pending, synced, durationMs } = stats;
        console.log(
          JSON.stringify({
            tick: ticks,
            locks: l,
            set,
            failed,
            pending,
            synced,
            durationMs,
            codesSet,
          }),
        );
      }
      if (codesSet >= codes) break;
      // Nothing was due: a failed write waits out its back-off.
      if (stats.locks === 0) await new Promise((r) => setTimeout(r, 1000));
    }
    const wallMs = performance.now() - started;

    const firstLook = new Map<string, number>();
    const programming = new Map<string, number>();
    for (const lock of locks) {
      const received = lock.received();
      const firstWrite = received.findIndex((name) => WRITES.has(name));
      const split = firstWrite === -1 ? received.length : firstWrite;
      tally(firstLook, received.slice(0, split));
      tally(programming, received.slice(split));
    }
    const onLocks = locks.reduce((n, lock) => n + lock.codes().size, 0);

    // Every lock's read-back due at once, with nothing to change.
    for (const lock of locks) lock.clearReceived();
    await db
      .update(devices)
      .set({ nextSyncAt: new Date(0) })
      .where(eq(devices.organizationId, org.id));
    const syncStarted = performance.now();
    const sync = await tick();
    const noChangeMs = performance.now() - syncStarted;
    const noChange = new Map<string, number>();
    const noChangeWrites: number[] = [];
    const noChangeReads: number[] = [];
    for (const lock of locks) {
      const received = lock.received();
      tally(noChange, received);
      noChangeWrites.push(received.filter((name) => WRITES.has(name)).length);
      noChangeReads.push(received.filter((name) => !WRITES.has(name)).length);
    }

    return {
      wallMs,
      ticks,
      codes,
      codesSet,
      onLocks,
      firstLook,
      programming,
      noChange,
      noChangeWrites,
      noChangeReads,
      noChangeMs,
      noChangeSynced: sync.synced,
    };
  } finally {
    closeZwaveClients();
    await network.stop();
    await database.close();
  }
}

function table(rows: (string | number)[][]) {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => String(r[c]).length))) ?? [];
  for (const [i, row] of rows.entries()) {
    console.log(row.map((cell, c) => String(cell).padEnd(widths[c] ?? 0)).join('  '));
    if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  }
}

function report(r: Run, label: string) {
  const program = total(r.firstLook) + total(r.programming);
  console.log(`\n${label}`);
  table([
    ['what', 'figure'],
    ['codes set (Keyhold / on the locks)', `${r.codesSet} of ${r.codes} / ${r.onLocks}`],
    ['wall time, first tick to all set', `${(r.wallMs / 1000).toFixed(2)} s`],
    ['ticks', r.ticks],
    ['codes/s', Math.round((r.codes / r.wallMs) * 1000)],
    ['Z-Wave commands, first look (all locks)', total(r.firstLook)],
    ['Z-Wave commands, writes (all locks)', total(r.programming)],
    ['commands per code, writes only', (total(r.programming) / r.codes).toFixed(2)],
    ['commands per code, with the first look', (program / r.codes).toFixed(2)],
    ['no-change sync: locks synced', r.noChangeSynced],
    ['no-change sync: time', `${Math.round(r.noChangeMs)} ms`],
    ['no-change sync: writes per lock (max)', Math.max(...r.noChangeWrites)],
    ['no-change sync: reads per lock (max)', Math.max(...r.noChangeReads)],
  ]);
  const names = [
    ...new Set([...r.firstLook.keys(), ...r.programming.keys(), ...r.noChange.keys()]),
  ];
  console.log('\nZ-Wave commands the locks received, by name (all locks)');
  table([
    ['command', 'first look', 'writes', 'no-change sync'],
    ...names
      .sort()
      .map((n) => [n, r.firstLook.get(n) ?? 0, r.programming.get(n) ?? 0, r.noChange.get(n) ?? 0]),
    ['total', total(r.firstLook), total(r.programming), total(r.noChange)],
  ]);
}

async function main() {
  const cpu = cpus();
  console.log(
    `machine: ${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GB, Node ${process.version}, ${engine === 'postgres' ? 'Postgres at DATABASE_URL' : 'PGlite (in process)'}`,
  );
  console.log(
    `${LOCKS} mock Z-Wave locks of ${SLOTS} slots (zwave-js mock controller, real driver and Z-Wave JS Server on loopback), ${CODES_PER_LOCK} guest codes each, backup pools off`,
  );
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await run();
    runs.push(r);
    report(r, `run ${i + 1} of ${RUNS} (${engine})`);
  }
  if (RUNS > 1) {
    const m = (f: (r: Run) => number) => median(runs.map(f));
    console.log(`\nmedians of ${RUNS} runs (${engine})`);
    table([
      ['what', 'median', 'runs'],
      ...(
        [
          ['wall time, s', (r) => +(r.wallMs / 1000).toFixed(2)],
          ['ticks', (r) => r.ticks],
          ['codes/s', (r) => Math.round((r.codes / r.wallMs) * 1000)],
          ['commands per code, writes only', (r) => +(total(r.programming) / r.codes).toFixed(2)],
          [
            'commands per code, with the first look',
            (r) => +((total(r.firstLook) + total(r.programming)) / r.codes).toFixed(2),
          ],
          ['no-change sync, ms', (r) => Math.round(r.noChangeMs)],
          ['no-change sync: writes per lock (max)', (r) => Math.max(...r.noChangeWrites)],
          ['no-change sync: reads per lock (max)', (r) => Math.max(...r.noChangeReads)],
        ] as [string, (r: Run) => number][]
      ).map(([label, f]) => [label, m(f), runs.map(f).join(' / ')]),
    ]);
  }
}

await main();
