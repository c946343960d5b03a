import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream, type Logger } from 'pino';
import { env } from './env';
import { requestIdFrom } from './http/request-id';

const context = new AsyncLocalStorage<{ requestId: string }>();

/**
 * Keys that must never reach a log line, wherever they appear. PINs are
 * logged as `pin` nowhere; access-code objects are redacted by path in case
 * one is ever logged whole.
 */
const REDACT = [
  'password',
  '*.password',
  'passwordHash',
  '*.passwordHash',
  'secret',
  '*.secret',
  'apiKey',
  '*.apiKey',
  'token',
  '*.token',
  'pin',
  '*.pin',
  'accessCode.code',
  '*.accessCode.code',
  'authorization',
  '*.authorization',
  'cookie',
  '*.cookie',
  'headers.authorization',
  'headers.cookie',
  '*.headers.authorization',
  '*.headers.cookie',
  'params',
  '*.params',
  'SMTP_PASSWORD',
  '*.SMTP_PASSWORD',
  'SMS_AUTH_TOKEN',
  '*.SMS_AUTH_TOKEN',
  'CREDENTIALS_KEY',
  '*.CREDENTIALS_KEY',
  'credentialsEncrypted',
  '*.credentialsEncrypted',
  'auth.pass',
  '*.auth.pass',
];

/**
 * Errors as they may be logged. Drizzle puts a failed query's parameters (PINs,
 * emails, hashes) into the message and a `params` field; keep the SQL text and
 * drop the values, here and in every cause.
 */
export function serializeError(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) };
  const out: Record<string, unknown> = {
    type: error.name,
    message: error.message.split('\nparams:')[0],
  };
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  if (error.stack) out.stack = error.stack.split('\nparams:')[0];
  if (error.cause && depth < 3) out.cause = serializeError(error.cause, depth + 1);
  return out;
}

/** A JSON logger with Keyhold's redaction and request ids; tests pass their own destination. */
export function createLogger(destination?: DestinationStream, level = 'info') {
  return pino(
    {
      level,
      base: { service: 'keyhold' },
      redact: { paths: REDACT, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      mixin: () => {
        const store = context.getStore();
        return store ? { requestId: store.requestId } : {};
      },
    },
    destination,
  );
}

let root: Logger | undefined;

function logLevel(): string {
  try {
    return env().LOG_LEVEL;
  } catch {
    // Other settings are bad (start-up reports them); logging must still work.
    const level = process.env.LOG_LEVEL ?? '';
    return ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(level)
      ? level
      : 'info';
  }
}

/** The process's logger; every line carries the current request id. */
export function logger(): Logger {
  root ??= createLogger(undefined, logLevel());
  return root;
}

/** Run `fn` with `requestId` (as `requestIdFrom` keeps it) on every log line written inside it. */
export function withRequestId<T>(requestId: string | null | undefined, fn: () => T): T {
  return context.run({ requestId: requestIdFrom(requestId) }, fn);
}

export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}
