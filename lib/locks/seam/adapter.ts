import {
  type AdapterDevice,
  type AdapterIssue,
  type CodeOnLock,
  type LockAdapter,
  type LockEventReader,
  type LockEventReport,
  LockFailure,
  type SetCodeRequest,
} from '../adapter';
import { SeamApiError, SeamClient, type SeamClientOptions } from './client';
import {
  newEvents,
  parseCursor,
  SEAM_LOCK_EVENT_TYPES,
  type SeamEvent,
  sinceFor,
  toReport,
} from './events';
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

/** After Seam fails as a whole, the adapter's further calls fail at once for this long. */
const OUTAGE_MS = 30_000;

/**
 * Locks in a Seam workspace (DESIGN.md "Lock adapters"). Seam has no field for
 * Keyhold's code id, so it rides at the end of the code's name
 * (`Maria Lopez · kh_<id>`): a retried set finds the code it made instead of
 * making a second. Seam programs the lock after it answers, so a code it
 * accepted is `pending` until Seam reports it `set` (or stored on the lock
 * with its window).
 */
export class SeamAdapter implements LockAdapter, LockEventReader {
  readonly name = 'seam';
  private client: Promise<SeamClient> | undefined;
  private readonly snapshots = new Map<string, Snapshot>();
  /**
   * Seam itself failing (no answer, 5xx, a refused key) fails every call the
   * same way: after one, the others fail at once for a while instead of each
   * waiting out its timeout and retries.
   */
  private outage: { failure: LockFailure; until: number } | undefined;

  /** `options` may be read lazily: the API key is decrypted on the first call. */
  constructor(private readonly options: SeamClientOptions | (() => Promise<SeamClientOptions>)) {}

  private seam(): Promise<SeamClient> {
    this.client ??= (async () => {
      const options = typeof this.options === 'function' ? await this.options() : this.options;
      return new SeamClient(options);
    })();
    // A key that could not be read is read again next time.
    this.client.catch(() => {
      this.client = undefined;
    });
    return this.client;
  }

  async listDevices(): Promise<AdapterDevice[]> {
    const devices: SeamDevice[] = [];
    const seen = new Set<string>();
    let cursor: string | null = null;
    // At most 100 pages of 500: a server that repeats a cursor cannot hold discovery forever.
    for (let page = 0; page < 100; page++) {
      const answer: {
        devices: SeamDevice[];
        pagination?: { has_next_page?: boolean; next_page_cursor?: string | null };
      } = await this.call('/devices/list', {
        limit: 500,
        ...(cursor ? { page_cursor: cursor } : {}),
      });
      devices.push(...answer.devices);
      cursor = answer.pagination?.has_next_page
        ? (answer.pagination.next_page_cursor ?? null)
        : null;
      if (!cursor || seen.has(cursor)) break;
      seen.add(cursor);
    }
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
    // Codes Seam is taking off the lock are on their way out: they neither clash nor count.
    const live = snapshot.codes.filter((c) => c.status !== 'removing');
    const mine = live.find((c) => keyholdIdOf(c) === request.keyholdCodeId);
    const name = codeName(request.name, request.keyholdCodeId, snapshot.device);
    const window = {
      starts_at: request.startsAt?.toISOString() ?? null,
      ends_at: request.endsAt?.toISOString() ?? null,
    };
    const clash = live.find(
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
      const held = toCodeOnLock(mine);
      // Seam may move a window by an hour for a lock of unknown time zone: not a change to undo.
      const adjusted = held.warnings.some(
        (w) => w.code === 'time_frame_adjusted_for_unknown_time_zone',
      );
      const unchanged =
        held.code === request.code &&
        mine.name === name &&
        (adjusted ||
          (sameInstant(held.startsAt, request.startsAt ?? null) &&
            sameInstant(held.endsAt, request.endsAt ?? null)));
      written = unchanged ? mine : await this.rewrite(externalId, mine, request.code, name, window);
    } else {
      const limit = snapshot.device.properties?.max_active_codes_supported;
      if (typeof limit === 'number' && live.length >= limit) {
        throw new LockFailure('no_space', `${deviceName(snapshot)} has no free code slots.`);
      }
      written = await this.create(externalId, request, name, window);
    }
    this.remember(externalId, written);
    const onLock = toCodeOnLock(written);
    throwIfRefused(onLock, snapshot);
    return onLock;
  }

  /**
   * Ask Seam to take Keyhold's code off the lock. Done when Seam no longer
   * lists it; while it shows the code `removing`, the removal is pending.
   */
  async removeCode(externalId: string, keyholdCodeId: string): Promise<{ pending: boolean }> {
    const snapshot = await this.reach(externalId);
    const mine = snapshot.codes.filter((c) => keyholdIdOf(c) === keyholdCodeId);
    let pending = false;
    for (const code of mine) {
      if (code.status === 'removing') {
        pending = true;
        continue;
      }
      try {
        await this.call('/access_codes/delete', { access_code_id: code.access_code_id });
        const { access_code: after } = await this.call<{ access_code: SeamAccessCode }>(
          '/access_codes/get',
          { access_code_id: code.access_code_id },
        );
        pending = true;
        this.remember(externalId, after);
      } catch (error) {
        // Gone: what was asked for.
        if (!(error instanceof LockFailure && error.kind === 'not_found')) throw error;
        this.forget(externalId, code.access_code_id);
      }
    }
    return { pending };
  }

  /**
   * The lock's events Seam holds since the cursor (the first read: the last
   * 24 hours), oldest first. Seam keeps a lock's events while the lock is
   * away, so this asks Seam alone and does not fail for an offline lock.
   */
  async readEvents(
    externalId: string,
    cursor: string | null,
    options: { limit?: number } = {},
  ): Promise<{ events: LockEventReport[]; cursor: string | null }> {
    const limit = options.limit ?? 500;
    const from = parseCursor(cursor);
    const answer = await this.call<{ events?: SeamEvent[] }>('/events/list', {
      device_id: externalId,
      since: sinceFor(from, Date.now()),
      event_types: SEAM_LOCK_EVENT_TYPES,
      limit,
    });
    const read = newEvents(answer.events ?? [], externalId, from, limit);
    return {
      events: read.events.map(toReport),
      cursor: read.cursor ? JSON.stringify(read.cursor) : cursor,
    };
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

  private forget(externalId: string, accessCodeId: string): void {
    const snapshot = this.snapshots.get(externalId);
    if (snapshot) snapshot.codes = snapshot.codes.filter((c) => c.access_code_id !== accessCodeId);
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
    if (this.outage && performance.now() < this.outage.until) throw this.outage.failure;
    try {
      return await (await this.seam()).call<T>(path, body, options);
    } catch (error) {
      if (!(error instanceof SeamApiError)) {
        if (error instanceof LockFailure && error.accountIssue) this.trip(error);
        throw error;
      }
      const failure = toLockFailure(error);
      if (failure.accountIssue) this.trip(failure);
      throw failure;
    }
  }

  private trip(failure: LockFailure): void {
    this.outage = { failure, until: performance.now() + OUTAGE_MS };
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
  // Seam as a whole not answering: the connection's trouble, not one lock's.
  const unavailable = 'provider_service_unavailable';
  if (error.status === 0) return new LockFailure('transient', error.message, unavailable);
  if (error.status === 429) {
    return new LockFailure('transient', 'Seam asked Keyhold to slow down.', unavailable);
  }
  if (error.status >= 500) {
    return new LockFailure('transient', `Seam is unavailable (${error.status}).`, unavailable);
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

function sameInstant(a: Date | null, b: Date | null): boolean {
  if (!a || !b) return !a && !b;
  return a.getTime() === b.getTime();
}
