import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { UserIDStatus } from '@zwave-js/cc';
import { BatteryCCGet, BatteryCCReport } from '@zwave-js/cc/BatteryCC';
import { NotificationCCGet, NotificationCCReport } from '@zwave-js/cc/NotificationCC';
import {
  UserCodeCCExtendedUserCodeSet,
  UserCodeCCGet,
  UserCodeCCReport,
  UserCodeCCSet,
} from '@zwave-js/cc/UserCodeCC';
import { WakeUpCCWakeUpNotification } from '@zwave-js/cc/WakeUpCC';
import { CommandClasses } from '@zwave-js/core';
import { Faucet, type ZWaveSerialFrame, ZWaveSerialFrameType } from '@zwave-js/serial';
import { createAndOpenMockedZWaveSerialPort } from '@zwave-js/serial/mock';
import { ZwavejsServer } from '@zwave-js/server';
import {
  createMockZWaveRequestFrame,
  MockController,
  MockNode,
  type MockNodeBehavior,
} from '@zwave-js/testing';
import { Driver, NodeStatus } from 'zwave-js';
import {
  createDefaultMockControllerBehaviors,
  createDefaultMockNodeBehaviors,
} from 'zwave-js/Testing';
import { zwaveExternalId } from './mapping';

/**
 * A Z-Wave network for tests and the e2e suite: zwave-js's own mock
 * controller and mock lock nodes on a loopback TCP port, the real Z-Wave JS
 * driver connected to it, and a real Z-Wave JS Server (`@zwave-js/server`) on
 * a loopback WebSocket port in front of the driver: what a host runs beside
 * a USB stick, with the stick and the locks swapped for zwave-js's mocks.
 * Each lock answers User Code CC as zwave-js's mock does; the behaviours
 * added here are those of real locks the mock leaves out (a battery report,
 * refusing digits another slot holds, masked read-back) and the faults the
 * tests push (dead, writes never kept, keypad entries).
 */

export type MockLockOptions = {
  nodeId: number;
  /** Slots (users) the lock has. */
  slots?: number;
  /** User Code CC version: 2 has the checksum; 1 (many Schlage locks) does not. */
  version?: 1 | 2;
  /** Read back codes as `****`, as many locks do. */
  masked?: boolean;
  /** 0..100 */
  batteryLevel?: number;
  /** A battery lock that sleeps (Wake Up CC) instead of listening: commands wait for it to wake. */
  sleeps?: boolean;
};

export type MockLock = {
  nodeId: number;
  externalId: string;
  /** What the lock holds now, by slot. */
  codes(): Map<number, string>;
  /** A code typed in at the lock's own keypad menu: only the lock knows. */
  addCodeAtKeypad(slot: number, digits: string): void;
  /** Clear a slot at the lock: only the lock knows. */
  clearAtKeypad(slot: number): void;
  /** Stop answering (out of range, batteries dead), or answer again. */
  setDead(dead: boolean): void;
  /** Acknowledge writes but keep none of them. */
  dropWrites(drop: boolean): void;
  /** Acknowledge reads of a slot but never answer them (the report is lost). */
  dropReads(drop: boolean): void;
  /** Someone opens the door with the code in `slot` (Notification CC, access control). */
  enterCode(slot: number): Promise<void>;
  /** A sleeping lock wakes (its wake-up interval, or a button press) and takes what waited for it. */
  wakeUp(): Promise<void>;
  /** Z-Wave commands the lock has received from the controller, by command name. */
  received(): string[];
  clearReceived(): void;
};

export type ZwaveNetwork = {
  /** The Z-Wave JS Server's address, e.g. ws://127.0.0.1:43123. */
  url: string;
  homeId: number;
  lock(nodeId: number): MockLock;
  /** Stop the Z-Wave JS Server, as a restart or a crash would; the driver and locks stay. */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  stop(): Promise<void>;
};

const HOME_ID = 0x7e570001;

const userCodeKey = (slot: number) => `UserCode_userCode_${slot}`;
const statusKey = (slot: number) => `UserCode_userIdStatus_${slot}`;

export async function startZwaveNetwork(options: {
  locks: MockLockOptions[];
  /**
   * Read every slot in the interview (Z-Wave JS's `queryAllUserCodes`), as
   * for locks included long ago; otherwise Z-Wave JS clears a new lock's
   * slots and Keyhold reads them on its first look.
   */
  queryAllUserCodes?: boolean;
  /** Fixed WebSocket port (the e2e suite's); a free one otherwise. */
  serverPort?: number;
}): Promise<ZwaveNetwork> {
  const { serial, port: mockPort } = await createAndOpenMockedZWaveSerialPort();
  const controller = await MockController.create({
    homeId: HOME_ID,
    ownNodeId: 1,
    mockPort,
    serial,
  });
  controller.defineBehavior(...createDefaultMockControllerBehaviors());
  // The mock gives the driver 1 s to acknowledge each frame: on a loaded
  // two-core CI machine a test process can be busy longer than that.
  const expectHostACK = controller.expectHostACK.bind(controller);
  controller.expectHostACK = (timeout, errorMessage) =>
    expectHostACK(Math.max(timeout, 10_000), errorMessage);

  const locks = new Map<number, MockLock>();
  for (const lockOptions of options.locks) {
    const { node, lock } = await mockLock(controller, lockOptions);
    controller.addNode(node);
    locks.set(lockOptions.nodeId, lock);
  }

  const stick = await serveSerialOverTcp(serial);
  const cacheDir = await mkdtemp(path.join(tmpdir(), 'keyhold-zwave-'));
  const driver = new Driver(`tcp://127.0.0.1:${stick.port}`, {
    logConfig: process.env.ZWAVE_LOG
      ? { enabled: true, level: process.env.ZWAVE_LOG, forceConsole: true }
      : { enabled: false },
    storage: { cacheDir },
    // The mock answers at once; a missing answer should not hold a test for long.
    timeouts: { report: 500 },
    interview: { queryAllUserCodes: options.queryAllUserCodes ?? false },
  });
  driver.on('error', () => {});
  const ready = new Promise<void>((resolve) => driver.once('all nodes ready', () => resolve()));
  // Sleeping locks wake until the driver has interviewed them, as a person pressing the button would.
  driver.once('driver ready', () => {
    for (const lock of options.locks) {
      if (!lock.sleeps) continue;
      const timer = setInterval(() => {
        if (driver.controller.nodes.get(lock.nodeId)?.ready) clearInterval(timer);
        else void locks.get(lock.nodeId)?.wakeUp();
      }, 500);
    }
  });
  await driver.start();
  await ready;
  // Done with the interview: the driver sends sleeping locks back to sleep.
  const sendToSleep = async (nodeId: number) => {
    const node = driver.controller.nodes.get(nodeId);
    for (let i = 0; node && node.status !== NodeStatus.Asleep && i < 20; i++) {
      await node.sendNoMoreInformation();
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  for (const lock of options.locks) if (lock.sleeps) await sendToSleep(lock.nodeId);

  const serverPort = options.serverPort ?? (await freePort());
  let server: ZwavejsServer | null = null;
  const quiet = { error() {}, warn() {}, info() {}, debug() {} };
  const startServer = async () => {
    server = new ZwavejsServer(driver, {
      port: serverPort,
      host: '127.0.0.1',
      logger: quiet,
      enableDNSServiceDiscovery: false,
    });
    await server.start(true);
  };
  const stopServer = async () => {
    await server?.destroy();
    server = null;
  };
  await startServer();

  return {
    url: `ws://127.0.0.1:${serverPort}`,
    homeId: HOME_ID,
    lock(nodeId) {
      const lock = locks.get(nodeId);
      if (!lock) throw new Error(`No mock lock ${nodeId}`);
      return lock;
    },
    stopServer,
    startServer,
    async stop() {
      await stopServer();
      await driver.destroy();
      controller.destroy();
      await stick.close();
      await serial.close();
      mockPort.destroy();
      await rm(cacheDir, { recursive: true, force: true });
    },
  };
}

async function mockLock(
  controller: MockController,
  options: MockLockOptions,
): Promise<{ node: MockNode; lock: MockLock }> {
  const slots = options.slots ?? 30;
  const node = await MockNode.create({
    id: options.nodeId,
    controller,
    capabilities: {
      // A door lock: FLiRS, reached within a second while on batteries, or one that sleeps.
      isListening: false,
      isFrequentListening: options.sleeps ? false : '1000ms',
      genericDeviceClass: 0x40,
      specificDeviceClass: 0x03,
      commandClasses: [
        {
          ccId: CommandClasses['User Code'],
          version: options.version ?? 2,
          numUsers: slots,
          supportsUserCodeChecksum: (options.version ?? 2) >= 2,
        },
        { ccId: CommandClasses['Door Lock'], version: 4 },
        {
          ccId: CommandClasses.Notification,
          version: 8,
          notificationTypesAndEvents: { 6: [0x01, 0x02, 0x05, 0x06, 0x0f] },
        },
        { ccId: CommandClasses.Battery, version: 1 },
        ...(options.sleeps ? [{ ccId: CommandClasses['Wake Up'], version: 2 }] : []),
        CommandClasses['Manufacturer Specific'],
        CommandClasses.Version,
      ],
    },
  });
  node.defineBehavior(...createDefaultMockNodeBehaviors());

  let dead = false;
  let dropWrites = false;
  let dropReads = false;
  const received: string[] = [];
  const codeIn = (slot: number) => {
    // A v1 Set carries the code as bytes; v2 as a string.
    const code = node.state.get(userCodeKey(slot)) as string | Uint8Array | undefined;
    return code === undefined || typeof code === 'string'
      ? code
      : Buffer.from(code).toString('ascii');
  };
  const occupied = (slot: number) => {
    const status = node.state.get(statusKey(slot));
    return status !== undefined && status !== UserIDStatus.Available;
  };
  const notify = (event: number, slot: number) =>
    new NotificationCCReport({
      nodeId: controller.ownNodeId,
      notificationType: 0x06,
      notificationEvent: event,
      eventParameters: Uint8Array.from([slot]),
    });

  const behaviors: MockNodeBehavior[] = [
    {
      // Behaviours defined later run first: this one sees every command.
      transformIncomingCC(_controller, _self, cc) {
        received.push(cc.constructor.name);
        return cc;
      },
    },
    {
      handleCC(_controller, _self, cc) {
        if (dead) return { action: 'stop' };
        if (cc instanceof BatteryCCGet) {
          return {
            action: 'sendCC',
            cc: new BatteryCCReport({
              nodeId: controller.ownNodeId,
              level: options.batteryLevel ?? 80,
            }),
          };
        }
        if (cc instanceof NotificationCCGet) {
          // Nothing to report: the lock is idle.
          return {
            action: 'sendCC',
            cc: new NotificationCCReport({
              nodeId: controller.ownNodeId,
              notificationType: 0x06,
              notificationEvent: 0x00,
            }),
          };
        }
        if (cc instanceof UserCodeCCSet || cc instanceof UserCodeCCExtendedUserCodeSet) {
          const writes =
            cc instanceof UserCodeCCSet
              ? [{ userId: cc.userId, userIdStatus: cc.userIdStatus, userCode: cc.userCode }]
              : cc.userCodes;
          if (dropWrites) return { action: 'ok' };
          for (const write of writes) {
            const digits =
              typeof write.userCode === 'string'
                ? write.userCode
                : write.userCode
                  ? Buffer.from(write.userCode).toString('ascii')
                  : '';
            if (write.userIdStatus === UserIDStatus.Available || !digits) continue;
            // Like Schlage and Yale locks: digits another slot holds are refused and reported.
            for (let slot = 1; slot <= slots; slot++) {
              if (slot !== write.userId && occupied(slot) && codeIn(slot) === digits) {
                return { action: 'sendCC', cc: notify(0x0f, write.userId) };
              }
            }
          }
          return undefined;
        }
        if (dropReads && cc instanceof UserCodeCCGet) return { action: 'stop' };
        if (options.masked && cc instanceof UserCodeCCGet && occupied(cc.userId)) {
          return {
            action: 'sendCC',
            cc: new UserCodeCCReport({
              nodeId: controller.ownNodeId,
              userId: cc.userId,
              userIdStatus: node.state.get(statusKey(cc.userId)) as UserIDStatus,
              userCode: '*'.repeat(codeIn(cc.userId)?.length ?? 4),
            }),
          };
        }
        return undefined;
      },
    },
  ];
  node.defineBehavior(...behaviors);

  const lock: MockLock = {
    nodeId: options.nodeId,
    externalId: zwaveExternalId(HOME_ID, options.nodeId),
    codes() {
      const held = new Map<number, string>();
      for (let slot = 1; slot <= slots; slot++) {
        const digits = codeIn(slot);
        if (occupied(slot) && digits) held.set(slot, digits);
      }
      return held;
    },
    addCodeAtKeypad(slot, digits) {
      node.state.set(statusKey(slot), UserIDStatus.Enabled);
      node.state.set(userCodeKey(slot), digits);
    },
    clearAtKeypad(slot) {
      node.state.set(statusKey(slot), UserIDStatus.Available);
      node.state.set(userCodeKey(slot), undefined);
    },
    setDead(value) {
      dead = value;
      node.autoAckControllerFrames = !value;
    },
    dropWrites(value) {
      dropWrites = value;
    },
    dropReads(value) {
      dropReads = value;
    },
    async wakeUp() {
      await node.sendToController(
        createMockZWaveRequestFrame(
          new WakeUpCCWakeUpNotification({ nodeId: controller.ownNodeId }),
        ),
      );
    },
    async enterCode(slot) {
      await node.sendToController(createMockZWaveRequestFrame(notify(0x06, slot)));
    },
    received: () => [...received],
    clearReceived() {
      received.length = 0;
    },
  };
  return { node, lock };
}

/**
 * The mock controller's serial port on a loopback TCP port, where the driver
 * connects as to a networked Z-Wave stick. Bytes are handed to the mock one
 * serial frame at a time (an ACK, or SOF + length + frame): TCP may deliver
 * an ACK and the next request together, which the mock would take for one
 * malformed frame.
 */
async function serveSerialOverTcp(
  serial: Awaited<ReturnType<typeof createAndOpenMockedZWaveSerialPort>>['serial'],
): Promise<{ port: number; close(): Promise<void> }> {
  const faucet = new Faucet(serial.readable);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.setNoDelay(true);
    const writable = new WritableStream<ZWaveSerialFrame>({
      write(chunk) {
        if (chunk.type !== ZWaveSerialFrameType.SerialAPI) return;
        socket.write(typeof chunk.data === 'number' ? Uint8Array.from([chunk.data]) : chunk.data);
      },
    });
    faucet.connect(writable);
    socket.on('close', () => {
      sockets.delete(socket);
      faucet.disconnect();
      void writable.close().catch(() => {});
    });
    let pending = Buffer.alloc(0);
    let writing = Promise.resolve();
    socket.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      const frames: Uint8Array<ArrayBuffer>[] = [];
      while (pending.length > 0) {
        const length = pending[0] === 0x01 ? (pending[1] ?? Number.POSITIVE_INFINITY) + 2 : 1;
        if (pending.length < length) break;
        const frame = new Uint8Array(length);
        frame.set(pending.subarray(0, length));
        frames.push(frame);
        pending = pending.subarray(length);
      }
      writing = writing.then(async () => {
        for (const frame of frames) await serial.writeAsync(frame).catch(() => {});
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('No port for the mock stick');
  return {
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}
