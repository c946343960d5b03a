import { and, asc, eq, like } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessCodes, devices, events } from '@/db/schema';
import { actorFor, createOrganization, createTestDatabase, type TestDatabase } from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { connectSeam, defaultAdapters } from '@/lib/devices/connections';
import type { SeamSettings } from '@/lib/locks/seam/options';
import { type FakeSeam, startFakeSeam } from '@/lib/locks/seam/testing';
import { runTick } from '@/lib/reconciler/tick';
import { createReservation } from '@/lib/reservations/operations';
import { deriveKey } from '@/lib/secret-box';

// Stays check in at 15:00 New York (20:00 UTC).
const T0 = new Date('2026-11-26T14:00:00Z');
const CHECK_IN = new Date('2026-11-26T20:00:00Z');
const minutes = (base: Date, n: number) => new Date(base.getTime() + n * 60_000);

let database: TestDatabase;
let seam: FakeSeam;
let settings: SeamSettings;
let admin: Actor;
let organizationId: string;
let propertyId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  seam = await startFakeSeam();
  settings = {
    endpoint: seam.url,
    credentialsKey: deriveKey('test credentials key, 32+ chars long'),
  };
});
afterAll(async () => {
  await seam.stop();
  await database.close();
});
beforeEach(async () => {
  await database.truncate();
  const org = await createOrganization(database.db, { roles: ['admin'] });
  organizationId = org.org.id;
  propertyId = org.property.id;
  admin = await actorFor(database.db, org, 'admin');
});

const tick = (now: Date) =>
  runTick(database.db, {
    now,
    adapters: defaultAdapters(database.db, { seam: settings }),
    random: () => 1,
    transports: {},
  });

/** What a lock reports through Seam: an event the fake holds, generated now. */
function seamReports(event: {
  deviceId: string;
  type: string;
  occurredAt: Date;
  accessCodeId?: string;
  method?: string;
  workspaceId?: string;
  createdAt?: string;
}) {
  return seam.fake.database.addEvent({
    event_type: event.type,
    workspace_id: event.workspaceId ?? seam.workspaceId,
    device_id: event.deviceId,
    occurred_at: event.occurredAt.toISOString(),
    ...(event.createdAt ? { created_at: event.createdAt } : {}),
    ...(event.accessCodeId ? { access_code_id: event.accessCodeId } : {}),
    ...(event.method ? { method: event.method } : {}),
  } as never);
}

describe('lock events through Seam', () => {
  it('brings an entry Seam reports with the code’s access_code_id to the stay, once', async () => {
    const seamLock = seam.addLock({ name: 'Room 301' });
    await connectSeam(
      database.db,
      admin,
      { name: 'Harbour Seam', apiKey: seam.apiKey, propertyId },
      T0,
      settings,
    );
    const [lock] = await database.db
      .select()
      .from(devices)
      .where(and(eq(devices.organizationId, organizationId), eq(devices.externalId, seamLock)));
    if (!lock) throw new Error('the Seam lock was not imported');
    // Due on this test's clock, which runs before the wall clock the import stamped.
    await database.db
      .update(devices)
      .set({ nextEventsReadAt: new Date(0) })
      .where(eq(devices.id, lock.id));
    const stay = await createReservation(
      database.db,
      admin,
      {
        propertyId,
        guestName: 'Maria Lopez',
        checkInDate: '2026-11-26',
        checkOutDate: '2026-11-28',
        deviceIds: [lock.id],
      },
      T0,
    );
    const guestCode = stay.accessCodes[0];
    if (!guestCode) throw new Error('no guest code');
    await tick(CHECK_IN);
    for (const c of seam.codesOn(seamLock)) seam.setStatus(c.access_code_id, 'set');
    await tick(minutes(CHECK_IN, 1));
    const [code] = await database.db
      .select()
      .from(accessCodes)
      .where(eq(accessCodes.id, guestCode.id));
    expect(code?.status).toBe('set');
    const ref = code?.externalRef;
    if (!ref) throw new Error('the guest code has no reference at Seam');

    seamReports({
      deviceId: seamLock,
      type: 'lock.unlocked',
      occurredAt: minutes(CHECK_IN, 30),
      accessCodeId: ref,
      method: 'keycode',
    });
    seamReports({ deviceId: seamLock, type: 'lock.locked', occurredAt: minutes(CHECK_IN, 31) });
    // Not this lock's, not a lock event: never read.
    const elsewhere = seam.addLock({ name: 'Room 302' });
    seamReports({ deviceId: elsewhere, type: 'lock.unlocked', occurredAt: minutes(CHECK_IN, 30) });
    seamReports({
      deviceId: seamLock,
      type: 'access_code.created',
      occurredAt: minutes(CHECK_IN, 30),
    });

    const stats = await tick(minutes(CHECK_IN, 35));
    expect(stats.lockEventsStored).toBe(2);
    const stored = await database.db
      .select()
      .from(events)
      .where(and(eq(events.deviceId, lock.id), like(events.dedupeKey, 'lock:%')))
      .orderBy(asc(events.occurredAt));
    expect(stored.map((e) => [e.eventType, e.method, e.accessCodeId, e.reservationId])).toEqual([
      ['lock.unlocked', 'keycode', guestCode.id, stay.id],
      ['lock.locked', null, null, null],
    ]);

    // Read again from the first read's start: the same events are not stored twice.
    await database.db
      .update(devices)
      .set({ eventsCursor: null, nextEventsReadAt: new Date(0) })
      .where(eq(devices.id, lock.id));
    const again = await tick(minutes(CHECK_IN, 36));
    expect(again.lockEventsStored).toBe(0);
    expect(
      await database.db
        .select()
        .from(events)
        .where(and(eq(events.deviceId, lock.id), like(events.dedupeKey, 'lock:%'))),
    ).toHaveLength(2);

    // Check-out: Keyhold takes the code off the lock (Seam names it by its id only)…
    const checkOut = new Date('2026-11-28T16:00:00Z');
    let offAt = checkOut;
    for (let i = 1; i <= 10; i++) {
      offAt = minutes(checkOut, i);
      await tick(offAt);
      const [now] = await database.db
        .select({ status: accessCodes.status })
        .from(accessCodes)
        .where(eq(accessCodes.id, guestCode.id));
      if (now?.status === 'removed') break;
    }
    const [removed] = await database.db
      .select()
      .from(accessCodes)
      .where(eq(accessCodes.id, guestCode.id));
    expect(removed).toMatchObject({ status: 'removed', externalRef: null });
    // …but the lock ignored it: the guest's code opens the door after check-out.
    seamReports({
      deviceId: seamLock,
      type: 'lock.unlocked',
      occurredAt: minutes(offAt, 20),
      accessCodeId: ref,
      method: 'keycode',
    });
    await tick(minutes(offAt, 25));
    const late = await database.db
      .select()
      .from(events)
      .where(
        and(
          eq(events.deviceId, lock.id),
          like(events.dedupeKey, 'lock:%'),
          eq(events.occurredAt, minutes(offAt, 20)),
        ),
      );
    expect(late).toHaveLength(1);
    expect(late[0]).toMatchObject({
      accessCodeId: guestCode.id,
      reservationId: stay.id,
      detail: { after_check_out: true },
    });
  });
});
