import type { Executor } from '@/db/client';
import type { LockAdapter as LockAdapterName } from '@/db/schema';
import type { LockAdapter } from './adapter';
import { SimulatedAdapter } from './simulated/adapter';

export type AdapterTarget = {
  adapter: LockAdapterName;
  organizationId: string;
  connectionId: string | null;
};

/** Finds the adapter that reaches a lock. The tick gets one per run; tests pass their own. */
export type AdapterResolver = (target: AdapterTarget) => LockAdapter;

export function defaultAdapters(db: Executor): AdapterResolver {
  const simulated = new Map<string, SimulatedAdapter>();
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
      case 'seam':
        throw new Error('The Seam adapter is not available yet.');
    }
  };
}
