import { expect, type Page, test } from '@playwright/test';
import { E2E } from '../settings';

// Runs after every other project but code-states (playwright.config.ts):
// connecting adds three locks to the demo, which the other specs count.
// connect-zwave.spec.ts runs beside it and adds a connection of its own, so
// this spec looks only at its own row.

const [ROOM_401, ROOM_402] = E2E.seam.locks;

async function connectForm(page: Page) {
  await page.goto('/settings');
  const section = page.getByRole('region', { name: 'Lock connections' });
  await expect(section).toBeVisible();
  return { section, form: section.getByRole('form', { name: 'Connect a Seam workspace' }) };
}

test('an admin connects a Seam workspace; its locks get backup pools and guest codes from the tick', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const { section, form } = await connectForm(page);
  const row = section.getByTestId('connection-row').filter({ hasText: 'Harbor Seam' });
  await expect(row).toHaveCount(0);

  // A key Seam does not know: refused, nothing kept.
  await form.getByLabel('Connection name').fill('Harbor Seam');
  await form.getByLabel('Seam API key').fill('seam_not_this_workspace');
  await form.getByRole('button', { name: 'Connect' }).click();
  await expect(form.getByRole('alert')).toHaveText('Seam did not accept this API key.');
  await expect(form.getByLabel('Seam API key')).toHaveAttribute('aria-invalid', 'true');
  await expect(row).toHaveCount(0);

  await form.getByLabel('Seam API key').fill(E2E.seam.apiKey);
  await form.getByRole('button', { name: 'Connect' }).click();
  await expect(form.getByRole('status')).toHaveText(
    /^Connected “Harbor Seam”: 3 locks imported into .+\.$/,
  );
  // The key is never shown again, not even in the field it was typed into.
  await expect(form.getByLabel('Seam API key')).toHaveValue('');
  await expect(page.locator('body')).not.toContainText(E2E.seam.apiKey);
  await expect(row.getByTestId('connection-status')).toHaveText('Connected');
  await expect(row.getByTestId('connection-locks')).toContainText('3');

  // Its locks are Keyhold locks now, reached through Seam; the tick fills their pools
  // once Seam reports each code on the lock (the e2e server plays a quick lock).
  await page.goto('/locks?search=Seam');
  await expect(page.getByTestId('lock-row')).toHaveCount(3);
  await page.getByRole('link', { name: ROOM_401, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: ROOM_401 })).toBeVisible();
  await expect(page.getByTestId('lock-service')).toContainText(
    'Through Seam · Harbor Seam · Connected',
  );
  const pool = page.getByTestId('backup-pool');
  await expect(pool).toContainText(/5\s*of\s*5\s*ready/, { timeout: 45_000 });
  // The pool can be turned off and on again from the lock's page.
  await pool.getByRole('button', { name: 'Turn the backup pool off' }).click();
  await expect(pool).toContainText('The backup pool is off for this lock');
  await pool.getByRole('button', { name: 'Keep a backup pool on this lock' }).click();
  await expect(pool.getByRole('status')).toContainText('Backup pool on');
  await expect(pool).toContainText(/of\s*5\s*ready/);

  // A guest arriving now gets a code on the Seam lock.
  const guest = `Ines Seam ${Date.now().toString(36)}`;
  await page.goto('/reservations/new');
  await page.getByLabel('Guest name').fill(guest);
  await page.getByLabel(/^Check-in time/).fill('00:00');
  await page.getByRole('checkbox', { name: ROOM_402 }).check();
  await page.getByRole('button', { name: 'Create reservation' }).click();
  await expect(page.getByRole('heading', { name: guest })).toBeVisible();
  const status = page
    .getByTestId('guest-code')
    .filter({ hasText: ROOM_402 })
    .getByTestId('code-status');
  await expect(status).toHaveText('Set on the lock', { timeout: 45_000 });
  await expect(
    page
      .getByTestId('history-entry')
      .filter({ hasText: 'waiting for it to reach the lock' })
      .first(),
  ).toBeVisible();
});
