import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reservationSources, reservations } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { csvColumns, importCsv } from './csv-import';

const NOW = new Date('2026-12-05T12:00:00Z');
const ROOMS = 10;

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let frontDesk: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, {
    name: 'Harbor',
    roles: ['admin', 'front_desk'],
  });
  admin = await actorFor(database.db, harbor, 'admin');
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  for (let r = 1; r <= ROOMS; r++) {
    await addSimulatedLock(database.db, {
      organizationId: harbor.org.id,
      propertyId: harbor.property.id,
      name: `Room ${r}`,
      room: String(r),
      slotLimit: 250,
    });
  }
});
afterAll(() => database.close());

const day = (n: number) =>
  new Date(Date.UTC(2027, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);

/** `rows` bookings, each room's stays one after another; `bad` rows (by index) broken in different ways. */
function file(rows: number, bad: Set<number> = new Set()) {
  const lines = ['Reservation ID,Guest name,Arrival,Departure,Room,Status'];
  for (let i = 0; i < rows; i++) {
    const room = (i % ROOMS) + 1;
    const slot = Math.floor(i / ROOMS);
    let checkIn = day(slot * 2);
    let checkOut = day(slot * 2 + 1);
    let name = `Guest ${i}`;
    let status = 'confirmed';
    let roomName = `Room ${room}`;
    if (bad.has(i)) {
      switch (i % 5) {
        case 0:
          checkOut = 'next week';
          break;
        case 1:
          name = '';
          break;
        case 2:
          status = 'inquiry';
          break;
        case 3:
          roomName = 'Room 99';
          break;
        default:
          [checkIn, checkOut] = [checkOut, checkIn];
      }
    }
    lines.push(`R-${i},${name},${checkIn},${checkOut},${roomName},${status}`);
  }
  return `${lines.join('\n')}\n`;
}

const mapping = { externalId: 0, guestName: 1, checkIn: 2, checkOut: 3, room: 4, status: 5 };

async function stayCount() {
  const [row] = await database.db
    .select({ n: count() })
    .from(reservations)
    .where(eq(reservations.organizationId, harbor.org.id));
  return row?.n ?? 0;
}

describe('a CSV import', () => {
  it('guesses the columns of a file', () => {
    const columns = csvColumns(file(3));
    expect(columns.mapping).toMatchObject(mapping);
    expect(columns.rows).toBe(3);
  });

  it('lists every row’s result on a dry run and writes nothing', async () => {
    const bad = new Set([3, 97, 150]);
    const result = await importCsv(
      database.db,
      admin,
      { propertyId: harbor.property.id, text: file(200, bad), mapping, dryRun: true },
      NOW,
    );
    expect(result.rows).toHaveLength(200);
    expect(result.counts).toMatchObject({ created: 197, error: 3 });
    expect(result.rows.filter((r) => r.outcome === 'error').map((r) => r.row)).toEqual([
      5, 99, 152,
    ]);
    expect(await stayCount()).toBe(0);
    const [sources] = await database.db.select({ n: count() }).from(reservationSources);
    expect(sources?.n).toBe(0);
  });

  it('applies 990 good rows of 1,000, reports the 10 bad ones with their reasons, and leaves nothing partial', async () => {
    const bad = new Set([3, 97, 150, 221, 402, 508, 611, 733, 845, 999]);
    const text = file(1000, bad);
    const result = await importCsv(
      database.db,
      admin,
      { propertyId: harbor.property.id, text, mapping, dryRun: false },
      NOW,
    );
    expect(result.counts.created).toBe(990);
    expect(await stayCount()).toBe(990);
    const errors = result.rows.filter((r) => r.outcome === 'error');
    expect(errors).toHaveLength(10);
    const messages = errors.map((e) => e.message ?? '').join('\n');
    expect(messages).toMatch(/Departure/);
    expect(messages).toMatch(/Room 99/);
    expect(messages).toMatch(/Check-out is before check-in/);
    // No guest's name in any message.
    expect(messages).not.toMatch(/Guest \d/);

    // The same file again: every good row unchanged, no stay doubled.
    const again = await importCsv(
      database.db,
      admin,
      { propertyId: harbor.property.id, text, mapping, dryRun: false },
      NOW,
    );
    expect(again.counts.unchanged).toBe(990);
    expect(await stayCount()).toBe(990);
  }, 120_000);

  it('is for admins and owners: the front desk is refused and nothing is written', async () => {
    const error = await refused(stayCount, () =>
      importCsv(
        database.db,
        frontDesk,
        { propertyId: harbor.property.id, text: file(2), mapping, dryRun: false },
        NOW,
      ),
    );
    expect(error.code).toBe('not_found');
  });

  it('refuses a mapping without a required column, naming it', async () => {
    const error = await refused(stayCount, () =>
      importCsv(
        database.db,
        admin,
        {
          propertyId: harbor.property.id,
          text: file(2),
          mapping: { externalId: 0, guestName: 1, checkIn: 2 },
          dryRun: false,
        },
        NOW,
      ),
    );
    expect(error.message + JSON.stringify(error)).toMatch(/column that holds the check-out date/);
  });
});
