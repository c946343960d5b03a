import type { MessageChannel, MessageKind } from '@/db/schema';

// What a transport is and how it fails, apart from transports.ts (which picks
// them from settings), so each transport and the outbox can use it.

/**
 * One outbox row as a transport needs it. `text` holds the guest's PIN (or a
 * webhook's body): never log it. `subject` is an email's subject or a webhook's event type.
 */
export type OutgoingMessage = {
  id: string;
  organizationId: string;
  kind: MessageKind;
  channel: MessageChannel;
  recipient: string;
  subject: string | null;
  text: string;
  html: string | null;
  /** The same on every attempt of this message, so a repeat is recognisable downstream. */
  idempotencyKey: string;
  /** For a `webhook` message: the endpoint whose URL and secret it goes with. */
  webhookEndpointId?: string | null;
};

/** Delivers messages of one channel. Throws on failure; TransportError says whether to retry. */
export type Transport = {
  /** Shown to staff, e.g. "SMTP smtp.example.com:587" or "log (not sent)". */
  readonly name: string;
  send(message: OutgoingMessage): Promise<{ providerMessageId: string }>;
  close?(): void;
};

export type Transports = Partial<Record<MessageChannel, Transport>>;

/**
 * A failure whose message is safe to store in `messages.last_error` and show
 * staff. `permanent` failures (the provider refused the recipient) are not retried.
 */
export class TransportError extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}
