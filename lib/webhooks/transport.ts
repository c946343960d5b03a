// The outbox's transport for channel `webhook`: POST the delivery's body to
// its endpoint, signed with the endpoint's secret. The outbox decides when to
// try again; this says whether a failure may pass.
import type { Executor } from '@/db/client';
import { clock } from '@/lib/clock';
import { credentialsKeyFromEnv } from '@/lib/env';
import { type Transport, TransportError } from '@/lib/messages/transport-types';
import { endpointForDelivery } from './endpoints';
import {
  signWebhook,
  WEBHOOK_DELIVERY_ID_HEADER,
  WEBHOOK_EVENT_TYPE_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
} from './signature';

export const WEBHOOK_TIMEOUT_MS = 10_000;

/** How long a transport reuses an endpoint's row it read. */
const ENDPOINT_CACHE_MS = 1_000;

/** Answers worth trying again: the receiver is down, busy or timed out. */
const RETRIED_STATUS = new Set([408, 429]);

export type WebhookTransportOptions = {
  /** Opens the endpoints' secrets; defaults to this server's credentials key. */
  key?: Buffer;
  timeoutMs?: number;
  /** The signature's timestamp; receivers compare it with their own clock. */
  now?: () => Date;
};

/**
 * Sends each delivery once per attempt: 2xx is delivered; a 5xx, 408, 429,
 * timeout or refused connection is retried by the outbox's back-off; any
 * other answer (a 4xx, a redirect) and a disabled or removed endpoint are
 * permanent. Neither the body nor the secret is ever logged or stored in an
 * error; the error names only the status or the failure's kind.
 */
export function webhookTransport(db: Executor, options: WebhookTransportOptions = {}): Transport {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  const now = options.now ?? (() => clock.now());
  let key = options.key;
  // An endpoint is read (and its secret opened) at most once a second per
  // transport: a batch to one endpoint costs one query, and a disable made
  // in Settings still stops the next batch.
  const endpoints = new Map<string, { at: number; read: ReturnType<typeof endpointForDelivery> }>();
  const endpointOf = (organizationId: string, endpointId: string, sealKey: Buffer) => {
    const cacheKey = `${organizationId}:${endpointId}`;
    const at = performance.now();
    const cached = endpoints.get(cacheKey);
    if (cached && at - cached.at < ENDPOINT_CACHE_MS) return cached.read;
    const read = endpointForDelivery(db, organizationId, endpointId, sealKey);
    endpoints.set(cacheKey, { at, read });
    read.catch(() => endpoints.delete(cacheKey));
    return read;
  };
  return {
    name: 'HTTPS webhook',
    async send(message) {
      if (!message.webhookEndpointId) {
        throw new TransportError('The delivery names no webhook endpoint.', true);
      }
      key ??= credentialsKeyFromEnv();
      const endpoint = await endpointOf(message.organizationId, message.webhookEndpointId, key);
      if (!endpoint) throw new TransportError('Not sent: the endpoint was removed.', true);
      if (endpoint.disabled) throw new TransportError('Not sent: the endpoint is disabled.', true);
      if (endpoint.secret === null) {
        throw new TransportError(
          'Not sent: this server cannot open the endpoint’s secret (was CREDENTIALS_KEY changed?).',
          true,
        );
      }
      let response: Response;
      try {
        response = await fetch(endpoint.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Keyhold-Webhooks/1',
            [WEBHOOK_SIGNATURE_HEADER]: signWebhook(endpoint.secret, message.text, now()),
            [WEBHOOK_EVENT_TYPE_HEADER]: message.subject ?? '',
            [WEBHOOK_DELIVERY_ID_HEADER]: message.idempotencyKey,
          },
          body: message.text,
          // A redirect could carry the signed body somewhere the admin never chose.
          redirect: 'manual',
          signal: AbortSignal.timeout(timeoutMs),
        });
        // Only the status matters; drain the body so the connection is freed.
        await response.arrayBuffer().catch(() => undefined);
      } catch (error) {
        throw networkFailure(error, timeoutMs);
      }
      const status = `HTTP ${response.status}`;
      if (response.status >= 200 && response.status < 300) return { providerMessageId: status };
      if (response.status >= 500 || RETRIED_STATUS.has(response.status)) {
        throw new TransportError(`The endpoint answered ${status}.`);
      }
      throw new TransportError(`The endpoint answered ${status}; not retried.`, true);
    },
  };
}

/** A storable description of a failed request: its kind, never the URL, body or secret. */
function networkFailure(error: unknown, timeoutMs: number): TransportError {
  const e = error as { name?: unknown; cause?: { code?: unknown } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    const wait = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
    return new TransportError(`No answer within ${wait}.`);
  }
  const code = typeof e.cause?.code === 'string' ? e.cause.code : null;
  return new TransportError(
    code === 'ECONNREFUSED'
      ? 'Could not connect: the connection was refused.'
      : `Could not reach the endpoint${code && /^[A-Z_]+$/.test(code) ? ` (${code})` : ''}.`,
  );
}
