import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOrganization, createTestDatabase, type TestDatabase } from '@/db/testing';
import { describeLockAdapterContract } from '../contract';
import { SimulatedAdapter } from './adapter';
import {
  addCodeAtLock,
  createSimulatedLock,
  factoryResetLock,
  setSimulatedLockKnobs,
} from './controls';

let database: TestDatabase;
let organizationId: string;

beforeAll(async () => {
  database = await createTestDatabase();
  organizationId = (await createOrganization(database.db)).org.id;
});
afterAll(async () => {
  await database.close();
});

describeLockAdapterContract('simulated', {
  adapter: () => new SimulatedAdapter(database.db, organizationId),
  freshLock: () => createSimulatedLock(database.db, organizationId, { name: 'Contract lock' }),
  setOnline: (id, online) => setSimulatedLockKnobs(database.db, organizationId, id, { online }),
  limitSlots: (id, free) =>
    setSimulatedLockKnobs(database.db, organizationId, id, { slotLimit: free }),
  addForeignCode: (id, digits) => addCodeAtLock(database.db, organizationId, id, digits),
});

describe('simulated lock hardware', () => {
  it('comes back under a new id with no codes after a factory reset', async () => {
    const adapter = new SimulatedAdapter(database.db, organizationId);
    const lockId = await createSimulatedLock(database.db, organizationId, { name: 'Room 9' });
    await adapter.setCode(lockId, {
      keyholdCodeId: '00000000-0000-4000-8000-000000000001',
      code: '4821',
      name: null,
    });
    const newId = await factoryResetLock(database.db, organizationId, lockId, new Date());
    expect(newId).not.toBe(lockId);
    expect(await adapter.getDevice(lockId)).toBeNull();
    expect(await adapter.getDevice(newId)).toMatchObject({ name: 'Room 9', online: true });
    expect(await adapter.listCodes(newId)).toEqual([]);
    const ids = (await adapter.listDevices()).map((d) => d.externalId);
    expect(ids).toContain(newId);
    expect(ids).not.toContain(lockId);
  });

  it('fails some calls at its failure rate', async () => {
    let draws = 0;
    const adapter = new SimulatedAdapter(database.db, organizationId, () =>
      draws++ % 2 ? 0.9 : 0.1,
    );
    const lockId = await createSimulatedLock(database.db, organizationId, {
      name: 'Flaky',
      failureRate: 0.5,
    });
    await expect(adapter.listCodes(lockId)).rejects.toMatchObject({ kind: 'transient' });
    await expect(adapter.listCodes(lockId)).resolves.toEqual([]);
  });

  it('does not let one organization reach another’s lock', async () => {
    const other = await createOrganization(database.db);
    const lockId = await createSimulatedLock(database.db, organizationId, { name: 'Mine' });
    const theirs = new SimulatedAdapter(database.db, other.org.id);
    expect(await theirs.getDevice(lockId)).toBeNull();
    await expect(theirs.listCodes(lockId)).rejects.toMatchObject({ kind: 'not_found' });
  });
});
