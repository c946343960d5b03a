import { expect, test } from '@playwright/test';
import type { Role } from '../settings';

const roleOf = (info: { project: { metadata: Record<string, unknown> } }) =>
  info.project.metadata.role as Role;

// Reads only: the forecast of the demo's locks, whatever other specs do to them.
test('every role opens the slot forecast from Locks; only owners and admins get the pool fix as a button', async ({
  page,
}, info) => {
  await page.goto('/locks');
  await page.getByRole('link', { name: /Slot forecast/ }).click();
  await expect(
    page.getByRole('heading', { level: 1, name: 'Slot forecast — next 14 days' }),
  ).toBeVisible();
  await expect(page.getByRole('heading', { level: 2, name: /Every lock/ })).toBeVisible();
  await expect(page.getByTestId('forecast-row').first()).toBeVisible();
  // Each lock's row names its slots and the most it will need at once.
  await expect(page.getByRole('columnheader', { name: 'Most needed at once' })).toBeVisible();
  if (roleOf(info) === 'front_desk') {
    await expect(page.getByRole('button', { name: /Shrink this lock’s backup pool/ })).toHaveCount(
      0,
    );
  }
});
