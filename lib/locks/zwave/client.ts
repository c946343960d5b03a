import { randomUUID } from 'node:crypto';
import WebSocket from 'ws';

/**
 * A client of Z-Wave JS Server (`@zwave-js/server`): the WebSocket API Home
 * Assistant and Z-Wave JS UI speak. One per server address per process,
 * kept open: the server pushes the network's state (nodes, their values and
 * status) and what the locks report (keypad entries), and the adapter reads
 * them from here instead of asking the locks again. When the server goes
 * away the client reconnects with back-off; calls meanwhile fail at once
 * with `ZwaveUnavailable`, which the adapter reports as the connection's
 * trouble, not each lock's.
 */

/** The server's API schema this client speaks (server 1.40+; 3.x offers up to 50). */
const SCHEMA_VERSION = 44;

/** Z-Wave JS's node status. */
export const NodeStatus = { unknown: 0, asleep: 1, awake: 2, dead: 3, alive: 4 } as const;

export type ZwaveValue = {
  commandClass: number;
  endpoint?: number;
  property: string | number;
  propertyKey?: string | number;
  value?: unknown;
  metadata?: { minLength?: number; maxLength?: number };
};

export type ZwaveNode = {
  nodeId: number;
  status: number;
  ready: boolean;
  name?: string;
  location?: string;
  deviceConfig?: { manufacturer?: string; label?: string; description?: string };
  endpoints?: { index: number; commandClasses?: { id: number; version: number }[] }[];
  /** By `valueKey`. */
  values: Map<string, ZwaveValue>;
  /** Learned on first ask: the lock has no User Code checksum (User Code CC v1). */
  noChecksum?: boolean;
};

/** A notification a node sent (Notification CC), as the server passed it on. */
export type ZwaveNotification = {
  seq: number;
  nodeId: number;
  receivedAt: Date;
  type: number;
  event: number;
  userId: number | null;
};

export class ZwaveUnavailable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZwaveUnavailable';
  }
}

/** The server (or the driver behind it) refused or failed a command. */
export class ZwaveCommandError extends Error {
  constructor(
    message: string,
    readonly errorCode: string,
    readonly zwaveErrorCode: number | null,
  ) {
    super(message);
    this.name = 'ZwaveCommandError';
  }
}

export function valueKey(
  commandClass: number,
  property: string | number,
  propertyKey?: string | number,
  endpoint = 0,
): string {
  return `${commandClass}:${endpoint}:${property}:${propertyKey ?? ''}`;
}

type Pending = {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout | null;
};

/** Notifications kept per client for the events read; older ones fall off. */
const NOTIFICATIONS_KEPT = 5_000;
const CONNECT_TIMEOUT_MS = 5_000;
/** A connection that answers no ping for this long is dropped and reopened (a server host that lost power). */
const HEARTBEAT_MS = 20_000;
const BACKOFF_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export class ZwaveServerClient {
  homeId: number | null = null;
  readonly nodes = new Map<number, ZwaveNode>();
  readonly notifications: ZwaveNotification[] = [];
  private seq = 0;
  private socket: WebSocket | null = null;
  private connecting: Promise<void> | null = null;
  private readonly pending = new Map<string, Pending>();
  private failures = 0;
  private retryAt = 0;
  private lastError = '';
  private closed = false;
  private reconnectTimer: NodeJS.Timeout | null = null;

  /** The address as messages and logs show it: scheme and host, never a token or a password. */
  readonly server: string;

  constructor(
    readonly url: string,
    private readonly options: { callTimeoutMs?: number } = {},
  ) {
    this.server = serverLabel(url);
  }

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN && this.homeId !== null;
  }

  /** Connected and listening, with the network's state; fails at once while backing off. */
  async ready(): Promise<void> {
    if (this.connected) return;
    if (this.closed) throw new ZwaveUnavailable('The Z-Wave JS connection was closed.');
    if (!this.connecting && Date.now() < this.retryAt) {
      throw new ZwaveUnavailable(this.lastError);
    }
    this.connecting ??= this.connect().finally(() => {
      this.connecting = null;
    });
    await this.connecting;
  }

  /**
   * One command. `timeoutMs: null` waits as long as the driver does (a
   * command to a sleeping lock is answered when it wakes).
   */
  async call<T>(
    command: string,
    args: Record<string, unknown> = {},
    options: { timeoutMs?: number | null } = {},
  ): Promise<T> {
    await this.ready();
    const socket = this.socket;
    if (!socket) throw new ZwaveUnavailable(this.lastError);
    const messageId = randomUUID();
    const timeoutMs =
      options.timeoutMs === undefined ? (this.options.callTimeoutMs ?? 30_000) : options.timeoutMs;
    return new Promise<T>((resolve, reject) => {
      const timer =
        timeoutMs === null
          ? null
          : setTimeout(() => {
              // The driver answers every command itself, failed or not: silence is the server's.
              this.pending.delete(messageId);
              reject(
                new ZwaveUnavailable(
                  `Z-Wave JS Server at ${this.server} did not answer ${command} in time.`,
                ),
              );
              socket.terminate();
            }, timeoutMs);
      this.pending.set(messageId, { resolve: resolve as (v: unknown) => void, reject, timer });
      socket.send(JSON.stringify({ messageId, command, ...args }), (error) => {
        if (!error) return;
        this.settle(messageId, new ZwaveUnavailable(`Z-Wave JS Server: ${error.message}`));
      });
    });
  }

  /** A node's notifications after `afterSeq` (this client's numbering), oldest first. */
  notificationsOf(nodeId: number, afterSeq: number): ZwaveNotification[] {
    return this.notifications.filter((n) => n.nodeId === nodeId && n.seq > afterSeq);
  }

  close(): void {
    this.closed = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.socket?.close();
    this.failAll(new ZwaveUnavailable('The Z-Wave JS connection was closed.'));
  }

  private async connect(): Promise<void> {
    try {
      await this.open();
      this.failures = 0;
      this.retryAt = 0;
    } catch (error) {
      this.socket?.terminate();
      this.socket = null;
      this.homeId = null;
      this.lastError =
        error instanceof ZwaveUnavailable
          ? error.message
          : `Z-Wave JS Server at ${this.server} is not answering.`;
      this.retryAt = Date.now() + (BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)] ?? 0);
      this.failures++;
      throw new ZwaveUnavailable(this.lastError);
    }
  }

  private open(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const socket = new WebSocket(this.url, { handshakeTimeout: CONNECT_TIMEOUT_MS });
      this.socket = socket;
      let established = false;
      const timer = setTimeout(() => {
        reject(new ZwaveUnavailable(`Z-Wave JS Server at ${this.server} did not answer in time.`));
      }, CONNECT_TIMEOUT_MS);
      socket.on('error', (error) => {
        clearTimeout(timer);
        reject(
          new ZwaveUnavailable(
            `Z-Wave JS Server at ${this.server} is not answering (${error.message}).`,
          ),
        );
      });
      let alive = true;
      const heartbeat = setInterval(() => {
        if (!alive) {
          socket.terminate();
          return;
        }
        alive = false;
        socket.ping();
      }, HEARTBEAT_MS);
      heartbeat.unref();
      socket.on('pong', () => {
        alive = true;
      });
      socket.on('close', () => {
        clearTimeout(timer);
        clearInterval(heartbeat);
        if (!established) {
          reject(new ZwaveUnavailable(`Z-Wave JS Server at ${this.server} closed the connection.`));
          return;
        }
        if (this.socket !== socket) return;
        this.socket = null;
        this.homeId = null;
        this.lastError = `Z-Wave JS Server at ${this.server} closed the connection.`;
        this.failAll(new ZwaveUnavailable(this.lastError));
        this.scheduleReconnect();
      });
      socket.on('message', (data) => {
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(String(data));
        } catch {
          return;
        }
        if (message.type === 'version') {
          void this.handshake().then(
            () => {
              clearTimeout(timer);
              established = true;
              resolve();
            },
            (error: unknown) => {
              clearTimeout(timer);
              reject(error);
            },
          );
          return;
        }
        this.receive(message);
      });
    });
  }

  /** Agree on the schema and take the network's state. */
  private async handshake(): Promise<void> {
    const send = <T>(command: string, args: Record<string, unknown> = {}) =>
      new Promise<T>((resolve, reject) => {
        const messageId = randomUUID();
        const timer = setTimeout(() => {
          this.pending.delete(messageId);
          reject(
            new ZwaveUnavailable(`Z-Wave JS Server at ${this.server} did not answer in time.`),
          );
        }, CONNECT_TIMEOUT_MS);
        this.pending.set(messageId, { resolve: resolve as (v: unknown) => void, reject, timer });
        this.socket?.send(JSON.stringify({ messageId, command, ...args }));
      });
    await send('set_api_schema', { schemaVersion: SCHEMA_VERSION });
    const { state } = await send<{
      state: {
        controller: { homeId: number };
        nodes: (Omit<ZwaveNode, 'values'> & { values?: ZwaveValue[] })[];
      };
    }>('start_listening');
    this.nodes.clear();
    for (const node of state.nodes) this.putNode(node);
    this.homeId = state.controller.homeId;
  }

  private putNode(node: Omit<ZwaveNode, 'values'> & { values?: ZwaveValue[] }): void {
    const values = new Map<string, ZwaveValue>();
    for (const value of node.values ?? []) {
      values.set(
        valueKey(value.commandClass, value.property, value.propertyKey, value.endpoint),
        value,
      );
    }
    this.nodes.set(node.nodeId, { ...node, values });
  }

  private receive(message: Record<string, unknown>): void {
    if (message.type === 'result') {
      const id = String(message.messageId);
      if (message.success) {
        this.settle(id, null, message.result);
      } else {
        const error = new ZwaveCommandError(
          String(message.zwaveErrorMessage ?? message.message ?? message.errorCode ?? 'failed'),
          String(message.errorCode ?? 'unknown'),
          typeof message.zwaveErrorCode === 'number' ? message.zwaveErrorCode : null,
        );
        this.settle(id, error);
      }
      return;
    }
    if (message.type === 'event') this.onEvent(message.event as Record<string, unknown>);
  }

  private onEvent(event: Record<string, unknown>): void {
    const nodeId = typeof event.nodeId === 'number' ? event.nodeId : null;
    const node = nodeId === null ? undefined : this.nodes.get(nodeId);
    const args = (event.args ?? {}) as Record<string, unknown>;
    switch (event.event) {
      case 'value added':
      case 'value updated':
      case 'value notification': {
        if (!node) return;
        const key = valueKey(
          args.commandClass as number,
          args.property as string,
          args.propertyKey as string | undefined,
          args.endpoint as number | undefined,
        );
        const known = node.values.get(key);
        node.values.set(key, {
          ...(known ?? {
            commandClass: args.commandClass as number,
            endpoint: args.endpoint as number | undefined,
            property: args.property as string,
            propertyKey: args.propertyKey as string | undefined,
          }),
          value: args.newValue ?? args.value,
        });
        return;
      }
      case 'value removed': {
        node?.values.delete(
          valueKey(
            args.commandClass as number,
            args.property as string,
            args.propertyKey as string | undefined,
            args.endpoint as number | undefined,
          ),
        );
        return;
      }
      case 'dead':
        if (node) node.status = NodeStatus.dead;
        return;
      case 'alive':
        if (node) node.status = NodeStatus.alive;
        return;
      case 'sleep':
        if (node) node.status = NodeStatus.asleep;
        return;
      case 'wake up':
        if (node) node.status = NodeStatus.awake;
        return;
      case 'ready':
        if (node) node.ready = true;
        if (event.nodeState) this.putNode(event.nodeState as ZwaveNode & { values?: ZwaveValue[] });
        return;
      case 'node added': {
        const added = event.node as (ZwaveNode & { values?: ZwaveValue[] }) | undefined;
        if (added) this.putNode(added);
        return;
      }
      case 'node removed': {
        const removed = event.node as { nodeId?: number } | undefined;
        if (typeof removed?.nodeId === 'number') this.nodes.delete(removed.nodeId);
        return;
      }
      case 'notification': {
        if (nodeId === null || event.ccId !== 113) return;
        const parameters = (args.parameters ?? {}) as { userId?: unknown };
        // Strictly increasing arrival times: readers keep their place by them.
        const previous = this.notifications.at(-1)?.receivedAt.getTime() ?? 0;
        this.notifications.push({
          seq: ++this.seq,
          nodeId,
          receivedAt: new Date(Math.max(Date.now(), previous + 1)),
          type: Number(args.type),
          event: Number(args.event),
          userId: typeof parameters.userId === 'number' ? parameters.userId : null,
        });
        if (this.notifications.length > NOTIFICATIONS_KEPT) this.notifications.shift();
        return;
      }
    }
  }

  private settle(messageId: string, error: Error | null, result?: unknown): void {
    const pending = this.pending.get(messageId);
    if (!pending) return;
    this.pending.delete(messageId);
    if (pending.timer) clearTimeout(pending.timer);
    if (error) pending.reject(error);
    else pending.resolve(result);
  }

  private failAll(error: Error): void {
    for (const id of [...this.pending.keys()]) this.settle(id, error);
  }

  /** Keep listening for the locks' reports: reconnect on its own with back-off. */
  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = BACKOFF_MS[Math.min(this.failures, BACKOFF_MS.length - 1)] ?? 1_000;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.ready().catch(() => this.scheduleReconnect());
    }, delay);
    this.reconnectTimer.unref();
  }
}

/** `ws://host:port` of an address, without credentials, path or query. */
export function serverLabel(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}`;
  } catch {
    return 'the configured address';
  }
}

const holder = globalThis as { __keyholdZwaveClients?: Map<string, ZwaveServerClient> };
/** Kept on globalThis so a reloaded module (next dev) finds the open connections. */
holder.__keyholdZwaveClients ??= new Map();
const clients = holder.__keyholdZwaveClients;
const lastAsked = new Map<string, number>();

/** A client no adapter asked for in this long is closed: its connection was removed or moved. */
export const CLIENT_IDLE_MS = 10 * 60_000;

/**
 * The process's client of the server at `url`, opened on first use and kept
 * while the tick keeps asking for it; clients nobody asked for in
 * CLIENT_IDLE_MS (an address changed in Settings, a connection removed) are
 * closed, so none keeps reconnecting to an old address.
 */
export function zwaveClient(url: string, now = Date.now()): ZwaveServerClient {
  for (const [known, client] of clients) {
    if (known !== url && now - (lastAsked.get(known) ?? now) > CLIENT_IDLE_MS) {
      client.close();
      clients.delete(known);
      lastAsked.delete(known);
    }
  }
  lastAsked.set(url, now);
  let client = clients.get(url);
  if (!client) {
    client = new ZwaveServerClient(url);
    clients.set(url, client);
  }
  return client;
}

/** Close every client (tests, shutdown). */
export function closeZwaveClients(): void {
  for (const client of clients.values()) client.close();
  clients.clear();
  lastAsked.clear();
}
