import { expect, test } from '@playwright/test';

test('offers no pull for an arriving guest before check-in, and says from when', async ({
  page,
}) => {
  // Samuel arrives tomorrow in Room 201: a backup code pulled now would open his
  // room today, so the desk is told when it may pull one instead of a button.
  await page.goto('/front-desk?q=Samuel');
  const stay = page.getByTestId('desk-stay').filter({ hasText: 'Samuel Okafor' });
  await expect(stay).toContainText('Room 201');
  await expect(stay.getByTestId('pull-refused')).toHaveText(
    /^Backup codes for Samuel Okafor work from check-in: pull one from \w{3}, \d{1,2} \w{3} \d{4}, 15:00 E[SD]T\.$/,
  );
  await expect(stay.getByRole('button', { name: /backup code/ })).toHaveCount(0);
});
