import { expect, type Page, test } from '@playwright/test';

/**
 * An offline lock does not flood everything (issue 16, case 5). Read only, on
 * Room 204, which the demo keeps offline with Aiko Tanaka arriving today: the
 * e2e server ticks every 2 s, so a few ticks pass while the page is watched.
 */

async function codesOn204(page: Page) {
  await page.goto('/locks?search=204');
  const row = page.getByTestId('lock-row').filter({ hasText: 'Room 204' });
  await expect(row).toHaveCount(1);
  return row;
}

test('an offline lock is one alert saying what waits for it, and its codes are not counted on it', async ({
  page,
}) => {
  test.setTimeout(60_000);
  await page.goto('/alerts');
  const offline = page
    .getByTestId('alert-group')
    .filter({ has: page.getByRole('heading', { name: /Locks offline/ }) });
  const room204 = offline.getByTestId('alert').filter({ hasText: 'Room 204' });
  await expect(room204).toContainText(
    /Room 204 offline since .*\d{2}:\d{2} — \d+ arrivals? .*waiting/,
    {
      timeout: 20_000,
    },
  );
  // Aiko's code waiting for the lock is told there, not as an alert of its own.
  await expect(page.getByTestId('alert').filter({ hasText: 'Room 204' })).toHaveCount(1);
  await expect(
    page
      .getByTestId('alert-group')
      .filter({ has: page.getByRole('heading', { name: /Codes waiting to be put on their lock/ }) })
      .getByTestId('alert')
      .filter({ hasText: 'Room 204' }),
  ).toHaveCount(0);

  // Nothing reached the lock, and the pool does not churn while it is away.
  let row = await codesOn204(page);
  await expect(row.getByTestId('codes-on-lock')).toHaveText(/^0\s*\/\s*20$/);
  await expect(row.getByTestId('pool')).toHaveText('0 ready');
  await page.waitForTimeout(7_000);
  row = await codesOn204(page);
  await expect(row.getByTestId('codes-on-lock')).toHaveText(/^0\s*\/\s*20$/);

  await page.goto('/alerts');
  await expect(page.getByTestId('alert').filter({ hasText: 'Room 204' })).toHaveCount(1);
});
