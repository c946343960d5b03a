import { and, asc, eq, gte, isNull, ne, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Executor } from '@/db/client';
import {
  accessCodes,
  devices,
  type PersonChannel as MessageChannel,
  type GuestMessageKind as MessageKind,
  messageTemplates,
  properties,
  reservations,
} from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { AppError } from '@/lib/errors';
import { parseInput } from '@/lib/validation';
import {
  DEFAULT_TEMPLATES,
  type RenderedMessage,
  renderTemplate,
  type SaveTemplateInput,
  saveTemplateSchema,
  type TemplateFacts,
  templateKeySchema,
} from './templates';

export type StoredTemplate = {
  kind: MessageKind;
  channel: MessageChannel;
  subject: string | null;
  body: string;
  /** True while the organization has not written its own. */
  isDefault: boolean;
};

const KINDS = Object.keys(DEFAULT_TEMPLATES) as MessageKind[];
const CHANNELS: MessageChannel[] = ['email', 'sms'];

/** Every kind and channel, the organization's own template or Keyhold's default. */
export async function listTemplates(db: Executor, actor: Actor): Promise<StoredTemplate[]> {
  assertCan(actor, 'messages.send', 'Template');
  return templatesFor(db, actor.organizationId);
}

/** The templates messages are rendered with, for the tick and for callers that checked the actor. */
export async function templatesFor(
  db: Executor,
  organizationId: string,
): Promise<StoredTemplate[]> {
  const saved = await db
    .select({
      kind: messageTemplates.kind,
      channel: messageTemplates.channel,
      subject: messageTemplates.subject,
      body: messageTemplates.body,
    })
    .from(messageTemplates)
    .where(eq(messageTemplates.organizationId, organizationId));
  const own = new Map(saved.map((t) => [`${t.kind}:${t.channel}`, t]));
  return KINDS.flatMap((kind) =>
    CHANNELS.map((channel) => {
      const template = own.get(`${kind}:${channel}`);
      return template
        ? { ...template, kind, channel, isDefault: false }
        : { kind, channel, ...DEFAULT_TEMPLATES[kind][channel], isDefault: true };
    }),
  );
}

/** Save the organization's own template (admins); an unknown placeholder is refused, naming the field. */
export async function saveTemplate(
  db: Executor,
  actor: Actor,
  input: SaveTemplateInput,
): Promise<StoredTemplate> {
  assertCan(actor, 'settings.manage', 'Template');
  const data = parseInput(saveTemplateSchema, input);
  const subject = data.channel === 'email' ? (data.subject ?? null) : null;
  return db.transaction(async (tx) => {
    await tx
      .insert(messageTemplates)
      .values({
        organizationId: actor.organizationId,
        kind: data.kind,
        channel: data.channel,
        subject,
        body: data.body,
      })
      .onConflictDoUpdate({
        target: [messageTemplates.organizationId, messageTemplates.kind, messageTemplates.channel],
        set: { subject, body: data.body, updatedAt: sql`now()` },
      });
    await recordAudit(tx, actor, {
      action: 'message_template.saved',
      targetType: 'message_template',
      targetId: `${data.kind}:${data.channel}`,
    });
    return { kind: data.kind, channel: data.channel, subject, body: data.body, isDefault: false };
  });
}

/** Go back to Keyhold's default for one kind and channel. */
export async function resetTemplate(
  db: Executor,
  actor: Actor,
  input: { kind: MessageKind; channel: MessageChannel },
): Promise<StoredTemplate> {
  assertCan(actor, 'settings.manage', 'Template');
  const { kind, channel } = parseInput(templateKeySchema, input);
  return db.transaction(async (tx) => {
    await tx
      .delete(messageTemplates)
      .where(
        and(
          eq(messageTemplates.organizationId, actor.organizationId),
          eq(messageTemplates.kind, kind),
          eq(messageTemplates.channel, channel),
        ),
      );
    await recordAudit(tx, actor, {
      action: 'message_template.reset',
      targetType: 'message_template',
      targetId: `${kind}:${channel}`,
    });
    return { kind, channel, ...DEFAULT_TEMPLATES[kind][channel], isDefault: true };
  });
}

export const previewTemplateSchema = saveTemplateSchema.and(
  z.object({
    reservationId: z.uuid({ error: 'Reservation must be a reservation id.' }).optional(),
  }),
);

/**
 * A template filled in with a real stay: the one given, or the organization's
 * next arrival. With no stay at all, sample values stand in, and say so.
 */
export async function previewTemplate(
  db: Executor,
  actor: Actor,
  input: z.input<typeof previewTemplateSchema>,
  now: Date,
): Promise<RenderedMessage & { from: 'reservation' | 'sample' }> {
  assertCan(actor, 'messages.send', 'Template');
  const data = parseInput(previewTemplateSchema, input);
  const [stay] = await db
    .select({
      guestName: reservations.guestName,
      propertyName: properties.name,
      timeZone: properties.timeZone,
      startsAt: reservations.startsAt,
      endsAt: reservations.endsAt,
      room: devices.room,
      code: accessCodes.code,
    })
    .from(reservations)
    .innerJoin(properties, eq(properties.id, reservations.propertyId))
    .leftJoin(
      accessCodes,
      and(
        eq(accessCodes.reservationId, reservations.id),
        isNull(accessCodes.deletedAt),
        eq(accessCodes.isBackup, false),
      ),
    )
    .leftJoin(devices, eq(devices.id, accessCodes.deviceId))
    .where(
      and(
        eq(reservations.organizationId, actor.organizationId),
        data.reservationId
          ? eq(reservations.id, data.reservationId)
          : and(ne(reservations.status, 'cancelled'), gte(reservations.startsAt, now)),
      ),
    )
    .orderBy(asc(reservations.startsAt))
    .limit(1);
  if (!stay && data.reservationId) throw AppError.notFound('Reservation');
  const facts: TemplateFacts = stay
    ? {
        guestName: stay.guestName,
        code: stay.code ?? '123456',
        propertyName: stay.propertyName,
        room: stay.room,
        startsAt: stay.startsAt,
        endsAt: stay.endsAt,
        timeZone: stay.timeZone,
      }
    : {
        guestName: 'Ana Silva',
        code: '123456',
        propertyName: 'Your property',
        room: '101',
        startsAt: now,
        endsAt: new Date(now.getTime() + 2 * 86_400_000),
        timeZone: 'UTC',
      };
  return { ...renderTemplate(data, facts), from: stay ? 'reservation' : 'sample' };
}
