import { expect, type Page, test } from '@playwright/test';
import { E2E, type Role } from '../settings';

const roleOf = (info: { project: { metadata: Record<string, unknown> } }) =>
  info.project.metadata.role as Role;

/** Set the pool size on the settings form; answers what the form said once saved. */
async function savePoolSize(page: Page, poolSize: string): Promise<string> {
  const form = page.getByTestId('defaults-form');
  await form.getByLabel('Backup codes per lock').fill(poolSize);
  await form.getByRole('button', { name: 'Save defaults' }).click();
  const saved = form.getByTestId('defaults-saved');
  await expect(saved).toBeVisible();
  return (await saved.textContent()) ?? '';
}

test('an admin changes the backup pool size, sees it saved and in the audit log', async ({
  page,
}, info) => {
  if (roleOf(info) !== 'admin') {
    // Settings and the audit log are for admins; for anyone else the page is not there.
    expect((await page.goto('/settings'))?.status()).toBe(404);
    return;
  }
  await page.goto('/settings');
  const pool = page.getByTestId('defaults-form').getByLabel('Backup codes per lock');
  const original = await pool.inputValue();
  // Lower when it can: pools are not trimmed, so the locks other specs count keep their codes.
  const changed = original === '0' ? '1' : String(Number(original) - 1);
  try {
    expect(await savePoolSize(page, changed)).toBe('Saved: Backup codes per lock.');
    await page.reload();
    await expect(pool).toHaveValue(changed);

    await page.goto('/audit');
    await page.getByLabel('What').selectOption({ label: 'Organization and settings' });
    await page.getByLabel('Who').selectOption({ label: E2E.users.admin.name });
    await page.getByRole('button', { name: 'Filter' }).click();
    await expect(page).toHaveURL(/action=organization\./);
    const row = page
      .getByTestId('audit-row')
      .filter({ hasText: `backup codes per lock ${original} → ${changed}` })
      .first();
    await expect(row).toContainText(E2E.users.admin.name);
    await expect(row).toContainText('Organization');
  } finally {
    // Other specs share this organization: put the size back whatever happened above.
    await page.goto('/settings');
    // "Nothing changed." when the change above never happened.
    await savePoolSize(page, original);
  }
});

test('a bad default is refused next to its field and nothing is saved', async ({ page }, info) => {
  if (roleOf(info) !== 'admin') {
    expect((await page.goto('/settings'))?.status()).toBe(404);
    return;
  }
  await page.goto('/settings');
  const form = page.getByTestId('defaults-form');
  const lead = form.getByLabel('Programming lead time (minutes)');
  const original = await lead.inputValue();
  await lead.fill('99999');
  await form.getByRole('button', { name: 'Save defaults' }).click();
  await expect(form.getByRole('alert')).toHaveText('Programming lead time must be at most 10080.');
  await expect(lead).toHaveAttribute('aria-invalid', 'true');
  await page.reload();
  await expect(lead).toHaveValue(original);
});

test('owners and front desk do not find settings or the audit log', async ({ page }, info) => {
  if (roleOf(info) === 'admin') {
    for (const path of ['/settings', '/audit']) expect((await page.goto(path))?.status()).toBe(200);
    return;
  }
  for (const path of ['/settings', '/audit', '/audit?action=member.']) {
    const response = await page.goto(path);
    expect(response?.status()).toBe(404);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
    await expect(page.getByTestId('audit-row')).toHaveCount(0);
  }
});
