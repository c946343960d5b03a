import type { Executor } from '@/db/client';
import type { AdapterResolver, AdapterTarget } from './adapter';
import { SeamAdapter } from './seam/adapter';
import type { SeamClientOptions } from './seam/client';
import { SimulatedAdapter } from './simulated/adapter';

/**
 * What the adapters need to reach a lock, handed in by whoever keeps it (as
 * cal.com's getCalendar is handed a credential): the connection the simulated
 * locks' tables are on, and a Seam connection's client options, asked for on
 * the adapter's first call so its key is read and decrypted only when used.
 */
export type AdapterCredentials = {
  simulated: Executor;
  seam: (target: AdapterTarget) => Promise<SeamClientOptions>;
};

/** One simulated adapter per organization, one Seam adapter per connection. */
export function adapterResolver(credentials: AdapterCredentials): AdapterResolver {
  const simulated = new Map<string, SimulatedAdapter>();
  const seam = new Map<string, SeamAdapter>();
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
    }
  };
}
