import { expect, type Page, test } from '@playwright/test';
import type { Role } from '../settings';

// Issue 16's smaller truths, each as a person meets it. Whatever one changes
// is made under its own name and undone, so the other specs' demo stays as it was.

const roleOf = (info: { project: { metadata: Record<string, unknown> } }) =>
  info.project.metadata.role as Role;

const PHONE = { width: 375, height: 812 };

/** A date `days` from today as the form takes it ("2026-12-24"). */
function dayFrom(days: number): string {
  const at = new Date();
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10);
}

/** The page fits its width: nothing pushes it sideways. */
async function expectNoSidewaysScroll(page: Page) {
  const overflow = await page.evaluate(
    () => document.documentElement.scrollWidth - window.innerWidth,
  );
  expect(overflow).toBeLessThanOrEqual(0);
}

test('changing a member’s role asks first and shows the new role, also after a reload', async ({
  page,
  browser,
}, info) => {
  if (roleOf(info) !== 'admin') {
    expect((await page.goto('/settings'))?.status()).toBe(404);
    return;
  }
  // A member of this test's own, so no signed-in role changes under another spec.
  const suffix = Date.now().toString(36);
  const name = `Rhea Role ${suffix}`;
  await page.goto('/settings');
  await page.getByLabel('Email').fill(`rhea.${suffix}@harbor.example`);
  await page.getByLabel('Name', { exact: true }).fill(name);
  await page.getByRole('button', { name: 'Invite member' }).click();
  const link = page.getByTestId('invitation-link');
  await expect(link).toContainText('/invite/inv_');

  // The invited person opens the link signed out and creates their account there.
  const invitee = await browser.newContext({ storageState: { cookies: [], origins: [] } });
  const theirPage = await invitee.newPage();
  await theirPage.goto((await link.textContent()) ?? '');
  await expect(theirPage.getByRole('heading', { name: /^Join / })).toBeVisible();
  await theirPage.getByLabel('Choose a password').fill('a good long password');
  await theirPage.getByRole('button', { name: 'Create account and join' }).click();
  await expect(theirPage).toHaveURL(/\/$/);
  await invitee.close();
  await page.reload();

  const role = page.getByLabel(`Role of ${name}`);
  await expect(role).toHaveValue('front_desk');
  await role.selectOption({ label: 'Owner' });
  await page.getByRole('button', { name: 'Change role' }).click();
  await expect(page.getByRole('dialog')).toContainText(
    `Change ${name}’s role from front desk to owner?`,
  );
  await page.getByRole('button', { name: `Yes, make ${name} owner` }).click();
  await expect(page.getByTestId('member-changed')).toHaveText(`${name} is now owner.`);
  await expect(role).toHaveValue('owner');
  await page.reload();
  await expect(page.getByLabel(`Role of ${name}`)).toHaveValue('owner');
});

test('a check-in years ahead is refused, naming the limit, and nothing is created', async ({
  page,
}, info) => {
  if (roleOf(info) !== 'admin') return;
  const guest = `Far Future ${Date.now().toString(36)}`;
  await page.goto('/reservations/new');
  await page.getByLabel('Guest name').fill(guest);
  await page.getByLabel('Check-in date').fill('9999-12-01');
  await page.getByLabel('Check-out date').fill('9999-12-03');
  await page.getByRole('checkbox', { name: 'Room 103' }).check();
  await page.getByRole('button', { name: 'Create reservation' }).click();
  await expect(page.locator('[data-field-error="checkInDate"]')).toHaveText(
    'Check-in must be within 2 years.',
  );
  await expect(page).toHaveURL(/\/reservations\/new$/);
  await page.goto(`/reservations?filter=all&search=${encodeURIComponent(guest)}`);
  await expect(page.getByTestId('reservation-row')).toHaveCount(0);
});

test.describe('in a browser on the other side of the world', () => {
  test.use({ timezoneId: 'Asia/Tokyo' });

  test('API key times are the organization’s, like every other time', async ({ page }, info) => {
    if (roleOf(info) !== 'admin') return;
    const name = `Zone check ${Date.now().toString(36)}`;
    await page.goto('/settings');
    await page.getByLabel('New key name').fill(name);
    const made = Date.now();
    await page.getByRole('button', { name: 'Create API key' }).click();
    await expect(page.getByTestId('new-api-key')).toBeVisible();
    await page.reload();
    // The demo organization's zone is New York's; the minute it was made, or the next.
    const inNewYork = (ms: number) =>
      new Intl.DateTimeFormat('en-GB', {
        timeZone: 'America/New_York',
        day: 'numeric',
        month: 'short',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).format(new Date(ms));
    const created = page
      .getByTestId('api-key-row')
      .filter({ hasText: name })
      .getByTestId('api-key-created');
    await expect(created).toHaveText(
      new RegExp(`^(${inNewYork(made)}|${inNewYork(made + 60_000)})$`),
    );
  });
});

test('on a phone, Reservations keeps each stay’s dates and code status in view', async ({
  page,
}) => {
  await page.setViewportSize(PHONE);
  // Read only: Tomás arrives today in Room 102.
  await page.goto(`/reservations?search=${encodeURIComponent('Tomás Ferreira')}`);
  const row = page.getByTestId('reservation-row');
  await expect(row).toHaveCount(1);
  const stacked = row.getByTestId('reservation-stacked');
  await expect(stacked).toBeVisible();
  await expect(stacked).toBeInViewport({ ratio: 1 });
  await expect(stacked).toContainText(/to .+/);
  await expect(stacked).toContainText(
    /Not on the lock yet|On the lock, from check-in|Being set|Set on the lock|Programming delayed|Not on the lock/,
  );
  await expectNoSidewaysScroll(page);
});

test('a long unbroken guest name wraps instead of widening the list or the lock’s codes', async ({
  page,
}, info) => {
  if (roleOf(info) !== 'admin') return;
  test.setTimeout(90_000);
  // A week ahead: inside the lock page's fortnight, past Arrivals' three days, and its code
  // waits in Keyhold, so nothing reaches Room 103's lock.
  const guest = `Wolfeschlegelsteinhausenbergerdorffvoralternwarengewissenhaft${Date.now().toString(36)}`;
  await page.goto('/reservations/new');
  await page.getByLabel('Guest name').fill(guest);
  await page.getByLabel('Check-in date').fill(dayFrom(8));
  await page.getByLabel('Check-out date').fill(dayFrom(10));
  await page.getByRole('checkbox', { name: 'Room 103' }).check();
  await page.getByRole('button', { name: 'Create reservation' }).click();
  await expect(page).toHaveURL(/\/reservations\/[0-9a-f-]{36}$/);
  const stayUrl = page.url();
  try {
    await page.setViewportSize(PHONE);
    await page.goto(`/reservations?search=${encodeURIComponent(guest)}`);
    await expect(page.getByRole('link', { name: guest })).toBeInViewport({ ratio: 1 });
    await expectNoSidewaysScroll(page);

    await page.goto('/locks?search=103');
    await page.getByRole('link', { name: 'Room 103', exact: true }).click();
    const row = page.getByTestId('code-row').filter({ hasText: guest });
    await expect(row).toBeVisible();
    // The name's cell is no wider than the screen: the name breaks onto more lines.
    const nameWidth = await row.getByText(guest).evaluate((el) => el.getBoundingClientRect().width);
    expect(nameWidth).toBeLessThan(PHONE.width);
  } finally {
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.goto(stayUrl);
    await page.getByRole('button', { name: 'Cancel reservation…' }).click();
    await page.getByRole('button', { name: 'Yes, cancel reservation' }).click();
    await expect(page.getByTestId('reservation-stage')).toHaveText('Cancelled');
  }
});
