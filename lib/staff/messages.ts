import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import { accessCodes, organizations, type PersonChannel, type StaffMember } from '@/db/schema';
import { isLive } from '@/lib/access-codes/predicates';
import { loadLocks } from '@/lib/access-codes/store';
import type { Actor } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/log';
import { queueMessage } from '@/lib/messages/outbox';
import { renderWith, SMS_MAX_LENGTH } from '@/lib/messages/templates';
import { describeWindows } from './describe';
import { doorLockIds, windowRules } from './people';

/**
 * The message a staff member gets with their code (kind `staff_code`): when
 * they are added and each time their code is rotated, by email and by SMS as
 * their details allow, through the same outbox as guests' messages. It says
 * their digits, their doors (and which door has digits of its own) and their
 * windows in words. The text holds the PIN: it is never logged or shown.
 */

export const STAFF_CODE_TEMPLATES: Record<PersonChannel, { subject: string | null; body: string }> =
  {
    email: {
      subject: 'Your door code for {{organization}}',
      body: 'Hello {{name}},\n\nYour door code is {{code}}.\nIt opens: {{doors}}.\nWhen: {{windows}}, in the local time of each door.\n\nPlease keep it to yourself. Ask your manager for a new code if someone else may know it.',
    },
    sms: {
      subject: null,
      body: '{{organization}}: your door code is {{code}}. Doors: {{doors}}. When: {{windows}}.',
    },
  };

export type StaffCodeMessage = {
  organizationId: string;
  staffMemberId: string;
  name: string;
  email: string | null;
  phone: string | null;
  code: string;
  /** Each door, with its own digits where another code on that lock holds the person's. */
  doors: { name: string; digits: string | null }[];
  windows: string;
  /** What caused it (created, rotated at …): the same cause queued again is one message. */
  cause: string;
  createdByUserId: string | null;
};

const doorWords = (doors: StaffCodeMessage['doors']) =>
  doors.length === 0
    ? 'none yet'
    : doors
        .map((d) => (d.digits ? `${d.name} (code ${d.digits} on this door)` : d.name))
        .join(', ');

/** Queue the person's code in the caller's transaction; the channels it went by. */
export async function queueStaffCodeMessage(
  tx: Executor,
  message: StaffCodeMessage,
  now: Date,
): Promise<PersonChannel[]> {
  const recipients: [PersonChannel, string | null][] = [
    ['email', message.email],
    ['sms', message.phone],
  ];
  if (recipients.every(([, to]) => !to)) return [];
  const [org] = await tx
    .select({ name: organizations.name })
    .from(organizations)
    .where(eq(organizations.id, message.organizationId));
  const values = {
    organization: org?.name ?? 'Keyhold',
    name: message.name,
    code: message.code,
    doors: doorWords(message.doors),
    windows: message.windows,
  };
  const channels: PersonChannel[] = [];
  for (const [channel, recipient] of recipients) {
    if (!recipient) continue;
    const template = { channel, ...STAFF_CODE_TEMPLATES[channel] };
    const rendered = renderWith(template, values);
    const body =
      channel === 'sms' && rendered.text.length > SMS_MAX_LENGTH
        ? `${values.organization.slice(0, 60)}: your door code is ${message.code}. Your doors and times are in your email, or ask your manager.`
        : rendered.text;
    try {
      await queueMessage(
        tx,
        {
          organizationId: message.organizationId,
          kind: 'staff_code',
          channel,
          recipient,
          subject: rendered.subject,
          body,
          cause: `staff:${message.staffMemberId}:${message.cause}`,
          createdByUserId: message.createdByUserId,
        },
        now,
      );
      channels.push(channel);
    } catch (error) {
      // One channel's refusal must not cost the other, or the change that caused it.
      if (!(error instanceof AppError)) throw error;
      logger().warn(
        { staffMemberId: message.staffMemberId, channel, field: error.options.field },
        'staff code message not queued: %s',
        error.message,
      );
    }
  }
  return channels;
}

/** Tell the person their code, doors and windows (a no-op without an email or phone). */
export async function messageStaffMember(
  tx: Executor,
  actor: Actor,
  person: StaffMember,
  cause: string,
  now: Date,
): Promise<void> {
  if (!person.email && !person.phone) return;
  const lockIds = await doorLockIds(tx, actor.organizationId, {
    staffMemberIds: [person.id],
  });
  const locks = await loadLocks(tx, actor.organizationId, lockIds);
  const codes = await tx
    .select({ deviceId: accessCodes.deviceId, code: accessCodes.code })
    .from(accessCodes)
    .where(and(eq(accessCodes.staffMemberId, person.id), isLive.sql()));
  const rules = await windowRules(tx, [person.id]);
  await queueStaffCodeMessage(
    tx,
    {
      organizationId: person.organizationId,
      staffMemberId: person.id,
      name: person.name,
      email: person.email,
      phone: person.phone,
      code: person.code,
      doors: [...locks]
        .sort((a, b) => a.name.localeCompare(b.name))
        .map((lock) => ({
          name: lock.name,
          digits: codes.find((c) => c.deviceId === lock.id && c.code !== person.code)?.code ?? null,
        })),
      windows: describeWindows(rules.get(person.id) ?? []),
      cause,
      createdByUserId: actor.userId,
    },
    now,
  );
}
