import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeLockAdapterContract } from '../contract';
import { SeamAdapter } from './adapter';
import { type FakeSeam, startFakeSeam } from './testing';

let seam: FakeSeam;
const noWait = async () => {};
const adapter = () => new SeamAdapter({ apiKey: seam.apiKey, endpoint: seam.url, sleep: noWait });

beforeAll(async () => {
  seam = await startFakeSeam();
});
afterAll(async () => {
  await seam.stop();
});

describeLockAdapterContract('seam (Seam’s fake server)', {
  adapter,
  freshLock: async () => seam.addLock({ name: 'Contract lock' }),
  setOnline: async (id, online) => seam.setOnline(id, online),
  limitSlots: async (id, free) => {
    const held = seam.codesOn(id).length;
    seam.fake.database.updateDevice({
      device_id: id,
      properties: { max_active_codes_supported: held + free } as never,
    });
  },
  addForeignCode: async (id, digits) => seam.addKeypadCode(id, digits),
});

describe('Seam adapter', () => {
  it('reads a lock’s state, battery, code lengths, slot limit and native scheduling', async () => {
    const id = seam.addLock({ name: 'Room 12', lengths: [6], slotLimit: 30, batteryLevel: 0.4 });
    const device = await adapter().getDevice(id);
    expect(device).toMatchObject({
      externalId: id,
      name: 'Room 12',
      online: true,
      batteryLevel: 0.4,
      constraints: { allowedLengths: [6], digitsOnly: true },
      slotLimit: 30,
      // August locks store a code's window themselves.
      supportsNativeScheduling: true,
    });
    const other = seam.addLock({ name: 'Gate', deviceType: 'lockly_lock' });
    expect((await adapter().getDevice(other))?.supportsNativeScheduling).toBe(false);
  });

  it('reports a code as pending until Seam says it is on the lock', async () => {
    const id = seam.addLock();
    const keyholdCodeId = randomUUID();
    const set = await adapter().setCode(id, { keyholdCodeId, code: '482913', name: 'Maria Lopez' });
    expect(set).toMatchObject({ state: 'pending', keyholdCodeId, name: 'Maria Lopez' });
    // Seam keeps the name with Keyhold's id at its end.
    expect(seam.codesOn(id)[0]?.name).toMatch(/^Maria Lopez · kh_[A-Za-z0-9_-]{22}$/);

    seam.setStatus(set.ref, 'set');
    const [listed] = await adapter().listCodes(id);
    expect(listed).toMatchObject({ state: 'set', keyholdCodeId, code: '482913' });

    const stay = await adapter().setCode(id, {
      keyholdCodeId: randomUUID(),
      code: '551902',
      name: 'Stay',
      startsAt: new Date('2030-02-01T15:00:00Z'),
      endsAt: new Date('2030-02-03T11:00:00Z'),
    });
    expect(stay.state).toBe('pending');
    seam.setStatus(stay.ref, 'unset', true);
    const again = (await adapter().listCodes(id)).find((c) => c.ref === stay.ref);
    expect(again?.state).toBe('scheduled');
  });

  it('finds the code a lost answer made, from a new adapter, instead of making a second', async () => {
    const id = seam.addLock();
    const keyholdCodeId = randomUUID();
    const first = await adapter().setCode(id, { keyholdCodeId, code: '604172', name: 'Guest' });
    const retried = await adapter().setCode(id, { keyholdCodeId, code: '604172', name: 'Guest' });
    expect(retried.ref).toBe(first.ref);
    expect(seam.codesOn(id)).toHaveLength(1);
  });

  it('shows Seam’s errors and warnings on the code, and fails as the lock when Seam reports it full', async () => {
    const id = seam.addLock();
    const keyholdCodeId = randomUUID();
    const set = await adapter().setCode(id, { keyholdCodeId, code: '739102', name: null });
    seam.fake.database.updateAccessCode({
      access_code_id: set.ref,
      errors: [
        {
          error_code: 'failed_to_set_on_device',
          message: 'Failed to set code on device.',
          is_access_code_error: true,
          created_at: new Date().toISOString(),
        },
        {
          error_code: 'device_disconnected',
          message: 'Device disconnected',
          is_device_error: true,
          created_at: new Date().toISOString(),
        },
      ],
      warnings: [
        { warning_code: 'delay_in_setting_on_device', message: 'Code programming is delayed.' },
      ],
    } as never);
    const [code] = await adapter().listCodes(id);
    // Device errors belong to the lock, not the code.
    expect(code?.errors).toEqual([
      { code: 'failed_to_set_on_device', message: 'Failed to set code on device.' },
    ]);
    expect(code?.warnings.map((w) => w.code)).toEqual(['delay_in_setting_on_device']);

    seam.fake.database.updateAccessCode({
      access_code_id: set.ref,
      errors: [
        {
          error_code: 'no_space_for_access_code_on_device',
          message: 'No space',
          is_access_code_error: true,
        },
      ],
    } as never);
    await expect(
      adapter().setCode(id, { keyholdCodeId, code: '739102', name: null }),
    ).rejects.toMatchObject({ kind: 'no_space' });
  });

  it('fails as offline when Seam reports the lock disconnected', async () => {
    const id = seam.addLock();
    seam.fake.database.updateDevice({
      device_id: id,
      errors: [
        {
          error_code: 'device_disconnected',
          message: 'Device disconnected',
          is_device_error: true,
          created_at: new Date().toISOString(),
        },
      ],
    } as never);
    await expect(adapter().listCodes(id)).rejects.toMatchObject({ kind: 'offline' });
    expect((await adapter().getDevice(id))?.online).toBe(false);
  });

  it('retries a Seam outage, then fails as transient without making a code', async () => {
    const id = seam.addLock();
    seam.fake.database.simulateWorkspaceOutage(seam.workspaceId, {
      routes: ['/access_codes/create'],
    });
    try {
      await expect(
        adapter().setCode(id, { keyholdCodeId: randomUUID(), code: '284019', name: null }),
      ).rejects.toMatchObject({ kind: 'transient', message: 'Seam is unavailable (503).' });
      expect(seam.codesOn(id)).toHaveLength(0);
    } finally {
      seam.fake.database.simulateWorkspaceOutageRecovery(seam.workspaceId);
    }
  });

  it('names a refused API key as the account’s trouble', async () => {
    const wrong = new SeamAdapter({
      apiKey: 'seam_revoked_key',
      endpoint: seam.url,
      sleep: noWait,
    });
    await expect(wrong.listDevices()).rejects.toMatchObject({
      kind: 'transient',
      accountIssue: 'unauthorized',
    });
  });

  it('stops listing a device removed from the workspace', async () => {
    const id = seam.addLock();
    expect((await adapter().listDevices()).map((d) => d.externalId)).toContain(id);
    seam.fake.database.deleteDevice(id);
    expect((await adapter().listDevices()).map((d) => d.externalId)).not.toContain(id);
    expect(await adapter().getDevice(id)).toBeNull();
  });
});
