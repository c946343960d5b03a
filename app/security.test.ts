import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { eq, getTableName, isTable, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as schema from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import { createApiKey } from '@/lib/api-keys';
import type { Actor } from '@/lib/auth/actor';
import { can, type Permission } from '@/lib/auth/permissions';
import { createPermanentBackupCode } from '@/lib/backup-pools/permanent';
import { clock } from '@/lib/clock';
import { createLockGroup } from '@/lib/devices/lock-groups';
import { replaceDevice } from '@/lib/devices/replace';
import { GENERIC_ERROR_MESSAGE } from '@/lib/errors';
import { isId } from '@/lib/ids';
import { logger } from '@/lib/log';
import { inviteMember } from '@/lib/organizations/invitations';
import { createReservation } from '@/lib/reservations/operations';
import { createCalendarSource } from '@/lib/sources/sources';
import { createStaffMember } from '@/lib/staff/members';
import { createWebhookEndpoint } from '@/lib/webhooks/endpoints';

// Every server action and route handler, found in the source, called as a
// member of another organization with this organization's ids and as every
// role without its permission: each must refuse and write nothing. A new
// export without a row in the tables below fails here, so an entry point
// nobody thought about cannot ship.
//
// Only the request's edges come from the test: the process's database is
// this file's, the signed-in member is chosen here (Auth.js sessions need a
// running Next), and next/headers and next/cache have no request to read
// outside Next. Everything from the action's first line down is real.
const the = vi.hoisted(() => ({
  database: undefined as import('@/db/testing').TestDatabase | undefined,
  actor: null as import('@/lib/auth/actor').Actor | null,
}));

// On a shared Postgres (DATABASE_URL, as in CI) the settings demand the
// secrets every instance shares; the Seam connection actions read them.
vi.hoisted(() => {
  process.env.AUTH_SECRET ??= 'security-table-test-secret-0123456789-abcdef';
  process.env.CRON_SECRET ??= 'security-table-test-cron-0123456789-abcdef';
});

vi.mock('@/db/client', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@/db/client')>();
  const database = async () => {
    if (!the.database) throw new Error('the test database is not open yet');
    return the.database;
  };
  return { ...actual, getDatabase: database, getDb: async () => (await database()).db };
});
vi.mock('@/lib/http/session', () => ({
  ORGANIZATION_COOKIE: 'keyhold-organization',
  currentActor: async () => the.actor,
  currentSessionId: async () => null,
  currentUserId: async () => the.actor?.userId ?? null,
}));
vi.mock('next/headers', () => ({
  headers: async () => new Headers(),
  cookies: async () => ({ get: () => undefined, set: () => {}, delete: () => {} }),
}));
vi.mock('next/cache', () => ({ revalidatePath: () => {}, revalidateTag: () => {} }));

const ROOT = process.cwd();
const ROLES = ['owner', 'admin', 'front_desk'] as const;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === 'node_modules' || name.startsWith('.')) return [];
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const sourceFiles = ['app', 'lib', 'components'].flatMap((dir) =>
  walk(join(ROOT, dir)).filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f)),
);
const startsWithUseServer = (file: string) =>
  /^(\s|\/\/[^\n]*\n|\/\*[\s\S]*?\*\/)*['"]use server['"]/.test(readFileSync(file, 'utf8'));

/** Files of server actions: by name, and every file that starts with 'use server'. */
const actionFiles = sourceFiles
  .filter(
    (f) =>
      (f.startsWith(join(ROOT, 'app')) && /(^|[/-])actions\.ts$/.test(f)) || startsWithUseServer(f),
  )
  .map((f) => relative(ROOT, f))
  .sort();
const routeFiles = walk(join(ROOT, 'app', 'api'))
  .filter((f) => f.endsWith('/route.ts'))
  .map((f) => relative(ROOT, f))
  .sort();

type Fixtures = {
  harborId: string;
  propertyId: string;
  lockId: string;
  newLockId: string;
  /** A lock that replaced another a moment ago: its replacement can still be undone. */
  replacingLockId: string;
  /** Another lock waiting to be placed (the replacement row places newLockId). */
  placeableLockId: string;
  permanentCodeId: string;
  stayId: string;
  guestCodeId: string;
  alertId: string;
  apiKeyId: string;
  invitationId: string;
  connectionId: string;
  memberUserId: string;
  sessionId: string;
  /** An iCal feed not applied yet, at an address nothing answers. */
  sourceId: string;
  /** Another feed, for the row that removes one. */
  spareSourceId: string;
  /** An outbound webhook endpoint, at an address nothing answers. */
  webhookEndpointId: string;
  /** Another endpoint, for the row that removes one. */
  spareWebhookEndpointId: string;
  /** A lock group at the harbor's property, holding lockId. */
  lockGroupId: string;
  /** A cleaner with a code on the lock. */
  staffMemberId: string;
};

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
};

/** A person as the staff form sends one: a weekly window on the harbor's room 101. */
const staffInput = (f: Fixtures) => ({
  name: 'Maria Lopez',
  role: 'cleaning',
  deviceIds: [f.lockId],
  windows: [{ kind: 'weekly', days: [1, 2, 3, 4, 5], startTime: '07:30', endTime: '17:30' }],
});

/** A CSV file of one booking at the harbor's room 101, for the import actions. */
const CSV_FILE =
  'Reservation ID,Guest,Arrival,Departure,Room\nR-1,Grace Hopper,2031-07-01,2031-07-03,101\n';

/**
 * How to call one server action, and what it needs. `args` builds a call
 * that names this organization's rows. `foreign: false` marks an action
 * that takes no id of a row (it acts on the actor's own organization or
 * person), so "another organization's id" does not apply; the reason is
 * the string.
 */
type ActionRow =
  | {
      permission: Permission;
      args: (f: Fixtures) => unknown[];
      foreign?: { none: string };
      /** The refusal's words for a row that is not there, when not "… not found." */
      notFound?: RegExp;
      /** Who in this organization the call is for, when not its admin. */
      caller?: (typeof ROLES)[number];
    }
  | { public: string };

const ACTIONS: Record<string, ActionRow> = {
  'app/(dashboard)/actions.ts#signOutAction': {
    public: 'signs the caller out; acts on nobody else',
  },
  'app/sign-in/actions.ts#signInAction': { public: 'sign-in: throttled and tested in auth tests' },
  'app/invite/[token]/actions.ts#acceptInviteAction': {
    public: 'authorized by the invitation token (lib/organizations/invitations.test.ts)',
  },
  'app/invite/[token]/actions.ts#createAccountAction': {
    public: 'authorized by the invitation token (lib/organizations/invitations.test.ts)',
  },
  'app/(dashboard)/account/actions.ts#endOwnSessionAction': {
    permission: 'sessions.own',
    args: (f) => [{ sessionId: f.sessionId }],
    // The session is the front desk's own: only they may end it.
    caller: 'front_desk',
  },
  'app/(dashboard)/account/actions.ts#changePasswordAction': {
    permission: 'sessions.own',
    args: () => [null, form({ currentPassword: 'wrong', newPassword: 'a new long password' })],
    foreign: { none: 'changes the signed-in person’s own password' },
  },
  'app/(dashboard)/account/actions.ts#saveNotificationPreferencesAction': {
    permission: 'sessions.own',
    args: () => [null, form({ kinds: 'arrival_at_risk', quietFrom: '22:00', quietUntil: '07:00' })],
    foreign: { none: 'saves the signed-in member’s own notification preferences' },
  },
  'app/(dashboard)/alerts/actions.ts#acknowledgeAlertsAction': {
    permission: 'alerts.acknowledge',
    args: (f) => [[f.alertId]],
  },
  'app/(dashboard)/backup-codes/actions.ts#createPermanentBackupCodeAction': {
    permission: 'permanent_codes.manage',
    args: (f) => [null, form({ deviceId: f.lockId })],
  },
  'app/(dashboard)/backup-codes/actions.ts#revokePermanentBackupCodeAction': {
    permission: 'permanent_codes.manage',
    args: (f) => [f.permanentCodeId],
  },
  'app/(dashboard)/front-desk/actions.ts#pullBackupCodeAction': {
    permission: 'backup_codes.pull',
    args: (f) => [f.guestCodeId],
  },
  'app/(dashboard)/locks/[id]/actions.ts#setSimulatedLockOnlineAction': {
    permission: 'locks.manage',
    args: (f) => [{ deviceId: f.lockId, online: false }],
  },
  'app/(dashboard)/locks/[id]/actions.ts#enterCodeAtKeypadAction': {
    permission: 'locks.manage',
    args: (f) => [{ deviceId: f.lockId, code: '1234' }],
  },
  'app/(dashboard)/locks/[id]/actions.ts#unlockWithKeyAction': {
    permission: 'locks.manage',
    args: (f) => [{ deviceId: f.lockId }],
  },
  'app/(dashboard)/locks/[id]/actions.ts#setReportsEntryCodeAction': {
    permission: 'locks.manage',
    args: (f) => [{ deviceId: f.lockId, reportsEntryCode: false }],
  },
  'app/(dashboard)/locks/[id]/actions.ts#removeCodeAtSimulatedLockAction': {
    permission: 'locks.manage',
    args: (f) => [{ deviceId: f.lockId, accessCodeId: f.guestCodeId }],
  },
  'app/(dashboard)/locks/[id]/actions.ts#factoryResetSimulatedLockAction': {
    permission: 'locks.manage',
    args: (f) => [{ deviceId: f.lockId }],
  },
  'app/(dashboard)/locks/[id]/actions.ts#retireLockAction': {
    permission: 'devices.replace',
    args: (f) => [{ deviceId: f.newLockId }],
  },
  'app/(dashboard)/locks/[id]/actions.ts#setBackupPoolAction': {
    permission: 'backup_pools.manage',
    args: (f) => [{ deviceId: f.lockId, enabled: true }],
  },
  'app/(dashboard)/locks/[id]/actions.ts#setCommonDoorAction': {
    permission: 'locks.manage',
    args: (f) => [null, form({ deviceId: f.lockId, scope: f.lockGroupId })],
  },
  'app/(dashboard)/locks/groups/actions.ts#createLockGroupAction': {
    permission: 'locks.manage',
    args: (f) => [null, form({ propertyId: f.propertyId, name: 'Wing', deviceIds: f.lockId })],
  },
  'app/(dashboard)/locks/groups/actions.ts#renameLockGroupAction': {
    permission: 'locks.manage',
    args: (f) => [null, form({ groupId: f.lockGroupId, name: 'Renamed' })],
  },
  'app/(dashboard)/locks/groups/actions.ts#setLockGroupLocksAction': {
    permission: 'locks.manage',
    args: (f) => [null, form({ groupId: f.lockGroupId, deviceIds: f.lockId })],
  },
  'app/(dashboard)/locks/groups/actions.ts#deleteLockGroupAction': {
    permission: 'locks.manage',
    args: (f) => [f.lockGroupId],
  },
  'app/(dashboard)/locks/forecast/actions.ts#setLockPoolSizeAction': {
    permission: 'backup_pools.manage',
    args: (f) => [{ deviceId: f.lockId, size: 1 }],
  },
  'app/(dashboard)/locks/replace/actions.ts#replaceLockAction': {
    permission: 'devices.replace',
    args: (f) => [null, form({ oldDeviceId: f.lockId, newDeviceId: f.newLockId })],
  },
  'app/(dashboard)/locks/replace/actions.ts#placeLockAction': {
    permission: 'devices.replace',
    args: (f) => [
      null,
      form({ deviceId: f.placeableLockId, propertyId: f.propertyId, name: 'Room 9', room: '9' }),
    ],
  },
  'app/(dashboard)/locks/replace/actions.ts#undoReplacementAction': {
    permission: 'devices.replace',
    args: (f) => [f.replacingLockId],
    notFound: /no replacement to undo/i,
  },
  'app/(dashboard)/reservations/actions.ts#createReservationAction': {
    permission: 'reservations.manage',
    args: (f) => [
      null,
      form({
        propertyId: f.propertyId,
        guestName: 'Grace Hopper',
        checkInDate: '2031-06-01',
        checkOutDate: '2031-06-03',
        deviceIds: f.lockId,
      }),
    ],
  },
  'app/(dashboard)/reservations/actions.ts#updateReservationAction': {
    permission: 'reservations.manage',
    args: (f) => [
      null,
      form({
        reservationId: f.stayId,
        guestName: 'Ada King',
        checkInDate: '2031-05-01',
        checkOutDate: '2031-05-04',
        deviceIds: f.lockId,
      }),
    ],
  },
  'app/(dashboard)/reservations/actions.ts#cancelReservationAction': {
    permission: 'reservations.manage',
    args: (f) => [f.stayId],
  },
  'app/(dashboard)/reservations/actions.ts#sendGuestCodeAction': {
    permission: 'messages.send',
    args: (f) => [f.stayId, 'a4c2b1e0-0000-4000-8000-000000000001'],
  },
  'app/(dashboard)/reservations/import/actions.ts#readCsvColumnsAction': {
    permission: 'sources.manage',
    args: () => [null, form({ text: CSV_FILE })],
    foreign: { none: 'reads the posted file; names no row' },
  },
  'app/(dashboard)/reservations/import/actions.ts#importCsvAction': {
    permission: 'sources.manage',
    // Applied, not a dry run: refusing must hold where it would write.
    args: (f) => [
      null,
      form({
        text: CSV_FILE,
        propertyId: f.propertyId,
        deviceIds: f.lockId,
        externalId: '0',
        guestName: '1',
        checkIn: '2',
        checkOut: '3',
        room: '4',
        dateFormat: 'YYYY-MM-DD',
        dryRun: 'false',
      }),
    ],
  },
  'app/(dashboard)/staff/actions.ts#createStaffMemberAction': {
    permission: 'staff.manage',
    args: (f) => [staffInput(f)],
  },
  'app/(dashboard)/staff/actions.ts#updateStaffMemberAction': {
    permission: 'staff.manage',
    args: (f) => [f.staffMemberId, { ...staffInput(f), name: 'Maria López' }],
  },
  'app/(dashboard)/staff/actions.ts#rotateStaffCodeAction': {
    permission: 'staff.manage',
    args: (f) => [f.staffMemberId],
  },
  'app/(dashboard)/staff/actions.ts#removeStaffMemberAction': {
    permission: 'staff.manage',
    args: (f) => [f.staffMemberId],
  },
  'app/(dashboard)/settings/actions.ts#createApiKeyAction': {
    permission: 'api_keys.manage',
    args: () => [null, form({ name: 'Channel manager' })],
    foreign: { none: 'creates a key in the actor’s own organization' },
  },
  'app/(dashboard)/settings/actions.ts#revokeApiKeyAction': {
    permission: 'api_keys.manage',
    args: (f) => [f.apiKeyId],
  },
  'app/(dashboard)/settings/connection-actions.ts#connectSeamAction': {
    permission: 'settings.manage',
    args: (f) => [null, form({ name: 'Seam', apiKey: 'seam_test_key', propertyId: f.propertyId })],
  },
  'app/(dashboard)/settings/connection-actions.ts#connectZwaveAction': {
    permission: 'settings.manage',
    args: (f) => [
      null,
      form({ name: 'Z-Wave', url: 'ws://127.0.0.1:9', propertyId: f.propertyId }),
    ],
  },
  'app/(dashboard)/settings/connection-actions.ts#replaceConnectionUrlAction': {
    permission: 'settings.manage',
    args: (f) => [null, form({ connectionId: f.connectionId, url: 'ws://127.0.0.1:9' })],
  },
  'app/(dashboard)/settings/connection-actions.ts#replaceConnectionKeyAction': {
    permission: 'settings.manage',
    args: (f) => [null, form({ connectionId: f.connectionId, apiKey: 'seam_other_key' })],
  },
  'app/(dashboard)/settings/connection-actions.ts#checkConnectionAction': {
    permission: 'settings.manage',
    args: (f) => [null, form({ connectionId: f.connectionId })],
  },
  'app/(dashboard)/settings/defaults-actions.ts#updateOrganizationSettingsAction': {
    permission: 'settings.manage',
    args: () => [null, form({})],
    foreign: { none: 'changes the actor’s own organization' },
  },
  'app/(dashboard)/settings/member-actions.ts#addMemberAction': {
    permission: 'members.manage',
    args: () => [null, form({ email: 'new@example.com', name: 'New', role: 'front_desk' })],
    foreign: { none: 'invites into the actor’s own organization' },
  },
  'app/(dashboard)/settings/member-actions.ts#revokeInvitationAction': {
    permission: 'members.manage',
    args: (f) => [{ invitationId: f.invitationId }],
  },
  'app/(dashboard)/settings/member-actions.ts#changeMemberRoleAction': {
    permission: 'members.manage',
    args: (f) => [{ userId: f.memberUserId, role: 'admin' }],
  },
  'app/(dashboard)/settings/member-actions.ts#setMemberDisabledAction': {
    permission: 'members.manage',
    args: (f) => [{ userId: f.memberUserId, disabled: true }],
  },
  'app/(dashboard)/settings/member-actions.ts#endMemberSessionsAction': {
    permission: 'members.manage',
    args: (f) => [{ userId: f.memberUserId }],
  },
  'app/(dashboard)/settings/member-actions.ts#removeMemberAction': {
    permission: 'members.manage',
    args: (f) => [{ userId: f.memberUserId }],
  },
  'app/(dashboard)/settings/messages/actions.ts#saveTemplateAction': {
    permission: 'settings.manage',
    args: () => [{ kind: 'guest_code', channel: 'sms', subject: null, body: 'Your code {{code}}' }],
    foreign: { none: 'templates are the actor’s own organization’s' },
  },
  'app/(dashboard)/settings/messages/actions.ts#resetTemplateAction': {
    permission: 'settings.manage',
    args: () => [{ kind: 'guest_code', channel: 'sms' }],
    foreign: { none: 'templates are the actor’s own organization’s' },
  },
  'app/(dashboard)/settings/messages/actions.ts#previewTemplateAction': {
    permission: 'settings.manage',
    args: () => [{ kind: 'guest_code', channel: 'sms', subject: null, body: 'Code {{code}}' }],
    foreign: { none: 'templates are the actor’s own organization’s' },
  },
  'app/(dashboard)/settings/sources/actions.ts#createCalendarSourceAction': {
    permission: 'sources.manage',
    args: (f) => [
      null,
      form({
        name: 'Airbnb · Harbor',
        propertyId: f.propertyId,
        deviceIds: f.lockId,
        url: 'http://127.0.0.1:9/calendar.ics',
        preset: 'airbnb',
      }),
    ],
  },
  'app/(dashboard)/settings/sources/actions.ts#createWebhookSourceAction': {
    permission: 'sources.manage',
    args: (f) => [
      null,
      form({ name: 'PMS', propertyId: f.propertyId, deviceIds: f.lockId, preset: 'guesty' }),
    ],
  },
  'app/(dashboard)/settings/sources/actions.ts#approveCalendarAction': {
    permission: 'sources.manage',
    args: (f) => [f.sourceId],
  },
  'app/(dashboard)/settings/sources/actions.ts#readSourceNowAction': {
    permission: 'sources.manage',
    args: (f) => [f.sourceId],
  },
  'app/(dashboard)/settings/sources/actions.ts#deleteSourceAction': {
    permission: 'sources.manage',
    args: (f) => [f.spareSourceId],
  },
  'app/(dashboard)/settings/webhooks/actions.ts#createWebhookEndpointAction': {
    permission: 'settings.manage',
    args: () => [null, form({ url: 'http://127.0.0.1:9/events', scope: 'all' })],
    foreign: { none: 'adds an endpoint to the actor’s own organization' },
  },
  'app/(dashboard)/settings/webhooks/actions.ts#sendTestEventAction': {
    permission: 'settings.manage',
    args: (f) => [f.webhookEndpointId],
  },
  'app/(dashboard)/settings/webhooks/actions.ts#setWebhookEndpointDisabledAction': {
    permission: 'settings.manage',
    args: (f) => [f.webhookEndpointId, true],
  },
  'app/(dashboard)/settings/webhooks/actions.ts#deleteWebhookEndpointAction': {
    permission: 'settings.manage',
    args: (f) => [f.spareWebhookEndpointId],
  },
};

const tableNames = Object.values(schema as Record<string, unknown>)
  .filter(isTable)
  .map((t) => getTableName(t))
  .sort();

/** Every row of every table, hashed per table: a refused call leaves all of them as they were. */
async function fingerprint(): Promise<Record<string, string>> {
  const { db, hardware } = the.database as TestDatabase;
  const query = sql.raw(
    tableNames
      .map(
        (t) =>
          `select '${t}' as t, md5(coalesce(string_agg(x::text, '|' order by x::text), '')) as h from "${t}" x`,
      )
      .join(' union all '),
  );
  const rows = async (d: typeof db) => {
    const result = (await d.execute(query)) as unknown;
    const list = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as {
      t: string;
      h: string;
    }[];
    return Object.fromEntries(list.map((r) => [r.t, r.h]));
  };
  return { ...(await rows(db)), ...(await rows(hardware)) };
}

type Refusal = { ok: false; error: string; fieldErrors: Record<string, string> };

async function callAction(key: string, args: unknown[]): Promise<unknown> {
  const [file, name] = key.split('#') as [string, string];
  const mod = (await import(/* @vite-ignore */ join(ROOT, file))) as Record<
    string,
    (...a: unknown[]) => Promise<unknown>
  >;
  const fn = mod[name];
  if (!fn) throw new Error(`${key} is not exported`);
  return fn(...args);
}

/** The answer of a call that must be refused: an ActionResult refusal, never a throw. */
async function refusal(key: string, args: unknown[]): Promise<Refusal> {
  let answer: unknown;
  try {
    answer = await callAction(key, args);
  } catch (error) {
    throw new Error(`${key} threw instead of refusing`, { cause: error });
  }
  expect(answer, key).toMatchObject({ ok: false, error: expect.any(String) });
  return answer as Refusal;
}

let database: TestDatabase;
let fixtures: Fixtures;
const harborActors = {} as Record<(typeof ROLES)[number], Actor>;
let rivalAdmin: Actor;

beforeAll(async () => {
  vi.stubEnv('AUTH_SECRET', 'auth-secret-for-security-tests-0123456789');
  database = await createTestDatabase();
  the.database = database;
  const { db } = database;
  const harbor = await createOrganization(db, { name: 'Harbor', roles: [...ROLES] });
  const rival = await createOrganization(db, { name: 'Rival', roles: ['admin'] });
  for (const role of ROLES) harborActors[role] = await actorFor(db, harbor, role);
  rivalAdmin = await actorFor(db, rival, 'admin');
  const admin = harborActors.admin;
  const place = { organizationId: harbor.org.id, propertyId: harbor.property.id };
  const lock = await addSimulatedLock(db, { ...place, room: '101' });
  const newLock = await addSimulatedLock(db, { ...place, room: 'new' });
  await db
    .update(schema.devices)
    .set({ propertyId: null, needsPlacement: true })
    .where(eq(schema.devices.id, newLock.id));
  const replaced = await addSimulatedLock(db, { ...place, room: '102' });
  const replacing = await addSimulatedLock(db, { ...place, room: 'replacing' });
  await db
    .update(schema.devices)
    .set({ propertyId: null, needsPlacement: true })
    .where(eq(schema.devices.id, replacing.id));
  await replaceDevice(
    db,
    admin,
    { oldDeviceId: replaced.id, newDeviceId: replacing.id },
    clock.now(),
  );
  const placeable = await addSimulatedLock(db, { ...place, room: 'placeable' });
  await db
    .update(schema.devices)
    .set({ propertyId: null, needsPlacement: true })
    .where(eq(schema.devices.id, placeable.id));
  const permanent = await createPermanentBackupCode(db, admin, lock.id, clock.now());
  const stay = await createReservation(
    db,
    admin,
    {
      propertyId: harbor.property.id,
      guestName: 'Ada Lovelace',
      checkInDate: '2031-05-01',
      checkOutDate: '2031-05-03',
      deviceIds: [lock.id],
    },
    new Date('2031-04-01T12:00:00Z'),
  );
  const [code] = await db
    .select({ id: schema.accessCodes.id })
    .from(schema.accessCodes)
    .where(eq(schema.accessCodes.reservationId, stay.id));
  const [alert] = await db
    .insert(schema.alerts)
    .values({
      organizationId: harbor.org.id,
      deviceId: lock.id,
      kind: 'device_removed',
      severity: 'error',
      message: 'Room 101 is gone from its account.',
      dedupeKey: `device_removed:${lock.id}`,
      openedAt: new Date('2031-04-01T12:00:00Z'),
    })
    .returning({ id: schema.alerts.id });
  const { key } = await createApiKey(db, admin, { name: 'PMS' });
  const invitation = await inviteMember(
    db,
    admin,
    { email: 'invited@example.com', name: 'Invited', role: 'front_desk' },
    clock.now(),
  );
  const [connection] = await db
    .insert(schema.adapterConnections)
    .values({ organizationId: harbor.org.id, adapter: 'seam', name: 'Harbor Seam' })
    .returning({ id: schema.adapterConnections.id });
  const frontDesk = harbor.members.front_desk?.userId ?? '';
  const [session] = await db
    .insert(schema.userSessions)
    .values({
      userId: frontDesk,
      lastSeenAt: clock.now(),
      expiresAt: new Date(clock.now().getTime() + 86_400_000),
    })
    .returning({ id: schema.userSessions.id });
  // Nothing answers on port 9: the admin's calls below read nothing and change no stay.
  const feed = { propertyId: harbor.property.id, url: 'http://127.0.0.1:9/calendar.ics' };
  const source = await createCalendarSource(db, admin, { ...feed, name: 'Harbor Airbnb' });
  const spare = await createCalendarSource(db, admin, { ...feed, name: 'Harbor VRBO' });
  const hook = { url: 'http://127.0.0.1:9/events' };
  const endpoint = await createWebhookEndpoint(db, admin, hook);
  const spareEndpoint = await createWebhookEndpoint(db, admin, hook);
  const group = await createLockGroup(
    db,
    admin,
    { propertyId: harbor.property.id, name: 'Garden rooms', deviceIds: [lock.id] },
    clock.now(),
  );
  const cleaner = await createStaffMember(
    db,
    admin,
    {
      name: 'Carla Cleaner',
      role: 'cleaning',
      deviceIds: [lock.id],
      windows: [{ kind: 'weekly', days: [1, 2, 3, 4, 5], startTime: '09:00', endTime: '17:00' }],
    },
    clock.now(),
  );
  if (!code || !alert || !connection || !session) throw new Error('fixtures missing');
  fixtures = {
    harborId: harbor.org.id,
    propertyId: harbor.property.id,
    lockId: lock.id,
    newLockId: newLock.id,
    replacingLockId: replacing.id,
    placeableLockId: placeable.id,
    permanentCodeId: permanent.accessCodeId,
    stayId: stay.id,
    guestCodeId: code.id,
    alertId: alert.id,
    apiKeyId: key.id,
    invitationId: invitation.invitationId,
    connectionId: connection.id,
    memberUserId: frontDesk,
    sessionId: session.id,
    sourceId: source.id,
    spareSourceId: spare.id,
    webhookEndpointId: endpoint.endpoint.id,
    spareWebhookEndpointId: spareEndpoint.endpoint.id,
    lockGroupId: group.id,
    staffMemberId: cleaner.id,
  };
  // A fixture that is not a real id would make every "not found" below vacuous.
  for (const [name, id] of Object.entries(fixtures)) expect(isId(id), name).toBe(true);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await the.database?.close();
});

/** Exported async functions of a module: what a client can call as a server action. */
async function exportedFunctions(file: string): Promise<string[]> {
  const mod = (await import(/* @vite-ignore */ join(ROOT, file))) as Record<string, unknown>;
  return Object.entries(mod)
    .filter(([, value]) => typeof value === 'function')
    .map(([name]) => name)
    .sort();
}

describe('the security table', () => {
  it('names every server action in the source, and nothing that is gone', async () => {
    expect(actionFiles.length).toBeGreaterThan(10);
    const found: string[] = [];
    for (const file of actionFiles) {
      for (const name of await exportedFunctions(file)) found.push(`${file}#${name}`);
    }
    const missing = found.filter((key) => !(key in ACTIONS));
    expect(
      missing.map((key) => `add ${key} to the security table`),
      'server actions without a row in ACTIONS (app/security.test.ts)',
    ).toEqual([]);
    expect(Object.keys(ACTIONS).filter((key) => !found.includes(key))).toEqual([]);
  });
});

const protectedActions = Object.entries(ACTIONS).flatMap(([key, row]) =>
  'permission' in row ? [{ key, ...row }] : [],
);

describe('every server action, as a member of another organization', () => {
  it.each(protectedActions.filter((row) => !row.foreign))(
    '$key: not found with this organization’s ids, nothing written',
    async ({ key, args, notFound }) => {
      the.actor = rivalAdmin;
      const before = await fingerprint();
      const answer = await refusal(key, args(fixtures));
      expect(answer.error, key).toMatch(notFound ?? /not found/i);
      expect(await fingerprint(), `${key} wrote while refusing`).toEqual(before);
    },
  );
});

describe('every server action, as each role without its permission', () => {
  const cases = protectedActions.flatMap((row) =>
    ROLES.filter((role) => !can(role, row.permission)).map((role) => ({ ...row, role })),
  );
  it.each(cases)('$key as $role: refused, nothing written', async ({ key, args, role }) => {
    the.actor = harborActors[role];
    const before = await fingerprint();
    const answer = await refusal(key, args(fixtures));
    expect(answer.error, key).not.toBe('');
    expect(await fingerprint(), `${key} wrote while refusing`).toEqual(before);
  });
});

type Handler = (request: Request, context: { params?: Promise<unknown> }) => Promise<Response>;

/**
 * How to call one route handler. `path` is the query and `params` the
 * route's segments, naming this organization's rows; `reads: 'list'` marks a
 * route that answers the actor's own organization's rows, where another
 * organization gets 200 with none of ours rather than 404.
 */
type RouteRow =
  | {
      permission: Permission;
      query?: (f: Fixtures) => string;
      params?: (f: Fixtures) => Record<string, string>;
      reads: 'one' | 'list';
    }
  | { public: string };

const ROUTES: Record<string, RouteRow> = {
  'app/api/alerts/route.ts#GET': { permission: 'alerts.read', reads: 'list' },
  'app/api/alerts/count/route.ts#GET': { permission: 'alerts.read', reads: 'list' },
  'app/api/arrivals/route.ts#GET': { permission: 'reservations.read', reads: 'list' },
  'app/api/front-desk/route.ts#GET': { permission: 'backup_codes.pull', reads: 'list' },
  'app/api/locks/route.ts#GET': { permission: 'locks.read', reads: 'list' },
  'app/api/locks/[id]/route.ts#GET': {
    permission: 'locks.read',
    reads: 'one',
    params: (f) => ({ id: f.lockId }),
  },
  'app/api/replacements/route.ts#GET': { permission: 'devices.replace', reads: 'list' },
  'app/api/replacements/[newId]/route.ts#GET': {
    permission: 'devices.replace',
    reads: 'one',
    params: (f) => ({ newId: f.replacingLockId }),
  },
  'app/api/replacements/plan/route.ts#GET': {
    permission: 'devices.replace',
    reads: 'one',
    query: (f) => `?oldDeviceId=${f.lockId}&newDeviceId=${f.newLockId}`,
  },
  'app/api/reservations/route.ts#GET': { permission: 'reservations.read', reads: 'list' },
  'app/api/reservations/[id]/route.ts#GET': {
    permission: 'reservations.read',
    reads: 'one',
    params: (f) => ({ id: f.stayId }),
  },
  'app/api/health/route.ts#GET': { public: 'liveness and readiness, no organization’s data' },
  'app/api/live/route.ts#GET': { public: 'liveness, no data' },
  'app/api/auth/[...nextauth]/route.ts#GET': { public: 'Auth.js (sign-in, session)' },
  'app/api/auth/[...nextauth]/route.ts#POST': { public: 'Auth.js (sign-in, session)' },
  'app/api/cron/tick/route.ts#GET': { public: 'CRON_SECRET bearer (app/api/routes.test.ts)' },
  'app/api/cron/tick/route.ts#POST': { public: 'CRON_SECRET bearer (app/api/routes.test.ts)' },
  'app/api/sources/[id]/webhook/route.ts#POST': {
    public: 'the source’s HMAC signature (lib/sources/webhooks.test.ts, app/api/routes.test.ts)',
  },
  ...Object.fromEntries(
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => [
      `app/api/[...rest]/route.ts#${method}`,
      { public: 'no such endpoint: always a JSON 404, reads nothing' },
    ]),
  ),
  ...Object.fromEntries(
    ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'].map((method) => [
      `app/api/seam/[...path]/route.ts#${method}`,
      {
        public:
          'API key of one organization; other organizations and fuzzing in lib/seam-api/sdk.test.ts and fuzz.test.ts',
      },
    ]),
  ),
};

const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];

async function callRoute(key: string, row: Extract<RouteRow, { permission: Permission }>) {
  const [file, method] = key.split('#') as [string, string];
  const mod = (await import(/* @vite-ignore */ join(ROOT, file))) as Record<string, Handler>;
  const handler = mod[method];
  if (!handler) throw new Error(`${key} is not exported`);
  const request = new Request(`http://keyhold.test/api/elsewhere${row.query?.(fixtures) ?? ''}`, {
    method,
  });
  const response = await handler(request, { params: Promise.resolve(row.params?.(fixtures)) });
  return { status: response.status, text: await response.text() };
}

describe('the route table', () => {
  it('names every route handler in the source, and nothing that is gone', async () => {
    expect(routeFiles.length).toBeGreaterThan(10);
    const found: string[] = [];
    for (const file of routeFiles) {
      const mod = (await import(/* @vite-ignore */ join(ROOT, file))) as Record<string, unknown>;
      for (const method of METHODS) if (method in mod) found.push(`${file}#${method}`);
    }
    const missing = found.filter((key) => !(key in ROUTES));
    expect(
      missing.map((key) => `add ${key} to the security table`),
      'route handlers without a row in ROUTES (app/security.test.ts)',
    ).toEqual([]);
    expect(Object.keys(ROUTES).filter((key) => !found.includes(key))).toEqual([]);
  });
});

const protectedRoutes = Object.entries(ROUTES).flatMap(([key, row]) =>
  'permission' in row ? [{ key, row }] : [],
);

describe('every route handler, as a member of another organization', () => {
  it.each(protectedRoutes)(
    '$key: 404 for our ids, none of our rows in a list',
    async ({ key, row }) => {
      the.actor = rivalAdmin;
      const before = await fingerprint();
      const { status, text } = await callRoute(key, row);
      expect(status, key).toBe(row.reads === 'one' ? 404 : 200);
      for (const id of Object.values(fixtures)) expect(text, key).not.toContain(id);
      if (key.includes('/count/')) expect(JSON.parse(text)).toEqual({ open: 0 });
      expect(await fingerprint(), `${key} wrote`).toEqual(before);
    },
  );
});

describe('every route handler, as each role without its permission', () => {
  const cases = protectedRoutes.flatMap(({ key, row }) =>
    'permission' in row
      ? ROLES.filter((role) => !can(role, row.permission)).map((role) => ({ key, row, role }))
      : [],
  );
  it.each(cases)('$key as $role: refused, nothing of ours', async ({ key, row, role }) => {
    the.actor = harborActors[role];
    const { status, text } = await callRoute(key, row);
    expect([403, 404], key).toContain(status);
    for (const id of Object.values(fixtures)) expect(text, key).not.toContain(id);
  });

  it('and the routes do answer a member allowed to read them', async () => {
    the.actor = harborActors.admin;
    for (const { key, row } of protectedRoutes) {
      expect((await callRoute(key, row)).status, key).toBe(200);
    }
  });
});

// Before the fuzzing (which may change rows), and after the checks that
// nothing is written, since this writes: the table's calls name real rows. As an admin of
// the organization that owns them, no call is answered "not found", so the
// refusals above come from the organization check, not from a bad fixture.
describe('the table’s calls, as this organization’s admin', () => {
  it.each(protectedActions.filter((row) => !row.foreign))(
    '$key finds its rows',
    async ({ key, args, notFound, caller }) => {
      the.actor = harborActors[caller ?? 'admin'];
      let answer: unknown;
      try {
        answer = await callAction(key, args(fixtures));
      } catch (error) {
        if (String((error as { digest?: unknown })?.digest ?? '').startsWith('NEXT_REDIRECT')) {
          return;
        }
        throw error;
      }
      const result = answer as { ok: boolean; error?: string };
      if (!result.ok) expect(result.error, key).not.toMatch(notFound ?? /not found/i);
    },
  );
});

// Malformed envelopes: what a crafted request can hand an action (Next
// decodes any serializable arguments, not only what our forms send). Each
// must be a refusal with a message, never a throw, never the generic
// "something went wrong" of an unexpected failure, never an error-level log.
const HUGE = 'x'.repeat(100_000);

function mapLeaves(value: unknown, leaf: (v: unknown) => unknown): unknown {
  if (value instanceof FormData) {
    const out = new FormData();
    for (const [k, v] of value.entries()) out.set(k, String(leaf(v)));
    return out;
  }
  if (Array.isArray(value)) return value.map((v) => mapLeaves(v, leaf));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, mapLeaves(v, leaf)]));
  }
  return value === null ? null : leaf(value);
}

function malformed(args: unknown[]): [string, unknown[]][] {
  return [
    ['no arguments', []],
    ['nulls', args.map(() => null)],
    ['numbers for everything', mapLeaves(args, () => 42) as unknown[]],
    ['non-UUID ids and texts', mapLeaves(args, () => 'not-an-id') as unknown[]],
    ['100k-character strings', mapLeaves(args, () => HUGE) as unknown[]],
    ['objects where strings go', mapLeaves(args, () => ({ $ne: null })) as unknown[]],
    ['a plain object for a form', args.map((a) => (a instanceof FormData ? { a: 1 } : a))],
    ['empty objects and forms', args.map((a) => (a instanceof FormData ? new FormData() : {}))],
  ];
}

describe('every server action, fuzzed', () => {
  const cases = protectedActions.flatMap((row) =>
    malformed(row.args({} as Fixtures)).map(([name]) => ({ ...row, name })),
  );
  it.each(cases)(
    '$key with $name: a clear refusal or success, never a failure',
    async ({ key, args, name }) => {
      the.actor = harborActors.admin;
      const [, input] = malformed(args(fixtures)).find(([n]) => n === name) ?? ['', []];
      const errors = vi.spyOn(logger(), 'error');
      try {
        let answer: unknown;
        try {
          answer = await callAction(key, input);
        } catch (error) {
          // A redirect after success is how some actions answer; anything else is a 500.
          if (String((error as { digest?: unknown })?.digest ?? '').startsWith('NEXT_REDIRECT')) {
            return;
          }
          throw new Error(`${key} threw on ${name}`, { cause: error });
        }
        expect(answer, key).toMatchObject({ ok: expect.any(Boolean) });
        const result = answer as { ok: boolean; error?: string };
        if (!result.ok) {
          expect(result.error, key).toMatch(/\w/);
          expect(result.error, key).not.toBe(GENERIC_ERROR_MESSAGE);
        }
        expect(errors, `${key} logged an error on ${name}`).not.toHaveBeenCalled();
      } finally {
        errors.mockRestore();
      }
    },
  );
});
