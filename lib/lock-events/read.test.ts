import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { alerts, devices, events } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { pullBackupAccessCode, setBackupPool } from '@/lib/backup-pools/pools';
import { defaultAdapters } from '@/lib/devices/connections';
import type { LockEventReport } from '@/lib/locks/adapter';
import {
  enterCodeAtKeypad,
  reportAtLock,
  setSimulatedLockKnobs,
} from '@/lib/locks/simulated/controls';
import { runTick } from '@/lib/reconciler/tick';
import { createReservation } from '@/lib/reservations/operations';
import { storeLockEvents } from './ingest';
import { LOCK_EVENTS_READ_INTERVAL_MS, readDueLockEvents } from './read';

// Thursday 2026-11-26, 09:00 in New York. Stays check in at 15:00 and out at 11:00 there.
const T0 = new Date('2026-11-26T14:00:00Z');
const CHECK_IN = new Date('2026-11-26T20:00:00Z');
const CHECK_OUT = new Date('2026-11-28T16:00:00Z');
const minutes = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);

let database: TestDatabase;
let org: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let frontDesk: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await database.truncate();
  org = await createOrganization(database.db, { roles: ['admin', 'front_desk'] });
  admin = await actorFor(database.db, org, 'admin');
  frontDesk = await actorFor(database.db, org, 'front_desk');
});

const tick = (now: Date) =>
  runTick(database.db, {
    now,
    adapters: defaultAdapters(database.db),
    random: () => 1,
    transports: {},
  });

/** A lock in Room 204 with a two-night stay whose guest code is on it at check-in. */
async function stayOnLock(guestName = 'Maria Lopez') {
  const lock = await addSimulatedLock(database.db, {
    organizationId: org.org.id,
    propertyId: org.property.id,
    name: 'Room 204',
    room: '204',
  });
  const stay = await createReservation(
    database.db,
    admin,
    {
      propertyId: org.property.id,
      guestName,
      checkInDate: '2026-11-26',
      checkOutDate: '2026-11-28',
      deviceIds: [lock.id],
    },
    T0,
  );
  const code = stay.accessCodes[0];
  if (!code?.code) throw new Error('no guest code');
  await tick(CHECK_IN);
  return { lock, stay, code, digits: code.code };
}

/** What the lock reported (Keyhold's own events on its codes are in the same table). */
const reported = like(events.dedupeKey, 'lock:%');

const eventsOn = (deviceId: string) =>
  database.db
    .select()
    .from(events)
    .where(and(eq(events.deviceId, deviceId), reported))
    .orderBy(asc(events.occurredAt));

describe('lock events from a simulated lock', () => {
  it('brings a guest code typed at the keypad to the stay through a tick', async () => {
    const { lock, stay, code, digits } = await stayOnLock();
    const entry = minutes(CHECK_IN, 42);
    const typed = await enterCodeAtKeypad(database.db, org.org.id, lock.externalId, digits, entry);
    expect(typed.outcome).toBe('unlocked');

    const stats = await tick(minutes(CHECK_IN, 45));
    expect(stats.lockEventsStored).toBe(1);
    const [row, ...rest] = await eventsOn(lock.id);
    expect(rest).toHaveLength(0);
    expect(row).toMatchObject({
      organizationId: org.org.id,
      eventType: 'lock.unlocked',
      method: 'keycode',
      occurredAt: entry,
      accessCodeId: code.id,
      reservationId: stay.id,
      detail: { is_backup_access_code: false, after_check_out: false },
    });
    // The guest's digits are nowhere in what other parts read.
    expect(JSON.stringify(row)).not.toContain(digits);
    const [device] = await database.db.select().from(devices).where(eq(devices.id, lock.id));
    expect(device?.eventsCursor).not.toBeNull();
  });

  it('stores the same reports read twice and out of order once, listed by when they happened', async () => {
    const { lock, code } = await stayOnLock();
    const report = (id: string, minute: number): LockEventReport => ({
      externalEventId: id,
      type: 'lock.unlocked',
      occurredAt: minutes(CHECK_IN, minute),
      method: 'keycode',
      code: { keyholdCodeId: code.id },
    });
    const first = await storeLockEvents(database.db, lock, [report('b', 30), report('a', 10)]);
    expect(first).toHaveLength(2);
    const again = await storeLockEvents(database.db, lock, [
      report('a', 10),
      report('c', 20),
      report('b', 30),
      report('c', 20),
    ]);
    expect(again.map((e) => e.dedupeKey)).toEqual([`lock:${lock.id}:c`]);
    const stored = await eventsOn(lock.id);
    expect(stored.map((e) => e.occurredAt.toISOString())).toEqual([
      minutes(CHECK_IN, 10).toISOString(),
      minutes(CHECK_IN, 20).toISOString(),
      minutes(CHECK_IN, 30).toISOString(),
    ]);

    // The lock's own log read again from the start through the tick: nothing new.
    await enterCodeAtKeypad(
      database.db,
      org.org.id,
      lock.externalId,
      '000000',
      minutes(CHECK_IN, 40),
    );
    expect((await tick(minutes(CHECK_IN, 45))).lockEventsStored).toBe(1);
    await database.db
      .update(devices)
      .set({ eventsCursor: null, nextEventsReadAt: new Date(0) })
      .where(eq(devices.id, lock.id));
    const reread = await tick(minutes(CHECK_IN, 47));
    expect(reread.lockEventsStored).toBe(0);
    expect(await eventsOn(lock.id)).toHaveLength(4);
  });

  it('stores an entry on a lock that does not name codes unattributed, credited to nobody', async () => {
    const { lock, stay, digits } = await stayOnLock();
    await setSimulatedLockKnobs(database.db, org.org.id, lock.externalId, {
      reportsEntryCode: false,
    });
    await enterCodeAtKeypad(database.db, org.org.id, lock.externalId, digits, minutes(CHECK_IN, 5));
    await tick(minutes(CHECK_IN, 10));
    const [row] = await eventsOn(lock.id);
    expect(row).toMatchObject({
      eventType: 'lock.unlocked',
      method: 'keycode',
      accessCodeId: null,
      reservationId: null,
      detail: { is_backup_access_code: false, after_check_out: false },
    });
    const credited = await database.db
      .select()
      .from(events)
      .where(and(eq(events.reservationId, stay.id), reported));
    expect(credited).toHaveLength(0);
  });

  it('records a key entry as manual, with no code', async () => {
    const { lock } = await stayOnLock();
    await reportAtLock(
      database.db,
      org.org.id,
      lock.externalId,
      'unlocked_with_key',
      minutes(CHECK_IN, 3),
    );
    await reportAtLock(database.db, org.org.id, lock.externalId, 'locked', minutes(CHECK_IN, 4));
    await tick(minutes(CHECK_IN, 10));
    const rows = await eventsOn(lock.id);
    expect(rows.map((r) => [r.eventType, r.method, r.accessCodeId])).toEqual([
      ['lock.unlocked', 'manual', null],
      ['lock.locked', null, null],
    ]);
  });

  it('reads an offline lock’s keypad entries once it is back, keeping its cursor meanwhile', async () => {
    const { lock, stay, digits } = await stayOnLock();
    await setSimulatedLockKnobs(database.db, org.org.id, lock.externalId, { online: false });
    // The keypad works without a connection; the lock keeps the entry in its log.
    const typed = await enterCodeAtKeypad(
      database.db,
      org.org.id,
      lock.externalId,
      digits,
      minutes(CHECK_IN, 20),
    );
    expect(typed.outcome).toBe('unlocked');
    const away = await tick(minutes(CHECK_IN, 30));
    expect(away.lockEventReadsFailed).toBe(1);
    expect(away.lockEventsStored).toBe(0);
    const [before] = await database.db.select().from(devices).where(eq(devices.id, lock.id));

    await setSimulatedLockKnobs(database.db, org.org.id, lock.externalId, { online: true });
    // Not before its next turn: the failed read keeps its place in line.
    const soon = await tick(minutes(CHECK_IN, 30.5));
    expect(soon.lockEventsStored).toBe(0);
    const back = await tick(minutes(CHECK_IN, 30 + LOCK_EVENTS_READ_INTERVAL_MS / 60_000));
    expect(back.lockEventsStored).toBe(1);
    const [row] = await eventsOn(lock.id);
    expect(row).toMatchObject({ reservationId: stay.id, occurredAt: minutes(CHECK_IN, 20) });
    const [after] = await database.db.select().from(devices).where(eq(devices.id, lock.id));
    expect(before?.eventsCursor).toBeNull();
    expect(after?.eventsCursor).not.toBeNull();
  });

  it('credits a pulled backup code’s entry to the stay it was pulled for, marked as a backup', async () => {
    const { lock, stay, code } = await stayOnLock();
    await setBackupPool(database.db, admin, { deviceId: lock.id, enabled: true }, CHECK_IN);
    await tick(minutes(CHECK_IN, 1));
    const backup = await pullBackupAccessCode(
      database.db,
      frontDesk,
      code.id,
      minutes(CHECK_IN, 2),
    );
    if (!backup.code) throw new Error('the pulled backup code has no digits');
    await tick(minutes(CHECK_IN, 3));
    await enterCodeAtKeypad(
      database.db,
      org.org.id,
      lock.externalId,
      backup.code,
      minutes(CHECK_IN, 4),
    );
    await tick(minutes(CHECK_IN, 5));
    const [row] = await eventsOn(lock.id);
    expect(row).toMatchObject({
      eventType: 'lock.unlocked',
      accessCodeId: backup.id,
      reservationId: stay.id,
      detail: { is_backup_access_code: true, after_check_out: false },
    });
  });

  it('raises entry_after_check_out when the guest code opens the door after check-out', async () => {
    const { lock, stay, code, digits } = await stayOnLock('Maria Lopez');
    // The code is still on the lock after check-out (no tick has removed it yet). Five
    // minutes after, the guest going back for a charger is within the grace; twenty is not.
    for (const late of [minutes(CHECK_OUT, 5), minutes(CHECK_OUT, 20)]) {
      const typed = await enterCodeAtKeypad(database.db, org.org.id, lock.externalId, digits, late);
      expect(typed.outcome).toBe('unlocked');
    }
    await tick(minutes(CHECK_OUT, 21));
    const [withinGrace, late] = await eventsOn(lock.id);
    expect(withinGrace).toMatchObject({
      accessCodeId: code.id,
      detail: { after_check_out: false },
    });
    expect(late).toMatchObject({ accessCodeId: code.id, detail: { after_check_out: true } });
    const open = await database.db
      .select()
      .from(alerts)
      .where(and(eq(alerts.kind, 'entry_after_check_out'), eq(alerts.organizationId, org.org.id)));
    expect(open).toHaveLength(1);
    expect(open[0]).toMatchObject({
      severity: 'error',
      accessCodeId: code.id,
      reservationId: stay.id,
      deviceId: lock.id,
      message:
        "Maria Lopez's guest code opened Room 204 at 11:20 on 28 Nov, after check-out at 11:00. Check the code is off the lock.",
    });
  });

  it('credits each lock’s entries to its own stay when many locks are read together, once across two ticks at once', async () => {
    const rooms = [];
    for (const guest of ['Ana One', 'Ben Two', 'Cy Three']) rooms.push(await stayOnLock(guest));
    for (const [i, room] of rooms.entries()) {
      await enterCodeAtKeypad(
        database.db,
        org.org.id,
        room.lock.externalId,
        room.digits,
        minutes(CHECK_IN, 10 + i),
      );
    }
    const adapters = defaultAdapters(database.db);
    const [a, b] = await Promise.all([
      readDueLockEvents(database.db, adapters, minutes(CHECK_IN, 15)),
      readDueLockEvents(database.db, adapters, minutes(CHECK_IN, 15)),
    ]);
    expect(a.stored + b.stored).toBe(3);
    for (const room of rooms) {
      const rows = await eventsOn(room.lock.id);
      expect(rows.map((r) => [r.accessCodeId, r.reservationId])).toEqual([
        [room.code.id, room.stay.id],
      ]);
    }
  });

  it('counts every event stored when many groups of locks are read at once', async () => {
    const locks = [];
    for (let i = 0; i < 70; i++) {
      const lock = await addSimulatedLock(database.db, {
        organizationId: org.org.id,
        propertyId: org.property.id,
      });
      await reportAtLock(database.db, org.org.id, lock.externalId, 'unlocked_with_key', T0);
      locks.push(lock);
    }
    const stats = await readDueLockEvents(database.db, defaultAdapters(database.db), T0);
    expect(stats).toEqual({ locks: 70, stored: 70, failed: 0 });
    expect(await database.db.select().from(events).where(reported)).toHaveLength(70);
  });

  it('does not credit a code of another lock or another organization named by a lock', async () => {
    const { lock } = await stayOnLock();
    const other = await stayOnLock('Ben Other');
    const rival = await createOrganization(database.db, { roles: ['admin'], locks: 1 });
    const [rivalLock] = rival.locks;
    if (!rivalLock) throw new Error('no rival lock');
    const stored = await storeLockEvents(database.db, lock, [
      {
        externalEventId: 'x1',
        type: 'lock.unlocked',
        occurredAt: minutes(CHECK_IN, 1),
        method: 'keycode',
        code: { keyholdCodeId: other.code.id },
      },
      {
        externalEventId: 'x2',
        type: 'lock.unlocked',
        occurredAt: minutes(CHECK_IN, 2),
        method: 'keycode',
        code: { keyholdCodeId: 'not-a-code-id', ref: 'no such ref' },
      },
    ]);
    expect(stored.map((e) => [e.accessCodeId, e.reservationId])).toEqual([
      [null, null],
      [null, null],
    ]);
    // And a lock of another organization cannot name this one's code.
    const [foreign] = await storeLockEvents(database.db, rivalLock, [
      {
        externalEventId: 'y1',
        type: 'lock.unlocked',
        occurredAt: minutes(CHECK_IN, 3),
        method: 'keycode',
        code: { keyholdCodeId: other.code.id },
      },
    ]);
    expect(foreign).toMatchObject({ accessCodeId: null, reservationId: null });
  });
});
