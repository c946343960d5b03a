import { expect, type Page, test } from '@playwright/test';
import { E2E } from '../settings';

async function signIn(page: Page, email: string, password: string) {
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  // Wait for the server action's answer, so the next step sees this attempt's outcome.
  await Promise.all([
    page.waitForResponse((r) => r.request().method() === 'POST'),
    page.getByRole('button', { name: 'Sign in' }).click(),
  ]);
}

/** A sign-in the server refuses: its answer rendered before anything else is typed. */
async function refusedSignIn(page: Page, email: string, password: string) {
  await signIn(page, email, password);
  // React clears the form once it has rendered the answer; typing before that
  // (on a busy machine) would be wiped and sent as an empty password.
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeEnabled();
  await expect(page.getByLabel('Password')).toHaveValue('');
}

const formError = (page: Page) => page.getByRole('alert').filter({ hasText: /\w/ });

async function hasSession(page: Page) {
  const cookies = await page.context().cookies();
  return cookies.some((c) => c.name.includes('session-token'));
}

test('a signed-out visit to a dashboard page goes to sign-in, then back', async ({ page }) => {
  await page.goto('/settings');
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fsettings/);
  await signIn(page, E2E.users.admin.email, E2E.password);
  await expect(page).toHaveURL(/\/settings$/);
  await expect(page.getByRole('heading', { name: 'Members' })).toBeVisible();

  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  expect(await hasSession(page)).toBe(false);
  await page.goto('/locks');
  await expect(page).toHaveURL(/\/sign-in/);
});

test('a wrong password and an unknown email get the same error and no session', async ({
  page,
}) => {
  await page.goto('/sign-in');
  await refusedSignIn(page, E2E.users.owner.email, 'not the password');
  const alert = formError(page);
  await expect(alert).toHaveText('Email or password is incorrect.');
  await expect(page.getByLabel('Email')).toHaveValue(E2E.users.owner.email);
  await expect(page.getByLabel('Password')).toHaveValue('');
  expect(await hasSession(page)).toBe(false);

  await refusedSignIn(page, 'nobody@harbor.example', 'not the password');
  await expect(alert).toHaveText('Email or password is incorrect.');
  expect(await hasSession(page)).toBe(false);
  await expect(page).toHaveURL(/\/sign-in/);
});

test('empty fields and a 10 KB password are named, without a stack trace', async ({ page }) => {
  await page.goto('/sign-in');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Enter your email.')).toBeVisible();
  await expect(page.getByText('Enter your password.')).toBeVisible();

  await refusedSignIn(page, E2E.users.owner.email, 'x'.repeat(10 * 1024));
  await expect(page.getByText('Password must be at most 1024 characters.')).toBeVisible();
  await expect(page.locator('body')).not.toContainText(/at \w+ \(|Error:/);
  expect(await hasSession(page)).toBe(false);
});

test('repeated failures for one email are slowed down', async ({ page }) => {
  const email = 'locked.out@harbor.example';
  await page.goto('/sign-in');
  for (let i = 0; i < 5; i++) {
    await refusedSignIn(page, email, `guess number ${i}`);
    await expect(formError(page)).toHaveText('Email or password is incorrect.');
  }
  await refusedSignIn(page, email, 'guess number 6');
  await expect(formError(page)).toHaveText(
    'Too many failed sign-ins. Wait a few minutes, then try again.',
  );
});

test('API and operations endpoints answer without a session', async ({ request }) => {
  const locks = await request.get('/api/locks');
  expect(locks.status()).toBe(401);
  expect((await locks.json()).error.code).toBe('unauthenticated');

  const health = await request.get('/api/health');
  expect(health.status()).toBe(200);
  expect(await health.json()).toMatchObject({ status: 'ok', migrations: { current: true } });

  const refused = await request.post('/api/cron/tick', {
    headers: { authorization: 'Bearer wrong-secret' },
  });
  expect(refused.status()).toBe(401);
  const tick = await request.post('/api/cron/tick', {
    headers: { authorization: `Bearer ${E2E.cronSecret}` },
  });
  expect(tick.status()).toBe(200);
  const after = await (await request.get('/api/health')).json();
  expect(after.lastTickAgeSeconds).toBeLessThan(10);
  expect(health.headers()['x-request-id']).toBeTruthy();
});

test('a signed-out browser gets the icons and web manifest the page links to', async ({
  page,
  request,
}) => {
  await page.goto('/sign-in');
  const linked = await page
    .locator('link[rel="icon"], link[rel="apple-touch-icon"], link[rel="manifest"]')
    .evaluateAll((links) => links.map((link) => link.getAttribute('href') ?? ''));
  expect(linked.sort()).toEqual([
    '/apple-touch-icon.png',
    '/favicon.ico',
    '/icon.svg',
    '/manifest.webmanifest',
  ]);
  // Fetched without cookies, as browsers fetch a manifest: a redirect to sign-in would be a 307.
  for (const href of [...linked, '/icon-192.png', '/icon-512.png']) {
    expect((await request.get(href, { maxRedirects: 0 })).status(), href).toBe(200);
  }
  const manifest = await (await request.get('/manifest.webmanifest')).json();
  expect(manifest).toMatchObject({ name: 'Keyhold', start_url: '/', display: 'standalone' });
});
