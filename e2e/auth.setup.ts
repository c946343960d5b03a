import { expect, test as setup } from '@playwright/test';
import { E2E, ROLES, storageStatePath } from './settings';

for (const role of ROLES) {
  setup(`sign in as ${role}`, async ({ page }) => {
    const user = E2E.users[role];
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(E2E.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: 'Arrivals', level: 1 })).toBeVisible();
    await page.context().storageState({ path: storageStatePath(role) });
  });
}
