import { and, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { type Db, type Executor, sql } from '@/db/client';
import {
  type AccessCode,
  devices,
  type PersonChannel as MessageChannel,
  type GuestMessageKind as MessageKind,
  messages,
  properties,
  reservations,
} from '@/db/schema';
import { recordAudit } from '@/lib/audit';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { pullBackupAccessCode } from '@/lib/backup-pools/pools';
import { AppError } from '@/lib/errors';
import { logger } from '@/lib/log';
import { parseInput } from '@/lib/validation';
import { queueMessage, WITHDRAWN_ERROR } from './outbox';
import {
  type CodeForGuest,
  describeCodes,
  lockStay,
  type StayCodes,
  stayCodes,
} from './stay-codes';
import { type StoredTemplate, templatesFor } from './template-store';
import { compactSms, renderTemplate, SMS_MAX_LENGTH } from './templates';

export type GuestMessageResult = {
  /** The channels a message was queued on: none when the guest left no email or phone. */
  channels: MessageChannel[];
  /** What the message says, for staff to copy when there is no channel. Holds the PIN. */
  text: string;
};

type Stay = {
  id: string;
  organizationId: string;
  guestName: string;
  guestEmail: string | null;
  guestPhone: string | null;
  startsAt: Date;
  endsAt: Date;
  propertyName: string;
  timeZone: string;
};

async function loadStay(
  tx: Executor,
  organizationId: string,
  reservationId: string,
): Promise<Stay | undefined> {
  const [stay] = await tx
    .select({
      id: reservations.id,
      organizationId: reservations.organizationId,
      guestName: reservations.guestName,
      guestEmail: reservations.guestEmail,
      guestPhone: reservations.guestPhone,
      startsAt: reservations.startsAt,
      endsAt: reservations.endsAt,
      propertyName: properties.name,
      timeZone: properties.timeZone,
    })
    .from(reservations)
    .innerJoin(properties, eq(properties.id, reservations.propertyId))
    .where(
      and(eq(reservations.id, reservationId), eq(reservations.organizationId, organizationId)),
    );
  return stay;
}

type QueueToGuest = {
  kind: MessageKind;
  codes: CodeForGuest[];
  /** Makes the message once-only: the same cause queued again is the same message. */
  cause: string;
  accessCodeId?: string | null;
  codesDigest?: string | null;
  createdByUserId?: string | null;
  templates?: StoredTemplate[];
};

/**
 * Render the organization's template for `kind` and queue it in the caller's
 * transaction, by email and by SMS as the guest's contact details allow.
 */
async function queueToGuest(
  tx: Executor,
  stay: Stay,
  input: QueueToGuest,
  now: Date,
): Promise<GuestMessageResult> {
  const { code, room } = describeCodes(input.codes);
  const facts = {
    guestName: stay.guestName,
    code,
    propertyName: stay.propertyName,
    room,
    startsAt: input.codes[0]?.startsAt ?? stay.startsAt,
    endsAt: input.codes[0]?.endsAt ?? stay.endsAt,
    timeZone: stay.timeZone,
  };
  const recipients: [MessageChannel, string | null][] = [
    ['email', stay.guestEmail],
    ['sms', stay.guestPhone],
  ];
  const channels: MessageChannel[] = [];
  let text = '';
  const templates = input.templates ?? (await templatesFor(tx, stay.organizationId));
  for (const [channel, recipient] of recipients) {
    const template = templates.find((t) => t.kind === input.kind && t.channel === channel);
    if (!template) continue;
    const rendered = renderTemplate(template, facts);
    text ||= rendered.text;
    if (!recipient) continue;
    // A long name or many locks can fill a template past what one SMS carries.
    const body =
      channel === 'sms' && rendered.text.length > SMS_MAX_LENGTH
        ? compactSms(input.kind, facts)
        : rendered.text;
    try {
      await queueMessage(
        tx,
        {
          organizationId: stay.organizationId,
          reservationId: stay.id,
          accessCodeId: input.accessCodeId ?? null,
          kind: input.kind,
          channel,
          recipient,
          subject: rendered.subject,
          body,
          cause: input.cause,
          codesDigest: input.codesDigest ?? null,
          createdByUserId: input.createdByUserId ?? null,
        },
        now,
      );
      channels.push(channel);
    } catch (error) {
      // One channel's refusal (say, a recipient saved before validation was
      // stricter) must not cost the other channel, or the caller's cancellation.
      if (!(error instanceof AppError)) throw error;
      logger().warn(
        { reservationId: stay.id, kind: input.kind, channel, field: error.options.field },
        'guest message not queued: %s',
        error.message,
      );
    }
  }
  return { channels, text };
}

/**
 * The tick's send, in its own transaction: with the stay locked, look again —
 * it may have been cancelled, or staff may have sent these codes, since the
 * scan read it — and queue the message if it is still due.
 */
export async function queueDueGuestCode(
  db: Db,
  organizationId: string,
  reservationId: string,
  now: Date,
  templates?: StoredTemplate[],
): Promise<(GuestMessageResult & { kind: MessageKind }) | null> {
  return db.transaction(async (tx) => {
    const stay = await lockStay(tx, organizationId, reservationId);
    if (stay?.status !== 'confirmed' || stay.endsAt <= now) return null;
    const [fresh] = await stayCodes(
      tx,
      sql`r.id = ${reservationId} and r.organization_id = ${organizationId}`,
    );
    if (!fresh?.onLocks || fresh.digest === fresh.toldDigest) return null;
    return queueGuestCodeMessage(tx, fresh, { templates }, now);
  });
}

/**
 * Queue the stay's guest-code message, or a correction when the guest was
 * already told other codes. Once per (stay, codes, message count), so two
 * ticks queueing at once write one message.
 */
export async function queueGuestCodeMessage(
  tx: Executor,
  summary: StayCodes,
  options: {
    cause?: string;
    createdByUserId?: string | null;
    kind?: MessageKind;
    /** The organization's templates, when the caller already has them. */
    templates?: StoredTemplate[];
  },
  now: Date,
): Promise<GuestMessageResult & { kind: MessageKind }> {
  const stay = await loadStay(tx, summary.organizationId, summary.reservationId);
  if (!stay) return { channels: [], text: '', kind: 'guest_code' };
  const kind = options.kind ?? (summary.toldDigest ? 'code_changed' : 'guest_code');
  const result = await queueToGuest(
    tx,
    stay,
    {
      kind,
      codes: summary.codes,
      cause:
        options.cause ?? `codes:${summary.reservationId}:${summary.digest}:${summary.toldCount}`,
      codesDigest: summary.digest,
      createdByUserId: options.createdByUserId,
      templates: options.templates,
    },
    now,
  );
  return { ...result, kind };
}

export const sendGuestCodeSchema = z.object({
  reservationId: z.uuid({ error: 'Reservation is required.' }),
  /** One per rendered form: a double click queues one message, not two. */
  requestId: z.uuid({ error: 'Request id must be a UUID.' }),
});

/**
 * Staff send (or send again) the stay's guest code now, whether or not the
 * tick already did. Says when the codes are not on every lock yet.
 */
export async function sendGuestCodeNow(
  db: Executor,
  actor: Actor,
  input: z.input<typeof sendGuestCodeSchema>,
  now: Date,
): Promise<GuestMessageResult & { onLocks: boolean }> {
  assertCan(actor, 'messages.send', 'Reservation');
  const data = parseInput(sendGuestCodeSchema, input);
  return db.transaction(async (tx) => {
    const stay = await lockStay(tx, actor.organizationId, data.reservationId);
    if (!stay) throw AppError.notFound('Reservation');
    if (stay.status === 'cancelled') {
      throw new AppError('invalid_input', 'This stay is cancelled: there is no code to send.');
    }
    if (stay.endsAt <= now) {
      throw new AppError('invalid_input', 'This stay has ended: its code no longer works.');
    }
    const [summary] = await stayCodes(
      tx,
      sql`r.id = ${data.reservationId} and r.organization_id = ${actor.organizationId}`,
    );
    if (!summary) {
      throw new AppError('invalid_input', 'This stay has no guest code yet: add a lock to it.');
    }
    const result = await queueGuestCodeMessage(
      tx,
      summary,
      { cause: `manual:${data.requestId}`, createdByUserId: actor.userId, kind: 'guest_code' },
      now,
    );
    await recordAudit(tx, actor, {
      action: 'message.sent_by_staff',
      targetType: 'reservation',
      targetId: data.reservationId,
      detail: { kind: result.kind, channels: result.channels },
    });
    return { channels: result.channels, text: result.text, onLocks: summary.onLocks };
  });
}

/**
 * In a cancellation's transaction: withdraw the stay's messages still waiting
 * to go (a code for a stay that no longer exists must not reach the guest),
 * and tell the guest their code is void, if they were ever sent one.
 */
export async function queueCancellationMessage(
  tx: Executor,
  actor: Actor,
  reservationId: string,
  now: Date,
): Promise<GuestMessageResult> {
  await tx
    .update(messages)
    .set({
      status: 'failed',
      lastError: WITHDRAWN_ERROR,
      nextAttemptAt: null,
      updatedAt: now,
    })
    .where(
      and(
        eq(messages.reservationId, reservationId),
        eq(messages.organizationId, actor.organizationId),
        eq(messages.status, 'queued'),
        inArray(messages.kind, ['guest_code', 'code_changed', 'backup_code']),
      ),
    );
  const [told] = await tx
    .select({ id: messages.id })
    .from(messages)
    .where(
      and(
        eq(messages.reservationId, reservationId),
        eq(messages.organizationId, actor.organizationId),
        inArray(messages.kind, ['guest_code', 'code_changed', 'backup_code']),
        inArray(messages.status, ['sent', 'sending']),
      ),
    )
    .limit(1);
  const stay = told && (await loadStay(tx, actor.organizationId, reservationId));
  if (!stay) return { channels: [], text: '' };
  return queueToGuest(
    tx,
    stay,
    {
      kind: 'cancellation',
      codes: [],
      cause: `cancelled:${reservationId}`,
      createdByUserId: actor.userId,
    },
    now,
  );
}

/**
 * The front desk's one click: pull a backup code for a guest's code and, in
 * the same transaction, queue it to the guest (the tick sends it within
 * seconds). Pulling again shows the same code and sends nothing new.
 */
export async function pullBackupCodeForGuest(
  db: Executor,
  actor: Actor,
  accessCodeId: string,
  now: Date,
): Promise<{ backup: AccessCode; message: GuestMessageResult }> {
  assertCan(actor, 'messages.send', 'AccessCode');
  return db.transaction(async (tx) => {
    const backup = await pullBackupAccessCode(tx, actor, accessCodeId, now);
    const stay = backup.pulledForReservationId
      ? await loadStay(tx, actor.organizationId, backup.pulledForReservationId)
      : undefined;
    if (!stay) return { backup, message: { channels: [], text: '' } };
    const [lock] = await tx
      .select({ name: devices.name, room: devices.room })
      .from(devices)
      .where(
        and(eq(devices.id, backup.deviceId), eq(devices.organizationId, actor.organizationId)),
      );
    const message = await queueToGuest(
      tx,
      stay,
      {
        kind: 'backup_code',
        codes: [
          {
            code: backup.code ?? '',
            lockName: lock?.name ?? '',
            room: lock?.room ?? null,
            startsAt: backup.startsAt,
            endsAt: backup.endsAt,
          },
        ],
        accessCodeId: backup.id,
        cause: `${backup.id}:${backup.revision}`,
        createdByUserId: actor.userId,
      },
      now,
    );
    return { backup, message };
  });
}
