import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import pino, { type DestinationStream, type Logger } from 'pino';

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
];

/** A JSON logger with Keyhold's redaction and request ids; tests pass their own destination. */
export function createLogger(
  destination?: DestinationStream,
  level = process.env.LOG_LEVEL || 'info',
) {
  return pino(
    {
      level,
      base: { service: 'keyhold' },
      redact: { paths: REDACT, censor: '[redacted]' },
      mixin: () => {
        const store = context.getStore();
        return store ? { requestId: store.requestId } : {};
      },
    },
    destination,
  );
}

let root: Logger | undefined;

/** The process's logger; every line carries the current request id. */
export function logger(): Logger {
  root ??= createLogger();
  return root;
}

/** Run `fn` with `requestId` on every log line written inside it. */
export function withRequestId<T>(requestId: string | null | undefined, fn: () => T): T {
  return context.run({ requestId: requestId || randomUUID() }, fn);
}

export function currentRequestId(): string | undefined {
  return context.getStore()?.requestId;
}
