import { type Transport, TransportError } from './transport-types';

export type TwilioSmsSettings = {
  /** e.g. `https://api.twilio.com`; any server speaking Twilio's Messages API. */
  baseUrl: string;
  accountSid: string;
  authToken: string;
  /** An E.164 number or an alphanumeric sender id. */
  from: string;
  /** Bounds the whole request, answer included. */
  timeoutMs?: number;
};

const SMS_TIMEOUT_MS = 10_000;
const MAX_ERROR_LENGTH = 300;

/**
 * SMS through a Twilio-compatible REST API. Every attempt of a message carries
 * the same Idempotency-Key: a provider that honours it answers a repeat (say,
 * after a crash between its 201 and our commit) with the message it already
 * accepted; one that does not sends a second text — the same text, never a
 * different code.
 */
export function twilioSmsTransport(settings: TwilioSmsSettings): Transport {
  const base = new URL(settings.baseUrl);
  const endpoint = `${base.origin}${base.pathname.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(settings.accountSid)}/Messages.json`;
  const credentials = Buffer.from(`${settings.accountSid}:${settings.authToken}`).toString(
    'base64',
  );
  const timeout = settings.timeoutMs ?? SMS_TIMEOUT_MS;
  // Whatever the provider or the network says back is stored and shown to
  // staff; neither the token nor the header made from it may be in there.
  const secrets = [settings.authToken, credentials].filter((s) => s.length > 0);
  const failure = (text: string, permanent = false) =>
    new TransportError(storable(text, secrets), permanent);

  return {
    name: `SMS ${base.host}`,
    async send(message) {
      let response: Response;
      let body: string;
      try {
        response = await fetch(endpoint, {
          method: 'POST',
          headers: {
            authorization: `Basic ${credentials}`,
            'content-type': 'application/x-www-form-urlencoded',
            accept: 'application/json',
            'idempotency-key': message.idempotencyKey,
            'x-keyhold-message': message.id,
          },
          body: new URLSearchParams({
            To: message.recipient,
            From: settings.from,
            Body: message.text,
          }),
          // A redirect would re-send the credentials (and, for 301/302, drop
          // the body); a moved API is a setting to fix, not to follow.
          redirect: 'manual',
          signal: AbortSignal.timeout(timeout),
        });
        body = await response.text();
      } catch (error) {
        throw failure(networkFailure(error, timeout));
      }

      if (response.ok) {
        const sid = parseJson(body)?.sid;
        return { providerMessageId: typeof sid === 'string' && sid ? sid : message.idempotencyKey };
      }

      const status = response.status;
      const reply = providerReply(status, response.statusText, parseJson(body));
      if (status === 401 || status === 403) {
        // Retried: once an admin fixes the settings, the waiting messages go out.
        throw failure(
          `SMS provider refused the credentials (${reply}); check SMS_ACCOUNT_SID and SMS_AUTH_TOKEN.`,
        );
      }
      if (status >= 300 && status < 400) {
        throw failure(`SMS ${reply}: the provider redirected; check SMS_API_URL.`);
      }
      // Only a refusal of this recipient is final. Anything else (a wrong SID or
      // URL answering 404, a sender the account may not use, 429, 5xx) is
      // retried: once an admin fixes the settings, the waiting messages go out.
      const code = parseJson(body)?.code;
      if (status === 400 && typeof code === 'number' && RECIPIENT_REFUSED.has(code)) {
        throw failure(`SMS ${reply}`, true);
      }
      throw failure(
        status >= 400 && status < 500 && status !== 408 && status !== 429
          ? `SMS ${reply}; check the SMS_* settings.`
          : `SMS ${reply}`,
      );
    },
  };
}

/**
 * Twilio's errors that are about the number itself: invalid (21211, 21214),
 * not reachable by SMS (21407, 21408, 21612, 21614), opted out (21610).
 */
const RECIPIENT_REFUSED = new Set([21211, 21214, 21407, 21408, 21610, 21612, 21614]);

/** `400 Bad Request, Twilio error 21211: The 'To' number … is not a valid phone number.` */
function providerReply(
  status: number,
  statusText: string,
  json: Record<string, unknown> | undefined,
): string {
  const code = json?.code;
  const text = json?.message;
  let reply = `${status}${statusText ? ` ${statusText}` : ''}`;
  if (typeof code === 'number' || (typeof code === 'string' && code)) {
    reply += `, Twilio error ${code}`;
  }
  if (typeof text === 'string' && text) reply += `: ${text}`;
  return reply;
}

/** Why the request got no answer: a timeout, or the socket error's code (ECONNREFUSED…). */
function networkFailure(error: unknown, timeoutMs: number): string {
  const e = error as { name?: unknown; cause?: { code?: unknown; message?: unknown } };
  if (e.name === 'TimeoutError' || e.name === 'AbortError') {
    return `SMS provider did not answer within ${timeoutMs} ms.`;
  }
  const code = typeof e.cause?.code === 'string' ? e.cause.code : undefined;
  const detail = typeof e.cause?.message === 'string' ? e.cause.message : undefined;
  return `SMS request failed: ${code ?? (error instanceof Error ? error.name : 'error')}${
    detail && detail !== code ? ` (${detail})` : ''
  }`;
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** One short line with the secrets removed before it is cut, so no part of one survives. */
function storable(text: string, secrets: string[]): string {
  let out = text;
  for (const secret of secrets) out = out.split(secret).join('[redacted]');
  return out.replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_LENGTH);
}
