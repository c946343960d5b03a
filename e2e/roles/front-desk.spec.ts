import { expect, test } from '@playwright/test';

test('pulls a backup code for an arriving guest, and the same one again', async ({ page }) => {
  await page.goto('/front-desk?q=Samuel');
  const stay = page.getByTestId('desk-stay').filter({ hasText: 'Samuel Okafor' });
  await expect(stay).toContainText('Room 201');
  // The pool fills on the first ticks; until then the desk is told what to do.
  await expect(async () => {
    await stay.getByRole('button', { name: /backup code/ }).click();
    await expect(stay.getByTestId('backup-code')).toHaveText(/^\d{6}$/, { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  const first = await stay.getByTestId('backup-code').textContent();
  // The organization's backup-code template, filled in, for the desk to pass on.
  await expect(stay).toContainText(`Please use this code for room 201: ${first}.`);
  // Samuel left an email, but the test server has no SMTP: the desk is told the
  // truth, not "sent".
  await expect(stay.getByTestId('guest-message-state')).toHaveText(
    'Messages are logged, not sent: Keyhold has no email service set up. Copy the message for the guest.',
  );

  await page.reload();
  await stay.getByRole('button', { name: 'Show backup code' }).click();
  await expect(stay.getByTestId('backup-code')).toHaveText(first ?? '');
});
