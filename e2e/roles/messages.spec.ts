import { expect, test } from '@playwright/test';
import type { Role } from '../settings';

const roleOf = (info: { project: { metadata: Record<string, unknown> } }) =>
  info.project.metadata.role as Role;

test('an admin edits a guest message template, is told of an unknown placeholder, previews it with a real stay, and goes back to the default', async ({
  page,
}, info) => {
  if (roleOf(info) !== 'admin') {
    expect((await page.goto('/settings/messages'))?.status()).toBe(404);
    return;
  }
  await page.goto('/settings');
  await page.getByRole('link', { name: 'Guest messages' }).click();
  // The test server has no SMTP: the page says plainly that nothing is sent.
  await expect(page.getByTestId('messages-logged')).toContainText('Messages are logged, not sent');
  // Only the admin's run edits, and only the cancellation SMS, which no other spec sends.
  const form = page.getByTestId('template-cancellation-sms');
  const body = form.getByLabel('Message');

  await body.fill('Sorry {{guest}}, your stay is cancelled.');
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('alert')).toContainText('{{guest}}');
  await expect(body).toHaveAttribute('aria-invalid', 'true');
  await expect(body).toHaveValue('Sorry {{guest}}, your stay is cancelled.');

  await body.fill('Sorry {{guest_name}}, your stay from {{starts_at}} is cancelled.');
  await form.getByRole('button', { name: 'Preview' }).click();
  await expect(form.getByTestId('template-preview')).toContainText(
    /^Sorry .+, your stay from \d{4}-\d{2}-\d{2} \d{2}:\d{2} \(America\/New_York\) is cancelled\.$/,
  );
  await form.getByRole('button', { name: 'Save' }).click();
  await expect(form.getByRole('status')).toHaveText('Saved. New messages use this template.');
  await page.reload();
  await expect(body).toHaveValue(
    'Sorry {{guest_name}}, your stay from {{starts_at}} is cancelled.',
  );

  await form.getByRole('button', { name: 'Use the default' }).click();
  await expect(form.getByRole('status')).toHaveText('Back to Keyhold’s default.');
  await expect(body).toHaveValue(/its door code no longer works/);
});
