import type { AdapterDevice } from '../adapter';
import { ZwaveServerClient } from './client';
import { isLockNode, toDevice } from './mapping';

/**
 * The one call that checks a Z-Wave JS Server address before it is kept:
 * connect, take the network's state (its home id and the lock nodes), and
 * close. A fresh client, not the process's shared one, so an address typed
 * wrong leaves no connection retrying in the background. Fails with
 * `ZwaveUnavailable` when nothing there speaks Z-Wave JS Server.
 */
export async function listZwaveLocks(
  url: string,
): Promise<{ homeId: number; locks: AdapterDevice[] }> {
  const client = new ZwaveServerClient(url);
  try {
    await client.ready();
    const homeId = client.homeId ?? 0;
    return {
      homeId,
      locks: [...client.nodes.values()].filter(isLockNode).map((n) => toDevice(homeId, n)),
    };
  } finally {
    client.close();
  }
}
