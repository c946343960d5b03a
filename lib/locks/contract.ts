import { randomUUID } from 'node:crypto';
import { beforeEach, describe, expect, it } from 'vitest';
import { type LockAdapter, LockFailure } from './adapter';

/**
 * What every lock adapter must do, written once and run against each adapter
 * (simulated here, Seam's fake server in its own suite). The harness gives a
 * fresh online lock with at least `slots` free slots per test, and ways to
 * push the lock into the states the contract checks.
 */
export type ContractHarness = {
  adapter: () => LockAdapter;
  /** A fresh, empty, online lock's external id. */
  freshLock: () => Promise<string>;
  setOnline: (externalId: string, online: boolean) => Promise<void>;
  /** Leave exactly `free` free slots on the lock. */
  limitSlots: (externalId: string, free: number) => Promise<void>;
  /** Put a code on the lock the way a person at the keypad would. */
  addForeignCode: (externalId: string, digits: string) => Promise<void>;
  /**
   * Whether the lock keeps a code's window itself (default true). One that
   * does not (a Z-Wave User Code slot) must never claim to: Keyhold then puts
   * the code on and takes it off on time.
   */
  keepsWindows?: boolean;
};

async function failureOf(promise: Promise<unknown>): Promise<LockFailure> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LockFailure);
  return error as LockFailure;
}

export function describeLockAdapterContract(name: string, harness: ContractHarness) {
  describe(`lock adapter contract: ${name}`, () => {
    let lockId: string;
    beforeEach(async () => {
      lockId = await harness.freshLock();
    });

    it('reports the lock with its constraints', async () => {
      const device = await harness.adapter().getDevice(lockId);
      expect(device).toMatchObject({ externalId: lockId, online: true });
      expect(device?.constraints.allowedLengths.length).toBeGreaterThan(0);
      const all = await harness.adapter().listDevices();
      expect(all.map((d) => d.externalId)).toContain(lockId);
    });

    it('sets a code, lists it, and removes it', async () => {
      const adapter = harness.adapter();
      const id = randomUUID();
      const set = await adapter.setCode(lockId, { keyholdCodeId: id, code: '4821', name: 'Guest' });
      expect(set).toMatchObject({ code: '4821', keyholdCodeId: id });
      expect((await adapter.listCodes(lockId)).map((c) => c.code)).toContain('4821');
      await adapter.removeCode(lockId, id);
      expect((await adapter.listCodes(lockId)).map((c) => c.code)).not.toContain('4821');
    });

    it('is idempotent by Keyhold’s code id: a retry never adds a second copy', async () => {
      const adapter = harness.adapter();
      const id = randomUUID();
      const first = await adapter.setCode(lockId, { keyholdCodeId: id, code: '5930', name: 'A' });
      const again = await adapter.setCode(lockId, { keyholdCodeId: id, code: '5930', name: 'A' });
      expect(again.ref).toBe(first.ref);
      const mine = (await adapter.listCodes(lockId)).filter((c) => c.keyholdCodeId === id);
      expect(mine).toHaveLength(1);
    });

    it('rewrites its own code in place when the digits change', async () => {
      const adapter = harness.adapter();
      const id = randomUUID();
      await adapter.setCode(lockId, { keyholdCodeId: id, code: '1357', name: 'A' });
      await adapter.setCode(lockId, { keyholdCodeId: id, code: '2468', name: 'A' });
      const mine = (await adapter.listCodes(lockId)).filter((c) => c.keyholdCodeId === id);
      expect(mine.map((c) => c.code)).toEqual(['2468']);
    });

    it('keeps a native schedule window when one is sent, or never claims to', async () => {
      const adapter = harness.adapter();
      const startsAt = new Date('2030-01-01T15:00:00Z');
      const endsAt = new Date('2030-01-03T11:00:00Z');
      const set = await adapter.setCode(lockId, {
        keyholdCodeId: randomUUID(),
        code: '8642',
        name: 'Stay',
        startsAt,
        endsAt,
      });
      const keeps = harness.keepsWindows ?? true;
      expect(set.startsAt?.toISOString() ?? null).toBe(keeps ? startsAt.toISOString() : null);
      expect(set.endsAt?.toISOString() ?? null).toBe(keeps ? endsAt.toISOString() : null);
      expect((await adapter.getDevice(lockId))?.supportsNativeScheduling).toEqual(
        keeps ? expect.any(Boolean) : false,
      );
    });

    it('treats removing an absent code as done', async () => {
      await expect(harness.adapter().removeCode(lockId, randomUUID())).resolves.toEqual({
        pending: false,
      });
    });

    it('fails with offline when the lock is offline, and works again when it returns', async () => {
      await harness.setOnline(lockId, false);
      const failure = await failureOf(
        harness
          .adapter()
          .setCode(lockId, { keyholdCodeId: randomUUID(), code: '7391', name: null }),
      );
      expect(failure.kind).toBe('offline');
      await harness.setOnline(lockId, true);
      await expect(
        harness
          .adapter()
          .setCode(lockId, { keyholdCodeId: randomUUID(), code: '7391', name: null }),
      ).resolves.toMatchObject({ code: '7391' });
    });

    it('fails with no_space when the lock is full', async () => {
      await harness.limitSlots(lockId, 1);
      const adapter = harness.adapter();
      await adapter.setCode(lockId, { keyholdCodeId: randomUUID(), code: '3141', name: null });
      const failure = await failureOf(
        adapter.setCode(lockId, { keyholdCodeId: randomUUID(), code: '2718', name: null }),
      );
      expect(failure.kind).toBe('no_space');
    });

    it('fails with duplicate_code when the digits are already on the lock', async () => {
      await harness.addForeignCode(lockId, '9182');
      const failure = await failureOf(
        harness
          .adapter()
          .setCode(lockId, { keyholdCodeId: randomUUID(), code: '9182', name: null }),
      );
      expect(failure.kind).toBe('duplicate_code');
      const codes = await harness.adapter().listCodes(lockId);
      expect(codes.filter((c) => c.code === '9182')).toHaveLength(1);
      expect(codes.find((c) => c.code === '9182')?.keyholdCodeId).toBeNull();
    });

    it('answers null for a device it does not know', async () => {
      expect(await harness.adapter().getDevice(`unknown-${randomUUID()}`)).toBeNull();
    });
  });
}
