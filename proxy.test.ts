import { readFileSync } from 'node:fs';
import { unstable_doesMiddlewareMatch } from 'next/experimental/testing/server';
import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import { JSON_POLICY, pagePolicy } from '@/lib/http/security-headers';
import proxy, { config } from '@/proxy';

// Finding 18.5: paths whose percent-escapes do not decode answered 500 from
// Next's own param decoding (checked against `next start`: 6 of 6).
describe('proxy', () => {
  it.each(['/api/locks/%', '/%zz', '/api/reservations/%E0%A4%A', '/api/seam/access_codes/%'])(
    'answers 404 to the undecodable path %s, signed in or not',
    async (path) => {
      for (const cookie of ['', 'authjs.session-token=x']) {
        const response = await proxy(
          new NextRequest(`http://127.0.0.1${path}`, { headers: cookie ? { cookie } : {} }),
        );
        expect(response.status).toBe(404);
        expect(response.headers.get('x-request-id')).toMatch(/\S/);
      }
    },
  );

  // Finding 18.5: Next answered 500 ("Unexpected end of JSON input") to these.
  it.each([
    ['unterminated JSON', 'text/plain;charset=UTF-8', '["$K1", {"a":'],
    ['no body at all', 'text/plain;charset=UTF-8', ''],
    ['a multipart body without its boundary', 'multipart/form-data; boundary=kh', 'garbage'],
  ])('answers 400 to a server action with %s, before Next decodes it', async (_, type, body) => {
    const response = await proxy(
      new NextRequest('http://127.0.0.1/locks', {
        method: 'POST',
        headers: { cookie: 'authjs.session-token=x', 'next-action': '40abc', 'content-type': type },
        body,
      }),
    );
    expect(response.status).toBe(400);
    expect(await response.text()).toMatch(/cannot be read/);
  });

  it('passes a server action whose body decodes, and leaves the body for it', async () => {
    const request = new NextRequest('http://127.0.0.1/locks', {
      method: 'POST',
      headers: {
        cookie: 'authjs.session-token=x',
        'next-action': '40abc',
        'content-type': 'text/plain;charset=UTF-8',
      },
      body: '[{"deviceId":"x"}]',
    });
    const response = await proxy(request);
    expect(response.status).toBe(200);
    expect(response.headers.get('x-middleware-next')).toBe('1');
    expect(await request.text()).toBe('[{"deviceId":"x"}]');
  });

  it('passes a path with good escapes through', async () => {
    const response = await proxy(
      new NextRequest('http://127.0.0.1/api/locks/caf%C3%A9', {
        headers: { cookie: 'authjs.session-token=x' },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-middleware-next')).toBe('1');
  });
});

// Finding 18.7: no security headers on any page.
describe('security headers', () => {
  const signedIn = { cookie: 'authjs.session-token=x' };
  const csp = (response: Response) => response.headers.get('content-security-policy') ?? '';
  const nonceOf = (policy: string) => /'nonce-([A-Za-z0-9+/=]+)'/.exec(policy)?.[1];

  it('gives a page a fresh script nonce and hands the same policy to Next to render with', async () => {
    const first = await proxy(new NextRequest('http://127.0.0.1/locks', { headers: signedIn }));
    const second = await proxy(new NextRequest('http://127.0.0.1/locks', { headers: signedIn }));
    const nonce = nonceOf(csp(first));
    expect(nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(nonceOf(csp(second))).not.toBe(nonce);
    expect(csp(first)).toContain(`script-src 'self' 'nonce-${nonce}' 'strict-dynamic'`);
    expect(csp(first)).not.toContain('unsafe-eval');
    // Next reads the nonce from the request's policy and puts it on its own scripts.
    expect(first.headers.get('x-middleware-request-content-security-policy')).toBe(csp(first));
    expect(first.headers.get('x-middleware-request-x-nonce')).toBe(nonce);
  });

  it.each([
    ['a dashboard page', '/locks', signedIn],
    ['the sign-in page', '/sign-in', {}],
    ['an invitation', '/invite/abc', {}],
  ])('sends the page policy, nosniff and a referrer policy on %s', async (_, path, headers) => {
    const response = await proxy(new NextRequest(`http://127.0.0.1${path}`, { headers }));
    expect(csp(response)).toContain("default-src 'self'");
    expect(csp(response)).toContain("frame-ancestors 'none'");
    expect(csp(response)).toContain("object-src 'none'");
    expect(csp(response)).toContain("base-uri 'self'");
    expect(csp(response)).toContain("form-action 'self'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });

  it('gives JSON routes a policy that allows nothing to load and no framing', async () => {
    const response = await proxy(
      new NextRequest('http://127.0.0.1/api/locks', { headers: signedIn }),
    );
    expect(csp(response)).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });

  it.each([
    ['the sign-in redirect', 'http://127.0.0.1/settings', 307],
    ['an undecodable path', 'http://127.0.0.1/%zz', 404],
  ])('sends them on %s too', async (_, url, status) => {
    const response = await proxy(new NextRequest(url));
    expect(response.status).toBe(status);
    expect(csp(response)).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
  });

  it('sends HSTS (and upgrades subresources) only over https', async () => {
    const hsts = 'max-age=31536000; includeSubDomains';
    const plain = await proxy(new NextRequest('http://127.0.0.1/locks', { headers: signedIn }));
    expect(plain.headers.get('strict-transport-security')).toBeNull();
    expect(csp(plain)).not.toContain('upgrade-insecure-requests');

    const direct = await proxy(
      new NextRequest('https://keyhold.example/locks', { headers: signedIn }),
    );
    expect(direct.headers.get('strict-transport-security')).toBe(hsts);
    expect(csp(direct)).toContain('upgrade-insecure-requests');

    // Behind a proxy that ends TLS (what lib/auth/config.ts also trusts for its cookies).
    for (const [proto, expected] of [
      ['https', hsts],
      ['https, http', hsts],
      ['http', null],
    ] as const) {
      const response = await proxy(
        new NextRequest('http://127.0.0.1/api/locks', {
          headers: { ...signedIn, 'x-forwarded-proto': proto },
        }),
      );
      expect(response.headers.get('strict-transport-security')).toBe(expected);
    }
  });
});

describe('pagePolicy', () => {
  it('allows eval only for next dev (its error overlay), never in a build', async () => {
    expect(pagePolicy('n', { https: false, dev: true })).toContain(
      "script-src 'self' 'nonce-n' 'strict-dynamic' 'unsafe-eval';",
    );
    expect(pagePolicy('n', { https: false, dev: false })).not.toContain('unsafe-eval');
  });
});

// Issue 23: the proxy cost every API request ~40% of the framework's speed.
// It runs before pages only; the API authenticates itself and sets its own headers.
describe('where the proxy runs', () => {
  const runsOn = (url: string) =>
    unstable_doesMiddlewareMatch({ config, url: `http://127.0.0.1${url}` });

  it.each(['/', '/locks', '/reservations/abc/edit', '/sign-in', '/invite/abc', '/api'])(
    'runs before the page %s',
    (url) => expect(runsOn(url)).toBe(true),
  );

  it.each(['/api/auth/signin', '/api/auth/error?error=Configuration'])(
    "runs before Auth.js's own page %s",
    (url) => expect(runsOn(url)).toBe(true),
  );

  it.each([
    '/api/live',
    '/api/health',
    '/api/cron/tick',
    '/api/seam/access_codes/list?device_id=x',
    '/api/locks',
    '/api/sources/abc/webhook',
  ])('leaves the API route %s to authenticate itself', (url) => {
    expect(runsOn(url)).toBe(false);
  });

  it.each(['/api/locks/%', '/api/seam/access_codes/%', '/api/reservations/%E0%A4%A', '/%zz'])(
    'still runs on %s, so an undecodable path answers 404, not 500',
    (url) => expect(runsOn(url)).toBe(true),
  );

  it.each(['/icon.svg', '/manifest.webmanifest', '/_next/static/chunks/x.js'])(
    'skips the static file %s',
    (url) => expect(runsOn(url)).toBe(false),
  );
});

// Review of issue 23: what Next answers under /api itself (405, OPTIONS) gets
// its JSON policy from next.config.mjs, which cannot import the TypeScript one.
it('next.config.mjs gives the API the same JSON policy as the route shells', () => {
  const config = readFileSync(new URL('./next.config.mjs', import.meta.url), 'utf8');
  expect(config).toContain(`source: '/api/:path((?!auth/).*)'`);
  expect(config).toContain(`value: "${JSON_POLICY}"`);
});
