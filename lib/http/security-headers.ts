// The security headers every response carries (issue 18 finding 7): set by
// proxy.ts on pages, by `applyApiHeaders` on the API's JSON (which skips the proxy).

import { randomBytes } from 'node:crypto';

/** Sent with every response: pages, JSON, redirects and 404s alike. */
export const COMMON_SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  // Other sites learn only the origin, never a path (reservation and lock ids).
  'Referrer-Policy': 'strict-origin-when-cross-origin',
} as const;

/** JSON loads nothing and is never framed. */
export const JSON_POLICY = "default-src 'none'; frame-ancestors 'none'";

export const HSTS = 'max-age=31536000; includeSubDomains';

/** 16 random bytes: a new one for every page request. */
export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

/**
 * The policy for pages. Scripts need the request's nonce ('strict-dynamic'
 * lets Next's nonced scripts load their chunks); Next reads the nonce from this
 * same policy on the request and puts it on its own scripts, so every page must
 * render per request (all do: see `next build`, app/not-found.tsx). Styles
 * allow 'unsafe-inline' because React renders `style` attributes (the lock
 * timeline's bars); a nonce cannot cover attributes. `next dev` needs eval
 * for its error overlay.
 */
export function pagePolicy(nonce: string, options: { https: boolean; dev: boolean }): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${options.dev ? " 'unsafe-eval'" : ''}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    ...(options.https ? ['upgrade-insecure-requests'] : []),
  ].join('; ');
}

/**
 * Whether the browser reached us over https: directly, or through a proxy that
 * ended TLS and says so (the first X-Forwarded-Proto entry is the client's).
 * A browser ignores HSTS sent over plain http, so a forged header gains nothing.
 */
export function servedOverHttps(url: URL, forwardedProto: string | null): boolean {
  if (url.protocol === 'https:') return true;
  return forwardedProto?.split(',')[0]?.trim().toLowerCase() === 'https';
}

/** Sets the headers on a response; `policy` is the page or JSON policy. */
export function applySecurityHeaders(headers: Headers, policy: string, https: boolean): void {
  headers.set('Content-Security-Policy', policy);
  for (const [name, value] of Object.entries(COMMON_SECURITY_HEADERS)) headers.set(name, value);
  if (https) headers.set('Strict-Transport-Security', HSTS);
}

/**
 * What every API answer carries besides its body: its request id and the
 * security headers the proxy gives pages. The API skips the proxy (issue 23),
 * so the route shells (lib/http/route.ts, the Seam-style handler) set these.
 */
export function applyApiHeaders(headers: Headers, request: Request, requestId: string): void {
  headers.set('x-request-id', requestId);
  const https = servedOverHttps(new URL(request.url), request.headers.get('x-forwarded-proto'));
  applySecurityHeaders(headers, JSON_POLICY, https);
}
