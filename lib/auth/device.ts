import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The cookie that marks a browser where someone signed in as an email before
 * (OWASP "device cookies"). Failed guesses elsewhere never refuse that
 * browser, so an attacker who keeps an email's failures high cannot keep its
 * owner out. The token is `id.mac`, the mac binding the id to the email under
 * AUTH_SECRET, so it cannot be made for an email without its password.
 */
export const DEVICE_COOKIE = 'keyhold-device';

/** A browser keeps tokens for this many emails (a shared front-desk computer). */
const MAX_TOKENS = 5;

function mac(secret: string, email: string, id: string): Buffer {
  return createHmac('sha256', secret).update(`sign-in-device\0${email}\0${id}`).digest();
}

/** A new token for this browser and email. */
export function issueDeviceToken(secret: string, email: string): string {
  const id = randomBytes(16).toString('base64url');
  return `${id}.${mac(secret, email, id).toString('base64url')}`;
}

/** The device id from the cookie's token for this email, or null when none is genuine. */
export function verifiedDevice(
  secret: string,
  email: string,
  cookie: string | undefined,
): string | null {
  for (const token of (cookie ?? '').split(' ').slice(0, MAX_TOKENS)) {
    const [id, presented] = token.split('.');
    if (!id || !presented || !/^[A-Za-z0-9_-]{22}$/.test(id)) continue;
    const expected = mac(secret, email, id);
    const given = Buffer.from(presented, 'base64url');
    if (given.length === expected.length && timingSafeEqual(given, expected)) return id;
  }
  return null;
}

/** The cookie value after a sign-in as `email`: its token first, others kept up to the limit. */
export function withDeviceToken(secret: string, email: string, cookie: string | undefined): string {
  const own = verifiedDevice(secret, email, cookie);
  const tokens = (cookie ?? '').split(' ').filter(Boolean);
  const mine = own ? tokens.find((t) => t.startsWith(`${own}.`)) : undefined;
  const others = tokens.filter((t) => t !== mine);
  return [mine ?? issueDeviceToken(secret, email), ...others].slice(0, MAX_TOKENS).join(' ');
}
