import type { Executor } from '@/db/client';
import type { LockAdapter as LockAdapterName } from '@/db/schema';
import { type SeamSettings, seamOptionsFor, seamSettingsFromEnv } from '@/lib/devices/connections';
import type { LockAdapter } from './adapter';
import { SeamAdapter } from './seam/adapter';
import { SimulatedAdapter } from './simulated/adapter';

export type AdapterTarget = {
  adapter: LockAdapterName;
  organizationId: string;
  connectionId: string | null;
};

/** Finds the adapter that reaches a lock. The tick gets one per run; tests pass their own. */
export type AdapterResolver = (target: AdapterTarget) => LockAdapter;

/**
 * The adapters of a tick: one simulated adapter per organization, one Seam
 * adapter per connection (its key read and decrypted on its first call).
 * Seam's endpoint and the credentials key come from settings unless given.
 */
export function defaultAdapters(
  db: Executor,
  options: { seam?: SeamSettings } = {},
): AdapterResolver {
  const simulated = new Map<string, SimulatedAdapter>();
  const seam = new Map<string, SeamAdapter>();
  return (target) => {
    switch (target.adapter) {
      case 'simulated': {
        let adapter = simulated.get(target.organizationId);
        if (!adapter) {
          adapter = new SimulatedAdapter(db, target.organizationId);
          simulated.set(target.organizationId, adapter);
        }
        return adapter;
      }
      case 'seam': {
        const key = `${target.organizationId}:${target.connectionId}`;
        let adapter = seam.get(key);
        if (!adapter) {
          adapter = new SeamAdapter(() =>
            seamOptionsFor(db, target, options.seam ?? seamSettingsFromEnv()),
          );
          seam.set(key, adapter);
        }
        return adapter;
      }
    }
  };
}
