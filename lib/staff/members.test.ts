import { TZDate } from '@date-fns/tz';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  accessCodes,
  auditLog,
  lockGroupDevices,
  lockGroups,
  messages,
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
import { isLive } from '@/lib/access-codes/predicates';
import type { Actor } from '@/lib/auth/actor';
import { InvalidInputError } from '@/lib/validation';
import {
  createStaffMember,
  getStaffMember,
  listStaffMembers,
  removeStaffMember,
  rotateStaffCode,
  type StaffMemberInput,
  staffWithAccess,
  updateStaffMember,
} from './members';

const NY = 'America/New_York';
const local = (y: number, m: number, d: number, h: number, min = 0) =>
  new Date(new TZDate(y, m - 1, d, h, min, 0, NY).getTime());
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
let rival: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let owner: Actor;
let frontDesk: Actor;
let rivalAdmin: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await database.truncate();
  harbor = await createOrganization(database.db, {
    name: 'Harbor',
    roles: ['admin', 'owner', 'front_desk'],
  });
  rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  admin = await actorFor(database.db, harbor, 'admin');
  owner = await actorFor(database.db, harbor, 'owner');
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
});

const room = (number: string, lengths?: number[], org = harbor) =>
  addSimulatedLock(database.db, {
    organizationId: org.org.id,
    propertyId: org.property.id,
    room: number,
    name: `Room ${number}`,
    allowedLengths: lengths,
  });

const input = (overrides: Partial<StaffMemberInput>): StaffMemberInput => ({
  name: 'Maria Lopez',
  role: 'cleaning',
  windows: [WEEKDAYS],
  ...overrides,
});

/** Everything a staff operation may write: a refused one leaves all of it as it was. */
async function written() {
  const { db } = database;
  return {
    people: await db.select().from(staffMembers).orderBy(staffMembers.id),
    access: await db.select().from(staffAccess).orderBy(staffAccess.id),
    windows: await db.select().from(staffWindows).orderBy(staffWindows.id),
    codes: await db.select().from(accessCodes).orderBy(accessCodes.id),
    messages: await db.select().from(messages).orderBy(messages.id),
    audit: await db.select().from(auditLog).orderBy(auditLog.id),
  };
}

async function fieldErrors(run: () => Promise<unknown>) {
  const error = await refused(written, run);
  expect(error).toBeInstanceOf(InvalidInputError);
  return (error as InvalidInputError).fieldErrors;
}

describe('createStaffMember', () => {
  it('adds a person with generated digits on their doors, audited without the digits', async () => {
    const lock = await room('101');
    const person = await createStaffMember(
      database.db,
      owner,
      input({ deviceIds: [lock.id], email: 'maria@example.com', phone: '+1 (415) 555-0123' }),
      T0,
    );
    expect(person.code).toMatch(/^\d{6}$/);
    expect(person.phone).toBe('+14155550123');
    const [entry] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'staff_member.created'));
    expect(entry?.targetId).toBe(person.id);
    expect(JSON.stringify(entry?.detail)).not.toContain(person.code);
    // Thursday's window is running: her code is due on the lock.
    const codes = await database.db
      .select()
      .from(accessCodes)
      .where(and(eq(accessCodes.staffMemberId, person.id), isLive.sql()));
    expect(codes.map((c) => c.code)).toContain(person.code);
  });

  it('messages a new person by email and SMS with their code, doors and windows in words', async () => {
    const lock = await room('102');
    const person = await createStaffMember(
      database.db,
      admin,
      input({ deviceIds: [lock.id], email: 'maria@example.com', phone: '+14155550123' }),
      T0,
    );
    const sent = await database.db.select().from(messages).where(eq(messages.kind, 'staff_code'));
    expect(sent.map((m) => m.channel).sort()).toEqual(['email', 'sms']);
    for (const message of sent) {
      expect(message.body).toContain(person.code);
      expect(message.body).toContain('Room 102');
      expect(message.body).toContain('Mon–Fri 07:30–17:30');
    }
    // Nobody to message, nothing queued.
    await createStaffMember(database.db, admin, input({ name: 'Sam', deviceIds: [lock.id] }), T0);
    expect(await database.db.select().from(messages)).toHaveLength(2);
  });

  it('picks the length the doors share (6 where allowed) and checks given digits against every door', async () => {
    const [four, fourOrSix, six] = [
      await room('103', [4]),
      await room('104', [4, 6]),
      await room('105', [4, 5, 6]),
    ];
    const shared = await createStaffMember(
      database.db,
      admin,
      input({ deviceIds: [four.id, fourOrSix.id] }),
      T0,
    );
    expect(shared.code).toMatch(/^\d{4}$/);
    const six6 = await createStaffMember(
      database.db,
      admin,
      input({ name: 'Sam', deviceIds: [fourOrSix.id, six.id] }),
      T0,
    );
    expect(six6.code).toMatch(/^\d{6}$/);
    const errors = await fieldErrors(() =>
      createStaffMember(
        database.db,
        admin,
        input({ name: 'Kim', deviceIds: [four.id, six.id], code: '482915' }),
        T0,
      ),
    );
    expect(errors.code).toMatch(/Room 103/);
  });

  it('refuses bad input naming each field, and writes nothing', async () => {
    const lock = await room('106');
    const errors = await fieldErrors(() =>
      createStaffMember(
        database.db,
        admin,
        {
          name: '',
          role: 'cleaning',
          email: 'not-an-email',
          phone: '12345',
          deviceIds: [],
          windows: [
            { kind: 'weekly', days: [0, 8], startTime: '7:3', endTime: '25:00' },
            {
              kind: 'turnover',
              opensAfterCheckOutMinutes: 1500,
              closesBeforeCheckInMinutes: 1.5,
            },
          ],
        },
        T0,
      ),
    );
    expect(errors).toMatchObject({
      name: expect.stringMatching(/name/i),
      email: expect.stringMatching(/email/i),
      phone: expect.stringMatching(/phone/i),
      doors: expect.stringMatching(/at least one door/i),
      'windows.0.days': expect.stringMatching(/1.*7/),
      'windows.0.startTime': expect.stringMatching(/HH:MM/),
      'windows.0.endTime': expect.stringMatching(/HH:MM/),
      'windows.1.opensAfterCheckOutMinutes': expect.stringMatching(/24 h/),
      'windows.1.closesBeforeCheckInMinutes': expect.stringMatching(/whole/),
    });
    const noWindows = await fieldErrors(() =>
      createStaffMember(database.db, admin, input({ deviceIds: [lock.id], windows: [] }), T0),
    );
    expect(noWindows.windows).toMatch(/at least one window/i);
    const badDigits = await fieldErrors(() =>
      createStaffMember(database.db, admin, input({ deviceIds: [lock.id], code: '12ab' }), T0),
    );
    expect(badDigits.code).toMatch(/digits/i);
  });

  it('answers not found for another organization’s lock or group, and writes nothing', async () => {
    const theirs = await room('901', undefined, rival);
    const [group] = await database.db
      .insert(lockGroups)
      .values({ organizationId: rival.org.id, propertyId: rival.property.id, name: 'Their floor' })
      .returning();
    const mine = await room('107');
    const lockError = await refused(written, () =>
      createStaffMember(database.db, admin, input({ deviceIds: [mine.id, theirs.id] }), T0),
    );
    expect(lockError.code).toBe('not_found');
    const groupError = await refused(written, () =>
      createStaffMember(
        database.db,
        admin,
        input({ deviceIds: [mine.id], groupIds: [group?.id ?? ''] }),
        T0,
      ),
    );
    expect(groupError.code).toBe('not_found');
  });

  it('is refused to the front desk, as not found, writing nothing', async () => {
    const lock = await room('108');
    const error = await refused(written, () =>
      createStaffMember(database.db, frontDesk, input({ deviceIds: [lock.id] }), T0),
    );
    expect(error.code).toBe('not_found');
  });
});

describe('people of another organization, and the front desk', () => {
  it('answer not found for every operation on another organization’s person', async () => {
    const lock = await room('110');
    const person = await createStaffMember(database.db, admin, input({ deviceIds: [lock.id] }), T0);
    const calls = [
      () => getStaffMember(database.db, rivalAdmin, person.id, T0),
      () =>
        updateStaffMember(database.db, rivalAdmin, person.id, input({ deviceIds: [lock.id] }), T0),
      () => rotateStaffCode(database.db, rivalAdmin, person.id, T0),
      () => removeStaffMember(database.db, rivalAdmin, person.id, T0),
    ];
    for (const call of calls) expect((await refused(written, call)).code).toBe('not_found');
  });

  it('the front desk may not list, read, change, rotate or remove people', async () => {
    const lock = await room('111');
    const person = await createStaffMember(database.db, admin, input({ deviceIds: [lock.id] }), T0);
    const calls = [
      () => listStaffMembers(database.db, frontDesk, T0),
      () => getStaffMember(database.db, frontDesk, person.id, T0),
      () =>
        updateStaffMember(database.db, frontDesk, person.id, input({ deviceIds: [lock.id] }), T0),
      () => rotateStaffCode(database.db, frontDesk, person.id, T0),
      () => removeStaffMember(database.db, frontDesk, person.id, T0),
    ];
    for (const call of calls) expect((await refused(written, call)).code).toBe('not_found');
    // What the desk may know: who opens the door, and when.
    expect(await staffWithAccess(database.db, frontDesk, lock.id)).toEqual([
      {
        name: 'Maria Lopez',
        role: 'cleaning',
        roleLabel: 'Cleaning',
        windows: 'Mon–Fri 07:30–17:30',
      },
    ]);
  });
});

describe('updateStaffMember', () => {
  it('replaces doors and windows; codes on the dropped door end, the new door gets hers', async () => {
    const [a, b] = [await room('120'), await room('121')];
    const person = await createStaffMember(database.db, admin, input({ deviceIds: [a.id] }), T0);
    const evenings = { kind: 'weekly' as const, days: [4], startTime: '18:00', endTime: '22:00' };
    const updated = await updateStaffMember(
      database.db,
      admin,
      person.id,
      input({ name: 'Maria López', role: 'maintenance', deviceIds: [b.id], windows: [evenings] }),
      T0,
    );
    expect(updated.code).toBe(person.code);
    const live = await database.db
      .select()
      .from(accessCodes)
      .where(and(eq(accessCodes.staffMemberId, person.id), isLive.sql()));
    expect(live.map((c) => [c.deviceId, c.name])).toEqual([[b.id, 'Maria López']]);
    expect(live[0]?.startsAt?.toISOString()).toBe(local(2026, 11, 26, 18).toISOString());
    const windows = await database.db
      .select()
      .from(staffWindows)
      .where(eq(staffWindows.staffMemberId, person.id));
    expect(windows).toHaveLength(1);
  });
});

describe('listStaffMembers and getStaffMember', () => {
  it('list people with their doors, windows in words and next window, in the property’s zone', async () => {
    const lock = await room('130');
    const [group] = await database.db
      .insert(lockGroups)
      .values({ organizationId: harbor.org.id, propertyId: harbor.property.id, name: 'Floor 1' })
      .returning();
    if (!group) throw new Error('no group');
    const other = await room('131');
    await database.db
      .insert(lockGroupDevices)
      .values({ groupId: group.id, deviceId: other.id, organizationId: harbor.org.id });
    const saturday = { kind: 'weekly' as const, days: [6], startTime: '09:00', endTime: '12:00' };
    const person = await createStaffMember(
      database.db,
      admin,
      input({ deviceIds: [lock.id], groupIds: [group.id], windows: [saturday] }),
      T0,
    );
    const removed = await createStaffMember(
      database.db,
      admin,
      input({ name: 'Gone', deviceIds: [lock.id] }),
      T0,
    );
    await removeStaffMember(database.db, admin, removed.id, T0);
    const list = await listStaffMembers(database.db, owner, T0);
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({
      id: person.id,
      name: 'Maria Lopez',
      roleLabel: 'Cleaning',
      doors: ['Room 130', 'Floor 1'],
      windows: 'Sat 09:00–12:00',
      nextWindow: 'Sat, 28 Nov 2026, 09:00 EST',
    });
    const page = await getStaffMember(database.db, owner, person.id, T0);
    expect(page.code).toBe(person.code);
    expect(page.locks.map((l) => l.name).sort()).toEqual(['Room 130', 'Room 131']);
    const scheduled = page.locks.flatMap((l) => l.codes);
    expect(scheduled).toHaveLength(2);
    // In the words every page uses for a code not due yet.
    expect(new Set(scheduled.map((c) => c.state.title))).toEqual(new Set(['Not on the lock yet']));
    expect(page.entries).toEqual([]);
  });
});
