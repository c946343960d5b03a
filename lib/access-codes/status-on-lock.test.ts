import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { accessCodeEvents, accessCodes } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { createApiKey } from '@/lib/api-keys';
import type { Actor } from '@/lib/auth/actor';
import { defaultAdapters } from '@/lib/devices/connections';
import { setSimulatedLockKnobs } from '@/lib/locks/simulated/controls';
import { runTick } from '@/lib/reconciler/tick';
import { handleSeamRequest } from '@/lib/seam-api/handler';
import { describeCodeStatus } from './describe';
import { createAccessCode } from './operations';
import { getAccessCode, listAccessCodes } from './reads';

// Issue 17 case 6: a code the lock holds with its window opens the door from
// its start, so it reads `set` from then everywhere, before any tick writes it.

const T0 = new Date('2026-11-26T14:00:00Z');
const STARTS = new Date(T0.getTime() + 3_600_000);
const ENDS = new Date(STARTS.getTime() + 86_400_000);
const JUST_AFTER = new Date(STARTS.getTime() + 1_000);

let database: TestDatabase;
let actor: Actor;
let apiKey: string;
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
  const org = await createOrganization(database.db, { roles: ['admin'] });
  organizationId = org.org.id;
  propertyId = org.property.id;
  actor = await actorFor(database.db, org, 'admin');
  apiKey = (await createApiKey(database.db, actor, { name: 'Integration' })).apiKey;
});

const tick = (now: Date) =>
  runTick(database.db, { now, adapters: defaultAdapters(database.db), random: () => 1 });

async function seamGet(id: string, now: Date) {
  const response = await handleSeamRequest(
    new Request('http://127.0.0.1/api/seam/access_codes/get', {
      method: 'POST',
      headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ access_code_id: id }),
    }),
    'access_codes/get',
    { getDb: async () => database.db, now: () => now },
  );
  const body = (await response.json()) as { access_code: { status: string } };
  return body.access_code;
}

async function row(id: string) {
  const [code] = await database.db.select().from(accessCodes).where(eq(accessCodes.id, id));
  if (!code) throw new Error('code row missing');
  return code;
}

async function eventsOf(id: string) {
  const rows = await database.db
    .select({ type: accessCodeEvents.eventType })
    .from(accessCodeEvents)
    .where(eq(accessCodeEvents.accessCodeId, id))
    .orderBy(accessCodeEvents.id);
  return rows.map((r) => r.type);
}

async function codeOn(options: { supportsNativeScheduling: boolean; online?: boolean }) {
  const lock = await addSimulatedLock(database.db, { organizationId, propertyId, ...options });
  const code = await createAccessCode(
    database.db,
    actor,
    { deviceId: lock.id, name: 'Guest', code: '4821', startsAt: STARTS, endsAt: ENDS },
    T0,
  );
  return { lock, code };
}

const words = (code: Awaited<ReturnType<typeof row>>, nativeScheduling: boolean, now: Date) =>
  describeCodeStatus(
    code,
    { name: 'Room 101', online: true, policy: { leadMinutes: 30, nativeScheduling } },
    'America/New_York',
    now,
  );

describe('a code stored with its window on the lock', () => {
  it('reads set from its start in the API and the dashboard, before any tick', async () => {
    const { code } = await codeOn({ supportsNativeScheduling: true });
    await tick(T0);
    expect(await row(code.id)).toMatchObject({ status: 'unset', isScheduledOnDevice: true });

    // Before its start it waits on the lock.
    const before = new Date(STARTS.getTime() - 1_000);
    expect((await seamGet(code.id, before)).status).toBe('unset');
    expect(words(await row(code.id), true, before).title).toBe('On the lock, from check-in');

    // One second after its start, with no tick in between.
    expect((await getAccessCode(database.db, actor, code.id, JUST_AFTER)).status).toBe('set');
    const listed = await listAccessCodes(
      database.db,
      actor,
      { deviceId: code.deviceId },
      JUST_AFTER,
    );
    expect(listed.accessCodes.map((c) => c.status)).toEqual(['set']);
    expect((await seamGet(code.id, JUST_AFTER)).status).toBe('set');
    expect(words(await row(code.id), true, JUST_AFTER).title).toBe('Set on the lock');

    // The tick still writes it, once.
    expect((await row(code.id)).status).toBe('unset');
    await tick(new Date(STARTS.getTime() + 5_000));
    expect((await row(code.id)).status).toBe('set');
    await tick(new Date(STARTS.getTime() + 20_000));
    expect(await eventsOf(code.id)).toEqual(['created', 'scheduled_on_device', 'set_on_device']);
  });

  it('leaves a code on a lock that keeps no schedule to the tick', async () => {
    const { code } = await codeOn({ supportsNativeScheduling: false });
    await tick(new Date(STARTS.getTime() - 29 * 60_000));
    expect(await row(code.id)).toMatchObject({ status: 'unset', isScheduledOnDevice: false });
    expect((await getAccessCode(database.db, actor, code.id, JUST_AFTER)).status).toBe('unset');
    expect((await seamGet(code.id, JUST_AFTER)).status).toBe('unset');
    expect(words(await row(code.id), false, JUST_AFTER).title).toBe('On the lock, from check-in');

    await tick(JUST_AFTER);
    expect((await seamGet(code.id, JUST_AFTER)).status).toBe('set');
  });
});

describe('a lock that answers again', () => {
  it('gets every code waiting for it in the same tick', async () => {
    const lock = await addSimulatedLock(database.db, { organizationId, propertyId, online: false });
    const first = await createAccessCode(database.db, actor, { deviceId: lock.id, name: 'A' }, T0);
    await tick(T0);
    await tick(new Date(T0.getTime() + 60_000));
    const waiting = await row(first.id);
    expect(waiting.status).toBe('setting');
    // Its back-off runs past the next tick.
    expect(waiting.nextAttemptAt?.getTime()).toBeGreaterThan(T0.getTime() + 65_000);

    await setSimulatedLockKnobs(database.db, organizationId, lock.externalId, { online: true });
    const second = await createAccessCode(
      database.db,
      actor,
      { deviceId: lock.id, name: 'B' },
      new Date(T0.getTime() + 60_000),
    );
    await tick(new Date(T0.getTime() + 65_000));
    expect((await row(second.id)).status).toBe('set');
    expect((await row(first.id)).status).toBe('set');
  });
});
