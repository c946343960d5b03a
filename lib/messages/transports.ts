import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Logger } from 'pino';
import type { PersonChannel as MessageChannel } from '@/db/schema';
import { env } from '@/lib/env';
import { logger } from '@/lib/log';
import { twilioSmsTransport } from './sms-http';
import { type Transport, TransportError, type Transports } from './transport-types';

export type SmtpSettings = {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  password?: string;
  from: string;
  /** Bounds connecting, the greeting and each wait on the socket. */
  timeoutMs?: number;
};

const SMTP_TIMEOUT_MS = 10_000;

/**
 * Email over SMTP. The message's idempotency key becomes its Message-ID, the
 * same on every attempt. SMTP has no way to ask a server "did you already
 * accept this?", so a retry after a crash between the server's 250 and our
 * commit does deliver a second copy; what the stable Message-ID gives is that
 * the copy is recognisably the same message (mail clients and many mailbox
 * providers collapse duplicates by Message-ID, and a support person can match
 * the two), and never a different code.
 */
export function smtpTransport(settings: SmtpSettings): Transport {
  const timeout = settings.timeoutMs ?? SMTP_TIMEOUT_MS;
  const mailer = nodemailer.createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.secure,
    auth: settings.user ? { user: settings.user, pass: settings.password ?? '' } : undefined,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    // nodemailer logs nothing by default; keep it so, it would print addresses and bodies.
    logger: false,
  });
  const domain = addressDomain(settings.from) ?? 'keyhold.invalid';
  return {
    name: `SMTP ${settings.host}:${settings.port}`,
    async send(message) {
      const messageId = `<${message.idempotencyKey}@${domain}>`;
      try {
        const info = await mailer.sendMail({
          from: settings.from,
          to: message.recipient,
          subject: message.subject ?? '',
          text: message.text,
          html: message.html ?? undefined,
          messageId,
          headers: { 'X-Keyhold-Message': message.id },
        });
        return { providerMessageId: String(info.messageId || messageId) };
      } catch (error) {
        throw smtpFailure(error, settings.password);
      }
    },
    close() {
      mailer.close();
    },
  };
}

/**
 * A storable description of an SMTP failure: nodemailer's code and the
 * server's reply, cut short, with the password removed should a server ever
 * echo it.
 */
function smtpFailure(error: unknown, password: string | undefined): TransportError {
  const e = error as { code?: unknown; responseCode?: unknown; message?: unknown };
  const code = typeof e.code === 'string' ? e.code : 'ESMTP';
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  let text = typeof e.message === 'string' ? e.message : String(error);
  if (password) text = text.split(password).join('[redacted]');
  text = text.replace(/\s+/g, ' ').slice(0, 300);
  // A 5xx to the envelope means this recipient will never be accepted; anything
  // else (connection, auth, 4xx) may pass later or after an admin fixes settings.
  const permanent = code === 'EENVELOPE' && responseCode !== undefined && responseCode >= 500;
  return new TransportError(`${code}${responseCode ? ` ${responseCode}` : ''}: ${text}`, permanent);
}

function addressDomain(from: string): string | undefined {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from);
  return match?.[1];
}

/** The log transport's provider ids: such a message was written to the log, not delivered. */
export const LOGGED_PREFIX = 'logged-';

/**
 * The default when nothing is configured: records that a message would have
 * gone out. Never writes the subject or body — both may hold the guest's PIN.
 */
export function logTransport(options: { log?: Logger } = {}): Transport {
  return {
    name: 'log (messages are logged, not sent)',
    async send(message) {
      const providerMessageId = `${LOGGED_PREFIX}${randomUUID()}`;
      (options.log ?? logger()).info(
        {
          event: 'message_logged',
          messageId: message.id,
          organizationId: message.organizationId,
          kind: message.kind,
          channel: message.channel,
          idempotencyKey: message.idempotencyKey,
          length: message.text.length,
          providerMessageId,
        },
        'message logged, not sent',
      );
      return { providerMessageId };
    },
  };
}

let fromEnv: Transports | undefined;

/**
 * SMTP for email when SMTP_HOST is set, and the Twilio-compatible API for SMS
 * when SMS_ACCOUNT_SID, SMS_AUTH_TOKEN and SMS_FROM are; each channel not
 * configured goes to the log transport.
 */
export function transportsFromEnv(): Transports {
  if (fromEnv) return fromEnv;
  const settings = env();
  const log = logTransport();
  const email = smtpConfigured(settings)
    ? smtpTransport({
        host: settings.SMTP_HOST,
        port: settings.SMTP_PORT ?? (settings.SMTP_SECURE ? 465 : 587),
        secure: settings.SMTP_SECURE ?? false,
        user: settings.SMTP_USER,
        password: settings.SMTP_PASSWORD,
        from: settings.SMTP_FROM,
      })
    : log;
  const sms = smsConfigured(settings)
    ? twilioSmsTransport({
        baseUrl: settings.SMS_API_URL,
        accountSid: settings.SMS_ACCOUNT_SID,
        authToken: settings.SMS_AUTH_TOKEN,
        from: settings.SMS_FROM,
      })
    : log;
  fromEnv = { email, sms };
  return fromEnv;
}

/**
 * Which channels really leave the building. Staff must never read "sent" for
 * a message that was only logged, so screens ask this before saying so.
 */
export function channelsDelivered(): Record<MessageChannel, boolean> {
  const settings = env();
  return { email: smtpConfigured(settings), sms: smsConfigured(settings) };
}

/** Of the channels a message was queued on, those only logged: staff must be told, not "sent". */
export function loggedOnly(channels: MessageChannel[]): MessageChannel[] {
  const delivered = channelsDelivered();
  return channels.filter((channel) => !delivered[channel]);
}

/** One answer to "is email really sent?", for the transport and for what staff are told. */
function smtpConfigured<T extends { SMTP_HOST?: string; SMTP_FROM?: string }>(
  settings: T,
): settings is T & { SMTP_HOST: string; SMTP_FROM: string } {
  return Boolean(settings.SMTP_HOST && settings.SMTP_FROM);
}

/** The same for SMS. parseEnv refuses a partial set, so this is all three or none. */
function smsConfigured<
  T extends { SMS_ACCOUNT_SID?: string; SMS_AUTH_TOKEN?: string; SMS_FROM?: string },
>(
  settings: T,
): settings is T & { SMS_ACCOUNT_SID: string; SMS_AUTH_TOKEN: string; SMS_FROM: string } {
  return Boolean(settings.SMS_ACCOUNT_SID && settings.SMS_AUTH_TOKEN && settings.SMS_FROM);
}
