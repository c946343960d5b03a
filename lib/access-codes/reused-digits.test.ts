import { and, count, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessCodeEvents, accessCodes, simulatedLockCodes } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { defaultAdapters } from '@/lib/devices/connections';
import { runTick } from '@/lib/reconciler/tick';
import { createReservation } from '@/lib/reservations/operations';
import { createAccessCode, updateAccessCode } from './operations';
import { liveCodesOn, loadLocks, takenDigits } from './store';

/**
 * Reused digits never arrive late (issue 17 case 1). A lock holds each code
 * once, from when the code goes on it (72 hours ahead on a lock that keeps
 * schedules, the lead time otherwise) until the tick takes it off after its
 * end. The same digits on one lock are refused at booking when those times
 * meet, so a returning guest's code is never held back by the last stay's.
 */

/** Friday 15:00 in New York; the Room 104 stays of the finding start seconds after it. */
const T = new Date('2026-12-04T20:00:00Z');
const at = (seconds: number) => new Date(T.getTime() + seconds * 1000);
const HOUR = 3600;
const MINUTE = 60;
const DAY = 24 * HOUR;
const DIGITS = '482913';

let database: TestDatabase;
let org: Awaited<ReturnType<typeof createOrganization>>;
let actor: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  org = await createOrganization(database.db, { roles: ['admin'] });
  actor = await actorFor(database.db, org, 'admin');
});
afterAll(() => database?.close());

const newLock = (name: string, supportsNativeScheduling: boolean) =>
  addSimulatedLock(database.db, {
    organizationId: org.org.id,
    propertyId: org.property.id,
    name,
    supportsNativeScheduling,
  });

/** A code with the finding's digits on `lockId` for [from, to) seconds after T, booked at T. */
const book = (lockId: string, from: number, to: number, who: Actor = actor) =>
  createAccessCode(
    database.db,
    who,
    { deviceId: lockId, name: 'Guest', code: DIGITS, startsAt: at(from), endsAt: at(to) },
    T,
  );

async function codeRows() {
  const [row] = await database.db.select({ n: count() }).from(accessCodes);
  return row?.n;
}

const NATIVE_REASON =
  'this lock holds each code once, from 72 hours before check-in until check-out. Choose other digits.';
const LEAD_REASON =
  'this lock holds each code once, from 30 minutes before check-in until check-out. Choose other digits.';

describe('the same digits twice on a lock that stores schedules', () => {
  it('are refused when the second code would go on before the first comes off', async () => {
    const lock = await newLock('Room 104', true);
    const first = await book(lock.id, 70, 150);
    expect(first.code).toBe(DIGITS);

    // Back to back, as in the finding: the second stay starts the second the first ends.
    for (const [from, to] of [
      [150, 260],
      [100, 200],
      [150 + 71 * HOUR, 150 + 71 * HOUR + DAY],
    ] as const) {
      const error = await refused(codeRows, () => book(lock.id, from, to));
      expect(error.code).toBe('invalid_input');
      expect(error.options.field).toBe('code');
      expect(error.message).toBe(
        `That code is already in use on Room 104 by another code: ${NATIVE_REASON}`,
      );
    }

    // Starting 73 hours after the first ends, it goes on the lock an hour after the first comes off.
    const later = await book(lock.id, 150 + 73 * HOUR, 150 + 73 * HOUR + DAY);
    expect(later.code).toBe(DIGITS);
  });

  it('name a stay, not its guest or digits, when the code in the way is a stay’s', async () => {
    const lock = await newLock('Room 105', true);
    const stay = await createReservation(
      database.db,
      actor,
      {
        propertyId: org.property.id,
        guestName: 'Grace Hopper',
        guestEmail: 'grace@example.com',
        checkInDate: '2026-12-05',
        checkOutDate: '2026-12-07',
        deviceIds: [lock.id],
      },
      T,
    );
    const digits = stay.accessCodes[0]?.code ?? '';
    const checkOut = stay.endsAt.getTime();
    const error = await refused(codeRows, () =>
      createAccessCode(
        database.db,
        actor,
        {
          deviceId: lock.id,
          code: digits,
          startsAt: new Date(checkOut + 10 * HOUR * 1000),
          endsAt: new Date(checkOut + DAY * 1000),
        },
        T,
      ),
    );
    expect(error.options.field).toBe('code');
    expect(error.message).toBe(
      `That code is already in use on Room 105 by another stay: ${NATIVE_REASON}`,
    );
    expect(error.message).not.toContain(digits);
    expect(error.message).not.toContain('Grace');
  });

  it('are refused when a move of the second code would bring it on before the first comes off', async () => {
    const lock = await newLock('Room 106', true);
    await book(lock.id, 70, 150);
    const later = await book(lock.id, 150 + 73 * HOUR, 150 + 73 * HOUR + DAY);
    const error = await refused(codeRows, () =>
      updateAccessCode(database.db, actor, later.id, { startsAt: at(150 + 71 * HOUR) }, T),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.options.field).toBe('code');
    expect(error.message).toBe(
      `That code is already in use on Room 106 by another code: ${NATIVE_REASON}`,
    );
    const [row] = await database.db.select().from(accessCodes).where(eq(accessCodes.id, later.id));
    expect(row?.startsAt).toEqual(later.startsAt);
    expect(row?.revision).toBe(later.revision);
  });
});

describe('the same digits twice on a lock programmed a lead time ahead', () => {
  it('are refused within the lead time of the first code’s end and accepted after it', async () => {
    const lock = await newLock('Room 204', false);
    await book(lock.id, 70, 150);
    const error = await refused(codeRows, () =>
      book(lock.id, 150 + 20 * MINUTE, 150 + 20 * MINUTE + 110),
    );
    expect(error.code).toBe('invalid_input');
    expect(error.options.field).toBe('code');
    expect(error.message).toBe(
      `That code is already in use on Room 204 by another code: ${LEAD_REASON}`,
    );
    const later = await book(lock.id, 150 + 40 * MINUTE, 150 + 40 * MINUTE + 110);
    expect(later.code).toBe(DIGITS);
  });
});

describe('reused digits that were accepted', () => {
  it('are on the lock at each check-in second, with no duplicate refused by the lock', async () => {
    const db = database.db;
    const other = await createOrganization(db, { roles: ['admin'] });
    const admin = await actorFor(db, other, 'admin');
    const lock = (name: string, supportsNativeScheduling: boolean) =>
      addSimulatedLock(db, {
        organizationId: other.org.id,
        propertyId: other.property.id,
        name,
        supportsNativeScheduling,
      });
    const native = await lock('Room 104', true);
    const lead = await lock('Room 204', false);
    const codes = [
      await book(native.id, 70, 150, admin),
      await book(native.id, 150 + 73 * HOUR, 150 + 73 * HOUR + 110, admin),
      await book(lead.id, 70, 150, admin),
      await book(lead.id, 150 + 40 * MINUTE, 150 + 40 * MINUTE + 110, admin),
    ];
    const onLock = async (code: (typeof codes)[number]) => {
      const externalId = code.deviceId === native.id ? native.externalId : lead.externalId;
      const rows = await db
        .select({ id: simulatedLockCodes.keyholdCodeId })
        .from(simulatedLockCodes)
        .where(
          and(
            eq(simulatedLockCodes.lockId, externalId),
            eq(simulatedLockCodes.keyholdCodeId, code.id),
          ),
        );
      return rows.length === 1;
    };

    // Every 15 s from T through each code's programming time, check-in and check-out.
    const spans: [number, number][] = [
      [0, 300],
      [150 + 40 * MINUTE - 30 * MINUTE - 60, 150 + 40 * MINUTE - 30 * MINUTE + 120],
      [150 + 40 * MINUTE - 60, 150 + 40 * MINUTE + 180],
      [150 + HOUR - 60, 150 + HOUR + 120],
      [150 + 73 * HOUR - 60, 150 + 73 * HOUR + 180],
    ];
    const seconds = [...new Set(spans.flatMap(([from, to]) => ticksBetween(from, to)))].sort(
      (a, b) => a - b,
    );
    const checkedIn = new Set<string>();
    for (const second of seconds) {
      await runTick(db, { now: at(second), adapters: defaultAdapters(db), random: () => 1 });
      for (const code of codes) {
        const checkIn = (code.startsAt?.getTime() ?? 0) - T.getTime();
        // The next tick comes after check-in: the code must be there already.
        if (checkIn >= second * 1000 && checkIn < (second + 15) * 1000) {
          expect(await onLock(code), `${code.id} at its check-in`).toBe(true);
          checkedIn.add(code.id);
        }
      }
    }
    expect(checkedIn.size).toBe(codes.length);

    const ids = codes.map((c) => c.id);
    const duplicates = await db
      .select({ id: accessCodeEvents.id })
      .from(accessCodeEvents)
      .where(
        and(
          inArray(accessCodeEvents.accessCodeId, ids),
          eq(accessCodeEvents.eventType, 'duplicate_code_on_device'),
        ),
      );
    expect(duplicates).toEqual([]);
    const rows = await db.select().from(accessCodes).where(inArray(accessCodes.id, ids));
    for (const row of rows) {
      expect(row.errors.map((e) => e.code)).not.toContain('duplicate_code_on_device');
      expect(row.warnings.map((w) => w.code)).not.toContain('delay_in_setting_on_device');
    }
  });
});

/** Tick seconds (multiples of 15 after T) within [from, to]. */
function ticksBetween(from: number, to: number): number[] {
  const first = Math.ceil(from / 15) * 15;
  const out: number[] = [];
  for (let s = first; s <= to; s += 15) out.push(s);
  return out;
}

describe('generated digits', () => {
  it('avoid digits a lock that stores schedules will hold by then, and only those', async () => {
    // A code for next Tuesday on each lock; a stay for tomorrow wants digits now.
    const native = await newLock('Room 304', true);
    const lead = await newLock('Room 305', false);
    for (const lock of [native, lead]) await book(lock.id, 4 * DAY, 5 * DAY);
    const tomorrow = { startsAt: at(DAY), endsAt: at(2 * DAY) };

    const locks = await loadLocks(database.db, org.org.id, [native.id, lead.id]);
    const live = await liveCodesOn(database.db, [native.id, lead.id]);
    const onNative = locks.filter((l) => l.id === native.id);
    const onLead = locks.filter((l) => l.id === lead.id);
    // Next Tuesday's code goes on the storing lock 72 h ahead: before tomorrow's stay ends.
    expect(takenDigits(onNative, tomorrow, live).has(DIGITS)).toBe(true);
    // The other lock takes it on 30 minutes ahead, days after tomorrow's stay.
    expect(takenDigits(onLead, tomorrow, live).has(DIGITS)).toBe(false);
  });
});
