import { and, eq, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessCodes, auditLog, devices, simulatedLockCodes } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { createAccessCode, deleteAccessCode } from '@/lib/access-codes/operations';
import { getAccessCode, listAccessCodes } from '@/lib/access-codes/reads';
import type { Actor } from '@/lib/auth/actor';
import { defaultAdapters } from '@/lib/devices/connections';
import { getLock } from '@/lib/devices/locks';
import { setSimulatedLockKnobs } from '@/lib/locks/simulated/controls';
import { runTick } from '@/lib/reconciler/tick';
import { createPermanentBackupCode, listPermanentBackupCodes } from './permanent';
import { pullBackupAccessCode, setBackupPool } from './pools';

const T0 = new Date('2026-11-26T14:00:00Z');
const hours = (n: number) => n * 3_600_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

let database: TestDatabase;
let actor: Actor;
let frontDesk: Actor;
let organizationId: string;
let propertyId: string;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await database.truncate();
  const org = await createOrganization(database.db, { roles: ['admin', 'front_desk'] });
  organizationId = org.org.id;
  propertyId = org.property.id;
  actor = await actorFor(database.db, org, 'admin');
  frontDesk = await actorFor(database.db, org, 'front_desk');
});

const tick = (now: Date) =>
  runTick(database.db, { now, adapters: defaultAdapters(database.db), random: () => 1 });

async function poolLock(options: { slotLimit?: number } = {}) {
  const lock = await addSimulatedLock(database.db, { organizationId, propertyId, ...options });
  await database.db.update(devices).set({ backupPoolEnabled: true }).where(eq(devices.id, lock.id));
  return lock;
}

async function backups(deviceId: string) {
  return database.db
    .select()
    .from(accessCodes)
    .where(
      and(
        eq(accessCodes.deviceId, deviceId),
        eq(accessCodes.isBackup, true),
        isNull(accessCodes.deletedAt),
      ),
    );
}

/** A guest code for a stay running from an hour before T0 to `hours` after it. */
async function stayCode(deviceId: string, endsInHours = 48) {
  return createAccessCode(
    database.db,
    actor,
    { deviceId, name: 'Guest', startsAt: at(-hours(1)), endsAt: at(hours(endsInHours)) },
    at(-hours(2)),
  );
}

describe('the pool', () => {
  it('fills an enabled lock with five healthy backup codes nobody can read', async () => {
    const lock = await poolLock();
    const guest = await stayCode(lock.id);
    await tick(T0);
    const pool = await backups(lock.id);
    expect(pool).toHaveLength(5);
    for (const code of pool)
      expect(code).toMatchObject({ type: 'ongoing', status: 'set', errors: [] });
    const digits = new Set([...pool.map((c) => c.code), guest.code]);
    expect(digits.size).toBe(6);
    expect(await database.db.select().from(simulatedLockCodes)).toHaveLength(6);

    const listed = await listAccessCodes(database.db, actor, { deviceId: lock.id }, T0);
    const listedBackups = listed.accessCodes.filter((c) => c.isBackup);
    expect(listedBackups).toHaveLength(5);
    for (const code of listedBackups) expect(code.code).toBeNull();
    const one = pool[0];
    if (!one) throw new Error('no backup');
    expect((await getAccessCode(database.db, actor, one.id, T0)).code).toBeNull();
  });

  it('never takes a guest’s slot: backup codes go on last', async () => {
    const lock = await poolLock({ slotLimit: 3 });
    const guest = await stayCode(lock.id);
    await tick(T0);
    expect((await getAccessCode(database.db, actor, guest.id, T0)).status).toBe('set');
    const set = (await backups(lock.id)).filter((c) => c.status === 'set');
    expect(set).toHaveLength(2);
  });

  it('replaces a backup code that has an error', async () => {
    const lock = await poolLock();
    await tick(T0);
    const [sick] = await backups(lock.id);
    if (!sick) throw new Error('no backup');
    await database.db
      .update(accessCodes)
      .set({
        errors: [{ code: 'failed_to_set_on_device', message: 'x', createdAt: T0.toISOString() }],
      })
      .where(eq(accessCodes.id, sick.id));
    await tick(at(hours(1)));
    const pool = await backups(lock.id);
    expect(pool.map((c) => c.id)).not.toContain(sick.id);
    expect(pool.filter((c) => c.status === 'set')).toHaveLength(5);
    const held = await database.db.select().from(simulatedLockCodes);
    expect(held.map((h) => h.keyholdCodeId)).not.toContain(sick.id);
  });
});

describe('an offline lock’s pool', () => {
  const minute = 60_000;

  async function allBackups(deviceId: string) {
    return database.db
      .select()
      .from(accessCodes)
      .where(and(eq(accessCodes.deviceId, deviceId), eq(accessCodes.isBackup, true)));
  }

  it('makes and retires no codes while the lock is offline, and fills once it is back', async () => {
    const lock = await poolLock();
    // Unplugged before Keyhold's first try: the pool's codes are made, then cannot go on.
    await setSimulatedLockKnobs(database.db, organizationId, lock.externalId, { online: false });
    await tick(T0);
    const made = await allBackups(lock.id);
    expect(made).toHaveLength(5);

    // Twenty minutes of ticks: their tries all fail, and they fail for good.
    for (let m = 1; m <= 20; m++) await tick(at(m * minute));
    const after = await allBackups(lock.id);
    expect(after.map((c) => c.id).sort()).toEqual(made.map((c) => c.id).sort());
    expect(after.filter((c) => c.deletedAt !== null)).toEqual([]);
    expect(after.every((c) => c.errors.some((e) => e.code === 'failed_to_set_on_device'))).toBe(
      true,
    );
    // Waiting for the lock is not being on it.
    const offline = await getLock(database.db, actor, lock.id, at(20 * minute));
    expect(offline).toMatchObject({ online: false, codesOnLock: 0, availableBackups: 0 });

    await setSimulatedLockKnobs(database.db, organizationId, lock.externalId, { online: true });
    for (let m = 21; m <= 30; m++) await tick(at(m * minute));
    const back = await allBackups(lock.id);
    // The same five codes went on: none retired, none made anew.
    expect(back.map((c) => c.id).sort()).toEqual(made.map((c) => c.id).sort());
    for (const code of back)
      expect(code).toMatchObject({ status: 'set', errors: [], warnings: [], deletedAt: null });
    expect(await getLock(database.db, actor, lock.id, at(30 * minute))).toMatchObject({
      online: true,
      codesOnLock: 5,
      availableBackups: 5,
    });
    expect(await database.db.select().from(simulatedLockCodes)).toHaveLength(5);
  });

  it('starts no pool on a lock that is offline from the start, until it answers', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId, online: false });
    await database.db
      .update(devices)
      .set({ backupPoolEnabled: true })
      .where(eq(devices.id, lock.id));
    for (let m = 0; m <= 10; m++) await tick(at(m * minute));
    expect(await allBackups(lock.id)).toEqual([]);
    expect(await getLock(database.db, actor, lock.id, at(10 * minute))).toMatchObject({
      codesOnLock: 0,
    });

    await setSimulatedLockKnobs(database.db, organizationId, lock.externalId, { online: true });
    // Keyhold learns the lock is back at its next read (every five minutes).
    for (let m = 11; m <= 20; m++) await tick(at(m * minute));
    const pool = await allBackups(lock.id);
    expect(pool).toHaveLength(5);
    expect(pool.filter((c) => c.status === 'set' && c.deletedAt === null)).toHaveLength(5);
    expect(await getLock(database.db, actor, lock.id, at(20 * minute))).toMatchObject({
      codesOnLock: 5,
      availableBackups: 5,
    });
  });
});

describe('pulling a backup code', () => {
  it('gives the guest a working code until the stay ends, once, and the pool refills', async () => {
    const lock = await poolLock();
    const guest = await stayCode(lock.id, 24);
    await tick(T0);

    const pulled = await pullBackupAccessCode(database.db, frontDesk, guest.id, at(hours(1)));
    expect(pulled.code).toMatch(/^\d{6}$/);
    expect(pulled).toMatchObject({ isBackup: true, type: 'time_bound', status: 'set' });
    expect(pulled.endsAt?.toISOString()).toBe(guest.endsAt?.toISOString());
    expect(pulled.pulledByUserId).toBe(frontDesk.userId);

    const again = await pullBackupAccessCode(database.db, frontDesk, guest.id, at(hours(2)));
    expect(again.id).toBe(pulled.id);
    const original = await getAccessCode(database.db, actor, guest.id, T0);
    expect(original.pulledBackupAccessCodeId).toBe(pulled.id);
    expect(original.warnings.map((w) => w.code)).toContain('using_backup_access_code');

    // The pulled code is readable now; the pool behind it is back to five.
    expect((await getAccessCode(database.db, actor, pulled.id, T0)).code).toBe(pulled.code);
    await tick(at(hours(2)));
    const pool = (await backups(lock.id)).filter((c) => !c.pulledAt && c.status === 'set');
    expect(pool).toHaveLength(5);

    // The backup follows the guest's own code: deleted with it, off the lock at the next tick
    // (more in ./follow.test.ts).
    await deleteAccessCode(database.db, actor, guest.id, at(hours(3)));
    await tick(at(hours(3)));
    const after = await database.db.select().from(simulatedLockCodes);
    expect(after.map((h) => h.keyholdCodeId)).not.toContain(pulled.id);

    const audit = await database.db.select().from(auditLog);
    const entry = audit.find((a) => a.action === 'backup_code.pulled');
    expect(entry?.actorUserId).toBe(frontDesk.userId);
    expect(JSON.stringify(audit)).not.toContain(pulled.code ?? 'none');
  });

  it('refuses ongoing codes, other organizations’ codes, and an empty pool, saying what to do', async () => {
    const lock = await poolLock();
    const ongoing = await createAccessCode(database.db, actor, { deviceId: lock.id }, T0);
    await expect(
      pullBackupAccessCode(database.db, frontDesk, ongoing.id, T0),
    ).rejects.toMatchObject({
      code: 'invalid_input',
    });

    const other = await createOrganization(database.db, { roles: ['admin'] });
    const outsider = await actorFor(database.db, other, 'admin');
    const guest = await stayCode(lock.id);
    await expect(pullBackupAccessCode(database.db, outsider, guest.id, T0)).rejects.toMatchObject({
      code: 'not_found',
    });

    // Before any tick the pool has nothing on the lock yet.
    const empty = await pullBackupAccessCode(database.db, frontDesk, guest.id, T0).catch((e) => e);
    expect(empty).toMatchObject({ code: 'conflict' });
    expect(empty.message).toMatch(/No backup code is ready/);
  });

  it('never hands one backup code to two stays when pulls race', async () => {
    const locks = [await poolLock(), await poolLock()];
    const guests = [];
    for (const lock of locks) {
      for (let i = 0; i < 7; i++) guests.push(await stayCode(lock.id));
    }
    await tick(T0);
    const results = await Promise.allSettled(
      guests.map((g) => pullBackupAccessCode(database.db, frontDesk, g.id, at(hours(1)))),
    );
    const won = results.filter((r) => r.status === 'fulfilled').map((r) => r.value.id);
    const lost = results.filter((r) => r.status === 'rejected');
    expect(new Set(won).size).toBe(won.length);
    expect(won).toHaveLength(10);
    expect(lost).toHaveLength(guests.length - 10);
    for (const r of lost) expect(r.reason).toMatchObject({ code: 'conflict' });
    await tick(at(hours(2)));
    for (const lock of locks) {
      const pool = (await backups(lock.id)).filter((c) => !c.pulledAt && c.status === 'set');
      expect(pool).toHaveLength(5);
    }
  });
});

describe('pool health on the lock', () => {
  it('warns of a full lock’s short pool with a tick every 15 s, its codes waiting for a slot', async () => {
    const lock = await poolLock({ slotLimit: 3 });
    await stayCode(lock.id);
    await stayCode(lock.id);
    let warnings: string[] = [];
    for (let second = 0; second <= 6 * 60 && warnings.length === 0; second += 15) {
      await tick(at(second * 1000));
      const [device] = await database.db.select().from(devices).where(eq(devices.id, lock.id));
      warnings = device?.warnings.map((w) => w.code) ?? [];
    }
    expect(warnings).toEqual(['partial_backup_access_code_pool']);
  });

  it('warns of a short pool, errors on an empty one, and warns of many pulled codes', async () => {
    const lock = await poolLock({ slotLimit: 3 });
    const guests = [await stayCode(lock.id), await stayCode(lock.id)];
    await tick(T0);
    // Two guest codes leave one slot: one backup ready of five, for longer than a refill.
    await tick(at(hours(1)));
    let [device] = await database.db.select().from(devices).where(eq(devices.id, lock.id));
    expect(device?.warnings.map((w) => w.code)).toEqual(['partial_backup_access_code_pool']);

    await setSlots(lock.externalId, 2);
    const [ready] = (await backups(lock.id)).filter((c) => c.status === 'set');
    if (!ready) throw new Error('no ready backup');
    await pullBackupAccessCode(database.db, frontDesk, guests[0]?.id ?? '', at(hours(1)));
    await tick(at(hours(2)));
    [device] = await database.db.select().from(devices).where(eq(devices.id, lock.id));
    expect(device?.errors.map((e) => e.code)).toContain('empty_backup_access_code_pool');
  });
});

async function setSlots(externalId: string, slotLimit: number) {
  const { setSimulatedLockKnobs } = await import('@/lib/locks/simulated/controls');
  await setSimulatedLockKnobs(database.db, organizationId, externalId, { slotLimit });
}

describe('reliability', () => {
  it('serves 200 concurrent pulls on 40 locks without handing a code out twice, then refills', async () => {
    const locks = [];
    for (let i = 0; i < 40; i++) locks.push(await poolLock());
    // Five stays per lock, written in bulk: the pulls are what is under test.
    const guests = await database.db
      .insert(accessCodes)
      .values(
        locks.flatMap((lock, l) =>
          Array.from({ length: 5 }, (_, g) => ({
            organizationId,
            deviceId: lock.id,
            type: 'time_bound' as const,
            code: String(100000 + l * 10 + g),
            name: `Guest ${l}-${g}`,
            // In house (a backup is pulled only within its stay), the code itself held back.
            startsAt: at(-hours(1)),
            endsAt: at(hours(72)),
            nextAttemptAt: at(hours(23)),
          })),
        ),
      )
      .returning({ id: accessCodes.id, deviceId: accessCodes.deviceId });
    await tick(T0);
    const extra = await stayCode(locks[0]?.id ?? '');

    const results = await Promise.allSettled(
      [...guests, extra].map((g) =>
        pullBackupAccessCode(database.db, frontDesk, g.id, at(hours(1))),
      ),
    );
    const codes = results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    expect(new Set(codes.map((c) => c.id)).size).toBe(codes.length);
    expect(codes).toHaveLength(200);
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({ code: 'conflict' });
    // Each pulled code came from its own guest's lock.
    const lockOf = new Map(guests.map((g) => [g.id, g.deviceId]));
    for (const [i, r] of results.entries()) {
      if (r.status === 'fulfilled' && i < guests.length) {
        expect(r.value.deviceId).toBe(lockOf.get(guests[i]?.id ?? ''));
      }
    }

    await tick(at(hours(2)));
    for (const lock of locks) {
      const pool = (await backups(lock.id)).filter((c) => !c.pulledAt && c.status === 'set');
      expect(pool).toHaveLength(5);
    }
    const [device] = await database.db
      .select()
      .from(devices)
      .where(eq(devices.id, locks[0]?.id ?? ''));
    expect(device?.warnings.map((w) => w.code)).toContain('many_active_backup_codes');
  }, 120_000);

  it('leaves no code on a lock that Keyhold does not know after a tick dies mid-refill', async () => {
    const lock = await poolLock();
    await runTick(database.db, {
      now: T0,
      adapters: defaultAdapters(database.db),
      beforeCommit: () => {
        throw new Error('process killed');
      },
    });
    // The lock took the five codes; Keyhold's record of that was lost.
    expect(await database.db.select().from(simulatedLockCodes)).toHaveLength(5);
    await tick(at(hours(1)));
    const held = await database.db.select().from(simulatedLockCodes);
    const known = await backups(lock.id);
    expect(held).toHaveLength(5);
    expect(held.map((h) => h.keyholdCodeId).sort()).toEqual(known.map((k) => k.id).sort());
    for (const code of known) expect(code.status).toBe('set');
  });
});

describe('turning pools on and off', () => {
  it('lets an admin turn a property’s pools on, and a lock’s off, taking its unpulled codes away', async () => {
    const a = await addSimulatedLock(database.db, { organizationId, propertyId });
    const b = await addSimulatedLock(database.db, { organizationId, propertyId });
    expect(await setBackupPool(database.db, actor, { propertyId, enabled: true }, T0)).toEqual({
      locks: 2,
    });
    await tick(T0);
    expect((await backups(a.id)).filter((c) => c.status === 'set')).toHaveLength(5);
    expect((await backups(b.id)).filter((c) => c.status === 'set')).toHaveLength(5);

    await setBackupPool(database.db, actor, { deviceId: a.id, enabled: false }, at(hours(1)));
    await tick(at(hours(1)));
    expect(await backups(a.id)).toHaveLength(0);
    const held = await database.db
      .select()
      .from(simulatedLockCodes)
      .where(eq(simulatedLockCodes.lockId, a.externalId));
    expect(held).toHaveLength(0);
    expect((await backups(b.id)).filter((c) => c.status === 'set')).toHaveLength(5);
  });

  it('is for admins and owners, inside their organization, and names a bad field', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId });
    await expect(
      setBackupPool(database.db, frontDesk, { deviceId: lock.id, enabled: true }, T0),
    ).rejects.toMatchObject({ code: 'not_found' });
    const other = await createOrganization(database.db, { roles: ['admin'] });
    const outsider = await actorFor(database.db, other, 'admin');
    await expect(
      setBackupPool(database.db, outsider, { deviceId: lock.id, enabled: true }, T0),
    ).rejects.toMatchObject({ code: 'not_found', options: { field: 'device_id' } });
    await expect(
      setBackupPool(database.db, actor, { deviceId: lock.id, propertyId, enabled: true }, T0),
    ).rejects.toMatchObject({ code: 'invalid_input', options: { field: 'device_id' } });
    const [device] = await database.db.select().from(devices).where(eq(devices.id, lock.id));
    expect(device?.backupPoolEnabled).toBe(false);
  });
});

describe('permanent backup codes', () => {
  it('shows the digits once, hides them afterwards, keeps them out of the pool, and revokes', async () => {
    const lock = await poolLock();
    const made = await createPermanentBackupCode(database.db, actor, lock.id, T0);
    expect(made.code).toMatch(/^\d{6}$/);
    expect((await getAccessCode(database.db, actor, made.accessCodeId, T0)).code).toBeNull();
    const listed = await listPermanentBackupCodes(database.db, actor, T0);
    expect(listed.map((c) => c.accessCodeId)).toEqual([made.accessCodeId]);
    expect(JSON.stringify(listed)).not.toContain(made.code);
    // In the shared words, never the raw status ("unset").
    expect(listed[0]?.state.title).toBe('Being set');
    const audit = await database.db.select().from(auditLog);
    expect(JSON.stringify(audit)).not.toContain(made.code);

    await tick(T0);
    // The pool still has its own five; the permanent code is on the lock beside them.
    expect((await backups(lock.id)).filter((c) => c.status === 'set')).toHaveLength(5);
    const held = await database.db.select().from(simulatedLockCodes);
    expect(held.map((h) => h.code)).toContain(made.code);
    const [onLock] = await listPermanentBackupCodes(database.db, actor, T0);
    expect(onLock?.state).toMatchObject({ title: 'Set on the lock', tone: 'ok' });

    await deleteAccessCode(database.db, actor, made.accessCodeId, at(hours(1)));
    await tick(at(hours(1)));
    const after = await database.db.select().from(simulatedLockCodes);
    expect(after.map((h) => h.code)).not.toContain(made.code);
    expect(await listPermanentBackupCodes(database.db, actor, at(hours(1)))).toEqual([]);
  });

  it('is not for the front desk', async () => {
    const lock = await poolLock();
    await expect(
      createPermanentBackupCode(database.db, frontDesk, lock.id, T0),
    ).rejects.toMatchObject({ code: 'not_found' });
  });
});
