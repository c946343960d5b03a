import { and, desc, eq, inArray } from 'drizzle-orm';
import type { Executor } from '@/db/client';
import {
  GUEST_MESSAGE_KINDS,
  type MessageChannel,
  type MessageKind,
  messages,
  users,
} from '@/db/schema';
import type { Tone } from '@/lib/access-codes/describe';
import { formatZoned } from '@/lib/time';
import { LOGGED_PREFIX } from './transports';

/** Where a message is, in the words staff read on the reservation page. */
export type MessageState = 'queued' | 'retrying' | 'sending' | 'sent' | 'logged' | 'failed';

/** One message to the guest, as the reservation page lists it. Never its text: it holds the PIN. */
export type MessageView = {
  id: string;
  kind: MessageKind;
  kindLabel: string;
  channel: MessageChannel;
  recipient: string;
  state: MessageState;
  stateLabel: string;
  tone: Tone;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  createdAtLabel: string;
  /** A member's name when staff sent it; null when the tick did. */
  by: string | null;
};

export const MESSAGE_KIND_LABELS: Record<MessageKind, string> = {
  guest_code: 'Guest code',
  backup_code: 'Backup code',
  code_changed: 'Code update',
  cancellation: 'Cancellation',
  staff_notification: 'Staff notification',
  staff_digest: 'Staff digest',
  staff_code: 'Staff code',
  webhook_event: 'Webhook event',
};

type Row = {
  status: 'queued' | 'sending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  nextAttemptAt: Date | null;
  sentAt: Date | null;
  providerMessageId: string | null;
};

/** What staff should read about one message's delivery. */
export function describeDelivery(
  row: Row,
  timeZone: string,
  now: Date,
): Pick<MessageView, 'state' | 'stateLabel' | 'tone'> {
  switch (row.status) {
    case 'sent':
      if (row.providerMessageId?.startsWith(LOGGED_PREFIX)) {
        return {
          state: 'logged',
          stateLabel: 'Logged, not sent: no provider is set up for this channel',
          tone: 'warning',
        };
      }
      return {
        state: 'sent',
        stateLabel: row.sentAt ? `Sent ${formatZoned(row.sentAt, timeZone)}` : 'Sent',
        tone: 'ok',
      };
    case 'failed':
      return {
        state: 'failed',
        stateLabel: `Not delivered: ${row.lastError ?? 'the provider refused it.'}`,
        tone: 'error',
      };
    case 'sending':
      return { state: 'sending', stateLabel: 'Sending', tone: 'info' };
    default:
      if (row.attempts > 0) {
        const next = row.nextAttemptAt
          ? `; trying again ${formatZoned(row.nextAttemptAt, timeZone)}`
          : '';
        return {
          state: 'retrying',
          stateLabel: `Failed ${row.attempts} ${row.attempts === 1 ? 'time' : 'times'}${next}: ${row.lastError ?? 'no answer'}`,
          tone: 'warning',
        };
      }
      return {
        state: 'queued',
        stateLabel:
          row.nextAttemptAt && row.nextAttemptAt > now
            ? `Goes out ${formatZoned(row.nextAttemptAt, timeZone)}`
            : 'Queued: goes out within seconds',
        tone: 'info',
      };
  }
}

/**
 * A stay's messages to its guest, newest first, for its page. The caller has
 * checked that the actor may read the stay; the organization scopes the query
 * all the same. Staff notifications and webhook deliveries about the stay are
 * not messages to the guest and are not listed.
 */
export async function stayMessages(
  db: Executor,
  organizationId: string,
  reservationId: string,
  timeZone: string,
  now: Date,
): Promise<MessageView[]> {
  const rows = await db
    .select({
      id: messages.id,
      kind: messages.kind,
      channel: messages.channel,
      recipient: messages.recipient,
      status: messages.status,
      attempts: messages.attempts,
      lastError: messages.lastError,
      nextAttemptAt: messages.nextAttemptAt,
      sentAt: messages.sentAt,
      providerMessageId: messages.providerMessageId,
      createdAt: messages.createdAt,
      by: users.name,
    })
    .from(messages)
    .leftJoin(users, eq(users.id, messages.createdByUserId))
    .where(
      and(
        eq(messages.organizationId, organizationId),
        eq(messages.reservationId, reservationId),
        inArray(messages.kind, GUEST_MESSAGE_KINDS),
      ),
    )
    .orderBy(desc(messages.createdAt), desc(messages.id))
    .limit(50);
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    kindLabel: `${MESSAGE_KIND_LABELS[row.kind]} by ${row.channel === 'sms' ? 'SMS' : 'email'}`,
    channel: row.channel,
    recipient: row.recipient,
    ...describeDelivery(row, timeZone, now),
    attempts: row.attempts,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    createdAtLabel: formatZoned(row.createdAt, timeZone),
    by: row.by,
  }));
}
