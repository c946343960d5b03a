import { TZDate } from '@date-fns/tz';
import { and, asc, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  accessCodeEvents,
  accessCodes,
  auditLog,
  devices,
  lockGroupDevices,
  lockGroups,
  messages,
  simulatedLockCodes,
  staffMembers,
} from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import {
  createAccessCode,
  deleteAccessCode,
  updateAccessCode,
} from '@/lib/access-codes/operations';
import { isLive } from '@/lib/access-codes/predicates';
import { getAccessCode, getAccessCodeByDigits, listAccessCodes } from '@/lib/access-codes/reads';
import type { Actor } from '@/lib/auth/actor';
import { defaultAdapters } from '@/lib/devices/connections';
import { getLockDetail } from '@/lib/devices/lock-detail';
import { replaceDevice } from '@/lib/devices/replace';
import {
  enterCodeAtSimulatedKeypad,
  setSimulatedReportsEntryCode,
} from '@/lib/devices/simulated-controls';
import { logTransport } from '@/lib/messages/transports';
import { createReservation, updateReservation } from '@/lib/reservations/operations';
import { programStaffCodes } from '@/lib/staff/codes';
import {
  createStaffMember,
  getStaffMember,
  removeStaffMember,
  rotateStaffCode,
  type StaffMemberInput,
} from '@/lib/staff/members';
import { runTick } from './tick';

// Digits the generator is made to offer first, to show it turns them down.
const rigged = vi.hoisted(() => ({ digits: [] as number[] }));
vi.mock('node:crypto', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:crypto')>();
  const randomInt = ((...args: unknown[]) => {
    const next = rigged.digits.shift();
    if (next !== undefined && args.length === 1) return next;
    return (actual.randomInt as (...a: unknown[]) => unknown)(...args);
  }) as typeof actual.randomInt;
  return { ...actual, default: { ...actual, randomInt }, randomInt };
});

const NY = 'America/New_York';
const local = (y: number, m: number, d: number, h: number, min = 0) =>
  new Date(new TZDate(y, m - 1, d, h, min, 0, NY).getTime());
const hhmm = (at: Date | null) =>
  at
    ? new Intl.DateTimeFormat('en-GB', {
        timeZone: NY,
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(at)
    : null;
const minutes = (n: number) => n * 60_000;
const later = (base: Date, ms: number) => new Date(base.getTime() + ms);

// Thursday 2026-11-26, 09:00 in New York.
const T0 = local(2026, 11, 26, 9);
const WEEKDAYS = {
  kind: 'weekly' as const,
  days: [1, 2, 3, 4, 5],
  startTime: '07:30',
  endTime: '17:30',
};

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
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
  rigged.digits = [];
  harbor = await createOrganization(database.db, { roles: ['admin', 'front_desk'] });
  admin = await actorFor(database.db, harbor, 'admin');
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
});

/** Messages the tick sends (a person's code) go nowhere: the environment's transports need settings a test has not. */
const quietLog = { info() {}, warn() {}, error() {} } as never;
const tick = (now: Date) =>
  runTick(database.db, {
    now,
    adapters: defaultAdapters(database.db),
    random: () => 1,
    transports: { email: logTransport({ log: quietLog }), sms: logTransport({ log: quietLog }) },
  });

const room = (number: string, options: { native?: boolean; lengths?: number[] } = {}) =>
  addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: harbor.property.id,
    room: number,
    name: `Room ${number}`,
    supportsNativeScheduling: options.native ?? false,
    allowedLengths: options.lengths,
  });

const maria = (input: Partial<StaffMemberInput>, now: Date) =>
  createStaffMember(
    database.db,
    admin,
    { name: 'Maria Lopez', role: 'cleaning', windows: [WEEKDAYS], ...input },
    now,
  );

/** A person's live staff codes (or all of them, ended ones too), oldest window first. */
async function liveCodesOf(staffMemberId: string, options: { ended?: boolean } = {}) {
  return database.db
    .select()
    .from(accessCodes)
    .where(
      and(
        eq(accessCodes.staffMemberId, staffMemberId),
        options.ended ? isNull(accessCodes.deletedAt) : isLive.sql(),
      ),
    )
    .orderBy(asc(accessCodes.startsAt));
}

async function digitsOnLock(externalId: string) {
  const rows = await database.db
    .select({ code: simulatedLockCodes.code })
    .from(simulatedLockCodes)
    .where(eq(simulatedLockCodes.lockId, externalId));
  return rows.map((r) => r.code);
}

describe('weekly windows through the tick', () => {
  it('open at 07:30 local on the Friday before and the Monday after the DST change (New York, 1 Nov 2026)', async () => {
    const lock = await room('101');
    const person = await maria({ deviceIds: [lock.id] }, local(2026, 10, 29, 12));
    await tick(local(2026, 10, 30, 6));
    await tick(local(2026, 11, 1, 12));
    const codes = await liveCodesOf(person.id, { ended: true });
    const friday = codes.find((c) => c.startsAt?.toISOString().startsWith('2026-10-30'));
    const monday = codes.find((c) => c.startsAt?.toISOString().startsWith('2026-11-02'));
    expect(friday?.startsAt?.toISOString()).toBe('2026-10-30T11:30:00.000Z');
    expect(monday?.startsAt?.toISOString()).toBe('2026-11-02T12:30:00.000Z');
    expect([hhmm(friday?.startsAt ?? null), hhmm(monday?.startsAt ?? null)]).toEqual([
      '07:30',
      '07:30',
    ]);
    expect([hhmm(friday?.endsAt ?? null), hhmm(monday?.endsAt ?? null)]).toEqual([
      '17:30',
      '17:30',
    ]);
    // Each is the person's code, named for them.
    expect(new Set(codes.map((c) => c.code))).toEqual(new Set([person.code]));
    expect(new Set(codes.map((c) => c.name))).toEqual(new Set(['Maria Lopez']));
  });

  it('puts the code on the lock within its window and takes it off after (the real tick)', async () => {
    const lock = await room('102');
    const daily = {
      kind: 'weekly' as const,
      days: [1, 2, 3, 4, 5, 6, 7],
      startTime: '10:00',
      endTime: '12:00',
    };
    const person = await maria({ deviceIds: [lock.id], windows: [daily] }, T0);
    await tick(T0);
    // Not before the organization's lead time (30 min before 10:00).
    expect(await digitsOnLock(lock.externalId)).not.toContain(person.code);
    await tick(local(2026, 11, 26, 9, 45));
    expect(await digitsOnLock(lock.externalId)).toContain(person.code);
    await tick(local(2026, 11, 26, 11, 0));
    expect(await digitsOnLock(lock.externalId)).toContain(person.code);
    await tick(local(2026, 11, 26, 12, 1));
    expect(await digitsOnLock(lock.externalId)).not.toContain(person.code);
    // The next day's window brings it back.
    await tick(local(2026, 11, 27, 9, 45));
    expect(await digitsOnLock(lock.externalId)).toContain(person.code);
  });

  it('programs a lock that keeps schedules one window at a time: it holds each code once', async () => {
    const lock = await room('103', { native: true });
    const person = await maria({ deviceIds: [lock.id] }, T0);
    await tick(T0);
    // Thursday's code is on the lock with its window; Friday's waits for it to end.
    expect(await digitsOnLock(lock.externalId)).toEqual([person.code]);
    const [thursday] = await liveCodesOf(person.id);
    expect(hhmm(thursday?.endsAt ?? null)).toBe('17:30');
    await tick(local(2026, 11, 26, 17, 31));
    const codes = await liveCodesOf(person.id);
    const friday = codes.find((c) => c.startsAt?.toISOString().startsWith('2026-11-27'));
    expect(friday?.status).toBe('unset');
    expect(friday?.isScheduledOnDevice).toBe(true);
    expect(friday?.errors).toEqual([]);
    expect(await digitsOnLock(lock.externalId)).toEqual([person.code]);
  });
});

describe('turnover windows', () => {
  it('follow a stay whose check-out moves', async () => {
    const lock = await room('104');
    const stay = (checkInDate: string, checkOutDate: string, guestName: string) =>
      createReservation(
        database.db,
        admin,
        {
          propertyId: harbor.property.id,
          guestName,
          checkInDate,
          checkOutDate,
          deviceIds: [lock.id],
        },
        T0,
      );
    // Check-out Friday 11:00, the next check-in Sunday 15:00: within the 72 hours codes are made for.
    const first = await stay('2026-11-26', '2026-11-27', 'Ada Guest');
    const next = await stay('2026-11-29', '2026-12-01', 'Bo Guest');
    const turnover = {
      kind: 'turnover' as const,
      opensAfterCheckOutMinutes: 0,
      closesBeforeCheckInMinutes: 60,
    };
    const person = await maria({ deviceIds: [lock.id], windows: [turnover] }, T0);
    const [before] = await liveCodesOf(person.id);
    expect(before?.startsAt?.toISOString()).toBe(first.endsAt.toISOString());
    expect(before?.endsAt?.toISOString()).toBe(later(next.startsAt, minutes(-60)).toISOString());

    const moved = await updateReservation(
      database.db,
      admin,
      first.id,
      { checkOutDate: '2026-11-28' },
      later(T0, minutes(1)),
    );
    await programStaffCodes(database.db, later(T0, minutes(2)));
    const codes = await liveCodesOf(person.id);
    expect(codes).toHaveLength(1);
    expect(codes[0]?.id).toBe(before?.id);
    expect(codes[0]?.startsAt?.toISOString()).toBe(moved.endsAt.toISOString());
    expect(codes[0]?.endsAt?.toISOString()).toBe(before?.endsAt?.toISOString());
  });
});

describe('round-the-clock windows', () => {
  it('keep the running code on a lock that keeps schedules: no daily rewrite, extended only near its end', async () => {
    const lock = await room('108', { native: true });
    const always = {
      kind: 'weekly' as const,
      days: [1, 2, 3, 4, 5, 6, 7],
      startTime: '00:00',
      endTime: '00:00',
    };
    const person = await maria({ deviceIds: [lock.id], windows: [always] }, T0);
    await tick(T0);
    const [first] = await liveCodesOf(person.id);
    if (!first) throw new Error('no staff code');
    const rewrites = async () =>
      (
        await database.db
          .select()
          .from(accessCodeEvents)
          .where(eq(accessCodeEvents.accessCodeId, first.id))
      ).filter((e) => e.eventType === 'time_frame_changed').length;
    // The next two days: the same code, untouched.
    await tick(local(2026, 11, 27, 9));
    await tick(local(2026, 11, 28, 9));
    expect(await rewrites()).toBe(0);
    const [same] = await liveCodesOf(person.id);
    expect(same?.id).toBe(first.id);
    expect(same?.startsAt?.toISOString()).toBe(first.startsAt?.toISOString());
    // Within a day of its end it is extended (its start stays), once.
    await tick(local(2026, 11, 29, 9));
    await tick(local(2026, 11, 29, 10));
    const [extended] = await liveCodesOf(person.id);
    expect(extended?.id).toBe(first.id);
    expect(extended?.startsAt?.toISOString()).toBe(first.startsAt?.toISOString());
    expect(extended?.endsAt && first.endsAt && extended.endsAt > first.endsAt).toBe(true);
    expect(await rewrites()).toBe(1);
    expect(await digitsOnLock(lock.externalId)).toEqual([person.code]);
  });
});

describe('programStaffCodes', () => {
  it('writes nothing when nothing changed, and never twice the same code', async () => {
    const [a, b] = [await room('105'), await room('106', { native: true })];
    await database.db
      .insert(staffMembers)
      .values({ organizationId: harbor.org.id, name: 'Nobody', role: 'other', code: '111111' });
    const person = await maria({ deviceIds: [a.id, b.id] }, T0);
    // Two instances at once program each window once.
    await database.db.delete(accessCodes).where(eq(accessCodes.staffMemberId, person.id));
    const [one, two] = await Promise.all([
      programStaffCodes(database.db, T0),
      programStaffCodes(database.db, T0),
    ]);
    expect(one.created + two.created).toBeGreaterThan(0);
    const codes = await liveCodesOf(person.id);
    const windows = codes.map((c) => `${c.deviceId} ${c.startsAt?.toISOString()}`);
    expect(new Set(windows).size).toBe(windows.length);

    const snapshot = async () => ({
      codes: await database.db.select().from(accessCodes).orderBy(accessCodes.id),
      events: await database.db.select().from(accessCodeEvents).orderBy(accessCodeEvents.id),
    });
    const before = await snapshot();
    const again = await programStaffCodes(database.db, later(T0, minutes(1)));
    expect(again).toEqual({ created: 0, moved: 0, deleted: 0 });
    expect(await snapshot()).toEqual(before);
  });

  it('is counted in the tick’s stats', async () => {
    const lock = await room('107');
    await maria({ deviceIds: [lock.id] }, T0);
    await database.db.delete(accessCodes);
    const first = await tick(T0);
    expect(first.staffCodes).toBeGreaterThan(0);
    const second = await tick(later(T0, minutes(1)));
    expect(second.staffCodes).toBe(0);
  });
});

describe('rotate and remove', () => {
  it('rotating gives every code new digits, the locks get them after a tick, and the person is messaged', async () => {
    const [a, b] = [await room('110'), await room('111')];
    const allDay = {
      kind: 'weekly' as const,
      days: [1, 2, 3, 4, 5, 6, 7],
      startTime: '08:00',
      endTime: '20:00',
    };
    const person = await maria(
      { deviceIds: [a.id, b.id], windows: [allDay], email: 'maria@example.com' },
      T0,
    );
    await tick(T0);
    expect(await digitsOnLock(a.externalId)).toEqual([person.code]);
    expect(await digitsOnLock(b.externalId)).toEqual([person.code]);

    const rotated = await rotateStaffCode(database.db, admin, person.id, later(T0, minutes(5)));
    expect(rotated.code).not.toBe(person.code);
    const codes = await liveCodesOf(person.id);
    expect(codes.length).toBeGreaterThan(1);
    expect(new Set(codes.map((c) => c.code))).toEqual(new Set([rotated.code]));

    await tick(later(T0, minutes(6)));
    expect(await digitsOnLock(a.externalId)).toEqual([rotated.code]);
    expect(await digitsOnLock(b.externalId)).toEqual([rotated.code]);

    const sent = await database.db
      .select()
      .from(messages)
      .where(and(eq(messages.kind, 'staff_code'), eq(messages.recipient, 'maria@example.com')))
      .orderBy(asc(messages.createdAt));
    // One when she was added, one for the new digits.
    expect(sent).toHaveLength(2);
    expect(sent.at(-1)?.body).toContain(rotated.code);
    expect(sent.at(-1)?.body).toContain('Room 110');
    expect(sent.at(-1)?.body).toContain('Every day 08:00–20:00');
    // The audit says who rotated whose code, never the digits.
    const audit = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'staff_member.code_rotated'));
    expect(audit.map((a) => a.targetId)).toEqual([person.id]);
    expect(JSON.stringify(audit)).not.toContain(rotated.code);
  });

  it('removing a person ends every code of theirs; the locks lose them at the next tick', async () => {
    const [a, b] = [await room('112'), await room('113')];
    const allDay = {
      kind: 'weekly' as const,
      days: [1, 2, 3, 4, 5, 6, 7],
      startTime: '08:00',
      endTime: '20:00',
    };
    const person = await maria({ deviceIds: [a.id, b.id], windows: [allDay] }, T0);
    await tick(T0);
    await removeStaffMember(database.db, admin, person.id, later(T0, minutes(5)));
    expect(await liveCodesOf(person.id)).toEqual([]);
    await tick(later(T0, minutes(6)));
    expect(await digitsOnLock(a.externalId)).toEqual([]);
    expect(await digitsOnLock(b.externalId)).toEqual([]);
    // Kept for the history of their entries, and never programmed again.
    const [row] = await database.db
      .select()
      .from(staffMembers)
      .where(eq(staffMembers.id, person.id));
    expect(row?.removedAt).not.toBeNull();
    await tick(later(T0, minutes(7)));
    expect(await liveCodesOf(person.id)).toEqual([]);
  });
});

describe('a replaced lock', () => {
  it('keeps its people: the new lock gets their code and their windows go on there', async () => {
    const old = await room('115');
    const person = await maria({ deviceIds: [old.id] }, T0);
    await tick(T0);
    const fresh = await room('115-new');
    await database.db
      .update(devices)
      .set({ propertyId: null, needsPlacement: true })
      .where(eq(devices.id, fresh.id));
    await replaceDevice(database.db, admin, { oldDeviceId: old.id, newDeviceId: fresh.id }, T0);
    await tick(later(T0, minutes(1)));
    await tick(later(T0, minutes(2)));
    expect(await digitsOnLock(fresh.externalId)).toContain(person.code);
    const page = await getStaffMember(database.db, admin, person.id, later(T0, minutes(2)));
    expect(page.locks.map((l) => l.deviceId)).toEqual([fresh.id]);
    expect(page.locks[0]?.codes.length).toBeGreaterThan(0);
  });
});

describe('digits unique on each lock', () => {
  it('a guest code generated for a lock never takes the digits of a person with access to it, directly or through a group', async () => {
    const [direct, grouped] = [await room('120'), await room('121')];
    const [group] = await database.db
      .insert(lockGroups)
      .values({ organizationId: harbor.org.id, propertyId: harbor.property.id, name: 'Floor 1' })
      .returning();
    if (!group) throw new Error('no group');
    await database.db
      .insert(lockGroupDevices)
      .values({ groupId: group.id, deviceId: grouped.id, organizationId: harbor.org.id });
    // Her windows are next week: no staff code is live yet, the digits are hers all the same.
    const saturday = { kind: 'weekly' as const, days: [6], startTime: '09:00', endTime: '10:00' };
    await maria(
      { deviceIds: [direct.id], groupIds: [group.id], windows: [saturday], code: '482915' },
      T0,
    );
    for (const lock of [direct, grouped]) {
      rigged.digits = [4, 8, 2, 9, 1, 5];
      const stay = await createReservation(
        database.db,
        frontDesk,
        {
          propertyId: harbor.property.id,
          guestName: 'Ana Guest',
          checkInDate: '2026-12-10',
          checkOutDate: '2026-12-12',
          deviceIds: [lock.id],
        },
        T0,
      );
      // The generator offered her digits first and took others.
      expect(rigged.digits).toEqual([]);
      expect(stay.accessCodes[0]?.code).toMatch(/^\d{6}$/);
      expect(stay.accessCodes[0]?.code).not.toBe('482915');
    }
  });

  it('a door where another code holds the person’s digits gets digits of its own, and her page says which', async () => {
    const [a, b] = [await room('122'), await room('123')];
    await createAccessCode(
      database.db,
      admin,
      { deviceId: b.id, name: 'Plumber', code: '482915' },
      T0,
    );
    const person = await maria({ deviceIds: [a.id, b.id], code: '482915' }, T0);
    const codes = await liveCodesOf(person.id);
    expect(new Set(codes.filter((c) => c.deviceId === a.id).map((c) => c.code))).toEqual(
      new Set(['482915']),
    );
    const onB = codes.filter((c) => c.deviceId === b.id);
    expect(onB.length).toBeGreaterThan(0);
    expect(onB.every((c) => c.code !== '482915' && c.code?.length === 6)).toBe(true);
    const page = await getStaffMember(database.db, admin, person.id, T0);
    expect(page.locks.find((l) => l.deviceId === a.id)?.otherDigits).toBeNull();
    expect(page.locks.find((l) => l.deviceId === b.id)?.otherDigits).toBe(onB[0]?.code);
    // The plumber's code was not touched.
    const plumber = await listAccessCodes(database.db, admin, { deviceId: b.id }, T0);
    expect(plumber.accessCodes.filter((c) => c.name === 'Plumber').map((c) => c.code)).toEqual([
      '482915',
    ]);
  });

  it('a door the tick gives digits of its own is told to the person, once', async () => {
    const first = await room('127');
    const [group] = await database.db
      .insert(lockGroups)
      .values({ organizationId: harbor.org.id, propertyId: harbor.property.id, name: 'Floor 2' })
      .returning();
    if (!group) throw new Error('no group');
    await database.db
      .insert(lockGroupDevices)
      .values({ groupId: group.id, deviceId: first.id, organizationId: harbor.org.id });
    const person = await maria(
      { groupIds: [group.id], code: '482915', email: 'maria@example.com' },
      T0,
    );
    // A four-digit lock joins her group: it cannot take her six digits.
    const short = await room('128', { lengths: [4] });
    await database.db
      .insert(lockGroupDevices)
      .values({ groupId: group.id, deviceId: short.id, organizationId: harbor.org.id });
    await tick(later(T0, minutes(1)));
    const [own] = (await liveCodesOf(person.id)).filter((c) => c.deviceId === short.id);
    expect(own?.code).toMatch(/^\d{4}$/);
    await tick(later(T0, minutes(2)));
    const sent = await database.db
      .select()
      .from(messages)
      .where(and(eq(messages.kind, 'staff_code'), eq(messages.recipient, 'maria@example.com')))
      .orderBy(asc(messages.createdAt));
    expect(sent).toHaveLength(2);
    expect(sent.at(-1)?.body).toContain(`Room 128 (code ${own?.code} on this door)`);
  });

  it('a code typed with the person’s digits takes that door from her; the next tick gives it other digits', async () => {
    const lock = await room('124');
    const person = await maria({ deviceIds: [lock.id], code: '482915' }, T0);
    // The desk cannot see her digits, so typing them is not refused (that would tell them).
    await createAccessCode(
      database.db,
      frontDesk,
      { deviceId: lock.id, name: 'Electrician', code: '482915' },
      later(T0, minutes(1)),
    );
    await tick(later(T0, minutes(2)));
    const codes = await liveCodesOf(person.id);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c) => c.code !== '482915')).toBe(true);
    expect(await digitsOnLock(lock.externalId)).toContain('482915');
  });
});

describe('digits typed by the desk that are a person’s', () => {
  it('rotate that person at once: the revealed digits open none of her doors, she is told, and the desk sees no digits', async () => {
    const [entrance, other] = [await room('125'), await room('126')];
    const allDay = {
      kind: 'weekly' as const,
      days: [1, 2, 3, 4, 5, 6, 7],
      startTime: '08:00',
      endTime: '20:00',
    };
    const person = await maria(
      {
        deviceIds: [entrance.id, other.id],
        windows: [allDay],
        code: '482915',
        email: 'maria@example.com',
      },
      T0,
    );
    await tick(T0);
    expect(await digitsOnLock(other.externalId)).toEqual(['482915']);
    const typed = await createAccessCode(
      database.db,
      frontDesk,
      { deviceId: entrance.id, name: 'Electrician', code: '482915' },
      later(T0, minutes(1)),
    );
    // Her digits changed in the same transaction: no live code of hers keeps the typed ones.
    const [row] = await database.db
      .select()
      .from(staffMembers)
      .where(eq(staffMembers.id, person.id));
    expect(row?.code).not.toBe('482915');
    const codes = await liveCodesOf(person.id);
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.every((c) => c.code !== '482915')).toBe(true);
    const sent = await database.db
      .select()
      .from(messages)
      .where(and(eq(messages.kind, 'staff_code'), eq(messages.recipient, 'maria@example.com')));
    expect(sent).toHaveLength(2);
    // The desk's page names no digits but its own code's.
    const deskPage = await getLockDetail(
      database.db,
      frontDesk,
      entrance.id,
      later(T0, minutes(1)),
    );
    expect(deskPage.codes.filter((c) => c.code === '482915').map((c) => c.id)).toEqual([typed.id]);
    expect(JSON.stringify(deskPage)).not.toContain(row?.code ?? 'none');
    // After a tick the other door holds her new digits, not the typed ones.
    await tick(later(T0, minutes(2)));
    expect(await digitsOnLock(other.externalId)).toEqual([row?.code]);
  });
});

describe('secrecy', () => {
  it('the front desk sees who has access to a door but never the digits', async () => {
    const lock = await room('130');
    const person = await maria({ deviceIds: [lock.id] }, T0);
    const [code] = await liveCodesOf(person.id);
    if (!code) throw new Error('no staff code');

    const deskList = await listAccessCodes(database.db, frontDesk, { deviceId: lock.id }, T0);
    expect(deskList.accessCodes.find((c) => c.id === code.id)?.code).toBeNull();
    const deskIds = await listAccessCodes(database.db, frontDesk, { accessCodeIds: [code.id] }, T0);
    expect(deskIds.accessCodes[0]?.code).toBeNull();
    expect((await getAccessCode(database.db, frontDesk, code.id, T0)).code).toBeNull();
    await refused(() => getAccessCodeByDigits(database.db, frontDesk, lock.id, person.code, T0));
    const deskPage = await getLockDetail(database.db, frontDesk, lock.id, T0);
    expect(deskPage.codes.find((c) => c.id === code.id)?.code).toBeNull();
    expect(JSON.stringify(deskPage)).not.toContain(person.code);
    expect(deskPage.staff).toEqual([
      {
        name: 'Maria Lopez',
        role: 'cleaning',
        roleLabel: 'Cleaning',
        windows: 'Mon–Fri 07:30–17:30',
      },
    ]);

    // Owners and admins manage staff and see them.
    const adminList = await listAccessCodes(database.db, admin, { deviceId: lock.id }, T0);
    expect(adminList.accessCodes.find((c) => c.id === code.id)?.code).toBe(person.code);
    expect(
      (await getLockDetail(database.db, admin, lock.id, T0)).codes.find((c) => c.id === code.id)
        ?.code,
    ).toBe(person.code);
    expect((await getAccessCodeByDigits(database.db, admin, lock.id, person.code, T0)).id).toBe(
      code.id,
    );
  });

  it('a staff code follows its person: nobody edits or deletes it as a code', async () => {
    const lock = await room('131');
    const person = await maria({ deviceIds: [lock.id] }, T0);
    const [code] = await liveCodesOf(person.id);
    if (!code) throw new Error('no staff code');
    for (const actor of [frontDesk, admin]) {
      const edit = await refused(() =>
        updateAccessCode(database.db, actor, code.id, { code: '999999' }, T0),
      );
      expect(edit.message).not.toContain(person.code);
      await refused(() => deleteAccessCode(database.db, actor, code.id, T0));
    }
    expect((await liveCodesOf(person.id)).map((c) => c.code)).toContain(person.code);
  });
});

describe('entries', () => {
  it('credits an entry with a staff code to the person, shown on her page in the property’s zone', async () => {
    const lock = await room('140');
    const allDay = {
      kind: 'weekly' as const,
      days: [1, 2, 3, 4, 5, 6, 7],
      startTime: '08:00',
      endTime: '20:00',
    };
    const person = await maria({ deviceIds: [lock.id], windows: [allDay] }, T0);
    await setSimulatedReportsEntryCode(
      database.db,
      admin,
      { deviceId: lock.id, reportsEntryCode: true },
      T0,
    );
    await tick(T0);
    const entered = local(2026, 11, 26, 9, 12);
    const opened = await enterCodeAtSimulatedKeypad(
      database.db,
      admin,
      { deviceId: lock.id, code: person.code },
      entered,
    );
    expect(opened.outcome).toBe('unlocked');
    await tick(later(entered, minutes(1)));
    const page = await getStaffMember(database.db, admin, person.id, later(entered, minutes(2)));
    expect(page.entries).toHaveLength(1);
    expect(page.entries[0]?.words).toContain('09:12');
    expect(page.entries[0]?.words).toContain('Room 140');
  });
});
