import { expect, test } from '@playwright/test';
import type { Role } from '../settings';

test('owners make a permanent backup code, see it once, and revoke it; the desk cannot', async ({
  page,
}, info) => {
  const role = info.project.metadata.role as Role;
  const response = await page.goto('/backup-codes');
  if (role === 'front_desk') {
    expect(response?.status()).toBe(404);
    return;
  }
  await expect(page.getByRole('note')).toContainText('let guests back in after their stay');
  // Each role works on its own lock, so parallel projects do not count each other's codes.
  const room = role === 'admin' ? 'Room 205' : 'Room 203';
  await page.getByLabel('Lock').selectOption({ label: room });
  await page.getByRole('button', { name: 'Generate permanent backup code' }).click();
  const shown = page.getByTestId('permanent-code');
  await expect(shown).toHaveText(/^\d{6}$/);
  const digits = (await shown.textContent()) ?? '';

  await page.reload();
  await expect(page.locator('body')).not.toContainText(digits);
  const rows = page.getByTestId('permanent-code-row').filter({ hasText: room });
  const before = await rows.count();
  expect(before).toBeGreaterThan(0);
  // Where the code is, in the words every page uses; never a raw status like "(unset)".
  await expect(rows.first().getByTestId('code-status')).toHaveText(/^(Being set|Set on the lock)$/);
  await expect(rows.first()).not.toContainText('unset');
  // Revoking asks first, in place.
  await rows.first().getByRole('button', { name: 'Revoke…' }).click();
  await rows.first().getByRole('button', { name: 'Yes, revoke' }).click();
  await expect(rows).toHaveCount(before - 1);
});
