import {
  type AdapterDevice,
  type AdapterIssue,
  type CodeOnLock,
  type LockAdapter,
  LockFailure,
  type SetCodeRequest,
} from '../adapter';
import { SeamApiError, SeamClient, type SeamClientOptions } from './client';
import {
  codeName,
  deviceProblem,
  isLock,
  keyholdIdOf,
  type SeamAccessCode,
  type SeamDevice,
  toCodeOnLock,
  toDevice,
} from './mapping';

/** What one lock looks like at Seam: the device and every code on it. */
type Snapshot = { device: SeamDevice; codes: SeamAccessCode[]; at: number };

/** A lock's snapshot is reused this long; the tick holds the lock, so only Keyhold writes to it meanwhile. */
const SNAPSHOT_MS = 10_000;

/**
 * Locks in a Seam workspace (DESIGN.md "Lock adapters"). Seam has no field for
 * Keyhold's code id, so it rides at the end of the code's name
 * (`Maria Lopez · kh_<id>`): a retried set finds the code it made instead of
 * making a second. Seam programs the lock after it answers, so a code it
 * accepted is `pending` until Seam reports it `set` (or stored on the lock
 * with its window).
 */
export class SeamAdapter implements LockAdapter {
  readonly name = 'seam';
  private client: SeamClient | undefined;
  private readonly snapshots = new Map<string, Snapshot>();

  /** `options` may be read lazily: the API key is decrypted on the first call. */
  constructor(private readonly options: SeamClientOptions | (() => Promise<SeamClientOptions>)) {}

  private async seam(): Promise<SeamClient> {
    if (!this.client) {
      const options = typeof this.options === 'function' ? await this.options() : this.options;
      this.client = new SeamClient(options);
    }
    return this.client;
  }

  async listDevices(): Promise<AdapterDevice[]> {
    const devices: SeamDevice[] = [];
    let cursor: string | null = null;
    do {
      const page: { devices: SeamDevice[]; pagination?: { next_page_cursor: string | null } } =
        await this.call('/devices/list', {
          limit: 500,
          ...(cursor ? { page_cursor: cursor } : {}),
        });
      devices.push(...page.devices);
      cursor = page.pagination?.next_page_cursor ?? null;
    } while (cursor);
    return devices.filter(isLock).map(toDevice);
  }

  async getDevice(externalId: string): Promise<AdapterDevice | null> {
    const device = await this.readDevice(externalId);
    return device ? toDevice(device) : null;
  }

  async listCodes(externalId: string): Promise<CodeOnLock[]> {
    const { codes } = await this.reach(externalId, { fresh: true });
    return codes.map(toCodeOnLock);
  }

  async setCode(externalId: string, request: SetCodeRequest): Promise<CodeOnLock> {
    const snapshot = await this.reach(externalId);
    const mine = snapshot.codes.find((c) => keyholdIdOf(c) === request.keyholdCodeId);
    const name = codeName(request.name, request.keyholdCodeId, snapshot.device);
    const window = {
      starts_at: request.startsAt?.toISOString() ?? null,
      ends_at: request.endsAt?.toISOString() ?? null,
    };
    const clash = snapshot.codes.find(
      (c) => c.code === request.code && keyholdIdOf(c) !== request.keyholdCodeId,
    );
    if (clash) {
      throw new LockFailure(
        'duplicate_code',
        `${deviceName(snapshot)} already holds these digits.`,
      );
    }

    let written: SeamAccessCode;
    if (mine) {
      const unchanged =
        mine.code === request.code &&
        mine.name === name &&
        sameInstant(mine.starts_at, window.starts_at) &&
        sameInstant(mine.ends_at, window.ends_at);
      written = unchanged ? mine : await this.rewrite(externalId, mine, request.code, name, window);
    } else {
      const limit = snapshot.device.properties?.max_active_codes_supported;
      if (typeof limit === 'number' && snapshot.codes.length >= limit) {
        throw new LockFailure('no_space', `${deviceName(snapshot)} has no free code slots.`);
      }
      written = await this.create(externalId, request, name, window);
    }
    this.remember(externalId, written);
    const onLock = toCodeOnLock(written);
    throwIfRefused(onLock, snapshot);
    return onLock;
  }

  async removeCode(externalId: string, keyholdCodeId: string): Promise<void> {
    const snapshot = await this.reach(externalId);
    const mine = snapshot.codes.filter((c) => keyholdIdOf(c) === keyholdCodeId);
    for (const code of mine) {
      try {
        await this.call('/access_codes/delete', { access_code_id: code.access_code_id });
      } catch (error) {
        // Already gone: what was asked for.
        if (!(error instanceof LockFailure && error.kind === 'not_found')) throw error;
      }
    }
    snapshot.codes = snapshot.codes.filter((c) => keyholdIdOf(c) !== keyholdCodeId);
  }

  private async create(
    externalId: string,
    request: SetCodeRequest,
    name: string,
    window: { starts_at: string | null; ends_at: string | null },
  ): Promise<SeamAccessCode> {
    try {
      const created = await this.call<{ access_code: SeamAccessCode }>(
        '/access_codes/create',
        {
          device_id: externalId,
          code: request.code,
          name,
          ...(window.starts_at && window.ends_at ? window : {}),
        },
        // A create Seam may have done before failing must not be repeated blind.
        { retry: 'refused' },
      );
      return created.access_code;
    } catch (error) {
      if (!(error instanceof LockFailure && error.kind === 'transient')) throw error;
      // The answer was lost, or Seam failed half-way: look before anyone tries again.
      this.snapshots.delete(externalId);
      const { codes } = await this.reach(externalId);
      const made = codes.find((c) => keyholdIdOf(c) === request.keyholdCodeId);
      if (made) return made;
      throw error;
    }
  }

  private async rewrite(
    externalId: string,
    current: SeamAccessCode,
    code: string,
    name: string,
    window: { starts_at: string | null; ends_at: string | null },
  ): Promise<SeamAccessCode> {
    await this.call('/access_codes/update', {
      access_code_id: current.access_code_id,
      device_id: externalId,
      code,
      name,
      ...(window.starts_at && window.ends_at ? window : { type: 'ongoing' }),
    });
    const read = await this.call<{ access_code: SeamAccessCode }>('/access_codes/get', {
      access_code_id: current.access_code_id,
    });
    return read.access_code;
  }

  private remember(externalId: string, code: SeamAccessCode): void {
    const snapshot = this.snapshots.get(externalId);
    if (!snapshot) return;
    snapshot.codes = [
      ...snapshot.codes.filter((c) => c.access_code_id !== code.access_code_id),
      code,
    ];
  }

  private async readDevice(externalId: string): Promise<SeamDevice | null> {
    try {
      const { device } = await this.call<{ device: SeamDevice }>('/devices/get', {
        device_id: externalId,
      });
      return isLock(device) ? device : null;
    } catch (error) {
      if (error instanceof LockFailure && error.kind === 'not_found') return null;
      throw error;
    }
  }

  /** The lock and its codes, failing as the lock would: unknown, offline. */
  private async reach(externalId: string, { fresh = false } = {}): Promise<Snapshot> {
    const cached = this.snapshots.get(externalId);
    if (!fresh && cached && performance.now() - cached.at < SNAPSHOT_MS) return cached;
    const [device, managed, unmanaged] = await Promise.all([
      this.readDevice(externalId),
      this.call<{ access_codes: SeamAccessCode[] }>('/access_codes/list', {
        device_id: externalId,
      }),
      this.call<{ access_codes: SeamAccessCode[] }>('/access_codes/unmanaged/list', {
        device_id: externalId,
      }),
    ]);
    if (!device) throw new LockFailure('not_found', 'Seam does not know this lock any more.');
    const problem = deviceProblem(device);
    if (problem) throw new LockFailure('offline', problem);
    // Seam's fake lists every device's codes, and unmanaged ones among managed.
    const byId = new Map<string, SeamAccessCode>();
    for (const code of [...managed.access_codes, ...unmanaged.access_codes]) {
      if (code.device_id === externalId && !byId.has(code.access_code_id)) {
        byId.set(code.access_code_id, code);
      }
    }
    const snapshot: Snapshot = { device, codes: [...byId.values()], at: performance.now() };
    this.snapshots.set(externalId, snapshot);
    return snapshot;
  }

  /** One Seam call, its failures as the lock failures the reconciler knows. */
  private async call<T>(
    path: string,
    body: Record<string, unknown>,
    options?: { retry?: 'any' | 'refused' },
  ): Promise<T> {
    try {
      return await (await this.seam()).call<T>(path, body, options);
    } catch (error) {
      if (!(error instanceof SeamApiError)) throw error;
      throw toLockFailure(error);
    }
  }
}

/** Seam's answer as the reconciler's failure kinds; the message is safe to show staff. */
export function toLockFailure(error: SeamApiError): LockFailure {
  if (error.status === 401 || error.status === 403) {
    return new LockFailure(
      'transient',
      'Seam did not accept the workspace’s API key. An admin can enter a new one in Settings.',
      'unauthorized',
    );
  }
  if (error.status === 404) return new LockFailure('not_found', error.message);
  if (error.status === 409 || error.type === 'duplicate_access_code') {
    return new LockFailure('duplicate_code', 'The lock already holds these digits.');
  }
  if (error.status === 0) return new LockFailure('transient', error.message);
  if (error.status === 429) return new LockFailure('transient', 'Seam asked Keyhold to slow down.');
  if (error.status >= 500) {
    return new LockFailure('transient', `Seam is unavailable (${error.status}).`);
  }
  return new LockFailure('transient', `Seam refused the change: ${error.message}`);
}

/** A code Seam holds but reports it cannot program: fail as the lock would. */
function throwIfRefused(code: CodeOnLock, snapshot: Snapshot): void {
  const has = (list: AdapterIssue[], name: string) => list.some((i) => i.code === name);
  if (has(code.errors, 'no_space_for_access_code_on_device')) {
    throw new LockFailure('no_space', `${deviceName(snapshot)} has no free code slots.`);
  }
  if (has(code.errors, 'duplicate_code_on_device')) {
    throw new LockFailure('duplicate_code', `${deviceName(snapshot)} already holds these digits.`);
  }
}

function deviceName(snapshot: Snapshot): string {
  return toDevice(snapshot.device).name;
}

function sameInstant(a: string | null | undefined, b: string | null): boolean {
  if (!a || !b) return !a && !b;
  return new Date(a).getTime() === new Date(b).getTime();
}
