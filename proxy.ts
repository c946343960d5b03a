import { type NextRequest, NextResponse } from 'next/server';
import { actionBodyDecodes } from '@/lib/http/action-body';
import { requestIdFrom } from '@/lib/http/request-id';
import {
  applySecurityHeaders,
  JSON_POLICY,
  newNonce,
  pagePolicy,
  servedOverHttps,
} from '@/lib/http/security-headers';

// Names Auth.js gives its session cookie over http and https.
const SESSION_COOKIES = ['authjs.session-token', '__Secure-authjs.session-token'];

// An invitation's link works signed out: a new person creates their account there.
const PUBLIC_PATHS = ['/sign-in', '/api/', '/invite/'];

/**
 * Runs before routing for pages: tags the request with an id for the logs,
 * sets the security headers with the page's script nonce
 * (lib/http/security-headers.ts), refuses what Next itself would fail on (an
 * undecodable path, a server action's undecodable body), and sends visitors
 * without a session cookie to sign-in. This is a convenience, not a guard:
 * every page, action and route handler checks the member itself
 * (lib/http/session.ts).
 *
 * The JSON API skips it (see `config`): every route authenticates itself and
 * its shell sets the request id and headers (lib/http/route.ts, the
 * Seam-style handler), so an API request pays only for its own work.
 */
export default async function proxy(request: NextRequest) {
  const requestId = requestIdFrom(request.headers.get('x-request-id'));
  const { pathname, search } = request.nextUrl;
  const https = servedOverHttps(request.nextUrl, request.headers.get('x-forwarded-proto'));

  // A path whose percent-escapes do not decode (`/api/locks/%`, `/%zz`) names
  // nothing; Next would fail decoding its params and answer 500.
  if (!decodes(pathname)) {
    const response = pathname.startsWith('/api/')
      ? NextResponse.json({ error: { code: 'not_found', message: 'Not found.' } }, { status: 404 })
      : new NextResponse('Not found.', { status: 404, headers: { 'content-type': 'text/plain' } });
    response.headers.set('x-request-id', requestId);
    applySecurityHeaders(response.headers, JSON_POLICY, https);
    return response;
  }

  // A server action whose body Next cannot decode would be a 500 inside Next.
  if (
    request.method === 'POST' &&
    request.headers.has('next-action') &&
    !(await actionBodyDecodes(request))
  ) {
    const response = new NextResponse("Bad request: the action's input cannot be read.", {
      status: 400,
      headers: { 'content-type': 'text/plain' },
    });
    response.headers.set('x-request-id', requestId);
    applySecurityHeaders(response.headers, JSON_POLICY, https);
    return response;
  }

  const isPublic = PUBLIC_PATHS.some((p) => pathname === p || pathname.startsWith(p));
  const hasSession = SESSION_COOKIES.some((name) => request.cookies.has(name));
  if (!isPublic && !hasSession) {
    const url = request.nextUrl.clone();
    url.pathname = '/sign-in';
    url.search = `?callbackUrl=${encodeURIComponent(pathname + search)}`;
    const response = NextResponse.redirect(url);
    response.headers.set('x-request-id', requestId);
    applySecurityHeaders(response.headers, JSON_POLICY, https);
    return response;
  }

  const forwarded = new Headers(request.headers);
  forwarded.set('x-request-id', requestId);
  forwarded.set('x-keyhold-path', pathname + search);
  // Auth.js may answer under /api/auth/ with its own HTML pages (error, sign-out).
  const isPage = !pathname.startsWith('/api/') || pathname.startsWith('/api/auth/');
  let policy = JSON_POLICY;
  if (isPage) {
    const nonce = newNonce();
    policy = pagePolicy(nonce, { https, dev: process.env.NODE_ENV === 'development' });
    // Next takes the nonce for its own scripts from the request's policy.
    forwarded.set('content-security-policy', policy);
    forwarded.set('x-nonce', nonce);
  }
  const response = NextResponse.next({ request: { headers: forwarded } });
  response.headers.set('x-request-id', requestId);
  applySecurityHeaders(response.headers, policy, https);
  return response;
}

function decodes(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

// Static files skip the proxy: the icons and the web manifest are fetched
// without cookies (browsers send none for a manifest), so a redirect to sign-in
// would break them. The API skips it too, but for Auth.js's own pages and for
// paths with a percent-escape: Next answers 500 to one that does not decode
// (`/api/locks/%`) before any handler runs, so the proxy answers 404.
export const config = {
  matcher: [
    '/((?!api/|_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|webmanifest)$).*)',
    '/api/auth/:path*',
    '/(api/.*%.*)',
  ],
};
