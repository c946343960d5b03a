import AxeBuilder from '@axe-core/playwright';
import { expect, test } from '@playwright/test';

// Every role chooses its own email notifications on Your account. Each role
// project signs in as a different person, so the runs do not meet; each
// leaves its choices empty again so nothing else in the demo is emailed.

test('a member chooses notifications with the keyboard, is told what is wrong, and saves', async ({
  page,
}) => {
  await page.goto('/account');
  const section = page.getByRole('region', { name: 'Email notifications' });
  await expect(section).toBeVisible();
  await expect(section.getByText('times in America/New_York')).toBeVisible();

  // Keyboard only: tick a kind with Space, type a start with no end, save with Enter.
  const atRisk = section.getByRole('checkbox', { name: /Arrival at risk/ });
  await atRisk.focus();
  await page.keyboard.press('Space');
  await expect(atRisk).toBeChecked();
  await section.getByLabel('From').fill('22:00');
  await section.getByLabel('Until').fill('');
  await section.getByRole('button', { name: 'Save notifications' }).press('Enter');
  const until = section.getByLabel('Until');
  await expect(section.getByText('Quiet hours need an end as well as a start.')).toBeVisible();
  await expect(until).toHaveAttribute('aria-invalid', 'true');
  await expect(until).toBeFocused();

  await until.fill('07:00');
  await section.getByRole('checkbox', { name: /Daily digest/ }).check();
  await section.getByRole('checkbox', { name: /Entry after check-out/ }).check();
  await section.getByRole('button', { name: 'Save notifications' }).click();
  await expect(
    section.getByText('Saved. You will be emailed 2 kinds of notifications in a daily digest.'),
  ).toBeVisible();

  // What was saved is what the page shows next time.
  await page.reload();
  await expect(section.getByRole('checkbox', { name: /Arrival at risk/ })).toBeChecked();
  await expect(section.getByRole('checkbox', { name: /Entry after check-out/ })).toBeChecked();
  await expect(section.getByRole('checkbox', { name: /Backup code pulled/ })).not.toBeChecked();
  await expect(section.getByLabel('From')).toHaveValue('22:00');
  await expect(section.getByLabel('Until')).toHaveValue('07:00');
  await expect(section.getByRole('checkbox', { name: /Daily digest/ })).toBeChecked();

  // Cleared again: nothing is sent.
  for (const box of await section.getByRole('checkbox').all()) await box.uncheck();
  await section.getByLabel('From').fill('');
  await section.getByLabel('Until').fill('');
  await section.getByRole('button', { name: 'Save notifications' }).click();
  await expect(section.getByText('Saved. You will not be emailed notifications.')).toBeVisible();
});

// Scoped to the notifications section: the sessions table above it is wider
// than a phone and scrolls on its own (not this section's doing).
test('the notifications section fits a phone and passes an accessibility scan', async ({
  page,
}) => {
  await page.setViewportSize({ width: 375, height: 800 });
  await page.goto('/account');
  const section = page.getByRole('region', { name: 'Email notifications' });
  await expect(section).toBeVisible();
  const sticksOut = await section.evaluate((root) =>
    [root, ...root.querySelectorAll('*')]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth)
      .map((el) => el.outerHTML.slice(0, 80)),
  );
  expect(sticksOut).toEqual([]);
  const results = await new AxeBuilder({ page })
    .include('section[aria-labelledby="notifications-heading"]')
    .withTags(['wcag2a', 'wcag2aa'])
    .analyze();
  expect(
    results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`),
  ).toEqual([]);
});
