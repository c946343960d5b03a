import { test } from '@playwright/test';
import { expectNoCspViolations } from '../csp';

// Finding 18.7: every role's pages under the nonce policy, including a page
// the role may not open and an unknown path (both render the 404 page).
for (const path of ['/', '/locks', '/reservations', '/front-desk', '/settings', '/no-such-page']) {
  test(`${path} renders with no Content Security Policy violation`, async ({ page }) => {
    await expectNoCspViolations(page, path);
  });
}
