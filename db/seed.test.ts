import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignIn } from '@/lib/auth/sign-in';
import { findOverlaps } from '@/lib/reservations/overlap';
import { formatInZone } from '@/lib/time';
import {
  accessCodes,
  devices,
  memberships,
  organizations,
  properties,
  reservationDevices,
  reservations,
  simulatedLocks,
  users,
} from './schema';
import { seedDemo } from './seed';
import { createTestDatabase, type TestDatabase } from './testing';

const NOW = new Date('2026-11-26T14:00:00Z');
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('seedDemo', () => {
  it('fills an empty database with Harbor Hotel once, even when two instances start together', async () => {
    const results = await Promise.all([
      seedDemo(database.db, { now: NOW, password: 'demo-password' }),
      seedDemo(database.db, { now: NOW, password: 'demo-password' }),
    ]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await seedDemo(database.db, { now: NOW, password: 'demo-password' })).toBeNull();

    const db = database.db;
    const [orgs] = await db.select({ n: count() }).from(organizations);
    expect(orgs?.n).toBe(1);
    const roles = await db
      .select({ role: memberships.role, email: users.email })
      .from(memberships)
      .innerJoin(users, eq(users.id, memberships.userId));
    expect(roles.map((r) => r.role).sort()).toEqual(['admin', 'front_desk', 'owner']);

    const [property] = await db.select().from(properties);
    expect(property?.timeZone).toBe('America/New_York');
    const locks = await db.select().from(devices);
    expect(locks).toHaveLength(13);
    expect(new Set(locks.map((l) => l.room)).size).toBe(13);
    // Every demo lock exists on the simulated "hardware" too.
    const hardware = await db.select({ id: simulatedLocks.id }).from(simulatedLocks);
    expect(hardware.map((h) => h.id).sort()).toEqual(locks.map((l) => l.externalId).sort());

    const stays = await db.select().from(reservations);
    expect(stays.length).toBeGreaterThanOrEqual(4);
    for (const stay of stays) {
      // Check-in at 15:00 and check-out at 11:00 in the hotel's own zone.
      expect(formatInZone(stay.startsAt, 'America/New_York')).toMatch(/15:00$/);
      expect(formatInZone(stay.endsAt, 'America/New_York')).toMatch(/11:00$/);
      expect(stay.endsAt.getTime()).toBeGreaterThan(stay.startsAt.getTime());
    }
    const around = stays.filter(
      (s) => Math.abs(s.startsAt.getTime() - NOW.getTime()) < 4 * 86_400_000,
    );
    expect(around.length).toBe(stays.length);
    const links = await db.select().from(reservationDevices);
    expect(links).toHaveLength(stays.length);
    // No demo stay shares a lock with another at the same time: the demo shows no double booking.
    const overlaps = await findOverlaps(
      db,
      stays[0]?.organizationId ?? '',
      stays.map((s) => ({
        ...s,
        reservationId: s.id,
        deviceIds: links.filter((l) => l.reservationId === s.id).map((l) => l.deviceId),
      })),
    );
    expect(overlaps.flat()).toEqual([]);
    // Each stay has its guest code on its lock, waiting for the tick.
    const codes = await db.select().from(accessCodes);
    expect(codes).toHaveLength(stays.length);
    for (const code of codes) {
      expect(code).toMatchObject({ type: 'time_bound', status: 'unset', isBackup: false });
      expect(code.code).toMatch(/^\d{6}$/);
      const stay = stays.find((s) => s.id === code.reservationId);
      expect(code.startsAt?.toISOString()).toBe(stay?.startsAt.toISOString());
      expect(code.endsAt?.toISOString()).toBe(stay?.endsAt.toISOString());
    }
  });

  it('lets every demo user sign in with the printed password', async () => {
    const demoUsers = await database.db.select({ email: users.email }).from(users);
    expect(demoUsers).toHaveLength(3);
    for (const { email } of demoUsers) {
      const result = await verifySignIn(
        database.db,
        { email, password: 'demo-password', ip: '127.0.0.1' },
        NOW,
        { maxFailuresPerSource: 5, maxFailuresPerIp: 20, windowMinutes: 15 },
      );
      expect(result.ok).toBe(true);
    }
  });
});

describe('the demo, left running', () => {
  it('gets the in-house guest’s code onto the lock on the first tick, and flags the offline room', async () => {
    const { defaultAdapters } = await import('@/lib/devices/connections');
    const { runTick } = await import('@/lib/reconciler/tick');
    const { accessCodes: codesTable } = await import('./schema');
    const now = new Date('2026-11-26T14:00:00Z');
    const fresh = await createTestDatabase();
    try {
      await seedDemo(fresh.db, { now, password: 'demo-password' });
      await runTick(fresh.db, { now, adapters: defaultAdapters(fresh.db) });
      const rows = await fresh.db
        .select({
          name: reservations.guestName,
          status: codesTable.status,
          warnings: codesTable.warnings,
        })
        .from(codesTable)
        .innerJoin(reservations, eq(reservations.id, codesTable.reservationId));
      const byGuest = new Map(rows.map((r) => [r.name, r]));
      // Maya checked in yesterday: her code is on Room 101 and live.
      expect(byGuest.get('Maya Lindqvist')?.status).toBe('set');
      // Lena arrives in two days at a room whose lock keeps windows: on the lock, not yet live.
      expect(byGuest.get('Lena Fischer')?.status).toBe('unset');
      // Aiko's Room 204 is offline; her arrival today is being retried, with a warning.
      const aiko = byGuest.get('Aiko Tanaka');
      expect(aiko?.warnings.map((w) => w.code)).toContain('delay_in_setting_on_device');
    } finally {
      await fresh.close();
    }
  });
});
