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

  it('answers each lock as it would alone when writes to many locks arrive together', async () => {
    const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
    const starts = new Date('2026-12-10T15:00:00.000Z');
    const ends = new Date('2026-12-12T11:00:00.000Z');
    type Step = { keyholdCodeId: string; code: string; name: string | null; window?: boolean };
    // Per lock, in order: fresh writes, a retry that rewrites its own row, digits
    // the lock already holds, a full lock (and a retry that fits in its own slot),
    // a window kept on the lock.
    const scripts: { slotLimit: number; foreign?: string; steps: Step[] }[] = [
      {
        slotLimit: 5,
        steps: [
          { keyholdCodeId: id(1), code: '1111', name: 'One' },
          { keyholdCodeId: id(2), code: '2222', name: 'Two' },
        ],
      },
      {
        slotLimit: 5,
        steps: [
          { keyholdCodeId: id(1), code: '1111', name: 'One' },
          { keyholdCodeId: id(1), code: '3333', name: 'One again' },
        ],
      },
      {
        slotLimit: 5,
        foreign: '4444',
        steps: [
          { keyholdCodeId: id(1), code: '4444', name: 'Taken' },
          { keyholdCodeId: id(2), code: '5555', name: null },
        ],
      },
      {
        slotLimit: 1,
        steps: [
          { keyholdCodeId: id(1), code: '1111', name: 'First' },
          { keyholdCodeId: id(2), code: '2222', name: 'No room' },
          { keyholdCodeId: id(1), code: '6666', name: 'First, new digits' },
        ],
      },
      {
        slotLimit: 5,
        steps: [{ keyholdCodeId: id(3), code: '7777', name: 'Stay', window: true }],
      },
    ];
    const adapter = new SimulatedAdapter(database.db, organizationId);
    const run = async (script: (typeof scripts)[number], lockId: string) => {
      const answers: unknown[] = [];
      for (const step of script.steps) {
        try {
          const onLock = await adapter.setCode(lockId, {
            keyholdCodeId: step.keyholdCodeId,
            code: step.code,
            name: step.name,
            ...(step.window ? { startsAt: starts, endsAt: ends } : {}),
          });
          answers.push({ ...onLock, ref: typeof onLock.ref });
        } catch (error) {
          answers.push({ failed: (error as { kind?: string }).kind });
        }
      }
      const held = (await adapter.listCodes(lockId)).map((c) => ({ ...c, ref: typeof c.ref }));
      return { answers, held: held.sort((a, b) => a.code.localeCompare(b.code)) };
    };
    const locksFor = (label: string) =>
      Promise.all(
        scripts.map(async (script, i) => {
          const lockId = await createSimulatedLock(database.db, organizationId, {
            name: `${label} ${i}`,
            slotLimit: script.slotLimit,
          });
          if (script.foreign)
            await addCodeAtLock(database.db, organizationId, lockId, script.foreign);
          return lockId;
        }),
      );
    const aloneLocks = await locksFor('Alone');
    const togetherLocks = await locksFor('Together');

    const alone = [];
    for (const [i, script] of scripts.entries()) alone.push(await run(script, aloneLocks[i] ?? ''));
    const together = await Promise.all(
      scripts.map((script, i) => run(script, togetherLocks[i] ?? '')),
    );

    expect(together).toEqual(alone);
    // The script reaches every answer the lock gives.
    expect(alone.flatMap((a) => a.answers)).toEqual(
      expect.arrayContaining([
        { failed: 'duplicate_code' },
        { failed: 'no_space' },
        expect.objectContaining({ code: '6666', name: 'First, new digits' }),
        expect.objectContaining({ code: '7777', startsAt: starts, endsAt: ends }),
      ]),
    );
  });
});
