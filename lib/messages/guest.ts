import { and, eq } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  type AccessCode,
  devices,
  type MessageChannel,
  type MessageKind,
  properties,
  reservations,
} from '@/db/schema';
import { type Actor, assertCan } from '@/lib/auth/actor';
import { pullBackupAccessCode } from '@/lib/backup-pools/pools';
import { queueMessage } from './outbox';
import { listTemplates } from './template-store';
import { renderTemplate } from './templates';

export type GuestMessageResult = {
  /** The channels a message was queued on: none when the guest left no email or phone. */
  channels: MessageChannel[];
  /** What the message says, for staff to copy when there is no channel. Holds the PIN. */
  text: string;
};

/**
 * Queue a message to a stay's guest about one of its codes, in the caller's
 * transaction, by email and by SMS as the guest's contact details allow. The
 * same code at the same revision is messaged once, however often this runs.
 */
export async function queueGuestMessage(
  tx: Executor,
  actor: Actor,
  input: {
    kind: MessageKind;
    reservationId: string;
    code: Pick<AccessCode, 'id' | 'code' | 'deviceId' | 'revision' | 'startsAt' | 'endsAt'>;
  },
  now: Date,
): Promise<GuestMessageResult> {
  const [stay] = await tx
    .select({
      guestName: reservations.guestName,
      guestEmail: reservations.guestEmail,
      guestPhone: reservations.guestPhone,
      startsAt: reservations.startsAt,
      endsAt: reservations.endsAt,
      propertyName: properties.name,
      timeZone: properties.timeZone,
      room: devices.room,
    })
    .from(reservations)
    .innerJoin(properties, eq(properties.id, reservations.propertyId))
    .innerJoin(
      devices,
      and(eq(devices.id, input.code.deviceId), eq(devices.organizationId, actor.organizationId)),
    )
    .where(
      and(
        eq(reservations.id, input.reservationId),
        eq(reservations.organizationId, actor.organizationId),
      ),
    );
  if (!stay) return { channels: [], text: '' };
  const facts = {
    guestName: stay.guestName,
    code: input.code.code ?? '',
    propertyName: stay.propertyName,
    room: stay.room,
    startsAt: input.code.startsAt ?? stay.startsAt,
    endsAt: input.code.endsAt ?? stay.endsAt,
    timeZone: stay.timeZone,
  };
  const recipients: [MessageChannel, string | null][] = [
    ['email', stay.guestEmail],
    ['sms', stay.guestPhone],
  ];
  const channels: MessageChannel[] = [];
  let text = '';
  // Both channels' templates in one read.
  const templates = await listTemplates(tx, actor);
  for (const [channel, recipient] of recipients) {
    const template = templates.find((t) => t.kind === input.kind && t.channel === channel);
    if (!template) continue;
    const rendered = renderTemplate(template, facts);
    text ||= rendered.text;
    if (!recipient) continue;
    await queueMessage(
      tx,
      {
        organizationId: actor.organizationId,
        reservationId: input.reservationId,
        accessCodeId: input.code.id,
        kind: input.kind,
        channel,
        recipient,
        subject: rendered.subject,
        body: rendered.text,
        cause: `${input.code.id}:${input.code.revision}`,
        createdByUserId: actor.userId,
      },
      now,
    );
    channels.push(channel);
  }
  return { channels, text };
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
  assertCan(actor, 'messages.send', 'Access code');
  return db.transaction(async (tx) => {
    const backup = await pullBackupAccessCode(tx, actor, accessCodeId, now);
    const message = backup.pulledForReservationId
      ? await queueGuestMessage(
          tx,
          actor,
          { kind: 'backup_code', reservationId: backup.pulledForReservationId, code: backup },
          now,
        )
      : { channels: [], text: '' };
    return { backup, message };
  });
}
