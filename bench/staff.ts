// npm run bench:staff -- [--people 250] [--locks 300] [--runs 3] [--engine pglite|postgres|both]
//
// What staff codes cost the tick. Seeds `people` staff members with two
// windows each (500 windows by default: weekly rows, and for one in five a
// turnover between the stays of its rooms) on 1–4 doors each, over `locks`
// simulated locks (every other one keeps schedules) with two stays each.
// Then, on a fresh database per run: the first `programStaffCodes` (it makes
// every code of the coming 72 hours), a second one with nothing to change,
// ticks until every code is on its lock, and three ticks with nothing due.
// Prints each figure's median over the runs.
import { parseArgs } from 'node:util';
import { count, isNotNull } from 'drizzle-orm';
import type { Db } from '@/db/client';
import {
  accessCodes,
  reservationDevices,
  reservations,
  staffAccess,
  staffMembers,
  staffWindows,
} from '@/db/schema';
import { createOrganization, createTestDatabase } from '@/db/testing';
import { generateCode } from '@/lib/access-codes/rules';
import { defaultAdapters } from '@/lib/devices/connections';
import { runTick } from '@/lib/reconciler/tick';
import { programStaffCodes } from '@/lib/staff/codes';
import { chunked, seedSimulatedLocks } from './seed';
import { median } from './stats';

const { values } = parseArgs({
  options: {
    people: { type: 'string', default: '250' },
    locks: { type: 'string', default: '300' },
    runs: { type: 'string', default: '3' },
    engine: { type: 'string' },
  },
});
const PEOPLE = Number(values.people);
const LOCKS = Number(values.locks);
const RUNS = Number(values.runs);
const engines =
  values.engine === 'both' || (!values.engine && process.env.DATABASE_URL)
    ? ['pglite', 'postgres']
    : [values.engine ?? 'pglite'];

/** A small deterministic generator, so every run seeds the same people. */
function seeded(seed: number) {
  let s = seed;
  return (n: number) => {
    s = (s * 1_103_515_245 + 12_345) % 2_147_483_648;
    // The high bits: an LCG's low bits repeat every few draws.
    return Math.floor(s / 65_536) % n;
  };
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

async function seed(db: Db, now: Date) {
  const random = seeded(22);
  const { org, property } = await createOrganization(db, { name: 'Bench Staff Hotel' });
  const locks = await seedSimulatedLocks(db, {
    organizationId: org.id,
    propertyId: property.id,
    count: LOCKS,
    prefix: `staff_${Date.now().toString(36)}`,
    now,
    slotLimit: 60,
    nativeScheduling: (i) => i % 2 === 0,
    rooms: true,
  });
  // Two stays per room over the coming week, for the turnovers.
  const stays = locks.flatMap((lock, i) => {
    const first = now.getTime() - DAY + (i % 24) * HOUR;
    return [0, 3].map((day) => ({
      lockId: lock.id,
      row: {
        organizationId: org.id,
        propertyId: property.id,
        guestName: `Guest ${i}-${day}`,
        startsAt: new Date(first + day * DAY),
        endsAt: new Date(first + (day + 2) * DAY),
      },
    }));
  });
  const made: { id: string }[] = [];
  await chunked(stays, 1000, async (chunk) => {
    made.push(
      ...(await db
        .insert(reservations)
        .values(chunk.map((s) => s.row))
        .returning({ id: reservations.id })),
    );
  });
  await chunked(
    stays.map((s, i) => ({
      reservationId: made[i]?.id ?? '',
      deviceId: s.lockId,
      organizationId: org.id,
    })),
    1000,
    (chunk) => db.insert(reservationDevices).values(chunk),
  );

  const taken = new Set<string>();
  if (PEOPLE === 0) return { windows: 0, doors: 0 };
  const people = Array.from({ length: PEOPLE }, (_, i) => {
    const code = generateCode(6, taken);
    taken.add(code);
    return {
      organizationId: org.id,
      name: `Staff ${i}`,
      role: (['cleaning', 'maintenance', 'owner', 'other'] as const)[i % 4] ?? 'cleaning',
      code,
    };
  });
  const rows = await db.insert(staffMembers).values(people).returning({ id: staffMembers.id });
  const access = rows.flatMap((person, i) => {
    const doors = 1 + random(4);
    const start = (i * 7) % locks.length;
    return Array.from({ length: doors }, (_, d) => ({
      organizationId: org.id,
      staffMemberId: person.id,
      deviceId: locks[(start + d) % locks.length]?.id ?? '',
    }));
  });
  await chunked(access, 1000, (chunk) => db.insert(staffAccess).values(chunk));
  const windows = rows.flatMap((person, i) => {
    const morning = 6 + random(4);
    const weekly = {
      organizationId: org.id,
      staffMemberId: person.id,
      kind: 'weekly' as const,
      days: i % 3 === 0 ? [1, 2, 3, 4, 5, 6, 7] : [1, 2, 3, 4, 5],
      startTime: `${String(morning).padStart(2, '0')}:30`,
      endTime: `${String(morning + 4).padStart(2, '0')}:00`,
    };
    const second =
      i % 5 === 0
        ? {
            organizationId: org.id,
            staffMemberId: person.id,
            kind: 'turnover' as const,
            opensAfterCheckOutMinutes: 30,
            closesBeforeCheckInMinutes: 60,
          }
        : {
            ...weekly,
            days: [2, 4, 6],
            startTime: '18:00',
            endTime: i % 2 === 0 ? '22:00' : '02:00',
          };
    return [weekly, second];
  });
  await chunked(windows, 1000, (chunk) => db.insert(staffWindows).values(chunk));
  return { windows: windows.length, doors: access.length };
}

/** Whole milliseconds, the median of the runs. */
const medianMs = (xs: number[]) => Math.round(median(xs));
const timed = async <T>(work: () => Promise<T>): Promise<[T, number]> => {
  const started = performance.now();
  const result = await work();
  return [result, performance.now() - started];
};

async function run(engine: string) {
  const saved = process.env.DATABASE_URL;
  if (engine === 'pglite') delete process.env.DATABASE_URL;
  const database = await createTestDatabase({ max: 20 });
  if (saved !== undefined) process.env.DATABASE_URL = saved;
  const db = database.db;
  // Thursday 09:00 in New York, the bench property's zone.
  const now = new Date('2026-11-26T14:00:00Z');
  const seeded = await seed(db, now);
  const adapters = defaultAdapters(db, { hardware: database.hardware });
  const tick = (at: Date) => runTick(db, { now: at, adapters, concurrency: 32, transports: {} });

  const minutesLater = (n: number) => new Date(now.getTime() + n * 60_000);
  const [first, firstMs] = await timed(() => programStaffCodes(db, now));
  // A minute on, as the next tick would be: the plan is worked out afresh.
  const [again, againMs] = await timed(() => programStaffCodes(db, minutesLater(1)));
  let programmingTicks = 0;
  for (; programmingTicks < 50; programmingTicks++) {
    const stats = await tick(minutesLater(1));
    if (stats.locks === 0) break;
  }
  const quiet: number[] = [];
  const quietStaff: number[] = [];
  for (let i = 0; i < 3; i++) {
    const [stats, ms] = await timed(() => tick(minutesLater(2 + i)));
    quiet.push(ms);
    quietStaff.push(stats.staffCodes);
  }
  const [codes] = await db
    .select({ n: count() })
    .from(accessCodes)
    .where(isNotNull(accessCodes.staffMemberId));
  await database.close();
  return {
    ...seeded,
    codes: codes?.n ?? 0,
    firstRun: first,
    firstRunMs: firstMs,
    noChange: again,
    noChangeMs: againMs,
    programmingTicks,
    quietTickMs: medianMs(quiet),
    quietTickStaffChanges: quietStaff,
  };
}

for (const engine of engines) {
  const runs = [];
  for (let i = 0; i < RUNS; i++) runs.push(await run(engine));
  const last = runs.at(-1);
  console.log(
    JSON.stringify(
      {
        engine,
        people: PEOPLE,
        locks: LOCKS,
        windows: last?.windows,
        doors: last?.doors,
        staffCodes: last?.codes,
        firstRun: last?.firstRun,
        noChange: last?.noChange,
        runs: RUNS,
        firstProgramStaffCodesMs: medianMs(runs.map((r) => r.firstRunMs)),
        noChangeProgramStaffCodesMs: medianMs(runs.map((r) => r.noChangeMs)),
        ticksToProgram: last?.programmingTicks,
        quietTickMs: medianMs(runs.map((r) => r.quietTickMs)),
        quietTickStaffChanges: last?.quietTickStaffChanges,
        eachRun: runs.map((r) => ({
          firstMs: Math.round(r.firstRunMs),
          noChangeMs: Math.round(r.noChangeMs),
          quietTickMs: r.quietTickMs,
        })),
      },
      null,
      2,
    ),
  );
}
