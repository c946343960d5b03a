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

  it('reports a code whose change Seam is still pushing as pending, whatever its status', async () => {
    const id = seam.addLock();
    const set = await adapter().setCode(id, {
      keyholdCodeId: randomUUID(),
      code: '193847',
      name: null,
    });
    seam.fake.database.updateAccessCode({
      access_code_id: set.ref,
      status: 'set',
      pending_mutations: [{ mutation_code: 'updating_code', created_at: new Date().toISOString() }],
    } as never);
    expect((await adapter().listCodes(id))[0]?.state).toBe('pending');
  });

  it('keeps a removal pending while Seam shows the code removing, done once it is gone', async () => {
    const id = seam.addLock();
    const keyholdCodeId = randomUUID();
    const set = await adapter().setCode(id, { keyholdCodeId, code: '620418', name: null });
    seam.setStatus(set.ref, 'set');
    // Real Seam keeps a deleted code `removing` until the lock confirms.
    seam.fake.database.updateAccessCode({ access_code_id: set.ref, status: 'removing' } as never);
    expect(await adapter().removeCode(id, keyholdCodeId)).toEqual({ pending: true });
    // On its way out, it no longer takes a slot.
    seam.fake.database.updateDevice({
      device_id: id,
      properties: { max_active_codes_supported: 1 },
    } as never);
    await expect(
      adapter().setCode(id, { keyholdCodeId: randomUUID(), code: '620419', name: null }),
    ).resolves.toMatchObject({ code: '620419' });
    seam.fake.database.deleteAccessCode(set.ref);
    expect(await adapter().removeCode(id, keyholdCodeId)).toEqual({ pending: false });
  });

  it('keeps Keyhold’s id in a short name, and refuses a lock whose names cannot hold it', async () => {
    const id = seam.addLock();
    const limit = (max: number) =>
      seam.fake.database.updateDevice({
        device_id: id,
        properties: { code_constraints: [{ constraint_type: 'name_length', max_length: max }] },
      } as never);
    limit(30);
    const keyholdCodeId = randomUUID();
    const set = await adapter().setCode(id, { keyholdCodeId, code: '730194', name: 'Guest' });
    const stored = seam.codesOn(id).find((c) => c.access_code_id === set.ref)?.name ?? '';
    expect(stored.length).toBeLessThanOrEqual(30);
    expect(set.keyholdCodeId).toBe(keyholdCodeId);
    limit(20);
    await expect(
      adapter().setCode(id, { keyholdCodeId: randomUUID(), code: '730195', name: 'Guest' }),
    ).rejects.toMatchObject({ kind: 'transient', message: expect.stringMatching(/at most 20/) });
  });

  it('after Seam fails as a whole, fails the tick’s other calls at once', async () => {
    const id = seam.addLock();
    const one = adapter();
    seam.fake.database.simulateWorkspaceOutage(seam.workspaceId, {
      routes: ['/access_codes/create'],
    });
    await expect(
      one.setCode(id, { keyholdCodeId: randomUUID(), code: '502113', name: null }),
    ).rejects.toMatchObject({ message: 'Seam is unavailable (503).' });
    seam.fake.database.simulateWorkspaceOutageRecovery(seam.workspaceId);
    // Seam is back, but this adapter (this tick) does not wait on it again.
    await expect(one.listCodes(id)).rejects.toMatchObject({
      message: 'Seam is unavailable (503).',
    });
    await expect(adapter().listCodes(id)).resolves.toEqual([]);
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
