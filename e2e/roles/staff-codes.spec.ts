import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';
import type { Role } from '../settings';

// Owners and admins give a cleaner one code on a schedule; the desk never
// reaches the Staff pages. The admin makes the person (one project is enough:
// the rest is tested in lib/). Room 201 is a plain lock and Room 202 keeps
// schedules; no other spec counts codes on them.
const roleOf = (info: { project: { metadata: Record<string, unknown> } }) =>
  info.project.metadata.role as Role;

// What the catalogue calls a code on its way to (or on) the lock, never a problem.
const SCHEDULED = /^(Not on the lock yet|On the lock, from check-in|Being set|Set on the lock)$/;

test('an admin adds a cleaner with a weekly window on two rooms and sees the code scheduled on both', async ({
  page,
}, info) => {
  const role = roleOf(info);
  if (role === 'front_desk') {
    expect((await page.goto('/staff'))?.status()).toBe(404);
    await page.goto('/');
    await expect(page.getByRole('navigation').getByRole('link', { name: 'Staff' })).toHaveCount(0);
    return;
  }
  if (role === 'owner') {
    // Owners manage staff too; the admin project adds the person (one is enough, lib tests the rest).
    await page.goto('/staff');
    await expect(page.getByRole('heading', { level: 1, name: 'Staff' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Add a person' })).toBeVisible();
    return;
  }

  const name = `Carmen Cleaner ${Date.now().toString(36)}`;
  await page.goto('/staff');
  await expect(page.getByRole('heading', { level: 1, name: 'Staff' })).toBeVisible();
  await page.getByRole('link', { name: 'Add a person' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Add a person' })).toBeVisible();

  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Role').selectOption('cleaning');
  await page.getByRole('checkbox', { name: 'Room 201', exact: true }).check();
  await page.getByRole('checkbox', { name: 'Room 202', exact: true }).check();
  // Every day, so a window falls within the 72 hours codes are made for whenever this runs.
  const window = page.getByTestId('staff-window').first();
  for (const day of ['Sat', 'Sun']) await window.getByRole('checkbox', { name: day }).check();
  await window.getByLabel('From').fill('07:30');
  await window.getByLabel('Until').fill('17:30');
  await page.getByRole('button', { name: 'Add person' }).click();

  await expect(page).toHaveURL(/\/staff\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { level: 1, name })).toBeVisible();
  await expect(page.getByTestId('staff-code')).toHaveText(/^\d{6}$/);
  for (const room of ['Room 201', 'Room 202']) {
    const door = page.getByTestId('staff-door').filter({ hasText: room });
    await expect(door.getByTestId('staff-door-code').first()).toBeVisible();
    await expect(door.getByTestId('code-status').first()).toHaveText(SCHEDULED);
  }
  // The person's page passes the same scan as every other page (e2e/accessibility).
  const scan = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  expect(
    scan.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => v.id),
  ).toEqual([]);
  await page.screenshot({ path: info.outputPath('staff-member.png'), fullPage: true });

  // The list has them, with their windows in words.
  await page.goto('/staff');
  const row = page.getByTestId('staff-row').filter({ hasText: name });
  await expect(row).toContainText('Room 201, Room 202');
  await expect(row).toContainText('Every day 07:30–17:30');

  // Removing asks first; their codes then come off the locks.
  await row.getByRole('link', { name }).click();
  await page.getByRole('button', { name: 'Remove…' }).click();
  await page.getByRole('button', { name: 'Yes, remove' }).click();
  await expect(page).toHaveURL(/\/staff$/);
  await expect(page.getByTestId('staff-row').filter({ hasText: name })).toHaveCount(0);
});
