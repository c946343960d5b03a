import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { type ZwaveCodeSlot, zwaveCodeSlots, zwaveLocks } from '@/db/schema';
import {
  type AdapterDevice,
  type CodeOnLock,
  type LockAdapter,
  type LockEventReader,
  type LockEventReport,
  LockFailure,
  type SetCodeRequest,
} from '../adapter';
import {
  NodeStatus,
  valueKey,
  ZwaveCommandError,
  type ZwaveNode,
  type ZwaveServerClient,
  ZwaveUnavailable,
  zwaveClient,
} from './client';
import { toLockEvent } from './events';
import {
  expectedChecksum,
  isLockNode,
  isMasked,
  isOccupied,
  parseExternalId,
  slotCount,
  slotsOf,
  toDevice,
  USER_CODE,
  UserIdStatus,
} from './mapping';

/** One Z-Wave JS connection: which of the organization's connections, and where its server is. */
export type ZwaveConnection = { connectionId: string; url: string };

/** After a lock's slots were checked, writes in the same pass trust them this long. */
const FRESH_MS = 10_000;
/** A lock without a User Code checksum has every slot read at most this often. */
const FULL_READ_MS = 24 * 60 * 60_000;
/** Z-Wave JS's error for a command the lock does not support (nothing was sent). */
const CC_NOT_SUPPORTED = 302;
/** Notification CC, access control: all codes deleted, one deleted, one added (at the keypad). */
const USER_CODE_CHANGED_EVENTS = [0x0c, 0x0d, 0x0e];
/** Notification CC, access control: "New user code not added due to duplicate code". */
const DUPLICATE_CODE_EVENT = 0x0f;

/**
 * Locks on a Z-Wave network, reached through Z-Wave JS Server (DESIGN.md
 * "Lock adapters"). A Z-Wave lock keeps codes in numbered slots with no
 * name, so the slots are Keyhold's: each code is given the lowest slot
 * neither another Keyhold code nor anyone else holds, keeps it, and the
 * record (`zwave_code_slots`) says whose a slot was when a keypad entry
 * names it. Commands are few because Z-Wave is slow and locks run on
 * batteries: a write is one Set and one Get to confirm it; a masked
 * read-back (`****`) after a confirmed write counts as set, so there is no
 * read-back loop; and a read-back with nothing changed is one checksum
 * (User Code CC v2) against the one Keyhold keeps.
 */
export class ZwaveAdapter implements LockAdapter, LockEventReader {
  readonly name = 'zwave';
  private readonly checkedAt = new Map<string, number>();
  private resolved: Promise<ZwaveConnection> | undefined;

  constructor(
    private readonly db: Executor,
    private readonly connection: ZwaveConnection | (() => Promise<ZwaveConnection>),
    private readonly clientFor: (url: string) => ZwaveServerClient = zwaveClient,
  ) {}

  async listDevices(): Promise<AdapterDevice[]> {
    const { client } = await this.reach();
    const homeId = client.homeId ?? 0;
    return [...client.nodes.values()].filter(isLockNode).map((n) => toDevice(homeId, n));
  }

  async getDevice(externalId: string): Promise<AdapterDevice | null> {
    const { client } = await this.reach();
    const node = this.findNode(client, externalId);
    return node ? toDevice(client.homeId ?? 0, node) : null;
  }

  async listCodes(externalId: string): Promise<CodeOnLock[]> {
    const { client, connectionId } = await this.reach();
    const node = await this.reachable(client, externalId);
    // A sleeping lock answers nothing until it wakes: what Keyhold knows is all there is.
    if (node.status !== NodeStatus.asleep) {
      await this.check(client, connectionId, externalId, node, { force: true });
    }
    return this.view(node, await this.held(connectionId, externalId));
  }

  async setCode(externalId: string, request: SetCodeRequest): Promise<CodeOnLock> {
    const { client, connectionId } = await this.reach();
    const node = await this.reachable(client, externalId);
    const asleep = node.status === NodeStatus.asleep;
    let held = await this.held(connectionId, externalId);
    let mine = held.find((r) => r.keyholdCodeId === request.keyholdCodeId);

    if (asleep) {
      // Written and confirmed in an earlier wake-up, or waiting for the next one.
      if (mine?.code === request.code && mine.state === 'set') return toCode(mine, 'set');
      if (mine?.code === request.code && mine.state === 'queued') return toCode(mine, 'pending');
    } else {
      await this.check(client, connectionId, externalId, node);
      held = await this.held(connectionId, externalId);
      mine = held.find((r) => r.keyholdCodeId === request.keyholdCodeId);
    }

    // Digits another slot holds: the lock would refuse them (or worse, keep both).
    const clash = this.view(node, held).find(
      (c) => c.code === request.code && c.keyholdCodeId !== request.keyholdCodeId,
    );
    if (clash)
      throw new LockFailure('duplicate_code', `${label(node)} already holds these digits.`);

    if (!mine) {
      const slot = await this.freeSlot(client, node, held);
      if (slot === 'unknown') {
        // A sleeping lock Keyhold has not read: ask what the slots hold when it wakes, then pick.
        for (const { slot: unread } of slotsOf(node).filter((x) => x.status === undefined)) {
          this.readSlot(client, node, unread, null).catch(() => {});
        }
        return {
          ...toCode(
            { slot: 0, code: request.code, keyholdCodeId: request.keyholdCodeId },
            'pending',
          ),
          ref: 'slot:unassigned',
        };
      }
      if (slot === null)
        throw new LockFailure('no_space', `${label(node)} has no free code slots.`);
      [mine] = await this.db
        .insert(zwaveCodeSlots)
        .values({
          connectionId,
          externalId,
          slot,
          keyholdCodeId: request.keyholdCodeId,
          code: request.code,
          state: 'writing',
        })
        .returning();
    }
    if (!mine) throw new Error('The slot record was not written.');
    const row = mine;
    const slot = row.slot;
    // What the slot held before this write: a masked read-back cannot tell old digits from new.
    const before = slotsOf(node).find((x) => x.slot === slot);
    const rewrite = isOccupied(before?.status) && row.code !== request.code;
    await this.db
      .update(zwaveCodeSlots)
      .set({ code: request.code, state: asleep ? 'queued' : 'writing' })
      .where(eq(zwaveCodeSlots.id, row.id));
    const written = { ...row, code: request.code };

    if (asleep) {
      // The driver holds the Set until the lock wakes; the Get after it goes in the same
      // wake-up, and its answer confirms the code. Being set meanwhile, not failed.
      void this.invoke(client, node, 'set', [slot, UserIdStatus.Enabled, request.code], null)
        .then(() => this.readSlot(client, node, slot, null))
        .then(async (report) => {
          if (!confirms(report, request.code)) return;
          await this.db
            .update(zwaveCodeSlots)
            .set({ state: 'set' })
            .where(and(eq(zwaveCodeSlots.id, row.id), eq(zwaveCodeSlots.code, request.code)));
        })
        .catch(() => {});
      return toCode(written, 'pending');
    }

    const since = client.notifications.at(-1)?.seq ?? 0;
    await this.invoke(client, node, 'set', [slot, UserIdStatus.Enabled, request.code]);
    const report = await this.readSlot(client, node, slot);
    if (!confirms(report, request.code)) {
      const refused = client
        .notificationsOf(node.nodeId, since)
        .some((n) => n.type === 6 && n.event === DUPLICATE_CODE_EVENT && n.userId === slot);
      if (refused && !isOccupied(report.userIdStatus)) {
        // Never on the lock: the slot goes back.
        await this.db.delete(zwaveCodeSlots).where(eq(zwaveCodeSlots.id, row.id));
        throw new LockFailure('duplicate_code', `${label(node)} already holds these digits.`);
      }
      throw new LockFailure(
        'transient',
        `${label(node)} did not confirm the code in slot ${slot}; Keyhold will write it again.`,
      );
    }
    if (rewrite && isMasked(report.userCode)) {
      // New digits over old in a masked slot: only the checksum tells whether the lock took them.
      const expected = expectedChecksum(node, [
        ...held.filter((r) => r.id !== row.id),
        { ...written, state: 'set' },
      ]);
      const actual = expected === null ? null : await this.readChecksum(client, node);
      if (expected !== null && actual !== null && actual !== expected) {
        throw new LockFailure(
          'transient',
          `${label(node)} kept the old digits in slot ${slot}; Keyhold will write the new ones again.`,
        );
      }
    }
    return this.confirmed(client, connectionId, externalId, node, written);
  }

  /** The lock confirmed the code in its slot. */
  private async confirmed(
    client: ZwaveServerClient,
    connectionId: string,
    externalId: string,
    node: ZwaveNode,
    row: ZwaveCodeSlot,
  ): Promise<CodeOnLock> {
    await this.db.update(zwaveCodeSlots).set({ state: 'set' }).where(eq(zwaveCodeSlots.id, row.id));
    await this.rebaseline(client, connectionId, externalId, node);
    return toCode(row, 'set');
  }

  async removeCode(externalId: string, keyholdCodeId: string): Promise<{ pending: boolean }> {
    const { client, connectionId } = await this.reach();
    const held = await this.held(connectionId, externalId);
    const mine = held.find((r) => r.keyholdCodeId === keyholdCodeId);
    if (!mine) return { pending: false };
    const node = await this.reachable(client, externalId);
    if (node.status === NodeStatus.asleep) {
      if (mine.state === 'clearing') return { pending: true };
      await this.db
        .update(zwaveCodeSlots)
        .set({ state: 'clearing' })
        .where(eq(zwaveCodeSlots.id, mine.id));
      // Cleared and read back in the lock's next wake-up; released only when it reads empty.
      void this.invoke(client, node, 'clear', [mine.slot], null)
        .then(() => this.readSlot(client, node, mine.slot, null))
        .then(async (report) => {
          if (report.userIdStatus !== UserIdStatus.Available) return;
          await this.db
            .update(zwaveCodeSlots)
            .set({ releasedAt: new Date() })
            .where(eq(zwaveCodeSlots.id, mine.id));
        })
        .catch(() => {});
      return { pending: true };
    }
    await this.invoke(client, node, 'clear', [mine.slot]);
    const report = await this.readSlot(client, node, mine.slot);
    // Only a slot the lock reports empty is released: no answer is not an empty slot.
    if (report.userIdStatus !== UserIdStatus.Available) {
      throw new LockFailure(
        'transient',
        `${label(node)} did not confirm slot ${mine.slot} empty; Keyhold will clear it again.`,
      );
    }
    await this.db
      .update(zwaveCodeSlots)
      .set({ releasedAt: new Date() })
      .where(eq(zwaveCodeSlots.id, mine.id));
    await this.rebaseline(client, connectionId, externalId, node);
    return { pending: false };
  }

  /**
   * What the lock reported since the cursor, from what Z-Wave JS Server
   * pushed to this process: an entry names the slot, and the slot's record
   * names the code that held it at that moment.
   */
  async readEvents(
    externalId: string,
    cursor: string | null,
    options: { limit?: number } = {},
  ): Promise<{ events: LockEventReport[]; cursor: string | null }> {
    const { client, connectionId } = await this.reach();
    const id = parseExternalId(externalId);
    if (!id || id.homeId !== client.homeId) return { events: [], cursor };
    // The cursor is when the last event read arrived (ms): it means the same in every
    // process, so another instance or a restart goes on from there.
    const after = cursor && /^\d+$/.test(cursor) ? Number(cursor) : 0;
    const notifications = client
      .notificationsOf(id.nodeId, 0)
      .filter((n) => n.receivedAt.getTime() > after)
      .slice(0, options.limit ?? 500);
    const history = notifications.some((n) => n.userId !== null)
      ? await this.db
          .select()
          .from(zwaveCodeSlots)
          .where(
            and(
              eq(zwaveCodeSlots.connectionId, connectionId),
              eq(zwaveCodeSlots.externalId, externalId),
            ),
          )
          .orderBy(asc(zwaveCodeSlots.assignedAt))
      : [];
    const events = notifications.flatMap((n) => {
      const event = toLockEvent(id.nodeId, n, (slot, at) => holderAt(history, slot, at));
      return event ? [event] : [];
    });
    const last = notifications.at(-1)?.receivedAt.getTime();
    return { events, cursor: last === undefined ? cursor : String(last) };
  }

  /** The connection's server, connected; its trouble is every lock's, reported once for the connection. */
  private async reach(): Promise<{ client: ZwaveServerClient; connectionId: string }> {
    // Read (and decrypted) once per adapter: the tick builds one per run.
    this.resolved ??= Promise.resolve(
      typeof this.connection === 'function' ? this.connection() : this.connection,
    );
    this.resolved.catch(() => {
      this.resolved = undefined;
    });
    const connection = await this.resolved;
    const client = this.clientFor(connection.url);
    try {
      await client.ready();
    } catch (error) {
      if (!(error instanceof ZwaveUnavailable)) throw error;
      throw new LockFailure('transient', error.message, 'provider_service_unavailable');
    }
    return { client, connectionId: connection.connectionId };
  }

  private findNode(client: ZwaveServerClient, externalId: string): ZwaveNode | null {
    const id = parseExternalId(externalId);
    if (!id || id.homeId !== client.homeId) return null;
    const node = client.nodes.get(id.nodeId);
    return node && isLockNode(node) ? node : null;
  }

  /**
   * The lock, answering. A lock Z-Wave JS marked dead is pinged once (one
   * command): locks come back without saying so.
   */
  private async reachable(client: ZwaveServerClient, externalId: string): Promise<ZwaveNode> {
    const node = this.findNode(client, externalId);
    if (!node) throw new LockFailure('not_found', 'The Z-Wave network has no such lock any more.');
    if (node.status === NodeStatus.dead) {
      const answer = await client
        .call<{ responded?: boolean }>('node.ping', { nodeId: node.nodeId })
        .catch(() => ({ responded: false }));
      if (!answer.responded) {
        throw new LockFailure('offline', `${label(node)} is not answering on the Z-Wave network.`);
      }
      node.status = NodeStatus.alive;
    }
    return node;
  }

  /**
   * Make sure Keyhold knows what every slot holds before it picks one or
   * reports the lock's codes: the lock's checksum against the one kept
   * (one command), and every slot read only when they differ.
   */
  private async check(
    client: ZwaveServerClient,
    connectionId: string,
    externalId: string,
    node: ZwaveNode,
    { force = false } = {},
  ): Promise<void> {
    const key = `${connectionId}:${externalId}`;
    const checked = this.checkedAt.get(key);
    if (!force && checked !== undefined && Date.now() - checked < FRESH_MS) return;
    const [kept] = await this.db
      .select()
      .from(zwaveLocks)
      .where(and(eq(zwaveLocks.connectionId, connectionId), eq(zwaveLocks.externalId, externalId)));
    const allKnown = slotsOf(node).every((s) => s.status !== undefined);
    // The lock said a code was added or deleted at its keypad since the last full read.
    const changedAtLock = client
      .notificationsOf(node.nodeId, 0)
      .some(
        (n) =>
          n.type === 6 &&
          USER_CODE_CHANGED_EVENTS.includes(n.event) &&
          (!kept?.fullReadAt || n.receivedAt > kept.fullReadAt),
      );
    const checksum = await this.readChecksum(client, node);
    if (checksum !== null) {
      if (allKnown && kept?.checksum === checksum) {
        this.checkedAt.set(key, Date.now());
        return;
      }
    } else if (
      allKnown &&
      !changedAtLock &&
      kept?.fullReadAt &&
      Date.now() - kept.fullReadAt.getTime() < FULL_READ_MS
    ) {
      this.checkedAt.set(key, Date.now());
      return;
    }
    for (let slot = 1; slot <= slotCount(node); slot++) await this.readSlot(client, node, slot);
    await this.keep(connectionId, externalId, { checksum, fullReadAt: new Date() });
    this.checkedAt.set(key, Date.now());
  }

  /** After Keyhold's own write: the checksum the lock now has, worked out without asking when it can be. */
  private async rebaseline(
    client: ZwaveServerClient,
    connectionId: string,
    externalId: string,
    node: ZwaveNode,
  ): Promise<void> {
    if (node.noChecksum) return;
    const held = await this.held(connectionId, externalId);
    const checksum = expectedChecksum(node, held) ?? (await this.readChecksum(client, node));
    await this.keep(connectionId, externalId, { checksum });
    // Keyhold's own write is known: the next write of this pass need not check again.
    this.checkedAt.set(`${connectionId}:${externalId}`, Date.now());
  }

  /**
   * The lock's User Code checksum (one command); null for a lock without
   * one (User Code CC v1), which Z-Wave JS refuses without sending anything.
   */
  private async readChecksum(client: ZwaveServerClient, node: ZwaveNode): Promise<number | null> {
    if (node.noChecksum) return null;
    try {
      const checksum = await client.call<{ response?: unknown }>('endpoint.invoke_cc_api', {
        nodeId: node.nodeId,
        endpoint: 0,
        commandClass: USER_CODE,
        methodName: 'getUserCodeChecksum',
        args: [],
      });
      return typeof checksum?.response === 'number' ? checksum.response : null;
    } catch (error) {
      if (error instanceof ZwaveCommandError && error.zwaveErrorCode === CC_NOT_SUPPORTED) {
        node.noChecksum = true;
        return null;
      }
      return this.failure(error, node);
    }
  }

  private async keep(
    connectionId: string,
    externalId: string,
    values: { checksum: number | null; fullReadAt?: Date },
  ): Promise<void> {
    await this.db
      .insert(zwaveLocks)
      .values({ connectionId, externalId, ...values })
      .onConflictDoUpdate({
        target: [zwaveLocks.connectionId, zwaveLocks.externalId],
        set: values,
      });
  }

  /**
   * The lowest slot no Keyhold code holds and the lock reports empty; null
   * when there is none, `unknown` for a sleeping lock whose slots were never
   * read. A lock without a checksum may have had a code typed in since its
   * daily read: the chosen slot is read first, so nobody's code is written over.
   */
  private async freeSlot(
    client: ZwaveServerClient,
    node: ZwaveNode,
    held: ZwaveCodeSlot[],
  ): Promise<number | null | 'unknown'> {
    const taken = new Set(held.map((r) => r.slot));
    for (const { slot, status } of slotsOf(node)) {
      if (taken.has(slot) || isOccupied(status)) continue;
      if (status === undefined && node.status === NodeStatus.asleep) return 'unknown';
      if ((node.noChecksum || status === undefined) && node.status !== NodeStatus.asleep) {
        const report = await this.readSlot(client, node, slot);
        if (isOccupied(report.userIdStatus)) continue;
      }
      return slot;
    }
    return null;
  }

  /** One slot read from the lock, kept in the client's view of the node. */
  private async readSlot(
    client: ZwaveServerClient,
    node: ZwaveNode,
    slot: number,
    timeoutMs?: number | null,
  ): Promise<{ userIdStatus: number | undefined; userCode: string | undefined }> {
    const report = ((await this.invoke(client, node, 'get', [slot], timeoutMs)) ?? {}) as {
      userIdStatus?: number;
      userCode?: string;
    };
    for (const [property, value] of [
      ['userIdStatus', report.userIdStatus],
      ['userCode', report.userCode],
    ] as const) {
      const key = valueKey(USER_CODE, property, slot);
      node.values.set(key, {
        ...(node.values.get(key) ?? { commandClass: USER_CODE, property, propertyKey: slot }),
        value,
      });
    }
    return { userIdStatus: report.userIdStatus, userCode: report.userCode };
  }

  /** One User Code CC call; the lock not answering is `offline`, anything else the driver refuses is `transient`. */
  private async invoke(
    client: ZwaveServerClient,
    node: ZwaveNode,
    methodName: string,
    args: unknown[],
    timeoutMs?: number | null,
  ): Promise<unknown> {
    try {
      const result = await client.call<{ response?: unknown }>(
        'endpoint.invoke_cc_api',
        { nodeId: node.nodeId, endpoint: 0, commandClass: USER_CODE, methodName, args },
        { timeoutMs },
      );
      return result?.response;
    } catch (error) {
      return this.failure(error, node);
    }
  }

  /** A failed call as the lock failure the reconciler knows. */
  private failure(error: unknown, node: ZwaveNode): never {
    if (error instanceof ZwaveUnavailable) {
      throw new LockFailure('transient', error.message, 'provider_service_unavailable');
    }
    if (!(error instanceof ZwaveCommandError)) throw error;
    // 201 (no answer), 204/205 (not acknowledged): the lock is out of reach.
    if (error.zwaveErrorCode !== null && [201, 202, 204, 205].includes(error.zwaveErrorCode)) {
      // Z-Wave JS marks it dead too; its event may come after the answer.
      node.status = NodeStatus.dead;
      throw new LockFailure('offline', `${label(node)} did not answer: ${error.message}`);
    }
    throw new LockFailure('transient', `Z-Wave JS refused the command: ${error.message}`);
  }

  private held(connectionId: string, externalId: string): Promise<ZwaveCodeSlot[]> {
    return this.db
      .select()
      .from(zwaveCodeSlots)
      .where(
        and(
          eq(zwaveCodeSlots.connectionId, connectionId),
          eq(zwaveCodeSlots.externalId, externalId),
          isNull(zwaveCodeSlots.releasedAt),
        ),
      );
  }

  /**
   * The codes on the lock as Keyhold last read them: Keyhold's own with the
   * digits it wrote (a masked read-back of a confirmed write is the code),
   * anyone else's as the lock reports them.
   */
  private view(node: ZwaveNode, held: ZwaveCodeSlot[]): CodeOnLock[] {
    const bySlot = new Map(held.map((r) => [r.slot, r]));
    const codes: CodeOnLock[] = [];
    for (const { slot, status, code } of slotsOf(node)) {
      const mine = bySlot.get(slot);
      if (mine?.state === 'queued') {
        codes.push(toCode(mine, 'pending'));
        continue;
      }
      if (!isOccupied(status)) continue;
      if (mine && (code === mine.code || isMasked(code) || code === undefined)) {
        codes.push(toCode(mine, 'set'));
        continue;
      }
      codes.push({
        ref: slotRef(slot),
        code: code ?? '',
        name: null,
        startsAt: null,
        endsAt: null,
        // Changed at the lock: still Keyhold's slot, so the code is rewritten in place.
        keyholdCodeId: mine?.keyholdCodeId ?? null,
        state: 'set',
        errors: [],
        warnings: [],
      });
    }
    return codes;
  }
}

/** The lock's report shows the code in the slot (a masked read-back after a confirmed write counts). */
function confirms(
  report: { userIdStatus: number | undefined; userCode: string | undefined },
  code: string,
): boolean {
  return isOccupied(report.userIdStatus) && (report.userCode === code || isMasked(report.userCode));
}

/** Whose the slot was at that moment: the record whose time in the slot covers it. */
function holderAt(history: ZwaveCodeSlot[], slot: number, at: Date): string | null {
  const holder = history.findLast(
    (r) =>
      r.slot === slot &&
      r.assignedAt.getTime() <= at.getTime() &&
      (r.releasedAt === null || r.releasedAt.getTime() > at.getTime()),
  );
  return holder?.keyholdCodeId ?? null;
}

function slotRef(slot: number): string {
  return `slot:${slot}`;
}

function toCode(
  row: Pick<ZwaveCodeSlot, 'slot' | 'code' | 'keyholdCodeId'>,
  state: CodeOnLock['state'],
): CodeOnLock {
  return {
    ref: slotRef(row.slot),
    code: row.code,
    name: null,
    startsAt: null,
    endsAt: null,
    keyholdCodeId: row.keyholdCodeId,
    state,
    errors: [],
    warnings: [],
  };
}

function label(node: ZwaveNode): string {
  return node.name || `Z-Wave lock ${node.nodeId}`;
}
