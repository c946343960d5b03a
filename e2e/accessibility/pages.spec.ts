import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, test } from '@playwright/test';

// Run once, signed in as an admin (who can open every page): the pages are the
// same for every role, minus what a role may not see. Which role may open
// which page is checked in e2e/roles/.
const PAGES = [
  { path: '/', name: 'arrivals' },
  { path: '/front-desk', name: 'front-desk' },
  { path: '/reservations', name: 'reservations' },
  { path: '/reservations/new', name: 'new-reservation' },
  { path: '/locks', name: 'locks' },
  { path: '/alerts', name: 'alerts' },
  { path: '/backup-codes', name: 'backup-codes' },
  { path: '/staff', name: 'staff' },
  { path: '/staff/new', name: 'add-staff-member' },
  { path: '/audit', name: 'audit' },
  { path: '/settings', name: 'settings' },
  { path: '/settings/messages', name: 'guest-messages' },
  { path: '/settings/sources', name: 'reservation-sources' },
  { path: '/settings/webhooks', name: 'webhooks' },
  { path: '/reservations/import', name: 'csv-import' },
  { path: '/locks/replace', name: 'replace-lock' },
  { path: '/locks/groups', name: 'lock-groups' },
  { path: '/locks/forecast', name: 'slot-forecast' },
];

/** Serious and critical WCAG 2 A/AA problems on the page as it is now. */
async function seriousViolations(page: Page) {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa']).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

async function scan(page: Page, name: string, outputPath: (name: string) => string) {
  await page.getByRole('heading', { level: 1 }).first().waitFor();
  expect(await seriousViolations(page)).toEqual([]);
  // Kept with the run's results (not committed), to look at each page.
  await page.screenshot({ path: outputPath(`${name}.png`), fullPage: true });
}

for (const { path, name } of PAGES) {
  test(`${name} passes an accessibility scan`, async ({ page }, info) => {
    const response = await page.goto(path);
    expect(response?.status()).toBe(200);
    await scan(page, name, (file) => info.outputPath(file));
  });
}

test('a lock’s page and a reservation’s page pass an accessibility scan', async ({
  page,
}, info) => {
  await page.goto('/locks?search=101');
  await page.getByRole('link', { name: 'Room 101' }).first().click();
  await expect(page).toHaveURL(/\/locks\/[0-9a-f-]{36}$/);
  await scan(page, 'lock', (file) => info.outputPath(file));

  await page.goto('/reservations?search=Maya');
  await page.getByRole('link', { name: 'Maya Lindqvist' }).first().click();
  await expect(page).toHaveURL(/\/reservations\/[0-9a-f-]{36}$/);
  await scan(page, 'reservation', (file) => info.outputPath(file));
});

test('the arrivals board, front desk and alerts fit a phone without sideways scrolling', async ({
  page,
}, info) => {
  await page.setViewportSize({ width: 390, height: 844 });
  for (const path of ['/', '/front-desk', '/alerts', '/reservations']) {
    await page.goto(path);
    await page.getByRole('heading', { level: 1 }).first().waitFor();
    const overflow = await page.evaluate(
      () => document.documentElement.scrollWidth - window.innerWidth,
    );
    expect(overflow, path).toBeLessThanOrEqual(0);
  }
  await page.goto('/');
  await page.screenshot({ path: info.outputPath('arrivals-phone.png'), fullPage: true });
});
