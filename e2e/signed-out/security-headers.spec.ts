import { expect, test } from '@playwright/test';
import { expectNoCspViolations } from '../csp';

// Finding 18.7: no security headers on any page. The pages run under a nonce
// policy; these check that it blocks nothing Keyhold itself needs.
test('the sign-in page renders and works under its security headers', async ({ page }) => {
  await expectNoCspViolations(page, '/sign-in');
  // Hydrated: the form's client-side validation runs (scripts were allowed).
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByLabel('Email')).toBeFocused();
});

test('an invitation link (unknown here) renders under its security headers', async ({ page }) => {
  await expectNoCspViolations(page, '/invite/no-such-invitation');
});

test('pages and JSON both carry nosniff, a referrer policy and no framing', async ({ request }) => {
  for (const path of ['/sign-in', '/api/health']) {
    const response = await request.get(path);
    const headers = response.headers();
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    // Served over http here: no HSTS.
    expect(headers['strict-transport-security']).toBeUndefined();
  }
  // Static files skip the proxy; next.config.mjs sets these two on them.
  const icon = (await request.get('/icon.svg')).headers();
  expect(icon['x-content-type-options']).toBe('nosniff');
  expect(icon['referrer-policy']).toBe('strict-origin-when-cross-origin');
});
