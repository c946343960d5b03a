import { TZDate } from '@date-fns/tz';
import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  accessCodes,
  alerts,
  auditLog,
  devices,
  organizations,
  simulatedLockCodes,
  staffAccess,
  staffMembers,
  staffWindows,
} from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import { syncAlerts } from '@/lib/alerts/alerts';
import type { Actor } from '@/lib/auth/actor';
import { setLockPoolSize } from '@/lib/backup-pools/pools';
import { defaultAdapters } from '@/lib/devices/connections';
import { runTick } from '@/lib/reconciler/tick';
import { createReservation } from '@/lib/reservations/operations';
import { createStaffMember } from '@/lib/staff/members';
import { forecastLock, type SlotNeed, slotForecast } from './forecast';
import { forecastSlotShortages, SLOT_SHORTAGE_FORECAST } from './shortages';

/**
 * The slot forecast (issue 22): for each lock with a known capacity, the
 * slots it will need hour by hour over 14 days; the first moment it runs
 * short, the stays left without a code by the reconciler's own rule (a code
 * on the lock is never pushed out, the nearest arrival goes first, so the
 * latest arrivals are the ones left out), the fixes that clear it, and the
 * alert days ahead.
 */

const ZONE = 'America/New_York';
/** A local time at the test property, December 2026 (no DST change within). */
const local = (day: number, hour: number, minute = 0) =>
  new Date(new TZDate(2026, 11, day, hour, minute, 0, ZONE).getTime());
/** Tuesday 1 December 2026, noon at the property. */
const T0 = local(1, 12);
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const later = (at: Date, ms: number) => new Date(at.getTime() + ms);
const iso = (at: Date) => at.toISOString();

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database?.close());
// Every tick works every organization's locks: each test starts from an empty database.
beforeEach(() => database.truncate());

const tick = (now: Date) =>
  runTick(database.db, { now, adapters: defaultAdapters(database.db), random: () => 1 });

type Hotel = Awaited<ReturnType<typeof hotel>>;

/**
 * An organization with one lock of `slotLimit` slots and a pool of
 * `poolSize`, and a stay helper: every stay is on that lock (a shared
 * entrance, say), booked ten days before T0.
 */
async function hotel(
  options: { slotLimit: number; poolSize: number; native?: boolean; leadMinutes?: number } = {
    slotLimit: 10,
    poolSize: 3,
  },
) {
  const db = database.db;
  const org = await createOrganization(db, { roles: ['admin', 'owner', 'front_desk'] });
  if (options.leadMinutes !== undefined) {
    await db
      .update(organizations)
      .set({ programmingLeadMinutes: options.leadMinutes })
      .where(eq(organizations.id, org.org.id));
  }
  const lock = await addSimulatedLock(db, {
    organizationId: org.org.id,
    propertyId: org.property.id,
    name: 'Entrance',
    slotLimit: options.slotLimit,
    supportsNativeScheduling: options.native ?? false,
  });
  await db
    .update(devices)
    .set({ backupPoolEnabled: options.poolSize > 0, backupPoolSize: options.poolSize })
    .where(eq(devices.id, lock.id));
  const admin = await actorFor(db, org, 'admin');
  const owner = await actorFor(db, org, 'owner');
  const frontDesk = await actorFor(db, org, 'front_desk');
  const stay = (guestName: string, checkInDate: string, checkOutDate: string) =>
    createReservation(
      db,
      admin,
      {
        propertyId: org.property.id,
        guestName,
        checkInDate,
        checkOutDate,
        deviceIds: [lock.id],
        allowOverlap: true,
      },
      later(T0, -10 * 24 * HOUR),
    );
  return { org, lock, admin, owner, frontDesk, stay };
}

/**
 * The case: 10 slots, a pool of 3, a guest in house and eight
 * arrivals on eight days (15:00 check-in, lead 30 minutes): 12 needs. The
 * eighth night's arrival (the eleventh need) finds the lock full.
 */
async function busyEntrance(options: { native?: boolean; leadMinutes?: number } = {}) {
  const h = await hotel({ slotLimit: 10, poolSize: 3, ...options });
  const inHouse = await h.stay('In House', '2026-11-28', '2026-12-20');
  const arrivals = [];
  for (let day = 2; day <= 9; day++) {
    arrivals.push(await h.stay(`Guest ${day}`, `2026-12-0${day}`, '2026-12-20'));
  }
  // The guest in house gets their code and the pool its three codes.
  await tick(T0);
  return { ...h, inHouse, arrivals };
}

const lockOf = async (h: Hotel, actor: Actor = h.admin, now = T0) => {
  const forecast = await slotForecast(database.db, actor, now);
  const lock = forecast.locks.find((l) => l.deviceId === h.lock.id);
  if (!lock) throw new Error('the lock is not in the forecast');
  return lock;
};

describe('the pure forecast', () => {
  const from = new Date('2026-12-01T10:00:00Z');
  const at = (minutes: number) => later(from, minutes * MINUTE);
  const need = (id: string, fromMin: number | null, untilMin: number | null, extra = {}) =>
    ({
      id,
      kind: 'code',
      from: fromMin === null ? null : at(fromMin),
      until: untilMin === null ? null : at(untilMin),
      startsAt: fromMin === null ? null : at(fromMin + 30),
      onLock: false,
      ...extra,
    }) satisfies SlotNeed;

  it('counts the peak within each hour, not the count at the hour’s start', () => {
    const result = forecastLock({
      capacity: 5,
      needs: [need('a', 10, 40), need('b', 20, 50), need('c', 70, 80)],
      from,
      hours: 3,
    });
    expect(result.hourly).toEqual([2, 1, 0]);
    expect(result.peak).toBe(2);
    expect(result.peakAt?.getTime()).toBe(at(20).getTime());
    expect(result.firstShortage).toBeNull();
  });

  it('counts the same need hour by hour whether or not the lock has room for all', () => {
    // A lock with room for every need takes a shorter road; the need it counts is the same.
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    for (let round = 0; round < 50; round++) {
      const needs = Array.from({ length: 1 + Math.floor(random() * 12) }, (_, i) => {
        const fromMin = random() < 0.2 ? null : Math.floor(random() * 600) - 60;
        const length = Math.floor(random() * 400);
        return need(`n${i}`, fromMin, random() < 0.1 ? null : (fromMin ?? 0) + length, {
          onLock: fromMin === null,
        });
      });
      const roomy = forecastLock({ capacity: needs.length, needs, from, hours: 12 });
      const full = forecastLock({ capacity: 0, needs, from, hours: 12 });
      expect(full.hourly, `round ${round}`).toEqual(roomy.hourly);
      expect(full.peak).toBe(roomy.peak);
      expect(full.peakAt?.getTime()).toBe(roomy.peakAt?.getTime());
      expect(roomy.firstShortage).toBeNull();
    }
  });

  it('never pushes out a code on the lock: the latest arrival is left out, at its check-in', () => {
    const result = forecastLock({
      capacity: 2,
      needs: [
        // An in-house guest's code, on the lock.
        need('in-house', null, 600, { onLock: true, startsAt: at(-600) }),
        need('nearer', 60, 600),
        // Asked for in the same tick as the nearer one (a lock that keeps schedules).
        need('later', 60, 600, { startsAt: at(200) }),
      ],
      from,
      hours: 12,
    });
    expect(result.firstShortage?.getTime()).toBe(at(60).getTime());
    expect(result.leftOut.map((n) => n.need.id)).toEqual(['later']);
    expect(result.leftOut[0]?.at.getTime()).toBe(at(200).getTime());
  });

  it('gives a freed slot to the waiting guest before the pool, and a guest who gets it before check-in is not left out', () => {
    const result = forecastLock({
      capacity: 2,
      needs: [
        need('leaving', null, 100, { onLock: true, startsAt: at(-600) }),
        need('pool', null, null, { kind: 'pool', startsAt: null, onLock: true }),
        need('pool-2', null, null, { kind: 'pool', startsAt: null }),
        // Asked for at 60, check-in at 120: the slot freed at 100 is its.
        need('arriving', 60, 600, { startsAt: at(120) }),
      ],
      from,
      hours: 12,
    });
    expect(result.firstShortage?.getTime()).toBe(from.getTime());
    expect(result.leftOut.map((n) => n.need.id)).toEqual(['pool-2']);
  });
});

describe('what takes a slot when', () => {
  it('names the first short moment and the latest arrivals left without a code, never the guest in house', async () => {
    const h = await busyEntrance();
    const lock = await lockOf(h);
    expect(lock.capacity).toBe(10);
    expect(lock.peak).toBe(12);
    // The eighth night's guest is programmed at 14:30 for 15:00 and finds no slot.
    expect(lock.firstShortage).toBe(iso(local(8, 14, 30)));
    expect(lock.stays.map((s) => s.guestName)).toEqual(['Guest 8', 'Guest 9']);
    expect(lock.stays[0]).toEqual({
      reservationId: h.arrivals[6]?.id,
      guestName: 'Guest 8',
      checkIn: iso(local(8, 15)),
    });
    expect(lock.stays.map((s) => s.reservationId)).not.toContain(h.inHouse.id);
    expect(lock.timeZone).toBe(ZONE);
    expect(lock.daily).toHaveLength(14);
    expect(Math.max(...lock.daily.map((d) => d.peak))).toBe(12);
    // The hour by hour need: 4 now (the guest in house and the pool), 11 from 14:30 on the 8th.
    expect(lock.daily[0]?.peak).toBe(4);
  });

  it('moves when a code starts needing a slot with the lead time and with a lock’s own schedules', async () => {
    const longerLead = await busyEntrance({ leadMinutes: 120 });
    expect((await lockOf(longerLead)).firstShortage).toBe(iso(local(8, 13)));
    // Programmed 72 hours ahead, window and all: the lock runs short three days earlier.
    const native = await busyEntrance({ native: true });
    const lock = await lockOf(native);
    expect(lock.firstShortage).toBe(iso(local(5, 15)));
    expect(lock.stays.map((s) => s.guestName)).toEqual(['Guest 8', 'Guest 9']);
  });

  it('counts a lock with no known capacity not at all, and a clear lock as clear', async () => {
    const h = await hotel({ slotLimit: 10, poolSize: 2 });
    await h.stay('Only Guest', '2026-12-03', '2026-12-05');
    const unknown = await addSimulatedLock(database.db, {
      organizationId: h.org.org.id,
      propertyId: h.org.property.id,
    });
    await database.db.update(devices).set({ slotLimit: null }).where(eq(devices.id, unknown.id));
    const forecast = await slotForecast(database.db, h.admin, T0);
    expect(forecast.locks.map((l) => l.deviceId)).toEqual([h.lock.id]);
    const lock = await lockOf(h);
    expect(lock.firstShortage).toBeNull();
    expect(lock.stays).toEqual([]);
    expect(lock.fixes).toEqual([]);
    // Two pool codes, then the guest from 14:30 on the 3rd.
    expect(lock.peak).toBe(3);
    expect(lock.peakAt).toBe(iso(local(3, 14, 30)));
  });
});

describe('staff windows', () => {
  /** 10 slots, a pool of 2, eight stays: full from the eighth's 14:30, short only with a cleaner in. */
  async function withCleaner() {
    const h = await hotel({ slotLimit: 10, poolSize: 2 });
    await h.stay('In House', '2026-11-28', '2026-12-20');
    for (let day = 2; day <= 8; day++) {
      await h.stay(`Guest ${day}`, `2026-12-0${day}`, '2026-12-20');
    }
    await tick(T0);
    const before = await lockOf(h);
    const [cleaner] = await database.db
      .insert(staffMembers)
      .values({ organizationId: h.org.org.id, name: 'Casey Clean', role: 'cleaning', code: '4821' })
      .returning();
    if (!cleaner) throw new Error('no cleaner');
    await database.db.insert(staffAccess).values({
      organizationId: h.org.org.id,
      staffMemberId: cleaner.id,
      deviceId: h.lock.id,
    });
    await database.db.insert(staffWindows).values({
      organizationId: h.org.org.id,
      staffMemberId: cleaner.id,
      kind: 'weekly',
      days: [1, 2, 3, 4, 5],
      startTime: '09:00',
      endTime: '17:00',
    });
    return { ...h, before, cleaner };
  }

  it('counts a cleaner’s weekly window: in their window they keep the slot and the arrival is left out', async () => {
    const h = await withCleaner();
    expect(h.before.firstShortage).toBeNull();
    expect(h.before.peak).toBe(10);
    const lock = await lockOf(h);
    // Tuesday the 8th: the cleaner's code goes on at 08:30, the eighth guest's at 14:30.
    expect(lock.peak).toBe(11);
    expect(lock.firstShortage).toBe(iso(local(8, 14, 30)));
    expect(lock.stays.map((s) => s.guestName)).toEqual(['Guest 8']);
    // The eighth guest has the slot from 17:00: the cleaner finds none on Wednesday morning.
    expect(lock.staff).toEqual([
      { staffMemberId: h.cleaner.id, name: 'Casey Clean', at: iso(local(9, 9)) },
    ]);
    expect(lock.fixes).toContainEqual({
      kind: 'move_staff_window',
      staffMemberId: h.cleaner.id,
      name: 'Casey Clean',
      clears: true,
    });
  });

  it('never counts a cleaner twice once their code for a window exists', async () => {
    const h = await withCleaner();
    const counted = await lockOf(h);
    await database.db.insert(accessCodes).values({
      organizationId: h.org.org.id,
      deviceId: h.lock.id,
      staffMemberId: h.cleaner.id,
      type: 'time_bound',
      code: '4821',
      name: 'Casey Clean',
      startsAt: local(8, 9),
      endsAt: local(8, 17),
    });
    const lock = await lockOf(h);
    expect(lock.peak).toBe(counted.peak);
    expect(lock.firstShortage).toBe(counted.firstShortage);
    expect(lock.daily).toEqual(counted.daily);
  });
});

describe('fixes', () => {
  it('names the smallest pool cut that clears it; setting it leaves that many pool codes after a tick', async () => {
    const h = await busyEntrance();
    const lock = await lockOf(h);
    expect(lock.fixes).toContainEqual({
      kind: 'shrink_pool',
      deviceId: h.lock.id,
      from: 3,
      to: 1,
      clears: true,
    });
    // A shorter lead does not help stays that all arrive on different days.
    expect(lock.fixes.some((f) => f.kind === 'shorten_lead')).toBe(false);

    await setLockPoolSize(
      database.db,
      h.owner,
      { deviceId: h.lock.id, size: 1 },
      later(T0, MINUTE),
    );
    await tick(later(T0, 2 * MINUTE));
    const pool = await database.db
      .select({ id: accessCodes.id })
      .from(accessCodes)
      .where(
        and(
          eq(accessCodes.deviceId, h.lock.id),
          eq(accessCodes.isBackup, true),
          isNull(accessCodes.pulledAt),
          isNull(accessCodes.deletedAt),
        ),
      );
    expect(pool).toHaveLength(1);
    const onLock = await database.db
      .select({ id: simulatedLockCodes.keyholdCodeId })
      .from(simulatedLockCodes)
      .where(eq(simulatedLockCodes.lockId, h.lock.externalId));
    // The guest in house and one pool code.
    expect(onLock.map((c) => c.id).sort()).toEqual(
      [pool[0]?.id, h.inHouse.accessCodes[0]?.id].sort(),
    );
    // Later ticks keep it at one.
    await tick(later(T0, 10 * MINUTE));
    const after = await lockOf(h, h.admin, later(T0, 10 * MINUTE));
    expect(after.pool).toEqual({ enabled: true, size: 1 });
    expect(after.firstShortage).toBeNull();
    expect(after.stays).toEqual([]);
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(
        and(eq(auditLog.organizationId, h.org.org.id), eq(auditLog.action, 'backup_pool.resized')),
      );
    expect(entry).toMatchObject({ targetId: h.lock.id, detail: { from: 3, to: 1 } });
  });

  it('takes a pool’s extra codes off at the next tick when the organization’s size is cut too', async () => {
    const h = await hotel({ slotLimit: 10, poolSize: 3 });
    await database.db
      .update(devices)
      .set({ backupPoolSize: null })
      .where(eq(devices.id, h.lock.id));
    await tick(T0);
    const unpulled = async () =>
      database.db
        .select({ id: accessCodes.id })
        .from(accessCodes)
        .where(
          and(
            eq(accessCodes.deviceId, h.lock.id),
            eq(accessCodes.isBackup, true),
            isNull(accessCodes.pulledAt),
            isNull(accessCodes.deletedAt),
          ),
        );
    expect(await unpulled()).toHaveLength(5);
    await database.db
      .update(organizations)
      .set({ backupPoolSize: 2 })
      .where(eq(organizations.id, h.org.org.id));
    await tick(later(T0, MINUTE));
    expect(await unpulled()).toHaveLength(2);
    expect((await lockOf(h, h.admin, later(T0, MINUTE))).pool).toEqual({ enabled: true, size: 2 });
  });

  it('offers the programming lead (org-wide) where a shorter lead clears it', async () => {
    // One slot; a guest leaves at 11:00 and the next arrives at 15:00 the same day.
    const h = await hotel({ slotLimit: 1, poolSize: 0, leadMinutes: 300 });
    await h.stay('Leaving', '2026-11-28', '2026-12-04');
    await h.stay('Arriving', '2026-12-04', '2026-12-06');
    await tick(T0);
    const lock = await lockOf(h);
    // Programmed at 10:00 while the room's guest holds the slot until 11:00.
    expect(lock.firstShortage).toBe(iso(local(4, 10)));
    // The slot frees at 11:00, before check-in: nobody is left without a code.
    expect(lock.stays).toEqual([]);
    expect(lock.fixes).toEqual([{ kind: 'shorten_lead', from: 300, to: 240, clears: true }]);
  });
});

describe('the alert, days ahead', () => {
  it('opens when a shortage is 4 days away and resolves once the fix is made', async () => {
    const h = await hotel({ slotLimit: 3, poolSize: 2 });
    await h.stay('In House', '2026-11-28', '2026-12-20');
    await h.stay('Ada Arrival', '2026-12-05', '2026-12-07');
    const stats = await tick(T0);
    const [row] = await database.db.select().from(devices).where(eq(devices.id, h.lock.id));
    const warning = row?.warnings.find((w) => w.code === SLOT_SHORTAGE_FORECAST);
    expect(warning?.message).toBe(
      'Entrance runs out of code slots on Sat, 5 Dec 2026, 14:30 EST: 1 stay would be left without a code (Ada Arrival).',
    );
    expect(stats.alertsOpened).toBeGreaterThanOrEqual(1);
    const open = await database.db
      .select()
      .from(alerts)
      .where(and(eq(alerts.deviceId, h.lock.id), eq(alerts.kind, SLOT_SHORTAGE_FORECAST)));
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({ status: 'open', severity: 'warning' });

    // A later tick within 15 minutes leaves it as it is.
    await tick(later(T0, 5 * MINUTE));
    await setLockPoolSize(
      database.db,
      h.admin,
      { deviceId: h.lock.id, size: 1 },
      later(T0, 6 * MINUTE),
    );
    await tick(later(T0, 7 * MINUTE));
    const [fixed] = await database.db.select().from(devices).where(eq(devices.id, h.lock.id));
    expect(fixed?.warnings.map((w) => w.code)).not.toContain(SLOT_SHORTAGE_FORECAST);
    const [resolved] = await database.db
      .select()
      .from(alerts)
      .where(and(eq(alerts.deviceId, h.lock.id), eq(alerts.kind, SLOT_SHORTAGE_FORECAST)));
    expect(resolved).toMatchObject({ status: 'resolved' });
  });

  it('looks again at most every 15 minutes per organization', async () => {
    const h = await hotel({ slotLimit: 2, poolSize: 0 });
    await h.stay('In House', '2026-11-28', '2026-12-20');
    const first = await forecastSlotShortages(database.db, T0);
    expect(first.organizations).toBeGreaterThanOrEqual(1);
    await h.stay('Bo Arrival', '2026-12-03', '2026-12-07');
    await h.stay('Cy Arrival', '2026-12-04', '2026-12-07');
    await forecastSlotShortages(database.db, later(T0, 10 * MINUTE));
    const warned = async () =>
      (await database.db.select().from(devices).where(eq(devices.id, h.lock.id)))[0]?.warnings.map(
        (w) => w.code,
      );
    expect(await warned()).not.toContain(SLOT_SHORTAGE_FORECAST);
    await forecastSlotShortages(database.db, later(T0, 15 * MINUTE));
    expect(await warned()).toContain(SLOT_SHORTAGE_FORECAST);
    await syncAlerts(database.db, later(T0, 15 * MINUTE));
  });
});

describe('a change to who needs the lock', () => {
  it('has the next tick look again at once: a cleaner added through Staff warns within minutes, not 15', async () => {
    const h = await hotel({ slotLimit: 2, poolSize: 0 });
    await h.stay('In House', '2026-11-28', '2026-12-20');
    await h.stay('Bo Arrival', '2026-12-02', '2026-12-20');
    await tick(T0);
    const warned = async () =>
      (await database.db.select().from(devices).where(eq(devices.id, h.lock.id)))[0]?.warnings.map(
        (w) => w.code,
      );
    expect(await warned()).not.toContain(SLOT_SHORTAGE_FORECAST);
    // Weekdays 09:00–17:00: from Wednesday both guests hold the two slots, and the cleaner finds none.
    await createStaffMember(
      database.db,
      h.admin,
      {
        name: 'Casey Clean',
        role: 'cleaning',
        deviceIds: [h.lock.id],
        windows: [{ kind: 'weekly', days: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00' }],
      },
      later(T0, 2 * MINUTE),
    );
    await tick(later(T0, 3 * MINUTE));
    expect(await warned()).toContain(SLOT_SHORTAGE_FORECAST);
  });
});

describe('who sees it', () => {
  it('shows an organization only its own locks; the front desk reads it but cannot fix', async () => {
    const ours = await busyEntrance();
    const theirs = await busyEntrance();
    const forecast = await slotForecast(database.db, ours.frontDesk, T0);
    expect(forecast.locks.map((l) => l.deviceId)).toEqual([ours.lock.id]);
    expect(JSON.stringify(forecast)).not.toContain(theirs.lock.id);
    expect(JSON.stringify(forecast)).not.toContain(theirs.arrivals[0]?.id);

    const before = async () =>
      (await database.db.select().from(devices).where(eq(devices.id, ours.lock.id)))[0]
        ?.backupPoolSize;
    // A member without the permission is told "not found", like an outsider.
    const forbidden = await refused(before, () =>
      setLockPoolSize(database.db, ours.frontDesk, { deviceId: ours.lock.id, size: 1 }, T0),
    );
    expect(forbidden.code).toBe('not_found');
    const foreign = await refused(before, () =>
      setLockPoolSize(database.db, theirs.admin, { deviceId: ours.lock.id, size: 1 }, T0),
    );
    expect(foreign.code).toBe('not_found');
    const bad = await refused(before, () =>
      setLockPoolSize(database.db, ours.admin, { deviceId: ours.lock.id, size: 99 }, T0),
    );
    expect(bad.message).toMatch(/size/i);
  });
});
