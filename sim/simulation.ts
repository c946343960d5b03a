import { and, eq, inArray, sql } from 'drizzle-orm';
import { queryRows } from '@/db/client';
import { accessCodes, alerts, devices, simulatedLockCodes } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import {
  createAccessCode,
  deleteAccessCode,
  updateAccessCode,
} from '@/lib/access-codes/operations';
import { wantsOnLock } from '@/lib/access-codes/state';
import { leadMinutesOf, policyFor } from '@/lib/access-codes/store';
import type { Actor } from '@/lib/auth/actor';
import { pullBackupAccessCode } from '@/lib/backup-pools/pools';
import { replaceDevice } from '@/lib/devices/replace';
import {
  factoryResetSimulatedLock,
  removeAccessCodeAtSimulatedLock,
  setSimulatedLockOnline,
} from '@/lib/devices/simulated-controls';
import { AppError } from '@/lib/errors';
import type { AdapterResolver, LockAdapter } from '@/lib/locks/adapter';
import { SimulatedAdapter } from '@/lib/locks/simulated/adapter';
import { runTick } from '@/lib/reconciler/tick';
import { type Plan, type PlannedEvent, planPeriod, seededRandom } from './plan';

/**
 * A deterministic simulation of the reconciler under churn (issue 17): an
 * injected clock, simulated locks, the real tick every `tickSeconds`, the
 * real operations for bookings, changes, deletions, pulls, keypad removals,
 * factory resets and replacements, in the order a seed plans them. The
 * simulated locks' stored codes are the ground truth: after every tick and
 * every event the locks that changed are read back, so each code's time on
 * each lock is known to the second, and every claim below is checked for
 * every simulated second:
 *
 * - every guest code on a healthy lock opens the door from its check-in second
 *   to its check-out;
 * - nothing opens after its end (check-out, or deletion) plus one tick;
 * - a deleted stay's pulled backup stops within one tick;
 * - a waiting guest gets a freed slot before any pool code;
 * - access code ids survive a lock's replacement.
 *
 * This is the place where the next reconciler bug is reproduced: add the
 * event that triggers it to the plan (sim/plan.ts) and a claim here.
 */

export type SimulationOptions = {
  seed: number;
  /** Simulated length in seconds. */
  seconds: number;
  locks: number;
  stays: number;
  faults?: boolean;
  tickSeconds?: number;
  /** How often each lock is read back (the tick's syncIntervalMs). */
  syncSeconds?: number;
  /**
   * Run no tick when no code is due before the next one (month-long runs),
   * but one at the next 15 s after anything happens and at least one every
   * `maxIdleSeconds`, so pools refill and time-based alerts still fire.
   */
  skipIdle?: boolean;
  maxIdleSeconds?: number;
  database?: TestDatabase;
  /** Tests: plant a bug at the lock's side, to prove the claims catch it. */
  wrapAdapter?: (adapter: LockAdapter) => LockAdapter;
};

export type Violation = { claim: string; second: number; detail: string };

export type SimulationReport = {
  seed: number;
  seconds: number;
  locks: number;
  /** Asked for; a month of nights may fit fewer on the locks. */
  staysAsked: number;
  staysPlanned: number;
  staysBooked: number;
  /** Bookings refused with a reason (returning guests' digits a lock cannot hold twice). */
  bookingsRefused: { guest: string; reason: string }[];
  /** Stays on healthy locks, not deleted or changed at the last moment: each must open at check-in. */
  staysJudged: number;
  workingAtCheckIn: number;
  lateCodes: { guest: string; lateBySeconds: number }[];
  /** Codes that opened a door after their end plus one tick. */
  codesAfterCheckOut: number;
  /** Stays a fault touched before check-in, and of those, how many had an alert before the guest arrived. */
  staysFaultedBeforeArrival: number;
  alertedBeforeArrival: number;
  keypadRemovals: { restoredAfterSeconds: number | null }[];
  backupsPulled: number;
  backupsOfDeletedStays: number;
  changesRefused: number;
  guestsWaitedForSlot: number;
  idsKeptOnReplacement: number;
  ticks: number;
  wallMs: number;
  violations: Violation[];
};

const T0 = Date.UTC(2026, 11, 7, 15, 0, 0);
const at = (second: number) => new Date(T0 + second * 1000);

type Entry = {
  code: string;
  startsAt: Date | null;
  endsAt: Date | null;
  from: number;
  to: number | null;
  lock: string;
};

type LiveLock = {
  index: number;
  deviceId: string;
  externalId: string;
  native: boolean;
  full: boolean;
};

type LiveStay = {
  codeId?: string;
  digits?: string;
  checkIn: number;
  checkOut: number;
  deletedAt?: number;
  changedAt?: number;
  keypadRemovedAt?: number;
  backupId?: string;
  refused?: string;
};

export async function runSimulation(options: SimulationOptions): Promise<SimulationReport> {
  const started = performance.now();
  const tickSeconds = options.tickSeconds ?? 15;
  const faults = options.faults ?? true;
  const plan = planPeriod({
    seed: options.seed,
    seconds: options.seconds,
    locks: options.locks,
    stays: options.stays,
    faults,
  });
  const database = options.database ?? (await createTestDatabase());
  try {
    const simulation = new Simulation(database, plan, { ...options, tickSeconds });
    await simulation.setUp();
    await simulation.run();
    const report = await simulation.report();
    report.wallMs = Math.round(performance.now() - started);
    return report;
  } finally {
    if (!options.database) await database.close();
  }
}

class Simulation {
  private now = 0;
  private readonly db;
  private admin!: Actor;
  private desk!: Actor;
  private organizationId = '';
  private leadMinutes = 0;
  private readonly locks: LiveLock[] = [];
  private readonly stays: LiveStay[];
  /** Every Keyhold code id's times on its locks, in order. */
  private readonly entries = new Map<string, Entry[]>();
  /** Locks an adapter call or an event changed since they were last read. */
  private readonly dirty = new Set<string>();
  private readonly violations: Violation[] = [];
  private readonly refusals: SimulationReport['bookingsRefused'] = [];
  private readonly backupOriginals = new Map<string, number>();
  private readonly waited = new Set<string>();
  private changesRefused = 0;
  private idsKept = 0;
  private ticks = 0;
  private readonly random: () => number;

  constructor(
    database: TestDatabase,
    private readonly plan: Plan,
    private readonly options: SimulationOptions & { tickSeconds: number },
  ) {
    this.db = database.db;
    this.stays = plan.stays.map((s) => ({ checkIn: s.checkIn, checkOut: s.checkOut }));
    this.random = seededRandom(options.seed ^ 0x5eed);
  }

  async setUp() {
    const org = await createOrganization(this.db, {
      name: `Simulation ${this.options.seed}`,
      roles: ['admin', 'front_desk'],
    });
    this.organizationId = org.org.id;
    this.leadMinutes = await leadMinutesOf(this.db, org.org.id);
    this.admin = await actorFor(this.db, org, 'admin');
    this.desk = await actorFor(this.db, org, 'front_desk');
    for (const lock of this.plan.locks) {
      const device = await addSimulatedLock(this.db, {
        organizationId: org.org.id,
        propertyId: org.property.id,
        name: lock.name,
        room: String(101 + lock.index),
        slotLimit: lock.slotLimit,
        supportsNativeScheduling: lock.native,
      });
      if (lock.pool) {
        await this.db
          .update(devices)
          .set({ backupPoolEnabled: true })
          .where(eq(devices.id, device.id));
      }
      this.locks.push({
        index: lock.index,
        deviceId: device.id,
        externalId: device.externalId,
        native: lock.native,
        full: lock.full,
      });
    }
  }

  /** The simulated adapter on the simulation's clock, noting every lock it writes to. */
  private adapters(): AdapterResolver {
    const inner = new SimulatedAdapter(this.db, this.organizationId, this.random, () =>
      at(this.now),
    );
    const dirty = this.dirty;
    const adapter: LockAdapter = {
      name: inner.name,
      listDevices: () => inner.listDevices(),
      getDevice: (id) => inner.getDevice(id),
      listCodes: (id) => inner.listCodes(id),
      async setCode(id, request) {
        dirty.add(id);
        return inner.setCode(id, request);
      },
      async removeCode(id, codeId) {
        dirty.add(id);
        return inner.removeCode(id, codeId);
      },
    };
    const wrapped = this.options.wrapAdapter?.(adapter) ?? adapter;
    return () => wrapped;
  }

  async run() {
    const { tickSeconds } = this.options;
    const end = this.options.seconds + 2 * tickSeconds;
    const adapters = this.adapters();
    const bookings = [...this.plan.stays].sort((a, b) => a.bookAt - b.bookAt || a.index - b.index);
    const events = this.plan.events;
    let nextBooking = 0;
    let nextEvent = 0;
    let nextTick = 0;
    const nextPlanned = () =>
      Math.min(
        bookings[nextBooking]?.bookAt ?? Number.POSITIVE_INFINITY,
        events[nextEvent]?.at ?? Number.POSITIVE_INFINITY,
      );
    while (this.now <= end) {
      const next = Math.min(nextTick, nextPlanned());
      if (next > end) break;
      this.now = next;
      let happened = false;
      let eventful = false;
      while (bookings[nextBooking] && bookings[nextBooking]?.bookAt === this.now) {
        const stay = bookings[nextBooking++];
        if (stay) await this.book(stay.index);
        happened = true;
      }
      while (events[nextEvent] && events[nextEvent]?.at === this.now) {
        const event = events[nextEvent++];
        if (event) await this.apply(event);
        happened = true;
        eventful = true;
      }
      await this.observe();
      if (happened && this.options.skipIdle) {
        // What just happened may be due at once (a code booked for a lock
        // that stores schedules, a deletion, a lock asked to be read again, a
        // pool to refill after a pull).
        nextTick = Math.min(nextTick, eventful ? this.onGrid(this.now) : await this.dueTick(true));
      }
      if (this.now === nextTick) {
        await this.tick(adapters);
        nextTick = this.options.skipIdle
          ? Math.min(this.now + (this.options.maxIdleSeconds ?? 3600), await this.dueTick(false))
          : this.now + tickSeconds;
        nextTick = Math.max(nextTick, this.now + tickSeconds);
      }
    }
  }

  /**
   * The first tick on the grid at which something is due: a code, a message,
   * and (with `reads`) a lock to read back. Periodic reads wait for a tick
   * that runs anyway, at least every `maxIdleSeconds`; a read an event asked
   * for is due at once.
   */
  private async dueTick(reads: boolean): Promise<number> {
    const [due] = await queryRows<{ at: Date | string | null }>(
      this.db,
      sql`select least(
        (select min(next_attempt_at) from access_codes where next_attempt_at is not null),
        (select min(next_attempt_at) from messages where status in ('queued', 'sending')),
        ${reads ? sql`(select min(next_sync_at) from devices where status = 'active')` : sql`null`}
      ) as at`,
    );
    if (!due?.at) return Number.POSITIVE_INFINITY;
    return this.onGrid(Math.ceil((new Date(due.at).getTime() - T0) / 1000));
  }

  /** The first tick at or after `second` (and not before now). */
  private onGrid(second: number): number {
    const { tickSeconds } = this.options;
    return Math.max(this.now, Math.ceil(second / tickSeconds) * tickSeconds);
  }

  private async tick(adapters: AdapterResolver) {
    const before = this.codesOnLocks();
    await runTick(this.db, {
      now: at(this.now),
      adapters,
      random: this.random,
      transports: {},
      syncIntervalMs: (this.options.syncSeconds ?? 300) * 1000,
    });
    this.ticks++;
    const touched = [...this.dirty];
    await this.observe();
    await this.checkSlotsWentToGuests(touched, before);
  }

  // --- what happens at the front desk, in the API and at the locks ---

  private async book(index: number) {
    const planned = this.plan.stays[index];
    const stay = this.stays[index];
    const lock = planned ? this.locks[planned.lock] : undefined;
    if (!planned || !stay || !lock) return;
    const reused =
      planned.reuseDigitsOf !== undefined ? this.stays[planned.reuseDigitsOf]?.digits : undefined;
    const input = {
      deviceId: lock.deviceId,
      name: planned.guest,
      startsAt: at(planned.checkIn),
      endsAt: at(planned.checkOut),
    };
    const created = await createAccessCode(
      this.db,
      this.admin,
      reused ? { ...input, code: reused } : input,
      at(this.now),
    ).catch(async (error: unknown) => {
      if (!(error instanceof AppError) || !reused) throw error;
      // Refused with a reason: the integrator books again without asking for digits.
      this.refusals.push({ guest: planned.guest, reason: error.message });
      return createAccessCode(this.db, this.admin, input, at(this.now));
    });
    stay.codeId = created.id;
    stay.digits = created.code ?? undefined;
  }

  private async apply(event: PlannedEvent) {
    const now = at(this.now);
    switch (event.kind) {
      case 'offline': {
        const lock = this.locks[event.lock];
        if (!lock) return;
        await setSimulatedLockOnline(
          this.db,
          this.admin,
          { deviceId: lock.deviceId, online: event.online },
          now,
        );
        return;
      }
      case 'keypad_removal': {
        const stay = this.stays[event.stay];
        const lock = this.lockOfStay(event.stay);
        if (!stay?.codeId || !lock || stay.deletedAt !== undefined) return;
        await removeAccessCodeAtSimulatedLock(
          this.db,
          this.admin,
          { deviceId: lock.deviceId, accessCodeId: stay.codeId },
          now,
        );
        stay.keypadRemovedAt = this.now;
        this.dirty.add(lock.externalId);
        return;
      }
      case 'factory_reset': {
        const lock = this.locks[event.lock];
        if (!lock) return;
        const reset = await factoryResetSimulatedLock(
          this.db,
          this.admin,
          { deviceId: lock.deviceId },
          now,
        );
        this.dirty.add(lock.externalId);
        lock.externalId = reset.newExternalId;
        return;
      }
      case 'replace':
        return this.replace(event.lock);
      case 'change': {
        const stay = this.stays[event.stay];
        if (!stay?.codeId || stay.deletedAt !== undefined) return;
        try {
          await updateAccessCode(
            this.db,
            this.admin,
            stay.codeId,
            { startsAt: at(event.checkIn), endsAt: at(event.checkOut) },
            now,
          );
          stay.checkIn = event.checkIn;
          stay.checkOut = event.checkOut;
          stay.changedAt = this.now;
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          this.changesRefused++;
        }
        return;
      }
      case 'delete': {
        const stay = this.stays[event.stay];
        if (!stay?.codeId || stay.deletedAt !== undefined || this.now >= stay.checkOut) return;
        await deleteAccessCode(this.db, this.admin, stay.codeId, now);
        stay.deletedAt = this.now;
        return;
      }
      case 'pull': {
        const stay = this.stays[event.stay];
        if (!stay?.codeId || stay.deletedAt !== undefined || this.now >= stay.checkOut) return;
        try {
          const backup = await pullBackupAccessCode(this.db, this.desk, stay.codeId, now);
          stay.backupId = backup.id;
          this.backupOriginals.set(backup.id, event.stay);
        } catch (error) {
          // Refused with a reason the desk sees (no backup ready, lock in trouble).
          if (!(error instanceof AppError)) throw error;
        }
        return;
      }
    }
  }

  /** The admin replaces the reset lock with the device the tick found in its place. */
  private async replace(index: number) {
    const lock = this.locks[index];
    if (!lock) return;
    const [fresh] = await this.db
      .select({ id: devices.id })
      .from(devices)
      .where(
        and(
          eq(devices.organizationId, this.organizationId),
          eq(devices.externalId, lock.externalId),
        ),
      );
    if (!fresh) {
      this.violate('replacement', `the tick never found the reset ${lockName(index)} again`);
      return;
    }
    const before = await this.db
      .select({ id: accessCodes.id })
      .from(accessCodes)
      .where(
        and(
          eq(accessCodes.deviceId, lock.deviceId),
          eq(accessCodes.isBackup, false),
          sql`${accessCodes.deletedAt} is null`,
          sql`${accessCodes.endsAt} > ${at(this.now).toISOString()}::timestamptz`,
        ),
      );
    await replaceDevice(
      this.db,
      this.admin,
      { oldDeviceId: lock.deviceId, newDeviceId: fresh.id },
      at(this.now),
    );
    lock.deviceId = fresh.id;
    const after = before.length
      ? await this.db
          .select({ id: accessCodes.id, deviceId: accessCodes.deviceId })
          .from(accessCodes)
          .where(
            inArray(
              accessCodes.id,
              before.map((c) => c.id),
            ),
          )
      : [];
    for (const code of before) {
      const moved = after.find((c) => c.id === code.id);
      if (moved?.deviceId === fresh.id) this.idsKept++;
      else this.violate('ids survive replacement', `code ${code.id} did not move with its id`);
    }
  }

  // --- ground truth ---

  /** Read back the locks that changed, and note when each code went on, changed or came off. */
  private async observe() {
    if (this.dirty.size === 0) return;
    const locks = [...this.dirty];
    this.dirty.clear();
    const rows = await this.db
      .select()
      .from(simulatedLockCodes)
      .where(inArray(simulatedLockCodes.lockId, locks));
    const seen = new Set<string>();
    for (const row of rows) {
      if (!row.keyholdCodeId) continue;
      seen.add(row.keyholdCodeId);
      const list = this.entries.get(row.keyholdCodeId) ?? [];
      const open = list.at(-1);
      const same =
        open &&
        open.to === null &&
        open.lock === row.lockId &&
        open.code === row.code &&
        open.startsAt?.getTime() === row.startsAt?.getTime() &&
        open.endsAt?.getTime() === row.endsAt?.getTime();
      if (same) continue;
      if (open && open.to === null) open.to = this.now;
      list.push({
        code: row.code,
        startsAt: row.startsAt,
        endsAt: row.endsAt,
        from: this.now,
        to: null,
        lock: row.lockId,
      });
      this.entries.set(row.keyholdCodeId, list);
    }
    for (const [id, list] of this.entries) {
      const open = list.at(-1);
      if (open && open.to === null && locks.includes(open.lock) && !seen.has(id))
        open.to = this.now;
    }
  }

  /** The seconds in [from, to) at which the code opened a door, up to the end of the run. */
  private openIntervals(codeId: string): [number, number][] {
    const result: [number, number][] = [];
    for (const entry of this.entries.get(codeId) ?? []) {
      const windowFrom = entry.startsAt
        ? Math.ceil((entry.startsAt.getTime() - T0) / 1000)
        : -Infinity;
      const windowTo = entry.endsAt ? Math.ceil((entry.endsAt.getTime() - T0) / 1000) : Infinity;
      const from = Math.max(entry.from, windowFrom);
      const to = Math.min(entry.to ?? this.now, windowTo);
      if (from < to) result.push([from, to]);
    }
    return result;
  }

  private codesOnLocks(): Set<string> {
    const ids = new Set<string>();
    for (const [id, list] of this.entries) if (list.at(-1)?.to === null) ids.add(id);
    return ids;
  }

  /** A pool code that went on a lock while a guest code wanting to be there was not on it. */
  private async checkSlotsWentToGuests(touched: string[], before: Set<string>) {
    const lockIds = this.locks.filter((l) => touched.includes(l.externalId) && l.full);
    for (const lock of lockIds) {
      const codes = await this.db
        .select()
        .from(accessCodes)
        .where(and(eq(accessCodes.deviceId, lock.deviceId), sql`${accessCodes.deletedAt} is null`));
      const onLock = new Set(
        [...this.entries]
          .filter(([, list]) => list.at(-1)?.to === null && list.at(-1)?.lock === lock.externalId)
          .map(([id]) => id),
      );
      const newPoolCodes = codes.filter(
        (c) => c.isBackup && c.pulledAt === null && onLock.has(c.id) && !before.has(c.id),
      );
      const policy = policyFor({ supportsNativeScheduling: lock.native }, this.leadMinutes);
      const waiting = codes.filter(
        (c) =>
          !c.isBackup &&
          c.status !== 'removed' &&
          wantsOnLock(c, policy, at(this.now)) &&
          !onLock.has(c.id),
      );
      for (const code of waiting) this.waited.add(code.id);
      if (newPoolCodes.length > 0 && waiting.length > 0) {
        this.violate(
          'a waiting guest gets a freed slot before any pool code',
          `${newPoolCodes.length} pool code(s) went on ${lockName(lock.index)} while ${waiting.map((c) => c.name).join(', ')} waited`,
        );
      }
    }
  }

  private violate(claim: string, detail: string, second = this.now) {
    this.violations.push({ claim, second, detail });
  }

  private lockOfStay(index: number): LiveLock | undefined {
    const planned = this.plan.stays[index];
    return planned ? this.locks[planned.lock] : undefined;
  }

  /** Whether a fault kept this lock from being judged at any second in [from, to]. */
  private faulted(lock: number, from: number, to: number): boolean {
    return this.plan.faultWindows.some(
      (w) => w.lock === lock && w.from <= to + this.options.tickSeconds && from <= w.to,
    );
  }

  // --- the verdict ---

  async report(): Promise<SimulationReport> {
    const { tickSeconds } = this.options;
    const codes = await this.db
      .select()
      .from(accessCodes)
      .where(eq(accessCodes.organizationId, this.organizationId));
    const byId = new Map(codes.map((c) => [c.id, c]));
    const seconds = (d: Date | null) => (d ? Math.round((d.getTime() - T0) / 1000) : Infinity);

    let judged = 0;
    let working = 0;
    const late: SimulationReport['lateCodes'] = [];
    let faultedBeforeArrival = 0;
    let alertedBeforeArrival = 0;
    const keypad: SimulationReport['keypadRemovals'] = [];
    const openAlerts = await this.db
      .select({
        deviceId: alerts.deviceId,
        accessCodeId: alerts.accessCodeId,
        openedAt: alerts.openedAt,
      })
      .from(alerts)
      .where(eq(alerts.organizationId, this.organizationId));

    for (const planned of this.plan.stays) {
      const stay = this.stays[planned.index];
      const lock = this.locks[planned.lock];
      if (!stay?.codeId || !lock) continue;
      const open = this.openIntervals(stay.codeId);
      const opensAt = (s: number) => open.some(([from, to]) => from <= s && s < to);
      if (stay.keypadRemovedAt !== undefined) {
        const back = open.find(([from]) => from >= (stay.keypadRemovedAt ?? 0));
        keypad.push({ restoredAfterSeconds: back ? back[0] - (stay.keypadRemovedAt ?? 0) : null });
      }
      const faulted = this.faulted(planned.lock, planned.bookAt, stay.checkOut);
      if (faulted && stay.deletedAt === undefined) {
        const before = this.plan.faultWindows.some(
          (w) =>
            w.lock === planned.lock && w.from < stay.checkIn && stay.checkIn <= w.to + tickSeconds,
        );
        if (before) {
          faultedBeforeArrival++;
          const alerted = openAlerts.some(
            (a) =>
              (a.deviceId === lock.deviceId || a.accessCodeId === stay.codeId) &&
              seconds(a.openedAt) <= stay.checkIn,
          );
          if (alerted) alertedBeforeArrival++;
        }
      }
      const lastMinuteChange =
        stay.changedAt !== undefined && stay.checkIn - stay.changedAt < 2 * tickSeconds;
      const healthy =
        !faulted &&
        !lock.full &&
        stay.deletedAt === undefined &&
        stay.keypadRemovedAt === undefined &&
        !lastMinuteChange;
      // A stay the run ended before (moved past its end) is not judged.
      if (!healthy || stay.checkIn > this.now) continue;
      judged++;
      if (opensAt(stay.checkIn)) working++;
      else {
        const first = open.find(([, to]) => to > stay.checkIn);
        const lateBy = first ? Math.max(first[0], stay.checkIn) - stay.checkIn : Infinity;
        late.push({ guest: planned.guest, lateBySeconds: lateBy });
        this.violate(
          'every guest code on a healthy lock opens the door from its check-in second',
          `${planned.guest} on ${lockName(planned.lock)}: ${
            Number.isFinite(lateBy) ? `first opened ${lateBy} s late` : 'never opened'
          }`,
          stay.checkIn,
        );
        continue;
      }
      // And keeps opening until check-out.
      let covered = stay.checkIn;
      for (const [from, to] of [...open].sort((a, b) => a[0] - b[0])) {
        if (from > covered) break;
        covered = Math.max(covered, to);
      }
      if (covered < Math.min(stay.checkOut, this.now)) {
        this.violate(
          'every guest code on a healthy lock opens the door until check-out',
          `${planned.guest} on ${lockName(planned.lock)} stopped opening at second ${covered}`,
          covered,
        );
      }
    }

    // Nothing opens after its end (check-out, deletion, its original's deletion) plus one tick.
    let afterCheckOut = 0;
    let backupsOfDeletedStays = 0;
    for (const [id] of this.entries) {
      const code = byId.get(id);
      if (!code || (code.isBackup && !code.pulledAt)) continue;
      const originalStay = this.backupOriginals.get(id);
      const originalDeleted =
        originalStay !== undefined ? this.stays[originalStay]?.deletedAt : undefined;
      if (originalDeleted !== undefined) backupsOfDeletedStays++;
      const end = Math.min(
        seconds(code.endsAt),
        seconds(code.deletedAt),
        originalDeleted ?? Infinity,
      );
      const limit = end + tickSeconds;
      const lockIndex = this.locks.find((l) => l.deviceId === code.deviceId)?.index;
      for (const [from, to] of this.openIntervals(id)) {
        const after = Math.max(from, limit);
        if (after >= to) continue;
        if (lockIndex !== undefined && this.faulted(lockIndex, after, to)) continue;
        afterCheckOut++;
        this.violate(
          originalDeleted !== undefined
            ? "a deleted stay's backup stops within one tick"
            : 'nothing opens after check-out plus one tick',
          `${code.name ?? 'a code'} opened from second ${after} to ${to === Infinity ? 'the end' : to}, ${after - end} s after its end`,
          after,
        );
        break;
      }
    }

    return {
      seed: this.options.seed,
      seconds: this.options.seconds,
      locks: this.locks.length,
      staysAsked: this.options.stays,
      staysPlanned: this.plan.stays.length,
      staysBooked: this.stays.filter((s) => s.codeId).length,
      bookingsRefused: this.refusals,
      staysJudged: judged,
      workingAtCheckIn: working,
      lateCodes: late,
      codesAfterCheckOut: afterCheckOut,
      staysFaultedBeforeArrival: faultedBeforeArrival,
      alertedBeforeArrival,
      keypadRemovals: keypad,
      backupsPulled: this.backupOriginals.size,
      backupsOfDeletedStays,
      changesRefused: this.changesRefused,
      guestsWaitedForSlot: this.waited.size,
      idsKeptOnReplacement: this.idsKept,
      ticks: this.ticks,
      wallMs: 0,
      violations: this.violations,
    };
  }
}

function lockName(index: number): string {
  return `Room ${101 + index}`;
}

/** The report as a few lines a person reads. */
export function describeReport(r: SimulationReport): string {
  const days = r.seconds / 86_400;
  const span = days >= 1 ? `${Math.round(days)} days` : `${Math.round(r.seconds / 60)} minutes`;
  const maxLate = r.lateCodes.reduce((m, c) => Math.max(m, c.lateBySeconds), 0);
  const restored = r.keypadRemovals
    .map((k) => k.restoredAfterSeconds)
    .filter((s): s is number => s !== null)
    .sort((a, b) => a - b);
  const never = r.keypadRemovals.length - restored.length;
  const fitted =
    r.staysPlanned < r.staysAsked
      ? ` (${r.staysAsked} asked; the rest did not fit the period)`
      : '';
  return [
    `seed ${r.seed}: ${span}, ${r.locks} locks, ${r.staysBooked} of ${r.staysPlanned} stays booked${fitted}, ${r.ticks} ticks, ${(r.wallMs / 1000).toFixed(1)} s`,
    `  working code at check-in: ${r.workingAtCheckIn} of ${r.staysJudged} stays on healthy locks`,
    `  late codes: ${r.lateCodes.length}${r.lateCodes.length ? ` (worst ${maxLate} s)` : ''}`,
    `  codes opening after check-out plus one tick: ${r.codesAfterCheckOut}`,
    `  stays a fault touched before arrival: ${r.staysFaultedBeforeArrival}, with an alert before the guest arrived: ${r.alertedBeforeArrival}`,
    `  codes removed at the keypad: ${r.keypadRemovals.length}${
      restored.length
        ? `, back on the lock after ${restored[0]}–${restored.at(-1)} s (median ${restored[Math.floor(restored.length / 2)]} s)`
        : ''
    }${never ? `, ${never} never back` : ''}`,
    `  backups pulled: ${r.backupsPulled}, of stays deleted afterwards: ${r.backupsOfDeletedStays}`,
    `  guests who waited for a slot on the full lock: ${r.guestsWaitedForSlot}; ids kept on replacement: ${r.idsKeptOnReplacement}`,
    `  returning guests' digits refused with a reason: ${r.bookingsRefused.length}; changes refused: ${r.changesRefused}`,
    `  violations: ${r.violations.length}`,
    ...r.violations.slice(0, 10).map((v) => `    at second ${v.second}: ${v.claim} — ${v.detail}`),
  ].join('\n');
}
