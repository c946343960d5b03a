import { NextRequest } from 'next/server';
import { describe, expect, it } from 'vitest';
import proxy from '@/proxy';

// Finding 18.5: paths whose percent-escapes do not decode answered 500 from
// Next's own param decoding (checked against `next start`: 6 of 6).
describe('proxy', () => {
  it.each(['/api/locks/%', '/%zz', '/api/reservations/%E0%A4%A', '/api/seam/access_codes/%'])(
    'answers 404 to the undecodable path %s, signed in or not',
    async (path) => {
      for (const cookie of ['', 'authjs.session-token=x']) {
        const response = proxy(
          new NextRequest(`http://127.0.0.1${path}`, { headers: cookie ? { cookie } : {} }),
        );
        expect(response.status).toBe(404);
        expect(response.headers.get('x-request-id')).toMatch(/\S/);
      }
    },
  );

  it('passes a path with good escapes through', () => {
    const response = proxy(
      new NextRequest('http://127.0.0.1/api/locks/caf%C3%A9', {
        headers: { cookie: 'authjs.session-token=x' },
      }),
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('x-middleware-next')).toBe('1');
  });
});
