// npm run sim -- [--days 30] [--hours H] [--locks 50] [--stays 1000] [--seed 1] [--seeds 3]
//                [--tick 15] [--sync 300] [--no-faults]
//
// Runs the reconciler simulation (sim/simulation.ts) on an in-memory PGlite
// (or the server at DATABASE_URL) and prints each seed's guest outcome. By
// default a busy hour of 12 locks and 65 stays, ticking every 15 s and reading
// each lock back every 5 minutes. A run longer than two days (a month) skips
// the ticks that would find no code due — at least one every four hours, and
// one at the next 15 s after anything happens — and reads locks back daily
// (what happens at a lock asks for a read at once, as in the admin CLI), so
// a month runs in under a minute. Exits 1 when any claim was broken.
import { parseArgs } from 'node:util';
import { describeReport, runSimulation } from './simulation';

const { values } = parseArgs({
  options: {
    days: { type: 'string' },
    hours: { type: 'string' },
    locks: { type: 'string', default: '12' },
    stays: { type: 'string', default: '65' },
    seed: { type: 'string', default: '1' },
    seeds: { type: 'string', default: '1' },
    tick: { type: 'string', default: '15' },
    sync: { type: 'string' },
    'no-faults': { type: 'boolean', default: false },
  },
});

function positive(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${name} must be a positive number (got ${value}).`);
    process.exit(2);
  }
  return n;
}

const seconds = values.days
  ? positive('days', values.days) * 86_400
  : positive('hours', values.hours ?? '1') * 3600;
const month = seconds > 2 * 86_400;
const first = Math.trunc(positive('seed', values.seed));
let broken = 0;
for (let seed = first; seed < first + positive('seeds', values.seeds); seed++) {
  const report = await runSimulation({
    seed,
    seconds,
    locks: Math.trunc(positive('locks', values.locks)),
    stays: Math.trunc(positive('stays', values.stays)),
    faults: !values['no-faults'],
    tickSeconds: positive('tick', values.tick),
    syncSeconds: positive('sync', values.sync ?? (month ? '86400' : '300')),
    skipIdle: month,
    maxIdleSeconds: 4 * 3600,
  });
  console.log(describeReport(report));
  broken += report.violations.length;
}
process.exit(broken > 0 ? 1 : 0);
