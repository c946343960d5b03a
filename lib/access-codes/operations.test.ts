import { randomUUID } from 'node:crypto';
import { asc, count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AccessCode, accessCodeEvents, accessCodes } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import {
  type CreateAccessCodeInput,
  createAccessCode,
  deleteAccessCode,
  updateAccessCode,
} from './operations';
import { getAccessCode, listAccessCodes } from './reads';
import { isWeakCode } from './rules';

const NOW = new Date('2026-11-26T12:00:00Z');
const DAY = 86_400_000;
/** `n` days after NOW (negative: before). */
const day = (n: number) => new Date(NOW.getTime() + n * DAY);

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let rival: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let frontDesk: Actor;
let rivalAdmin: Actor;
let rivalLock: Awaited<ReturnType<typeof addSimulatedLock>>;
let lockCount = 0;

/** A fresh Harbor lock, so each test starts from an empty lock. */
async function newLock(options: { allowedLengths?: number[] } = {}) {
  lockCount += 1;
  return addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: harbor.property.id,
    name: `Room ${200 + lockCount}`,
    room: String(200 + lockCount),
    allowedLengths: options.allowedLengths ?? [4, 6],
  });
}

async function rowCounts() {
  const [codes] = await database.db.select({ n: count() }).from(accessCodes);
  const [events] = await database.db.select({ n: count() }).from(accessCodeEvents);
  return { accessCodes: codes?.n, accessCodeEvents: events?.n };
}

async function eventsOf(accessCodeId: string) {
  return database.db
    .select()
    .from(accessCodeEvents)
    .where(eq(accessCodeEvents.accessCodeId, accessCodeId))
    .orderBy(asc(accessCodeEvents.id));
}

async function rowOf(accessCodeId: string): Promise<AccessCode> {
  const [row] = await database.db
    .select()
    .from(accessCodes)
    .where(eq(accessCodes.id, accessCodeId));
  if (!row) throw new Error('no such code row');
  return row;
}

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, {
    name: 'Harbor',
    roles: ['admin', 'front_desk'],
  });
  rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  admin = await actorFor(database.db, harbor, 'admin');
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
  rivalLock = await addSimulatedLock(database.db, {
    organizationId: rival.org.id,
    propertyId: rival.property.id,
    name: 'Rival Penthouse Secret',
  });
});
afterAll(async () => {
  await database?.close();
});

describe('createAccessCode refuses and writes nothing', () => {
  it('answers not found, naming device_id, for a lock that does not exist', async () => {
    const error = await refused(rowCounts, () =>
      createAccessCode(database.db, admin, { deviceId: randomUUID(), code: '4821' }, NOW),
    );
    expect(error.code).toBe('not_found');
    expect(error.options.field).toBe('device_id');
  });

  it('answers not found for another organization’s lock and reveals nothing of it', async () => {
    const error = await refused(rowCounts, () =>
      createAccessCode(
        database.db,
        admin,
        { deviceId: rivalLock.id, code: '4821', name: 'Sneaky' },
        NOW,
      ),
    );
    expect(error.code).toBe('not_found');
    expect(error.message).toBe('Lock not found.');
    expect(error.message).not.toContain(rivalLock.name);
    const theirs = await listAccessCodes(database.db, rivalAdmin, { deviceId: rivalLock.id }, NOW);
    expect(theirs.accessCodes).toEqual([]);
  });

  it('refuses a device id that is not a lock id, naming device_id', async () => {
    const error = await refused(rowCounts, () =>
      createAccessCode(database.db, admin, { deviceId: 'room-201', code: '4821' }, NOW),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.options.field).toBe('device_id');
    expect(error.message).toMatch(/device_id/);
  });

  it('refuses a window whose end is not after its start', async () => {
    const lock = await newLock();
    for (const [startsAt, endsAt] of [
      [day(2), day(2)],
      [day(3), day(2)],
    ]) {
      const error = await refused(rowCounts, () =>
        createAccessCode(
          database.db,
          admin,
          { deviceId: lock.id, code: '4821', startsAt, endsAt },
          NOW,
        ),
      );
      expect(error.code).toBe('invalid_input');
      expect(error.options.field).toBe('ends_at');
      expect(error.message).toMatch(/after starts_at/);
    }
  });

  it('refuses only one end of a window', async () => {
    const lock = await newLock();
    const inputs: CreateAccessCodeInput[] = [
      { deviceId: lock.id, code: '4821', startsAt: day(1) },
      { deviceId: lock.id, code: '4821', endsAt: day(2) },
    ];
    for (const input of inputs) {
      const error = await refused(rowCounts, () =>
        createAccessCode(database.db, admin, input, NOW),
      );
      expect(error.code).toBe('invalid_input');
      expect(error.options.field).toBe('ends_at');
      expect(error.message).toMatch(/starts_at and ends_at go together/);
    }
  });

  it('refuses a window longer than a year', async () => {
    const lock = await newLock();
    const error = await refused(rowCounts, () =>
      createAccessCode(
        database.db,
        admin,
        { deviceId: lock.id, code: '4821', startsAt: day(1), endsAt: day(1 + 400) },
        NOW,
      ),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.options.field).toBe('ends_at');
    expect(error.message).toMatch(/at most one year/);
  });

  it('refuses a window that has already ended', async () => {
    const lock = await newLock();
    const error = await refused(rowCounts, () =>
      createAccessCode(
        database.db,
        admin,
        {
          deviceId: lock.id,
          code: '4821',
          startsAt: '2026-11-20T15:00:00Z',
          endsAt: '2026-11-25T11:00:00Z',
        },
        NOW,
      ),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.options.field).toBe('ends_at');
    expect(error.message).toMatch(/future/);
  });

  it('refuses a code with letters, saying it must be digits', async () => {
    const lock = await newLock();
    const error = await refused(rowCounts, () =>
      createAccessCode(database.db, admin, { deviceId: lock.id, code: '48a1' }, NOW),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.options.field).toBe('code');
    expect(error.message).toMatch(/digits/);
  });

  it('refuses a code of a length the lock does not take, naming the lengths it does', async () => {
    const lock = await newLock({ allowedLengths: [4, 6] });
    const error = await refused(rowCounts, () =>
      createAccessCode(database.db, admin, { deviceId: lock.id, code: '12345' }, NOW),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.options.field).toBe('code');
    expect(error.message).toMatch(/4 or 6 digits/);
  });

  it('refuses the same PIN on the same lock at an overlapping time', async () => {
    const lock = await newLock();
    await createAccessCode(
      database.db,
      admin,
      { deviceId: lock.id, code: '739418', startsAt: day(1), endsAt: day(4) },
      NOW,
    );
    const error = await refused(rowCounts, () =>
      createAccessCode(
        database.db,
        admin,
        { deviceId: lock.id, code: '739418', startsAt: day(3), endsAt: day(6) },
        NOW,
      ),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.options.field).toBe('code');
    expect(error.message).toBe(
      `That code is already in use on ${lock.name} by another code: this lock holds each code once, from 30 minutes before check-in until check-out. Choose other digits.`,
    );
    // An ongoing code overlaps every window.
    const ongoing = await refused(rowCounts, () =>
      createAccessCode(database.db, admin, { deviceId: lock.id, code: '739418' }, NOW),
    );
    expect(ongoing.options.field).toBe('code');
  });
});

describe('createAccessCode', () => {
  it('accepts the same PIN on the same lock once the last code is off before the next goes on', async () => {
    const lock = await newLock();
    const first = await createAccessCode(
      database.db,
      admin,
      { deviceId: lock.id, code: '739418', startsAt: day(1), endsAt: day(4) },
      NOW,
    );
    // The lock takes a code on 30 minutes before its start and holds each code once:
    // the next guest's may go on once the last one is off (reused-digits.test.ts).
    const second = await createAccessCode(
      database.db,
      admin,
      {
        deviceId: lock.id,
        code: '739418',
        startsAt: new Date(day(4).getTime() + 31 * 60_000),
        endsAt: day(7),
      },
      NOW,
    );
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({ code: '739418', type: 'time_bound', status: 'unset' });
    const listed = await listAccessCodes(database.db, admin, { deviceId: lock.id }, NOW);
    expect(listed.accessCodes.map((c) => c.id).sort()).toEqual([first.id, second.id].sort());
  });

  it('accepts the same PIN on another lock at the same time', async () => {
    const room = await newLock();
    const gate = await newLock();
    const window = { startsAt: day(1), endsAt: day(4) };
    await createAccessCode(
      database.db,
      admin,
      { deviceId: room.id, code: '739418', ...window },
      NOW,
    );
    const onGate = await createAccessCode(
      database.db,
      admin,
      { deviceId: gate.id, code: '739418', ...window },
      NOW,
    );
    expect(onGate).toMatchObject({ deviceId: gate.id, code: '739418' });
    expect(onGate.startsAt).toEqual(window.startsAt);
    expect(onGate.endsAt).toEqual(window.endsAt);
  });

  it('generates digits that fit the lock and clash with no code already on it', async () => {
    // Fill 9,000 of the 10,000 four-digit codes, so a generator that ignored
    // the lock's codes would collide nine times in ten.
    const lock = await newLock({ allowedLengths: [4] });
    const taken = new Set<string>();
    for (let n = 0; n < 9000; n++) taken.add(String(n).padStart(4, '0'));
    const takenList = [...taken];
    for (let i = 0; i < takenList.length; i += 1000) {
      await database.db.insert(accessCodes).values(
        takenList.slice(i, i + 1000).map((code) => ({
          organizationId: harbor.org.id,
          deviceId: lock.id,
          type: 'ongoing' as const,
          code,
          status: 'set' as const,
        })),
      );
    }
    const generated: string[] = [];
    for (let i = 0; i < 5; i++) {
      const row = await createAccessCode(database.db, admin, { deviceId: lock.id }, NOW);
      expect(row.code).toMatch(/^\d{4}$/);
      const code = row.code ?? '';
      expect(taken.has(code)).toBe(false);
      expect(generated).not.toContain(code);
      expect(isWeakCode(code)).toBe(false);
      generated.push(code);
    }

    const sixOrFour = await newLock({ allowedLengths: [4, 6] });
    const longest = await createAccessCode(database.db, admin, { deviceId: sixOrFour.id }, NOW);
    expect(longest.code).toMatch(/^\d{6}$/);
    const short = await createAccessCode(
      database.db,
      admin,
      { deviceId: sixOrFour.id, preferredCodeLength: 4 },
      NOW,
    );
    expect(short.code).toMatch(/^\d{4}$/);
  });

  it('lets front desk create codes, recording who made them', async () => {
    const lock = await newLock();
    const row = await createAccessCode(
      database.db,
      frontDesk,
      { deviceId: lock.id, code: '582047', name: 'Housekeeping' },
      NOW,
    );
    expect(row).toMatchObject({
      type: 'ongoing',
      name: 'Housekeeping',
      createdByUserId: frontDesk.userId,
      organizationId: harbor.org.id,
    });
    expect((await getAccessCode(database.db, admin, row.id, NOW)).code).toBe('582047');
    const [created] = await eventsOf(row.id);
    expect(created).toMatchObject({ eventType: 'created', actorUserId: frontDesk.userId });
  });
});

describe('another organization’s codes', () => {
  it('answers not found to update, delete and get, and leaves the code alone', async () => {
    const lock = await newLock();
    const ours = await createAccessCode(
      database.db,
      admin,
      { deviceId: lock.id, code: '582047', name: 'Suite guest' },
      NOW,
    );
    const update = await refused(rowCounts, () =>
      updateAccessCode(database.db, rivalAdmin, ours.id, { code: '9999', name: 'Mine now' }, NOW),
    );
    expect(update.code).toBe('not_found');
    const remove = await refused(rowCounts, () =>
      deleteAccessCode(database.db, rivalAdmin, ours.id, NOW),
    );
    expect(remove.code).toBe('not_found');
    const get = await getAccessCode(database.db, rivalAdmin, ours.id, NOW).catch((e: unknown) => e);
    expect(get).toBeInstanceOf(AppError);
    expect((get as AppError).code).toBe('not_found');
    const theirList = await listAccessCodes(database.db, rivalAdmin, {}, NOW);
    expect(theirList.accessCodes.map((c) => c.id)).not.toContain(ours.id);

    const after = await getAccessCode(database.db, admin, ours.id, NOW);
    expect(after).toMatchObject({ code: '582047', name: 'Suite guest', revision: 0 });
    expect(after.deletedAt).toBeNull();
  });
});

describe('updateAccessCode and deleteAccessCode', () => {
  it('makes a deleted code disappear from get and list', async () => {
    const lock = await newLock();
    const keep = await createAccessCode(
      database.db,
      admin,
      { deviceId: lock.id, code: '582047' },
      NOW,
    );
    const gone = await createAccessCode(
      database.db,
      admin,
      { deviceId: lock.id, code: '614093' },
      NOW,
    );
    await deleteAccessCode(database.db, frontDesk, gone.id, NOW);

    const error = await getAccessCode(database.db, admin, gone.id, NOW).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('not_found');
    const listed = await listAccessCodes(database.db, admin, { deviceId: lock.id }, NOW);
    expect(listed.accessCodes.map((c) => c.id)).toEqual([keep.id]);
    const all = await listAccessCodes(database.db, admin, { limit: 1000 }, NOW);
    expect(all.accessCodes.map((c) => c.id)).not.toContain(gone.id);

    // The row stays for the tick to take the code off the lock.
    expect(await rowOf(gone.id)).toMatchObject({ desiredState: 'absent', deletedAt: NOW });
    // Deleting twice is not found, and writes nothing.
    const again = await refused(rowCounts, () =>
      deleteAccessCode(database.db, admin, gone.id, NOW),
    );
    expect(again.code).toBe('not_found');
    // Its digits are free again on the lock.
    const reused = await createAccessCode(
      database.db,
      admin,
      { deviceId: lock.id, code: '614093' },
      NOW,
    );
    expect(reused.code).toBe('614093');
  });

  it('reprograms a code already on the lock when its digits change', async () => {
    const lock = await newLock();
    const row = await createAccessCode(
      database.db,
      admin,
      { deviceId: lock.id, code: '582047', startsAt: day(1), endsAt: day(3) },
      NOW,
    );
    // As if the tick had put it on the lock.
    await database.db
      .update(accessCodes)
      .set({ externalRef: 'sim-slot-7', status: 'set', nextAttemptAt: null })
      .where(eq(accessCodes.id, row.id));
    const before = await rowOf(row.id);

    const updated = await updateAccessCode(database.db, admin, row.id, { code: '306281' }, NOW);
    expect(updated).toMatchObject({
      code: '306281',
      status: 'setting',
      revision: before.revision + 1,
      attempts: 0,
    });
    expect(updated.nextAttemptAt).toEqual(NOW);
    expect(await rowOf(row.id)).toMatchObject({ code: '306281', status: 'setting' });
    expect((await getAccessCode(database.db, admin, row.id, NOW)).code).toBe('306281');
  });

  it('keeps a code that is not on the lock yet unset when its digits change', async () => {
    const lock = await newLock();
    const row = await createAccessCode(
      database.db,
      admin,
      { deviceId: lock.id, code: '582047' },
      NOW,
    );
    const updated = await updateAccessCode(database.db, admin, row.id, { code: '306281' }, NOW);
    expect(updated).toMatchObject({ code: '306281', status: 'unset', revision: row.revision + 1 });
  });

  it('refuses new digits that clash on the lock, and a bad new window, writing nothing', async () => {
    const lock = await newLock();
    await createAccessCode(database.db, admin, { deviceId: lock.id, code: '582047' }, NOW);
    const other = await createAccessCode(
      database.db,
      admin,
      { deviceId: lock.id, code: '306281', startsAt: day(1), endsAt: day(3) },
      NOW,
    );
    const clash = await refused(rowCounts, () =>
      updateAccessCode(database.db, admin, other.id, { code: '582047' }, NOW),
    );
    expect(clash.code).toBe('invalid_input');
    expect(clash.options.field).toBe('code');
    expect(clash.message).toMatch(/already in use/);

    const backwards = await refused(rowCounts, () =>
      updateAccessCode(database.db, admin, other.id, { endsAt: day(0.5) }, NOW),
    );
    expect(backwards.code).toBe('invalid_input');
    expect(backwards.options.field).toBe('ends_at');
    expect(await rowOf(other.id)).toMatchObject({ code: '306281', revision: 0, endsAt: day(3) });
  });

  it('writes an event for every change: created, code_changed, time_frame_changed, deleted', async () => {
    const lock = await newLock();
    const row = await createAccessCode(
      database.db,
      frontDesk,
      { deviceId: lock.id, code: '582047', startsAt: day(1), endsAt: day(3) },
      NOW,
    );
    await updateAccessCode(database.db, frontDesk, row.id, { code: '306281' }, NOW);
    await updateAccessCode(
      database.db,
      frontDesk,
      row.id,
      { startsAt: day(2), endsAt: day(5) },
      NOW,
    );
    // A change to nothing is no change, and no event.
    await updateAccessCode(database.db, frontDesk, row.id, { code: '306281' }, NOW);
    await deleteAccessCode(database.db, frontDesk, row.id, NOW);

    const events = await eventsOf(row.id);
    expect(events.map((e) => e.eventType)).toEqual([
      'created',
      'code_changed',
      'time_frame_changed',
      'deleted',
    ]);
    for (const event of events) {
      expect(event.actorUserId).toBe(frontDesk.userId);
      expect(event.deviceId).toBe(lock.id);
      const detail = JSON.stringify(event.detail ?? {});
      expect(detail).not.toContain('582047');
      expect(detail).not.toContain('306281');
    }
    expect(events[2]?.detail).toMatchObject({
      starts_at: day(2).toISOString(),
      ends_at: day(5).toISOString(),
    });
    expect((await rowOf(row.id)).revision).toBe(3);
  });
});

describe('listAccessCodes', () => {
  it('pages with limit and nextCursor without duplicates or gaps', async () => {
    const lock = await newLock();
    const created: string[] = [];
    for (let i = 0; i < 7; i++) {
      const row = await createAccessCode(
        database.db,
        admin,
        { deviceId: lock.id, code: `5${String(i).padStart(3, '0')}17` },
        NOW,
      );
      created.push(row.id);
    }
    const whole = await listAccessCodes(database.db, admin, { deviceId: lock.id }, NOW);
    expect(whole.nextCursor).toBeNull();
    expect(whole.accessCodes.map((c) => c.id).sort()).toEqual([...created].sort());

    const pages: string[][] = [];
    let after: string | undefined;
    for (let guard = 0; guard < 10; guard++) {
      const page = await listAccessCodes(
        database.db,
        admin,
        {
          deviceId: lock.id,
          limit: 3,
          after,
        },
        NOW,
      );
      pages.push(page.accessCodes.map((c) => c.id));
      if (!page.nextCursor) break;
      after = page.nextCursor;
    }
    expect(pages.map((p) => p.length)).toEqual([3, 3, 1]);
    // Same codes in the same order as one big page: nothing twice, nothing missed.
    expect(pages.flat()).toEqual(whole.accessCodes.map((c) => c.id));
  });

  it('reads one lock’s codes with the same values as a single get: windows, errors, nulls', async () => {
    const lock = await newLock();
    const timed = await createAccessCode(
      database.db,
      admin,
      { deviceId: lock.id, code: '482913', startsAt: day(1), endsAt: day(3), name: 'Ana Ó’Brien' },
      NOW,
    );
    await createAccessCode(database.db, admin, { deviceId: lock.id, code: '739184' }, NOW);
    await database.db
      .update(accessCodes)
      .set({
        errors: [
          {
            code: 'failed_to_set_on_device',
            message: 'The lock refused it.',
            createdAt: NOW.toISOString(),
          },
        ],
      })
      .where(eq(accessCodes.id, timed.id));

    const listed = await listAccessCodes(database.db, admin, { deviceId: lock.id }, NOW);
    expect(listed.accessCodes).toHaveLength(2);
    for (const item of listed.accessCodes) {
      const single = await getAccessCode(database.db, admin, item.id, NOW);
      const expected = Object.fromEntries(
        Object.keys(item).map((k) => [k, single[k as keyof typeof single]]),
      );
      expect(item).toEqual(expected);
    }
    const first = listed.accessCodes.find((c) => c.id === timed.id);
    expect(first?.startsAt).toEqual(day(1));
    expect(first?.errors.map((e) => e.code)).toEqual(['failed_to_set_on_device']);
  });

  it('refuses a malformed page cursor, naming page_cursor', async () => {
    for (const after of ['not-a-cursor', 'yesterday|abc', '2026-11-26T12:00:00.000Z|']) {
      const error = await listAccessCodes(database.db, admin, { after }, NOW).catch(
        (e: unknown) => e,
      );
      expect(error, after).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('invalid_input');
      expect((error as AppError).options.field).toBe('page_cursor');
    }
  });

  it('refuses a cursor with a valid time but an id that is no code id, naming page_cursor', async () => {
    // A hand-edited or truncated cursor must be the user's error, not a server error.
    for (const after of ['2026-11-26T12:00:00.000Z|not-a-uuid', '12|abc']) {
      const error = await listAccessCodes(database.db, admin, { after }, NOW).catch(
        (e: unknown) => e,
      );
      expect(error, after).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('invalid_input');
      expect((error as AppError).options.field).toBe('page_cursor');
    }
  });

  it('hides the digits of an unpulled backup code, and shows them once pulled', async () => {
    const lock = await newLock();
    const [unpulled, pulled] = await database.db
      .insert(accessCodes)
      .values([
        {
          organizationId: harbor.org.id,
          deviceId: lock.id,
          type: 'ongoing' as const,
          code: '918273',
          status: 'set' as const,
          isBackup: true,
        },
        {
          organizationId: harbor.org.id,
          deviceId: lock.id,
          type: 'ongoing' as const,
          code: '647382',
          status: 'set' as const,
          isBackup: true,
          pulledAt: day(-1),
          pulledByUserId: frontDesk.userId,
        },
      ])
      .returning();
    if (!unpulled || !pulled) throw new Error('backup codes not inserted');

    const listed = await listAccessCodes(database.db, admin, { deviceId: lock.id }, NOW);
    const byId = new Map(listed.accessCodes.map((c) => [c.id, c]));
    expect(byId.get(unpulled.id)).toMatchObject({ isBackup: true, code: null });
    expect(byId.get(pulled.id)).toMatchObject({ isBackup: true, code: '647382' });
    expect((await getAccessCode(database.db, admin, unpulled.id, NOW)).code).toBeNull();
    expect((await getAccessCode(database.db, frontDesk, pulled.id, NOW)).code).toBe('647382');
  });

  it('refuses to edit a backup code, revealing nothing', async () => {
    const lock = await newLock();
    const [backup] = await database.db
      .insert(accessCodes)
      .values({
        organizationId: harbor.org.id,
        deviceId: lock.id,
        type: 'ongoing' as const,
        code: '918273',
        status: 'set' as const,
        isBackup: true,
      })
      .returning();
    if (!backup) throw new Error('backup code not inserted');
    // Backup codes belong to the pool: editing one is refused, and the refusal shows no digits.
    const error = await refused(rowCounts, () =>
      updateAccessCode(database.db, frontDesk, backup.id, { name: 'Spare 1' }, NOW),
    );
    expect(error).toMatchObject({ code: 'invalid_input', options: { field: 'access_code_id' } });
    expect(JSON.stringify(error)).not.toContain('918273');
    expect(error.message).not.toContain('918273');
    expect((await rowOf(backup.id)).name).toBeNull();
    expect((await rowOf(backup.id)).code).toBe('918273');
  });
});
