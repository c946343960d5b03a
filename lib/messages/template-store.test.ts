import { count, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog, messageTemplates } from '@/db/schema';
import {
  actorFor,
  addSimulatedLock,
  createOrganization,
  createTestDatabase,
  type TestDatabase,
} from '@/db/testing';
import type { Actor } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { createReservation } from '@/lib/reservations/operations';
import { listTemplates, previewTemplate, resetTemplate, saveTemplate } from './template-store';

// 07:00 in New York, where the test properties are.
const NOW = new Date('2026-11-26T12:00:00Z');

let database: TestDatabase;
let harbor: Awaited<ReturnType<typeof createOrganization>>;
let rival: Awaited<ReturnType<typeof createOrganization>>;
let admin: Actor;
let owner: Actor;
let rivalAdmin: Actor;

beforeAll(async () => {
  database = await createTestDatabase();
  harbor = await createOrganization(database.db, { roles: ['admin', 'owner'] });
  rival = await createOrganization(database.db, { roles: ['admin'] });
  admin = await actorFor(database.db, harbor, 'admin');
  owner = await actorFor(database.db, harbor, 'owner');
  rivalAdmin = await actorFor(database.db, rival, 'admin');
});
afterAll(async () => {
  await database?.close();
});

async function written() {
  const [templates] = await database.db.select({ n: count() }).from(messageTemplates);
  const [audits] = await database.db.select({ n: count() }).from(auditLog);
  return { templates: templates?.n, audits: audits?.n };
}

describe('message templates', () => {
  it('starts from Keyhold’s defaults: every kind, by email and SMS', async () => {
    const templates = await listTemplates(database.db, owner);
    expect(templates).toHaveLength(8);
    expect(templates.every((t) => t.isDefault)).toBe(true);
    expect(templates.find((t) => t.kind === 'guest_code' && t.channel === 'email')?.subject).toBe(
      'Your door code for {{property}}',
    );
  });

  it('saves an organization’s own template, audited, without touching another organization’s', async () => {
    await saveTemplate(database.db, admin, {
      kind: 'backup_code',
      channel: 'sms',
      body: 'Room {{room}}: use {{code}} until {{ends_at}}. Front desk',
      subject: 'ignored for SMS',
    });
    const own = (await listTemplates(database.db, owner)).find(
      (t) => t.kind === 'backup_code' && t.channel === 'sms',
    );
    expect(own).toMatchObject({
      isDefault: false,
      subject: null,
      body: expect.stringContaining('Front desk'),
    });
    const theirs = (await listTemplates(database.db, rivalAdmin)).find(
      (t) => t.kind === 'backup_code' && t.channel === 'sms',
    );
    expect(theirs?.isDefault).toBe(true);
    const [audit] = await database.db
      .select()
      .from(auditLog)
      .where(eq(auditLog.action, 'message_template.saved'));
    expect(audit).toMatchObject({ targetId: 'backup_code:sms', actorUserId: admin.userId });

    // Saving again replaces it; resetting brings the default back.
    await saveTemplate(database.db, admin, {
      kind: 'backup_code',
      channel: 'sms',
      body: '{{code}}',
    });
    expect(
      (await listTemplates(database.db, owner)).filter((t) => !t.isDefault).map((t) => t.body),
    ).toEqual(['{{code}}']);
    await resetTemplate(database.db, admin, { kind: 'backup_code', channel: 'sms' });
    const afterReset = await listTemplates(database.db, owner);
    expect(afterReset).toHaveLength(8);
    expect(afterReset.every((t) => t.isDefault)).toBe(true);
  });

  it('refuses an unknown placeholder or a non-admin, naming the problem and writing nothing', async () => {
    const before = await written();
    const bad = await saveTemplate(database.db, admin, {
      kind: 'guest_code',
      channel: 'email',
      subject: 'Welcome',
      body: 'Your PIN is {{pin}}',
    }).catch((e: unknown) => e);
    expect(bad).toBeInstanceOf(AppError);
    expect((bad as AppError).options.field).toBe('body');
    expect((bad as AppError).message).toContain('{{pin}}');

    const notAllowed = await saveTemplate(database.db, owner, {
      kind: 'guest_code',
      channel: 'sms',
      body: '{{code}}',
    }).catch((e: unknown) => e);
    expect((notAllowed as AppError).code).toBe('not_found');
    expect(await written()).toEqual(before);
  });

  it('previews a template with the next real stay, in its property’s zone', async () => {
    const lock = await addSimulatedLock(database.db, {
      organizationId: harbor.org.id,
      propertyId: harbor.property.id,
      room: '305',
    });
    const stay = await createReservation(
      database.db,
      admin,
      {
        propertyId: harbor.property.id,
        guestName: 'Ana <Silva>',
        checkInDate: '2026-11-27',
        checkOutDate: '2026-11-29',
        deviceIds: [lock.id],
      },
      NOW,
    );
    const preview = await previewTemplate(
      database.db,
      owner,
      {
        kind: 'guest_code',
        channel: 'email',
        subject: 'Code for {{guest_name}}',
        body: '{{guest_name}}: {{code}} in room {{room}} from {{starts_at}}',
      },
      NOW,
    );
    const code = stay.accessCodes[0]?.code ?? '';
    expect(preview.from).toBe('reservation');
    expect(preview.text).toBe(
      `Ana <Silva>: ${code} in room 305 from 2026-11-27 15:00 (America/New_York)`,
    );
    expect(preview.html).toContain('Ana &lt;Silva&gt;');

    const elsewhere = await previewTemplate(
      database.db,
      rivalAdmin,
      { kind: 'guest_code', channel: 'sms', body: '{{code}}', reservationId: stay.id },
      NOW,
    ).catch((e: unknown) => e);
    expect((elsewhere as AppError).code).toBe('not_found');
    const sample = await previewTemplate(
      database.db,
      rivalAdmin,
      { kind: 'guest_code', channel: 'sms', body: 'Hi {{guest_name}}' },
      NOW,
    );
    expect(sample).toMatchObject({ from: 'sample', text: 'Hi Ana Silva' });
  });
});
