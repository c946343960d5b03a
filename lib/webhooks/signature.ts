// Keyhold's webhook signature: the one scheme for deliveries a reservation
// source sends Keyhold (lib/sources/webhooks.ts verifies) and the event
// deliveries Keyhold sends an admin's endpoint (lib/webhooks/transport.ts
// signs). Pure functions, no HTTP and no database.
//
// ## Signature (for the README)
//
// Every delivery carries the header
//
//     Keyhold-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>
//
// where the HMAC is keyed with the webhook's secret (the whole string,
// `whsec_` included, as UTF-8) over `<t>.<raw body>`: the timestamp exactly as
// written in the header, a full stop, then the request body byte for byte as
// sent. Sign the bytes you send and verify the bytes you received, before any
// JSON parsing: a body re-serialized by a proxy or framework no longer matches.
// A header may hold several `v1=` while a secret is rotated; one match is
// enough. A delivery whose `t` is more than 5 minutes from Keyhold's clock,
// either way, is refused even when the signature matches, so a captured
// request cannot be replayed later. Spaces around the parts are ignored.
//
// Example (Node): `t = Math.floor(Date.now() / 1000)`,
// `v1 = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex')`.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_SIGNATURE_HEADER = 'Keyhold-Signature';
/** Outbound deliveries: the event type carried (Seam's name, or `keyhold.test`). */
export const WEBHOOK_EVENT_TYPE_HEADER = 'Keyhold-Event-Type';
/** Outbound deliveries: the same on every attempt of one delivery, so a receiver can drop a repeat. */
export const WEBHOOK_DELIVERY_ID_HEADER = 'Keyhold-Delivery-Id';

export type WebhookVerification =
  | { ok: true }
  | { ok: false; reason: 'missing_signature' | 'bad_signature' | 'stale_timestamp' };

const toUnixSeconds = (at: Date) => Math.floor(at.getTime() / 1000);

const hmacHex = (secret: string, t: string, rawBody: string) =>
  createHmac('sha256', secret).update(`${t}.${rawBody}`, 'utf8').digest('hex');

/** The `Keyhold-Signature` header value for a body sent at `at`. */
export function signWebhook(secret: string, rawBody: string, at: Date): string {
  const t = String(toUnixSeconds(at));
  return `t=${t},v1=${hmacHex(secret, t, rawBody)}`;
}

/**
 * Whether a delivery was signed with `secret` within `toleranceSeconds` of
 * `now`. The signature is checked before the clock, so a forged request is
 * always `bad_signature`, never merely stale.
 */
export function verifyWebhook(
  secret: string,
  rawBody: string,
  header: string | null,
  now: Date,
  toleranceSeconds = 300,
): WebhookVerification {
  if (header === null || header.trim() === '') return { ok: false, reason: 'missing_signature' };

  let t: string | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && t === undefined) t = value;
    else if (key === 'v1') candidates.push(value);
  }
  if (t === undefined || !/^\d{1,12}$/.test(t) || candidates.length === 0) {
    return { ok: false, reason: 'bad_signature' };
  }

  const expected = Buffer.from(hmacHex(secret, t, rawBody), 'hex');
  // Every candidate is compared, in constant time, so timing says nothing about which matched.
  let matched = false;
  for (const candidate of candidates) {
    if (!/^[0-9a-f]{64}$/i.test(candidate)) continue;
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
  }
  if (!matched) return { ok: false, reason: 'bad_signature' };

  if (Math.abs(toUnixSeconds(now) - Number(t)) > toleranceSeconds) {
    return { ok: false, reason: 'stale_timestamp' };
  }
  return { ok: true };
}

/** A new webhook secret: `whsec_` and 32 random bytes, base64url. Shown once, stored encrypted. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}
