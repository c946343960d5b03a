import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiKeys, auditLog } from '@/db/schema';
import { actorFor, createOrganization, createTestDatabase, type TestDatabase } from '@/db/testing';
import { createApiKey } from '@/lib/api-keys';
import { type AuditEntryView, describeAuditEntry, listAuditEntries } from './audit-log';
import type { Actor } from './auth/actor';
import { AppError } from './errors';

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let rival: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let owner: Actor;
let rivalAdmin: Actor;
let apiKeyId: string;

/**
 * Harbor is in New York. 2026-11-26T04:30Z is 23:30 on the 25th there, and
 * 2026-11-27T04:59Z is 23:59 on the 26th.
 */
const HARBOR_ENTRIES = [
  { at: '2026-11-25T04:30:00.000Z', action: 'reservation.created', by: 'owner' },
  { at: '2026-11-26T04:30:00.000Z', action: 'reservation.updated', by: 'owner' },
  { at: '2026-11-26T15:00:00.000Z', action: 'member.role_changed', by: 'admin' },
  { at: '2026-11-26T15:00:00.000Z', action: 'member.added', by: 'admin' },
  { at: '2026-11-26T15:00:00.000Z', action: 'member.disabled', by: 'admin' },
  { at: '2026-11-27T04:59:00.000Z', action: 'backup_code.pulled', by: 'key' },
  { at: '2026-11-27T05:00:00.000Z', action: 'apixkey.created', by: 'system' },
] as const;

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, { name: 'Harbor', roles: ['admin', 'owner'] });
  rival = await createOrganization(database.db, { name: 'Rival', roles: ['admin'] });
  admin = await actorFor(database.db, harbor, 'admin');
  owner = await actorFor(database.db, harbor, 'owner');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
  apiKeyId = (await createApiKey(database.db, admin, { name: 'Channel manager' })).key.id;
  // Rival's entries, at the same moments, must never show in Harbor's log.
  await createApiKey(database.db, rivalAdmin, { name: 'Rival secret integration' });
  await database.db.delete(auditLog);

  const by = { admin: admin.userId, owner: owner.userId, key: null, system: null };
  await database.db.insert(auditLog).values(
    HARBOR_ENTRIES.map((e, i) => ({
      organizationId: harbor.org.id,
      actorUserId: by[e.by],
      actorApiKeyId: e.by === 'key' ? apiKeyId : null,
      action: e.action,
      targetType: e.action.startsWith('member.') ? 'user' : 'reservation',
      targetId: `target-${i}`,
      detail: e.action === 'member.added' ? { email: 'new@harbor.example', role: 'owner' } : null,
      requestId: `req-${i}`,
      createdAt: new Date(e.at),
    })),
  );
  await database.db.insert(auditLog).values(
    HARBOR_ENTRIES.map((e) => ({
      organizationId: rival.org.id,
      actorUserId: rivalAdmin.userId,
      action: e.action,
      targetType: 'reservation',
      targetId: 'rival-target',
      createdAt: new Date(e.at),
    })),
  );
});
afterAll(async () => {
  await database?.close();
});

const actions = (entries: AuditEntryView[]) => entries.map((e) => e.action);

describe('listAuditEntries', () => {
  it('lists the organization’s entries newest first, naming who acted', async () => {
    const page = await listAuditEntries(database.db, admin, {});
    expect(page.timeZone).toBe('America/New_York');
    expect(page.nextCursor).toBeNull();
    expect(actions(page.entries)).toEqual([
      'apixkey.created',
      'backup_code.pulled',
      // Same moment: the later write first.
      'member.disabled',
      'member.added',
      'member.role_changed',
      'reservation.updated',
      'reservation.created',
    ]);
    expect(page.entries.every((e) => e.targetId?.startsWith('target-'))).toBe(true);
    const byAction = new Map(page.entries.map((e) => [e.action, e]));
    expect(byAction.get('member.added')).toMatchObject({
      actor: { kind: 'member', name: 'admin of Harbor', email: harbor.members.admin?.email },
      summary: 'Added new@harbor.example as owner',
      targetType: 'user',
      requestId: 'req-3',
    });
    expect(byAction.get('backup_code.pulled')?.actor).toEqual({
      kind: 'api_key',
      apiKeyId,
      name: 'Channel manager',
    });
    expect(byAction.get('apixkey.created')?.actor).toEqual({ kind: 'system' });
  });

  it('shows another organization nothing of Harbor’s, and Harbor nothing of theirs', async () => {
    const theirs = await listAuditEntries(database.db, rivalAdmin, {});
    expect(theirs.entries).toHaveLength(HARBOR_ENTRIES.length);
    expect(theirs.entries.every((e) => e.targetId === 'rival-target')).toBe(true);
    // Filtering by a Harbor member's id from Rival finds nothing either.
    const probing = await listAuditEntries(database.db, rivalAdmin, {
      actor: admin.userId ?? '',
    });
    expect(probing.entries).toEqual([]);
    const ours = await listAuditEntries(database.db, admin, { actor: rivalAdmin.userId ?? '' });
    expect(ours.entries).toEqual([]);
  });

  it('is not found for a non-admin', async () => {
    await expect(listAuditEntries(database.db, owner, {})).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it.each([
    [{ action: 'member.' }, ['member.disabled', 'member.added', 'member.role_changed']],
    [{ action: 'member.role_changed' }, ['member.role_changed']],
    // "_" is matched as itself, not as any character.
    [{ action: 'api_key' }, []],
    [{ action: 'apixkey' }, ['apixkey.created']],
    [{ actor: 'owner' }, ['reservation.updated', 'reservation.created']],
    [{ targetType: 'user' }, ['member.disabled', 'member.added', 'member.role_changed']],
    [{ targetType: 'user', targetId: 'target-3' }, ['member.added']],
    // Whole days in New York: the 26th there runs 05:00Z on the 26th to 04:59Z on the 27th.
    [
      { from: '2026-11-26', to: '2026-11-26' },
      ['backup_code.pulled', 'member.disabled', 'member.added', 'member.role_changed'],
    ],
    [{ to: '2026-11-25' }, ['reservation.updated', 'reservation.created']],
    [{ from: '2026-11-27' }, ['apixkey.created']],
    [{ action: '', actor: '', targetType: '', from: '', to: '' }, 'all'],
  ] as const)('filters by %j', async (filter, expected) => {
    const input = { ...filter } as Record<string, string>;
    if (input.actor === 'owner') input.actor = owner.userId ?? '';
    const page = await listAuditEntries(database.db, admin, input);
    expect(actions(page.entries)).toEqual(
      expected === 'all'
        ? actions((await listAuditEntries(database.db, admin, {})).entries)
        : expected,
    );
  });

  it('pages through everything once, newest first, even across equal times', async () => {
    const all = actions((await listAuditEntries(database.db, admin, {})).entries);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listAuditEntries(database.db, admin, { limit: 2, cursor });
      expect(page.entries.length).toBeLessThanOrEqual(2);
      seen.push(...actions(page.entries));
      cursor = page.nextCursor ?? undefined;
      pages += 1;
    } while (cursor && pages < 10);
    expect(seen).toEqual(all);
    expect(pages).toBe(4);

    const filtered = await listAuditEntries(database.db, admin, { action: 'member.', limit: 2 });
    expect(filtered.nextCursor).not.toBeNull();
    const rest = await listAuditEntries(database.db, admin, {
      action: 'member.',
      limit: 2,
      cursor: filtered.nextCursor ?? '',
    });
    expect(actions(rest.entries)).toEqual(['member.role_changed']);
    expect(rest.nextCursor).toBeNull();
  });

  it.each([
    [{ from: '2026-11-27', to: '2026-11-26' }, 'from', /^From date must be on or before/],
    [{ from: '26/11/2026' }, 'from', /^From date must be a date like/],
    [{ to: '2026-02-30' }, 'to', /^To date must be a date like/],
    [{ cursor: 'yesterday' }, 'cursor', /cursor is not valid/],
    [{ cursor: '2026-11-26T15:00:00.000Z|1 or 1=1' }, 'cursor', /cursor is not valid/],
    [{ action: "member.%' or 1=1" }, 'action', /^Action must be/],
    [{ actor: 'admin' }, 'actor', /^Actor must be one of the members/],
    [{ limit: '0' }, 'limit', /^Limit must be 1 or more/],
  ] as const)('refuses %j, naming the field', async (input, field, message) => {
    const error = await listAuditEntries(database.db, admin, input).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({ code: 'invalid_input', options: { field } });
    expect((error as AppError).message).toMatch(message);
  });

  it('joins an API key only within the organization', async () => {
    // A row pointing at another organization's key (never written by Keyhold) shows no name.
    const [rivalKey] = await database.db
      .select({ id: apiKeys.id })
      .from(apiKeys)
      .where(eq(apiKeys.organizationId, rival.org.id));
    await database.db.insert(auditLog).values({
      organizationId: harbor.org.id,
      actorApiKeyId: rivalKey?.id,
      action: 'odd.entry',
      createdAt: new Date('2020-01-01T00:00:00Z'),
    });
    const page = await listAuditEntries(database.db, admin, { action: 'odd.' });
    expect(page.entries[0]?.actor).toEqual({ kind: 'system' });
    expect(JSON.stringify(page)).not.toContain('Rival secret integration');
  });
});

describe('describeAuditEntry', () => {
  it.each([
    [
      'organization.settings_updated',
      {
        changes: {
          backupPoolSize: { from: 5, to: 4 },
          defaultCheckInTime: { from: '15:00', to: '16:00' },
          programmingLeadMinutes: { from: 30, to: 45 },
        },
      },
      'Changed organization defaults: backup codes per lock 5 → 4; check-in time 15:00 → 16:00; programming lead time 30 min → 45 min',
    ],
    [
      'member.role_changed',
      { email: 'o@h.example', from: 'owner', to: 'front_desk' },
      'Changed o@h.example’s role from owner to front desk',
    ],
    [
      'member.disabled',
      { email: 'o@h.example' },
      'Disabled o@h.example here: they can no longer act in this organization',
    ],
    ['api_key.created', { name: 'PMS', keyPrefix: 'seam_kh_abcd' }, 'Created API key “PMS”'],
    ['reservation.created', { locks: 2 }, 'Created a reservation on 2 locks'],
    [
      'reservation.updated',
      { datesChanged: true, locksAdded: 1, locksRemoved: 0 },
      'Updated a reservation: changed its dates, added 1 lock',
    ],
    ['backup_pool.disabled', { locks: 1 }, 'Turned off the backup pool on 1 lock'],
    ['device.replaced', { anything: 1 }, 'Device replaced'],
    ['alert.acknowledged', null, 'Alert acknowledged'],
  ])('%s reads as plain words', (action, detail, expected) => {
    expect(describeAuditEntry(action, detail)).toBe(expected);
  });
});
