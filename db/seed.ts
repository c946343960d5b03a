import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Actor } from '@/lib/auth/actor';
import { hashPassword } from '@/lib/auth/password';
import { createReservation } from '@/lib/reservations/operations';
import { localDateTimeParts, wallTimeInZone } from '@/lib/time';
import type { Db } from './client';
import {
  devices,
  type MemberRole,
  memberships,
  organizations,
  properties,
  simulatedLocks,
  users,
} from './schema';

export type DemoSeed = {
  organizationName: string;
  password: string;
  users: { email: string; name: string; role: MemberRole }[];
};

const SEED_LOCK_KEY = 7_304_222;
const ZONE = 'America/New_York';

const DEMO_USERS: DemoSeed['users'] = [
  { email: 'admin@harbor.example', name: 'Alex Admin', role: 'admin' },
  { email: 'owner@harbor.example', name: 'Olivia Owner', role: 'owner' },
  { email: 'frontdesk@harbor.example', name: 'Frank Desk', role: 'front_desk' },
];

/**
 * Fill an empty database with the Harbor Hotel demo. Does nothing (returns
 * null) when any organization exists, so it is safe on every start and on
 * several instances starting at once.
 */
export async function seedDemo(
  db: Db,
  options: { now: Date; password?: string; defaults?: { leadMinutes: number; poolSize: number } },
): Promise<DemoSeed | null> {
  const password = options.password ?? randomBytes(9).toString('base64url');
  const hashes = await Promise.all(DEMO_USERS.map(() => hashPassword(password)));

  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
    const existing = await tx.select({ id: organizations.id }).from(organizations).limit(1);
    if (existing.length > 0) return null;

    const [org] = await tx
      .insert(organizations)
      .values({
        name: 'Harbor Hotel',
        timeZone: ZONE,
        programmingLeadMinutes: options.defaults?.leadMinutes ?? 30,
        backupPoolSize: options.defaults?.poolSize ?? 5,
      })
      .returning({ id: organizations.id });
    if (!org) throw new Error('organization insert returned nothing');

    const insertedUsers = await tx
      .insert(users)
      .values(
        DEMO_USERS.map((u, i) => ({ email: u.email, name: u.name, passwordHash: hashes[i] ?? '' })),
      )
      .returning({ id: users.id, email: users.email });
    await tx.insert(memberships).values(
      DEMO_USERS.map((u) => ({
        organizationId: org.id,
        userId: insertedUsers.find((row) => row.email === u.email)?.id ?? '',
        role: u.role,
      })),
    );

    const [property] = await tx
      .insert(properties)
      .values({
        organizationId: org.id,
        name: 'Harbor Hotel',
        address: '1 Harbor Street, Portland, ME',
        timeZone: ZONE,
        checkInTime: '15:00',
        checkOutTime: '11:00',
      })
      .returning({ id: properties.id });
    if (!property) throw new Error('property insert returned nothing');

    // Thirteen rooms on three floors; one lock offline and one with a weak battery so
    // the demo shows what trouble looks like.
    const rooms = [101, 102, 103, 104, 105, 106, 201, 202, 203, 204, 205, 206, 301].map(String);
    const lockRows = rooms.map((room) => ({
      externalId: `sim_${org.id.slice(0, 8)}_${room}`,
      room,
      online: room !== '204',
      batteryLevel: room === '106' ? 0.12 : 0.6 + (Number(room) % 5) * 0.08,
    }));
    await tx.insert(simulatedLocks).values(
      lockRows.map((l) => ({
        id: l.externalId,
        organizationId: org.id,
        name: `Room ${l.room}`,
        online: l.online,
        batteryLevel: l.batteryLevel,
        latencyMs: 400,
        slotLimit: 20,
        supportsNativeScheduling: Number(l.room) % 2 === 0,
        allowedLengths: [4, 5, 6],
      })),
    );
    const insertedDevices = await tx
      .insert(devices)
      .values(
        lockRows.map((l) => ({
          organizationId: org.id,
          propertyId: property.id,
          adapter: 'simulated' as const,
          externalId: l.externalId,
          name: `Room ${l.room}`,
          room: l.room,
          manufacturer: 'Keyhold',
          model: 'Simulated keypad lock',
          online: l.online,
          batteryLevel: l.batteryLevel,
          codeConstraints: { allowedLengths: [4, 5, 6], digitsOnly: true },
          slotLimit: 20,
          supportsNativeScheduling: Number(l.room) % 2 === 0,
          backupPoolEnabled: true,
        })),
      )
      .returning({ id: devices.id, room: devices.room });
    const deviceByRoom = new Map(insertedDevices.map((d) => [d.room, d.id]));

    // Stays go through the same operation as the dashboard's, so each gets its guest codes.
    const admin = insertedUsers.find((u) => u.email === DEMO_USERS[0]?.email);
    if (!admin) throw new Error('admin user missing');
    const actor: Actor = {
      userId: admin.id,
      name: DEMO_USERS[0]?.name ?? 'Admin',
      email: admin.email,
      organizationId: org.id,
      organizationName: 'Harbor Hotel',
      role: 'admin',
    };
    const day = (offset: number) =>
      localDateTimeParts(wallTimeInZone(options.now, ZONE, offset, '12:00'), ZONE).date;
    const stays = [
      { guest: 'Maya Lindqvist', room: '101', from: -1, nights: 2, email: 'maya@example.com' },
      { guest: 'Tomás Ferreira', room: '102', from: 0, nights: 3, email: 'tomas@example.com' },
      { guest: 'Aiko Tanaka', room: '204', from: 0, nights: 1, email: 'aiko@example.com' },
      { guest: 'Samuel Okafor', room: '201', from: 1, nights: 4, email: 'samuel@example.com' },
      { guest: 'Lena Fischer', room: '106', from: 2, nights: 2, email: 'lena@example.com' },
      { guest: 'Priya Raman', room: '203', from: 3, nights: 2, email: 'priya@example.com' },
      { guest: 'Noor Haddad', room: '301', from: -1, nights: 3, email: 'noor@example.com' },
    ];
    for (const stay of stays) {
      const deviceId = deviceByRoom.get(stay.room);
      if (!deviceId) continue;
      await createReservation(
        tx,
        actor,
        {
          propertyId: property.id,
          guestName: stay.guest,
          guestEmail: stay.email,
          checkInDate: day(stay.from),
          checkOutDate: day(stay.from + stay.nights),
          deviceIds: [deviceId],
          source: 'demo',
        },
        options.now,
      );
    }

    return { organizationName: 'Harbor Hotel', password, users: DEMO_USERS };
  });
}
