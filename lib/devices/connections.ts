import { randomUUID } from 'node:crypto';
import { and, asc, count, eq, inArray, like, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Executor } from '@/db/client';
import { type AdapterConnection, adapterConnections, devices, type Issue } from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseId } from '@/lib/ids';
import { issueMessage } from '@/lib/issues';
import {
  type AdapterDevice,
  type AdapterResolver,
  type AdapterTarget,
  LockFailure,
} from '@/lib/locks/adapter';
import { adapterResolver } from '@/lib/locks/registry';
import { SeamAdapter } from '@/lib/locks/seam/adapter';
import type { SeamClientOptions } from '@/lib/locks/seam/client';
import {
  type SeamCredentials,
  type SeamSettings,
  seamClientOptions,
  seamSettingsFromEnv,
} from '@/lib/locks/seam/options';
import type { ZwaveConnection } from '@/lib/locks/zwave/adapter';
import { listZwaveLocks } from '@/lib/locks/zwave/check';
import { ZwaveUnavailable } from '@/lib/locks/zwave/client';
import { zwaveNetworkPrefix } from '@/lib/locks/zwave/mapping';
import { findProperty } from '@/lib/properties';
import { open, seal } from '@/lib/secret-box';
import { parseInput } from '@/lib/validation';
import {
  API_KEY_REJECTED,
  CREDENTIALS_UNREADABLE,
  recordConnectionHealth,
} from './connection-health';
import { newDevice, requestDiscovery } from './discovery';

/**
 * An organization's accounts at lock services (DESIGN.md "Lock adapters"): a
 * Seam workspace, reached with its API key, or a Z-Wave JS Server, reached at
 * its WebSocket address. Either is checked with one call before anything is
 * kept, stored encrypted, never shown again and never logged; the
 * connection's health is what its last call found.
 */

const context = (organizationId: string, connectionId: string) =>
  `adapter_connection:${organizationId}:${connectionId}`;

const apiKey = z
  .string({ error: 'Enter the workspace’s API key.' })
  .trim()
  .min(1, 'Enter the workspace’s API key.')
  .max(200, 'That is longer than any Seam API key.')
  .regex(/^seam_[A-Za-z0-9_-]+$/, 'A Seam API key begins with seam_ (copy it from Seam Console).')
  .refine((v) => !/^seam_(cst|at|pk)/.test(v), {
    message: 'That is a client session, personal or publishable token, not a workspace API key.',
  });

export const connectSeamSchema = z.object({
  name: z
    .string({ error: 'Give the connection a name.' })
    .trim()
    .min(1, 'Give the connection a name.')
    .max(80, 'Keep the name under 80 characters.'),
  apiKey,
  propertyId: z.uuid({ error: 'Choose the property its locks belong to.' }),
  /** Keep a backup pool on each imported lock, as the guide recommends. */
  backupPool: z.boolean({ error: 'backupPool must be true or false.' }).default(true),
});

export const replaceConnectionKeySchema = z.object({
  connectionId: z.string({ error: 'Connection not found.' }),
  apiKey,
});

const ZWAVE_URL_HINT = 'Enter the Z-Wave JS Server address, e.g. ws://zwave-js:3000.';

/** A Z-Wave JS Server's WebSocket address (Z-Wave JS UI's "WS Server", port 3000 by default). */
const zwaveUrl = z
  .string({ error: ZWAVE_URL_HINT })
  .trim()
  .min(1, ZWAVE_URL_HINT)
  .max(500, 'That is longer than any Z-Wave JS Server address.')
  .refine((v) => /^wss?:\/\//i.test(v), {
    message: 'The Z-Wave JS Server address begins with ws:// or wss://, e.g. ws://zwave-js:3000.',
  })
  .refine((v) => URL.canParse(v) && new URL(v).hostname !== '', { message: ZWAVE_URL_HINT });

export const connectZwaveSchema = z.object({
  name: connectSeamSchema.shape.name,
  url: zwaveUrl,
  propertyId: connectSeamSchema.shape.propertyId,
  backupPool: connectSeamSchema.shape.backupPool,
});

export const replaceConnectionUrlSchema = z.object({
  connectionId: z.string({ error: 'Connection not found.' }),
  url: zwaveUrl,
});

/** What reaches a Z-Wave JS Server, kept sealed like a Seam key (an address may carry a token). */
type ZwaveCredentials = { url: string };

/** The part of an address safe to show and keep in the audit log: an address may carry a token. */
function serverOf(url: string): { origin: string; host: string } {
  const parsed = new URL(url);
  return { origin: `${parsed.protocol}//${parsed.host}`, host: parsed.host };
}

/** Ask the server for its network and locks: the one call that checks the address. */
async function checkZwaveServer(url: string): ReturnType<typeof listZwaveLocks> {
  try {
    return await listZwaveLocks(url);
  } catch (error) {
    if (!(error instanceof ZwaveUnavailable)) throw error;
    throw new AppError(
      'invalid_input',
      `No Z-Wave JS Server answered at ${serverOf(url).origin}. Check the address and that the server is running; nothing was saved.`,
      { field: 'url', internal: error.message.replaceAll(url, serverOf(url).origin) },
    );
  }
}

/** Ask Seam for the workspace's locks with this key: the one call that checks it. */
async function checkKey(key: string, settings: SeamSettings): Promise<AdapterDevice[]> {
  try {
    return await new SeamAdapter(seamClientOptions({ apiKey: key }, settings)).listDevices();
  } catch (error) {
    if (!(error instanceof LockFailure)) throw error;
    if (error.accountIssue === API_KEY_REJECTED) {
      throw new AppError('invalid_input', 'Seam did not accept this API key.', { field: 'apiKey' });
    }
    throw new AppError(
      'conflict',
      `Seam could not be reached: ${error.message} Nothing was saved.`,
      {
        field: 'apiKey',
      },
    );
  }
}

/**
 * Connect a Seam workspace: check the key, keep it sealed, and bring the
 * workspace's locks into the chosen property under their Seam names. Locks
 * that appear later arrive as "new lock found", like a factory-reset lock.
 */
export async function connectSeam(
  db: Db,
  actor: Actor,
  input: z.input<typeof connectSeamSchema>,
  now: Date,
  settings: SeamSettings = seamSettingsFromEnv(),
): Promise<{ connectionId: string; imported: number }> {
  assertCan(actor, 'settings.manage');
  const data = parseInput(connectSeamSchema, input);
  await findProperty(db, actor, data.propertyId);

  const listed = await checkKey(data.apiKey, settings);
  return createConnection(db, actor, now, settings, {
    adapter: 'seam',
    name: data.name,
    credentials: { apiKey: data.apiKey },
    propertyId: data.propertyId,
    backupPool: data.backupPool,
    listed,
    sameAccount:
      listed.length > 0
        ? inArray(
            devices.externalId,
            listed.map((d) => d.externalId),
          )
        : null,
    alreadyConnected: (name) =>
      new AppError('conflict', `This Seam workspace is already connected as “${name}”.`, {
        field: 'apiKey',
      }),
    detail: {},
  });
}

/**
 * Connect a Z-Wave JS Server (Z-Wave JS UI, Home Assistant's add-on, or
 * zwave-js-server beside the USB stick): check the address with one call,
 * keep it sealed, and bring the network's locks into the chosen property.
 * A network is known by its home id, so the same server under another
 * address is refused. Nodes included later arrive as "new lock found".
 */
export async function connectZwave(
  db: Db,
  actor: Actor,
  input: z.input<typeof connectZwaveSchema>,
  now: Date,
  settings: SeamSettings = seamSettingsFromEnv(),
): Promise<{ connectionId: string; imported: number }> {
  assertCan(actor, 'settings.manage');
  const data = parseInput(connectZwaveSchema, input);
  await findProperty(db, actor, data.propertyId);

  const { homeId, locks } = await checkZwaveServer(data.url);
  return createConnection(db, actor, now, settings, {
    adapter: 'zwave',
    name: data.name,
    credentials: { url: data.url },
    propertyId: data.propertyId,
    backupPool: data.backupPool,
    listed: locks,
    sameAccount: like(devices.externalId, `${zwaveNetworkPrefix(homeId)}%`),
    alreadyConnected: (name) =>
      new AppError('conflict', `This Z-Wave network is already connected as “${name}”.`, {
        field: 'url',
      }),
    detail: { host: serverOf(data.url).host },
  });
}

/**
 * Keep a checked connection and bring its account's locks into a property,
 * in one transaction: refused when the organization already reaches any of
 * them through another connection.
 */
async function createConnection(
  db: Db,
  actor: Actor,
  now: Date,
  settings: SeamSettings,
  account: {
    adapter: 'seam' | 'zwave';
    name: string;
    credentials: SeamCredentials | ZwaveCredentials;
    propertyId: string;
    backupPool: boolean;
    listed: AdapterDevice[];
    /** Which of the organization's devices of this adapter would mean it is connected already. */
    sameAccount: SQL | null;
    alreadyConnected: (name: string) => AppError;
    /** Added to the audit entry: nothing secret. */
    detail: Record<string, unknown>;
  },
): Promise<{ connectionId: string; imported: number }> {
  const { listed } = account;
  const connectionId = randomUUID();
  return db.transaction(async (tx) => {
    if (account.sameAccount) {
      const [taken] = await tx
        .select({ name: adapterConnections.name })
        .from(devices)
        .innerJoin(adapterConnections, eq(adapterConnections.id, devices.connectionId))
        .where(
          and(
            eq(devices.organizationId, actor.organizationId),
            eq(devices.adapter, account.adapter),
            account.sameAccount,
          ),
        )
        .limit(1);
      if (taken) throw account.alreadyConnected(taken.name);
    }
    await tx.insert(adapterConnections).values({
      id: connectionId,
      organizationId: actor.organizationId,
      adapter: account.adapter,
      name: account.name,
      credentialsEncrypted: sealCredentials(
        account.credentials,
        settings,
        actor.organizationId,
        connectionId,
      ),
      status: 'ok',
      lastCheckedAt: now,
      lastDiscoveredAt: now,
    });
    if (listed.length > 0) {
      await tx.insert(devices).values(
        listed.map((d) => ({
          ...newDevice(
            { organizationId: actor.organizationId, adapter: account.adapter, connectionId },
            d,
            now,
          ),
          propertyId: account.propertyId,
          backupPoolEnabled: account.backupPool,
          // Read at the next tick, whatever the clock.
          nextSyncAt: new Date(0),
        })),
      );
    }
    await recordAudit(tx, actor, {
      action: 'connection.created',
      targetType: 'adapter_connection',
      targetId: connectionId,
      detail: {
        adapter: account.adapter,
        name: account.name,
        locks: listed.length,
        ...account.detail,
      },
    });
    return { connectionId, imported: listed.length };
  });
}

/** Give a connection a new key (rotated, or unreadable after a settings change); checked first. */
export async function replaceConnectionKey(
  db: Db,
  actor: Actor,
  input: z.input<typeof replaceConnectionKeySchema>,
  now: Date,
  settings: SeamSettings = seamSettingsFromEnv(),
): Promise<void> {
  assertCan(actor, 'settings.manage');
  const data = parseInput(replaceConnectionKeySchema, input);
  const connection = await findConnection(db, actor, data.connectionId);
  if (connection.adapter !== 'seam') {
    throw new AppError('invalid_input', 'Only a Seam connection has an API key.', {
      field: 'connectionId',
    });
  }
  const listed = new Set((await checkKey(data.apiKey, settings)).map((d) => d.externalId));
  await reconnect(db, actor, connection, now, settings, {
    credentials: { apiKey: data.apiKey },
    reaches: (externalId) => listed.has(externalId),
    elsewhere: `This key opens a different Seam workspace: none of “${connection.name}”’s locks are in it.`,
    field: 'apiKey',
    audit: { action: 'connection.key_replaced', detail: { name: connection.name } },
  });
}

/**
 * Give a Z-Wave JS connection its server's new address (the server moved, or
 * got a token); checked first, and refused when it reaches another network.
 */
export async function replaceConnectionUrl(
  db: Db,
  actor: Actor,
  input: z.input<typeof replaceConnectionUrlSchema>,
  now: Date,
  settings: SeamSettings = seamSettingsFromEnv(),
): Promise<void> {
  assertCan(actor, 'settings.manage');
  const data = parseInput(replaceConnectionUrlSchema, input);
  const connection = await findConnection(db, actor, data.connectionId);
  if (connection.adapter !== 'zwave') {
    throw new AppError('invalid_input', 'Only a Z-Wave JS connection has a server address.', {
      field: 'connectionId',
    });
  }
  const prefix = zwaveNetworkPrefix((await checkZwaveServer(data.url)).homeId);
  await reconnect(db, actor, connection, now, settings, {
    credentials: { url: data.url },
    reaches: (externalId) => externalId.startsWith(prefix),
    elsewhere: `This address reaches a different Z-Wave network: none of “${connection.name}”’s locks are on it.`,
    field: 'url',
    audit: {
      action: 'connection.url_replaced',
      detail: { name: connection.name, host: serverOf(data.url).host },
    },
  });
}

/**
 * Keep a connection's checked new credentials, unless they reach another
 * account (none of the connection's locks there: every one would be
 * unreachable), and look for its locks at the next tick, not in five minutes.
 */
async function reconnect(
  db: Db,
  actor: Actor,
  connection: AdapterConnection,
  now: Date,
  settings: SeamSettings,
  change: {
    credentials: SeamCredentials | ZwaveCredentials;
    reaches: (externalId: string) => boolean;
    elsewhere: string;
    field: string;
    audit: { action: string; detail: Record<string, unknown> };
  },
): Promise<void> {
  const known = await db
    .select({ externalId: devices.externalId })
    .from(devices)
    .where(and(eq(devices.connectionId, connection.id), eq(devices.status, 'active')));
  if (known.length > 0 && !known.some((d) => change.reaches(d.externalId))) {
    throw new AppError('invalid_input', change.elsewhere, { field: change.field });
  }
  await db.transaction(async (tx) => {
    await tx
      .update(adapterConnections)
      .set({
        credentialsEncrypted: sealCredentials(
          change.credentials,
          settings,
          actor.organizationId,
          connection.id,
        ),
        status: 'ok',
        errors: [],
        lastCheckedAt: now,
      })
      .where(eq(adapterConnections.id, connection.id));
    await recordAudit(tx, actor, {
      action: change.audit.action,
      targetType: 'adapter_connection',
      targetId: connection.id,
      detail: change.audit.detail,
    });
  });
  await requestDiscovery(db, {
    organizationId: actor.organizationId,
    adapter: connection.adapter,
    connectionId: connection.id,
  });
}

/** Ask the next tick to check the connection and look for its locks now. */
export async function checkConnectionSoon(db: Db, actor: Actor, connectionId: unknown) {
  assertCan(actor, 'settings.manage');
  const connection = await findConnection(db, actor, connectionId);
  await requestDiscovery(db, {
    organizationId: actor.organizationId,
    adapter: connection.adapter,
    connectionId: connection.id,
  });
}

async function findConnection(db: Executor, actor: Actor, connectionId: unknown) {
  const id = parseId('Connection', connectionId, { field: 'connectionId' });
  const [connection] = await db
    .select()
    .from(adapterConnections)
    .where(
      and(
        eq(adapterConnections.id, id),
        eq(adapterConnections.organizationId, actor.organizationId),
      ),
    );
  if (!connection) throw AppError.notFound('Connection', { field: 'connectionId' });
  return connection;
}

export type ConnectionSummary = {
  id: string;
  name: string;
  adapter: string;
  status: 'ok' | 'error' | 'unchecked';
  errors: Issue[];
  lastCheckedAt: Date | null;
  lastDiscoveredAt: Date | null;
  locks: number;
};

/** The organization's connections with their health and how many locks each reaches. */
export async function listConnections(db: Executor, actor: Actor): Promise<ConnectionSummary[]> {
  assertCan(actor, 'locks.read', 'Page');
  const rows = await db
    .select({
      id: adapterConnections.id,
      name: adapterConnections.name,
      adapter: adapterConnections.adapter,
      status: adapterConnections.status,
      errors: adapterConnections.errors,
      lastCheckedAt: adapterConnections.lastCheckedAt,
      lastDiscoveredAt: adapterConnections.lastDiscoveredAt,
      locks: count(devices.id),
    })
    .from(adapterConnections)
    .leftJoin(
      devices,
      and(eq(devices.connectionId, adapterConnections.id), eq(devices.status, 'active')),
    )
    .where(eq(adapterConnections.organizationId, actor.organizationId))
    .groupBy(adapterConnections.id)
    .orderBy(asc(adapterConnections.name));
  return rows;
}

function sealCredentials(
  credentials: SeamCredentials | ZwaveCredentials,
  settings: SeamSettings,
  organizationId: string,
  connectionId: string,
): string {
  return seal(
    JSON.stringify(credentials),
    settings.credentialsKey,
    context(organizationId, connectionId),
  );
}

/**
 * The adapters of a tick, each Seam adapter reaching its workspace with the
 * connection's stored key and each Z-Wave JS adapter its server. Simulated
 * locks live on `hardware` when given (the app's pool that does not wait for
 * the disk); Keyhold's own records, the Z-Wave slots among them, on `db`.
 * Seam's endpoint and the credentials key come from settings unless given.
 */
export function defaultAdapters(
  db: Executor,
  options: { hardware?: Executor; seam?: SeamSettings } = {},
): AdapterResolver {
  const settings = () => options.seam ?? seamSettingsFromEnv();
  return adapterResolver({
    simulated: options.hardware ?? db,
    db,
    seam: (target) => seamOptionsFor(db, target, settings()),
    zwave: (target) => zwaveConnectionFor(db, target, settings()),
  });
}

/**
 * The options to reach a connection's Seam workspace, for the tick's adapter.
 * Fails as the lock would (a transient failure naming the problem) when the
 * key cannot be read, and marks the connection.
 */
async function seamOptionsFor(
  db: Executor,
  target: AdapterTarget,
  settings: SeamSettings,
): Promise<SeamClientOptions> {
  const credentials = await openCredentials<SeamCredentials>(db, target, settings, 'Seam');
  if (!credentials?.apiKey) throw await unreadable(db, target);
  return seamClientOptions(credentials, settings);
}

/** Where a connection's Z-Wave JS Server is, for the tick's adapter; fails as seamOptionsFor does. */
async function zwaveConnectionFor(
  db: Executor,
  target: AdapterTarget,
  settings: SeamSettings,
): Promise<ZwaveConnection> {
  const credentials = await openCredentials<ZwaveCredentials>(db, target, settings, 'Z-Wave JS');
  if (!credentials?.url || !target.connectionId) throw await unreadable(db, target);
  return { connectionId: target.connectionId, url: credentials.url };
}

/** A connection's sealed credentials, opened; null when they cannot be read. */
async function openCredentials<T>(
  db: Executor,
  target: AdapterTarget,
  settings: SeamSettings,
  service: string,
): Promise<T | null> {
  const [connection] = target.connectionId
    ? await db
        .select()
        .from(adapterConnections)
        .where(
          and(
            eq(adapterConnections.id, target.connectionId),
            eq(adapterConnections.organizationId, target.organizationId),
          ),
        )
    : [];
  if (!connection?.credentialsEncrypted) {
    throw new LockFailure(
      'transient',
      `The lock’s ${service} connection is gone. Connect it again.`,
      CREDENTIALS_UNREADABLE,
    );
  }
  const plain = open(
    connection.credentialsEncrypted,
    settings.credentialsKey,
    context(target.organizationId, connection.id),
  );
  return plain ? (JSON.parse(plain) as T) : null;
}

async function unreadable(db: Executor, target: AdapterTarget): Promise<LockFailure> {
  if (target.connectionId) {
    await recordConnectionHealth(db, target.connectionId, new Date(), CREDENTIALS_UNREADABLE);
  }
  return new LockFailure('transient', issueMessage(CREDENTIALS_UNREADABLE), CREDENTIALS_UNREADABLE);
}
