import { expect, test } from '@playwright/test';
import { E2E, type Role } from '../settings';

const roleOf = (info: { project: { metadata: Record<string, unknown> } }) =>
  info.project.metadata.role as Role;

test('shows the shell with the organization, the member and the locks list', async ({
  page,
}, info) => {
  const user = E2E.users[roleOf(info)];
  await page.goto('/locks');
  await expect(page.getByTestId('organization-name')).toHaveText('Harbor Hotel');
  await expect(page.getByTestId('signed-in-as')).toContainText(user.name);
  await expect(page.getByTestId('signed-in-as')).toContainText(user.label);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  await expect(page.getByTestId('lock-row')).toHaveCount(13);
  await expect(page.getByText('1–13 of 13 locks')).toBeVisible();
});

test('search narrows the list and shows the offline lock', async ({ page }) => {
  await page.goto('/locks');
  await page.getByLabel('Search locks').fill('204');
  await expect(page.getByTestId('lock-row')).toHaveCount(1);
  const row = page.getByTestId('lock-row').first();
  await expect(row).toContainText('Room 204');
  await expect(row).toContainText('Offline');
  await expect(page).toHaveURL(/search=204/);

  await page.getByLabel('Search locks').fill('no such room');
  await expect(page.getByText('No locks match “no such room”.')).toBeVisible();

  // Scanning for trouble: the offline filter finds the demo's offline lock.
  await page.getByLabel('Search locks').fill('');
  await page.getByLabel('Show').selectOption({ label: 'Offline' });
  await expect(page).toHaveURL(/show=offline/);
  await expect(page.getByTestId('lock-row').filter({ hasText: 'Room 204' })).toBeVisible();
  await expect(page.getByTestId('lock-row').filter({ hasText: 'Room 101' })).toHaveCount(0);
});

test('guest codes reach the locks on their own, and the list shows it live', async ({ page }) => {
  await page.goto('/locks?search=101');
  const row = page.getByTestId('lock-row').first();
  await expect(row).toContainText('Room 101');
  // Maya has been in-house since yesterday: the tick puts her code and the
  // lock's five backup codes on Room 101 within seconds, and the list
  // refreshes without a reload.
  await expect(row.getByTestId('codes-on-lock')).toHaveText('6 / 20', { timeout: 20_000 });
});

test('settings are for admins only', async ({ page }, info) => {
  const role = roleOf(info);
  const nav = page.getByRole('navigation', { name: 'Main' });
  await page.goto('/locks');
  const response = await page.goto('/settings');
  if (role === 'admin') {
    expect(response?.status()).toBe(200);
    await expect(page.getByRole('heading', { name: 'Members' })).toBeVisible();
    await expect(page.getByRole('cell', { name: 'frontdesk@harbor.example' })).toBeVisible();
    await expect(nav.getByRole('link', { name: 'Settings' })).toBeVisible();
  } else {
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await expect(page.getByText('frontdesk@harbor.example')).toHaveCount(0);
    await page.goto('/locks');
    await expect(nav.getByRole('link', { name: 'Settings' })).toHaveCount(0);
  }
});

test('the locks API answers for the member’s organization only', async ({ page }) => {
  const response = await page.request.get('/api/locks?search=101');
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.total).toBe(1);
  expect(body.locks[0].name).toBe('Room 101');
  const bad = await page.request.get('/api/locks?page=zero');
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatchObject({ code: 'invalid_input', field: 'page' });
});
