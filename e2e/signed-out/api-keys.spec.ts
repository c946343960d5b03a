import { spawnSync } from 'node:child_process';
import { expect, test } from '@playwright/test';
import { E2E } from '../settings';

test('an admin creates an API key, sees it once, uses it with the Seam-style API, and revokes it', async ({
  page,
}) => {
  await page.goto('/sign-in?callbackUrl=/settings');
  await page.getByLabel('Email').fill(E2E.users.admin.email);
  await page.getByLabel('Password').fill(E2E.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'API keys' })).toBeVisible();

  const name = `Channel manager ${Date.now()}`;
  await page.getByLabel('New key name').fill(name);
  await page.getByRole('button', { name: 'Create API key' }).click();
  const shown = page.getByTestId('new-api-key');
  await expect(shown).toHaveText(/^seam_kh_/);
  const apiKey = (await shown.textContent()) ?? '';

  const devices = await page.request.get('/api/seam/devices/list', {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  expect(devices.status()).toBe(200);
  expect(devices.headers()['seam-request-id']).toBeTruthy();
  const body = await devices.json();
  expect(body.ok).toBe(true);
  expect(body.devices).toHaveLength(13);

  // The README's example, written for Seam's SDK, runs against Keyhold as is.
  const example = spawnSync(process.execPath, ['examples/seam-sdk.mjs'], {
    env: {
      ...process.env,
      KEYHOLD_URL: `http://127.0.0.1:${E2E.port}`,
      KEYHOLD_API_KEY: apiKey,
      KEYHOLD_LOCK: 'Room 206',
    },
    encoding: 'utf8',
    timeout: 20_000,
  });
  expect(example.stderr).toBe('');
  expect(example.status).toBe(0);
  expect(example.stdout).toContain('13 locks; using Room 206');
  expect(example.stdout).toMatch(/Created access code [0-9a-f-]{36}: status unset/);
  expect(example.stdout).toMatch(/Your access code is: \d{6}/);

  // Shown once: after a reload only its first characters remain.
  await page.reload();
  await expect(page.getByTestId('new-api-key')).toHaveCount(0);
  await expect(page.locator('body')).not.toContainText(apiKey);
  const row = page.getByTestId('api-key-row').filter({ hasText: name });
  await expect(row).toContainText(apiKey.slice(0, 12));
  await expect(row).not.toContainText('Never');

  // Revoking asks first, in place.
  await row.getByRole('button', { name: 'Revoke…' }).click();
  await row.getByRole('button', { name: 'Yes, revoke' }).click();
  await expect(row).toContainText('Revoked');
  const refused = await page.request.get('/api/seam/devices/list', {
    headers: { authorization: `Bearer ${apiKey}` },
  });
  expect(refused.status()).toBe(401);
  expect((await refused.json()).error.type).toBe('unauthorized');
});

test('an empty key name is refused with a message', async ({ page }) => {
  await page.goto('/sign-in?callbackUrl=/settings');
  await page.getByLabel('Email').fill(E2E.users.admin.email);
  await page.getByLabel('Password').fill(E2E.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Create API key' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Name is required.' })).toBeVisible();
  await expect(page.getByTestId('new-api-key')).toHaveCount(0);
});
