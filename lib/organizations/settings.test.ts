import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { auditLog, organizations } from '@/db/schema';
import {
  actorFor,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { withRequestId } from '@/lib/log';
import {
  getOrganizationSettings,
  type UpdateOrganizationSettingsInput,
  updateOrganizationSettings,
} from './settings';

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let rival: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let owner: Actor;
let frontDesk: Actor;
let rivalAdmin: Actor;

/** What the settings form sends when nothing is touched: every value, as strings. */
const FORM: Record<keyof UpdateOrganizationSettingsInput, string> = {
  timeZone: 'America/New_York',
  defaultCheckInTime: '15:00',
  defaultCheckOutTime: '11:00',
  programmingLeadMinutes: '30',
  backupPoolSize: '5',
  guestMessageLeadMinutes: '1440',
  earlyArrivalMinutes: '0',
  deskFallbackText: 'Let the guest in with a key, or call maintenance.',
  importedCodePolicy: 'random',
  lockEventRetentionDays: '90',
  noEntryAlertTime: '',
};

async function snapshot() {
  const orgs = await database.db.select().from(organizations).orderBy(organizations.name);
  const [audit] = await database.db.select({ n: count() }).from(auditLog);
  return { orgs, audit: audit?.n };
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database?.close();
});
beforeEach(async () => {
  await database.truncate();
  harbor = await createOrganization(database.db, {
    name: 'Harbor',
    roles: ['admin', 'owner', 'front_desk'],
  });
  rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  admin = await actorFor(database.db, harbor, 'admin');
  owner = await actorFor(database.db, harbor, 'owner');
  frontDesk = await actorFor(database.db, harbor, 'front_desk');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
});

describe('getOrganizationSettings', () => {
  it('answers the actor’s organization with times as HH:MM', async () => {
    expect(await getOrganizationSettings(database.db, admin)).toEqual({
      name: 'Harbor',
      timeZone: 'America/New_York',
      defaultCheckInTime: '15:00',
      defaultCheckOutTime: '11:00',
      programmingLeadMinutes: 30,
      backupPoolSize: 5,
      guestMessageLeadMinutes: 1440,
      earlyArrivalMinutes: 0,
      deskFallbackText: 'Let the guest in with a key, or call maintenance.',
      importedCodePolicy: 'random',
      lockEventRetentionDays: 90,
      noEntryAlertTime: null,
    });
  });

  it('is not found for owners and front desk', async () => {
    for (const actor of [owner, frontDesk]) {
      await expect(getOrganizationSettings(database.db, actor)).rejects.toMatchObject({
        code: 'not_found',
      });
    }
  });
});

describe('updateOrganizationSettings', () => {
  it('saves form values and records only what changed, from and to', async () => {
    const result = await withRequestId('req-settings-1', () =>
      updateOrganizationSettings(database.db, admin, {
        ...FORM,
        backupPoolSize: '4',
        defaultCheckInTime: '16:30',
        timeZone: 'europe/lisbon',
      }),
    );
    expect(result.changed.sort()).toEqual(['backupPoolSize', 'defaultCheckInTime', 'timeZone']);
    expect(result.settings).toMatchObject({
      backupPoolSize: 4,
      defaultCheckInTime: '16:30',
      // Stored as the zone is usually written, not as typed.
      timeZone: 'Europe/Lisbon',
    });
    expect(await getOrganizationSettings(database.db, admin)).toEqual(result.settings);

    const entries = await database.db.select().from(auditLog);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({
      organizationId: harbor.org.id,
      actorUserId: admin.userId,
      action: 'organization.settings_updated',
      targetType: 'organization',
      targetId: harbor.org.id,
      requestId: 'req-settings-1',
      detail: {
        changes: {
          backupPoolSize: { from: 5, to: 4 },
          defaultCheckInTime: { from: '15:00', to: '16:30' },
          timeZone: { from: 'America/New_York', to: 'Europe/Lisbon' },
        },
      },
    });
  });

  it('writes no audit entry when nothing changed', async () => {
    const result = await updateOrganizationSettings(database.db, admin, FORM);
    expect(result.changed).toEqual([]);
    const [entries] = await database.db.select({ n: count() }).from(auditLog);
    expect(entries?.n).toBe(0);
  });

  it('accepts the bounds: no lead time, an empty pool, a week ahead', async () => {
    const { settings } = await updateOrganizationSettings(database.db, admin, {
      ...FORM,
      programmingLeadMinutes: 0,
      backupPoolSize: 0,
      guestMessageLeadMinutes: 10_080,
    });
    expect(settings).toMatchObject({
      programmingLeadMinutes: 0,
      backupPoolSize: 0,
      guestMessageLeadMinutes: 10_080,
    });
  });

  const badInputs: [string, Partial<Record<keyof typeof FORM, string | undefined>>, RegExp][] = [
    ['timeZone', { timeZone: 'Mars/Olympus_Mons' }, /^Time zone must be an IANA zone/],
    ['timeZone', { timeZone: '  ' }, /^Time zone is required/],
    ['defaultCheckInTime', { defaultCheckInTime: '3pm' }, /^Check-in time must be a time/],
    ['defaultCheckInTime', { defaultCheckInTime: '24:00' }, /^Check-in time must be a time/],
    ['defaultCheckOutTime', { defaultCheckOutTime: undefined }, /^Check-out time is required/],
    ['programmingLeadMinutes', { programmingLeadMinutes: '' }, /^Programming lead time is req/],
    ['programmingLeadMinutes', { programmingLeadMinutes: '-1' }, /must be 0 or more/],
    ['programmingLeadMinutes', { programmingLeadMinutes: '10081' }, /must be at most 10080/],
    ['programmingLeadMinutes', { programmingLeadMinutes: '1.5' }, /must be a whole number/],
    ['programmingLeadMinutes', { programmingLeadMinutes: 'soon' }, /must be a number/],
    ['backupPoolSize', { backupPoolSize: '21' }, /^Backup codes per lock must be at most 20/],
    ['guestMessageLeadMinutes', { guestMessageLeadMinutes: '99999' }, /^Guest message lead time/],
    [
      'earlyArrivalMinutes',
      { earlyArrivalMinutes: '721' },
      /^Early arrival allowance must be at most 720/,
    ],
    ['deskFallbackText', { deskFallbackText: ' ' }, /^When no code can work is required/],
    ['deskFallbackText', { deskFallbackText: 'x'.repeat(301) }, /must be at most 300 characters/],
    [
      'lockEventRetentionDays',
      { lockEventRetentionDays: '0' },
      /^Events kept for must be 1 or more/,
    ],
    ['lockEventRetentionDays', { lockEventRetentionDays: '3651' }, /must be at most 3650/],
    ['lockEventRetentionDays', { lockEventRetentionDays: '' }, /^Events kept for is required/],
    [
      'noEntryAlertTime',
      { noEntryAlertTime: '10pm' },
      /^Flag stays with no entry after must be a time/,
    ],
  ];

  it('keeps lock events for the days chosen, and flags no entry from a local time, or never when left empty', async () => {
    const on = await updateOrganizationSettings(database.db, admin, {
      ...FORM,
      lockEventRetentionDays: '3650',
      noEntryAlertTime: '22:00',
    });
    expect(on.changed.sort()).toEqual(['lockEventRetentionDays', 'noEntryAlertTime']);
    expect(await getOrganizationSettings(database.db, admin)).toMatchObject({
      lockEventRetentionDays: 3650,
      noEntryAlertTime: '22:00',
    });
    const off = await updateOrganizationSettings(database.db, admin, {
      ...FORM,
      lockEventRetentionDays: '1',
      noEntryAlertTime: ' ',
    });
    expect(off.settings).toMatchObject({ lockEventRetentionDays: 1, noEntryAlertTime: null });
    const [row] = await database.db
      .select({ at: organizations.noEntryAlertTime })
      .from(organizations)
      .where(eq(organizations.id, harbor.org.id));
    expect(row?.at).toBeNull();
  });
  it.each(badInputs)(
    'refuses a bad %s, naming it, and writes nothing',
    async (field, change, message) => {
      const error = await refused(snapshot, () =>
        updateOrganizationSettings(database.db, admin, { ...FORM, ...change } as typeof FORM),
      );
      expect(error.code).toBe('invalid_input');
      expect(error.options.field).toBe(field);
      expect(error.message).toMatch(message);
    },
  );

  it('is not found for owners and front desk, who change nothing', async () => {
    for (const actor of [owner, frontDesk]) {
      const error = await refused(snapshot, () =>
        updateOrganizationSettings(database.db, actor, { ...FORM, backupPoolSize: '1' }),
      );
      expect(error.code).toBe('not_found');
    }
  });

  it('changes the actor’s organization only', async () => {
    await updateOrganizationSettings(database.db, rivalAdmin, {
      ...FORM,
      timeZone: 'Asia/Tokyo',
      backupPoolSize: '2',
    });
    const [ours] = await database.db
      .select()
      .from(organizations)
      .where(eq(organizations.id, harbor.org.id));
    expect(ours).toMatchObject({ timeZone: 'America/New_York', backupPoolSize: 5 });
    const [entry] = await database.db.select().from(auditLog);
    expect(entry?.organizationId).toBe(rival.org.id);
  });
});
