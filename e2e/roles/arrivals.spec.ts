import { expect, test } from '@playwright/test';
import type { Role } from '../settings';

const roleOf = (info: { project: { metadata: Record<string, unknown> } }) =>
  info.project.metadata.role as Role;

test('home is the arrivals board, and the stay on the offline lock is at risk with its fix', async ({
  page,
}) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'Arrivals', level: 1 })).toBeVisible();
  // Aiko checks in today in Room 204, which the demo keeps offline.
  const aiko = page.getByTestId('arrival').filter({ hasText: 'Aiko Tanaka' });
  await expect(aiko).toHaveAttribute('data-verdict', 'at_risk');
  await expect(aiko).toContainText('Room 204 is offline');
  const fix = aiko.getByRole('link', { name: 'Check the lock’s power and connection' });
  await expect(fix).toHaveAttribute('href', /^\/locks\/[0-9a-f-]{36}$/);
  // At-risk stays come first.
  await expect(page.getByTestId('arrival').first()).toHaveAttribute('data-verdict', 'at_risk');
  // Samuel arrives tomorrow in Room 201: his code goes on at its time, nothing is wrong.
  const samuel = page.getByTestId('arrival').filter({ hasText: 'Samuel Okafor' });
  await expect(samuel).not.toHaveAttribute('data-verdict', 'at_risk');
});

test('alerts list the offline lock and the weak battery, with a badge in the navigation', async ({
  page,
}, info) => {
  await page.goto('/alerts');
  // The tick raises alerts within seconds of the server starting.
  const offline = page
    .getByTestId('alert-group')
    .filter({ has: page.getByRole('heading', { name: /Locks offline/ }) });
  await expect(offline.getByTestId('alert').filter({ hasText: 'Room 204' })).toBeVisible({
    timeout: 20_000,
  });
  const battery = page
    .getByTestId('alert-group')
    .filter({ has: page.getByRole('heading', { name: /Low batteries/ }) });
  const room106 = battery.getByTestId('alert').filter({ hasText: 'Room 106' });
  await expect(room106).toContainText('12%');
  await expect(page.getByTestId('badge-alerts')).toBeVisible();

  const role = roleOf(info);
  if (role === 'front_desk') {
    await expect(page.getByRole('button', { name: /Acknowledge/ })).toHaveCount(0);
  } else if (role === 'owner') {
    // Only the owner acknowledges, so the roles running beside it see the same alerts.
    await room106.getByRole('button', { name: 'Acknowledge' }).click();
    await expect(room106).toHaveAttribute('data-status', 'acknowledged');
    await expect(room106).toContainText('Acknowledged');
  }
});
