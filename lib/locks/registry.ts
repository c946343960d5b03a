import type { Executor } from '@/db/client';
import type { AdapterResolver, AdapterTarget } from './adapter';
import { SeamAdapter } from './seam/adapter';
import type { SeamClientOptions } from './seam/client';
import { SimulatedAdapter } from './simulated/adapter';
import { ZwaveAdapter, type ZwaveConnection } from './zwave/adapter';

/**
 * What the adapters need to reach a lock, handed in by whoever keeps it (as
 * cal.com's getCalendar is handed a credential): the connection the simulated
 * locks' tables are on, Keyhold's database for the Z-Wave slot records, and a
 * Seam or Z-Wave JS connection's options, asked for on the adapter's first
 * call so a key is read and decrypted only when used.
 */
export type AdapterCredentials = {
  /** Where the simulated locks live (a pool whose commits need not wait for the disk). */
  simulated: Executor;
  /** Keyhold's own database: the Z-Wave adapter's record of whose code each slot holds. */
  db: Executor;
  seam: (target: AdapterTarget) => Promise<SeamClientOptions>;
  /** A Z-Wave JS connection's server address, read on the adapter's first call. */
  zwave: (target: AdapterTarget) => Promise<ZwaveConnection>;
};

/** One simulated adapter per organization, one Seam or Z-Wave JS adapter per connection. */
export function adapterResolver(credentials: AdapterCredentials): AdapterResolver {
  const simulated = new Map<string, SimulatedAdapter>();
  const seam = new Map<string, SeamAdapter>();
  const zwave = new Map<string, ZwaveAdapter>();
  return (target) => {
    switch (target.adapter) {
      case 'simulated': {
        let adapter = simulated.get(target.organizationId);
        if (!adapter) {
          adapter = new SimulatedAdapter(credentials.simulated, target.organizationId);
          simulated.set(target.organizationId, adapter);
        }
        return adapter;
      }
      case 'seam': {
        const key = `${target.organizationId}:${target.connectionId}`;
        let adapter = seam.get(key);
        if (!adapter) {
          adapter = new SeamAdapter(() => credentials.seam(target));
          seam.set(key, adapter);
        }
        return adapter;
      }
      case 'zwave': {
        const key = `${target.organizationId}:${target.connectionId}`;
        let adapter = zwave.get(key);
        if (!adapter) {
          adapter = new ZwaveAdapter(credentials.db, () => credentials.zwave(target));
          zwave.set(key, adapter);
        }
        return adapter;
      }
    }
  };
}
