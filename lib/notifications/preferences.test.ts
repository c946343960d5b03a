import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as schema from '@/db/schema';
import {
  actorFor,
  createOrganization,
  createTestDatabase,
  refused,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { fieldErrorsOf } from '@/lib/validation';
import {
  getOwnNotificationPreferences,
  type SaveNotificationPreferencesInput,
  saveOwnNotificationPreferences,
} from './preferences';

const NOW = new Date('2026-11-26T14:00:00Z');

let database: TestDatabase;
let admin: Actor;
let owner: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  await database.close();
});
beforeEach(async () => {
  await database.truncate();
  const org = await createOrganization(database.db, { roles: ['admin', 'owner'] });
  admin = await actorFor(database.db, org, 'admin');
  owner = await actorFor(database.db, org, 'owner');
});

const stored = () => database.db.select().from(schema.notificationPreferences);

describe('saving one’s own notification preferences', () => {
  it('keeps what the member chose and shows it back, for them only', async () => {
    const saved = await saveOwnNotificationPreferences(
      database.db,
      owner,
      {
        kinds: ['arrival_at_risk', 'entry_after_check_out', 'arrival_at_risk'],
        quietFrom: '22:00',
        quietUntil: '07:00',
        dailyDigest: true,
      },
      NOW,
    );
    expect(saved).toEqual({
      kinds: ['arrival_at_risk', 'entry_after_check_out'],
      quietFrom: '22:00',
      quietUntil: '07:00',
      dailyDigest: true,
      timeZone: 'America/New_York',
    });
    expect(await getOwnNotificationPreferences(database.db, owner)).toEqual(saved);
    // The admin chose nothing: their own page shows nothing chosen.
    expect((await getOwnNotificationPreferences(database.db, admin)).kinds).toEqual([]);

    // Saving again replaces the choice; empty quiet-hour boxes clear them.
    const cleared = await saveOwnNotificationPreferences(
      database.db,
      owner,
      { kinds: [], quietFrom: '', quietUntil: '', dailyDigest: false },
      NOW,
    );
    expect(cleared).toMatchObject({ kinds: [], quietFrom: null, quietUntil: null });
    expect(await stored()).toHaveLength(1);

    const audit = await database.db
      .select()
      .from(schema.auditLog)
      .where(eq(schema.auditLog.action, 'member.notification_preferences_saved'));
    expect(audit).toHaveLength(2);
    expect(audit[0]?.targetId).toBe(owner.userId);
    expect(audit[0]?.detail).toEqual({
      kinds: ['arrival_at_risk', 'entry_after_check_out'],
      quietHours: '22:00–07:00',
      dailyDigest: true,
    });
  });

  it.each<[string, SaveNotificationPreferencesInput, string, RegExp]>([
    [
      'a time that is not one',
      { kinds: [], quietFrom: '25:00', quietUntil: '07:00' },
      'quietFrom',
      /time like 22:00/,
    ],
    [
      'a time in words',
      { kinds: [], quietFrom: '22:00', quietUntil: 'morning' },
      'quietUntil',
      /time like 07:00/,
    ],
    [
      'only a start',
      { kinds: ['arrival_at_risk'], quietFrom: '22:00', quietUntil: '' },
      'quietUntil',
      /need an end/,
    ],
    [
      'only an end',
      { kinds: ['arrival_at_risk'], quietUntil: '07:00' },
      'quietFrom',
      /need a start/,
    ],
    [
      'the same start and end',
      { kinds: [], quietFrom: '07:00', quietUntil: '07:00' },
      'quietUntil',
      /different time/,
    ],
    [
      'an unknown kind',
      { kinds: ['arrival_at_risk', 'door_left_open'] },
      'kinds',
      /no notification called “door_left_open”/,
    ],
  ])('refuses %s by its field and saves nothing', async (_, input, field, message) => {
    await saveOwnNotificationPreferences(
      database.db,
      owner,
      { kinds: ['backup_code_pulled'] },
      NOW,
    );
    const error = await refused(stored, () =>
      saveOwnNotificationPreferences(database.db, owner, input, NOW),
    );
    expect(fieldErrorsOf(error)[field]).toMatch(message);
  });

  it('refuses an API key: it has no inbox', async () => {
    const key: Actor = { ...admin, userId: null, apiKeyId: '0b6c3c55-6a55-4d4e-8d8b-6f0c2d2f6e11' };
    const error = await refused(stored, () =>
      saveOwnNotificationPreferences(database.db, key, { kinds: ['arrival_at_risk'] }, NOW),
    );
    expect(error.message).toMatch(/signed-in member/);
  });
});
