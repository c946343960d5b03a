import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/db/testing';
import type { LockAdapter } from '@/lib/locks/adapter';
import { describeReport, runSimulation, type SimulationReport } from './simulation';

/**
 * The reconciler under churn (issue 17), a busy hour per seed: 12 simulated
 * locks, 65 stays of 1–3 minutes booked 45–300 s ahead, back to back and
 * overlapping, returning guests asking for their digits, a lock offline
 * across check-ins, codes deleted at the keypad, a factory reset with guests
 * in house and the lock's replacement, a full lock, stays changed and
 * deleted, backups pulled. Fixed seeds, and one that changes each day so CI
 * keeps exploring; every seed is printed, and `npm run sim -- --seed N`
 * replays it.
 */

// A simulated hour is hundreds of ticks; their log lines would bury the report.
process.env.LOG_LEVEL = 'error';

const day = Math.floor(Date.now() / 86_400_000);
const SEEDS = process.env.SIM_SEEDS
  ? process.env.SIM_SEEDS.split(',').map(Number)
  : [1, 2, 3, 1000 + (day % 1000)];
const BUSY_HOUR = { seconds: 3600, locks: 12, stays: 65 };

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());

const reports: SimulationReport[] = [];

describe.sequential('a busy hour, simulated second by second', () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: every claim holds at every simulated second`, {
      timeout: 180_000,
    }, async () => {
      await database.truncate();
      const report = await runSimulation({ ...BUSY_HOUR, seed, database });
      console.log(describeReport(report));
      reports.push(report);
      expect(report.violations).toEqual([]);
      expect(report.staysBooked).toBe(report.staysPlanned);
      // Most stays are judged, and every one of them opened at check-in.
      expect(report.staysJudged).toBeGreaterThan(report.staysPlanned / 2);
      expect(report.workingAtCheckIn).toBe(report.staysJudged);
      expect(report.lateCodes).toEqual([]);
      expect(report.codesAfterCheckOut).toBe(0);
      // The faults happened: a full lock made guests wait, a replaced lock kept its codes' ids,
      // and every code removed at the keypad was back on the lock by the next tick.
      expect(report.guestsWaitedForSlot).toBeGreaterThan(0);
      expect(report.idsKeptOnReplacement).toBeGreaterThan(0);
      for (const removal of report.keypadRemovals) {
        expect(removal.restoredAfterSeconds).not.toBeNull();
        expect(removal.restoredAfterSeconds).toBeLessThanOrEqual(15);
      }
    });
  }

  it('across the seeds, backups were pulled for stays deleted afterwards, and returning guests asked for digits', () => {
    expect(reports).toHaveLength(SEEDS.length);
    expect(reports.reduce((n, r) => n + r.backupsPulled, 0)).toBeGreaterThan(0);
    expect(reports.reduce((n, r) => n + r.backupsOfDeletedStays, 0)).toBeGreaterThan(0);
    expect(reports.reduce((n, r) => n + r.bookingsRefused.length, 0)).toBeGreaterThan(0);
    for (const refusal of reports.flatMap((r) => r.bookingsRefused)) {
      expect(refusal.reason).toMatch(/^That code is already in use on Room \d+ by another code:/);
    }
  });
});

describe('the claims catch a broken reconciler', () => {
  it('a lock that never takes codes off: codes open after check-out', {
    timeout: 180_000,
  }, async () => {
    await database.truncate();
    const keepsEverything = (adapter: LockAdapter): LockAdapter => ({
      ...adapter,
      removeCode: async () => ({ pending: false }),
    });
    const report = await runSimulation({
      ...BUSY_HOUR,
      seed: 1,
      faults: false,
      database,
      wrapAdapter: keepsEverything,
    });
    expect(report.codesAfterCheckOut).toBeGreaterThan(0);
    expect(report.violations.map((v) => v.claim)).toContain(
      'nothing opens after check-out plus one tick',
    );
  });

  it('a lock whose clock runs 20 s slow: codes stored with their window open late', {
    timeout: 180_000,
  }, async () => {
    await database.truncate();
    const slowClock = (adapter: LockAdapter): LockAdapter => ({
      ...adapter,
      setCode: (id, request) =>
        adapter.setCode(
          id,
          request.startsAt
            ? { ...request, startsAt: new Date(request.startsAt.getTime() + 20_000) }
            : request,
        ),
    });
    const report = await runSimulation({
      ...BUSY_HOUR,
      seed: 1,
      faults: false,
      database,
      wrapAdapter: slowClock,
    });
    expect(report.lateCodes.length).toBeGreaterThan(0);
    expect(report.lateCodes.every((c) => c.lateBySeconds === 20)).toBe(true);
    expect(report.violations.map((v) => v.claim)).toContain(
      'every guest code on a healthy lock opens the door from its check-in second',
    );
  });
});
