import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accessCodes, devices, messages, reservations } from '@/db/schema';
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
import { pullBackupCodeForGuest } from './guest';
import { loopbackSmtp, type ReceivedMail, startSmtpServer } from './testing';

// 07:00 in New York; the stay began yesterday.
const NOW = new Date('2026-11-26T12:00:00Z');

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let frontDesk: Actor;
let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
const received: ReceivedMail[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, { roles: ['front_desk'] });
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  smtp = await startSmtpServer(received);
});
afterAll(async () => {
  await smtp?.close();
  await database?.close();
});

/** An in-house guest on a lock whose pool holds one backup code, on the lock. */
async function stayWithBackup(room: string, contact: { guestEmail?: string; guestPhone?: string }) {
  const lock = await addSimulatedLock(database.db, {
    organizationId: harbor.org.id,
    propertyId: harbor.property.id,
    room,
  });
  await database.db.update(devices).set({ backupPoolEnabled: true }).where(eq(devices.id, lock.id));
  const [backup] = await database.db
    .insert(accessCodes)
    .values({
      organizationId: harbor.org.id,
      deviceId: lock.id,
      type: 'ongoing',
      code: String(700000 + Number(room)),
      isBackup: true,
      status: 'set',
    })
    .returning();
  const stay = await createReservation(
    database.db,
    frontDesk,
    {
      propertyId: harbor.property.id,
      guestName: `Guest of ${room}`,
      ...contact,
      checkInDate: '2026-11-25',
      checkOutDate: '2026-11-28',
      deviceIds: [lock.id],
    },
    NOW,
  );
  const guestCode = stay.accessCodes[0];
  if (!guestCode || !backup?.code) throw new Error('no codes');
  return { guestCode, backupDigits: backup.code, stay };
}

describe('pullBackupCodeForGuest', () => {
  it('sends the pulled backup code to the guest: it reaches the SMTP server within one tick, once', async () => {
    const { guestCode, backupDigits, stay } = await stayWithBackup('401', {
      guestEmail: 'grace@guest.example',
    });
    const { backup, message } = await pullBackupCodeForGuest(
      database.db,
      frontDesk,
      guestCode.id,
      NOW,
    );
    expect(backup.code).toBe(backupDigits);
    expect(message.channels).toEqual(['email']);

    // The desk clicks again: the same code, no second message.
    await pullBackupCodeForGuest(database.db, frontDesk, guestCode.id, NOW);
    expect(
      await database.db.select().from(messages).where(eq(messages.reservationId, stay.id)),
    ).toHaveLength(1);

    const stats = await runTick(database.db, {
      now: NOW,
      adapters: defaultAdapters(database.db),
      transports: { email: loopbackSmtp(smtp.port) },
      random: () => 1,
    });
    // The same tick also puts the guest code on the lock and so sends it: two emails, one each.
    expect(stats.messagesSent).toBe(2);
    const backupMail = received.filter((m) => /Subject: A new door code for /.test(m.raw));
    expect(backupMail).toHaveLength(1);
    expect(backupMail[0]?.to).toEqual(['grace@guest.example']);
    expect(backupMail[0]?.raw).toContain(backupDigits);
    const guestCodeMail = received.filter((m) => m.raw.includes(guestCode.code ?? '-'));
    expect(guestCodeMail).toHaveLength(1);
    expect(guestCodeMail[0]?.raw).not.toContain(backupDigits);
  });

  it('answers not found for an id that is not a UUID, before the database sees it', async () => {
    // Finding 18.5: a non-UUID reached Postgres ("invalid input syntax for type uuid").
    for (const id of ['not-a-uuid', "1' or '1'='1", '']) {
      const error = await refused(() => pullBackupCodeForGuest(database.db, frontDesk, id, NOW));
      expect(error.code).toBe('not_found');
    }
  });

  it('queues nothing for a guest without email or phone, and gives the desk the text to pass on', async () => {
    const { guestCode, backupDigits, stay } = await stayWithBackup('402', {});
    const { message } = await pullBackupCodeForGuest(database.db, frontDesk, guestCode.id, NOW);
    expect(message.channels).toEqual([]);
    expect(message.text).toContain(backupDigits);
    expect(
      await database.db.select().from(messages).where(eq(messages.reservationId, stay.id)),
    ).toEqual([]);
  });

  it('sends by SMS too when the guest left a phone number', async () => {
    const { guestCode, stay } = await stayWithBackup('403', {
      guestEmail: 'lin@guest.example',
      guestPhone: '+14155550123',
    });
    const { message } = await pullBackupCodeForGuest(database.db, frontDesk, guestCode.id, NOW);
    expect(message.channels).toEqual(['email', 'sms']);
    const queued = await database.db
      .select({ channel: messages.channel, recipient: messages.recipient })
      .from(messages)
      .where(eq(messages.reservationId, stay.id));
    expect(queued.map((m) => `${m.channel}:${m.recipient}`).sort()).toEqual([
      'email:lin@guest.example',
      'sms:+14155550123',
    ]);
    const [row] = await database.db
      .select({ guestName: reservations.guestName })
      .from(reservations)
      .where(eq(reservations.id, stay.id));
    expect(row?.guestName).toBe('Guest of 403');
  });
});
