import { expect, test } from '@playwright/test';
import { E2E } from '../settings';

// Runs with connect-seam.spec.ts, after the role specs that count the demo's
// locks: connecting adds the e2e server's two Z-Wave locks (zwave-js's mock
// locks behind the real driver and a real Z-Wave JS Server).

const [NODE_A, NODE_B] = E2E.zwave.nodes;
const LOCK_A = `Z-Wave lock ${NODE_A}`;
const LOCK_B = `Z-Wave lock ${NODE_B}`;

test('an admin connects a Z-Wave JS Server; its locks are imported and a guest code reaches one', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.goto('/settings');
  const section = page.getByRole('region', { name: 'Lock connections' });
  const form = section.getByRole('form', { name: 'Connect a Z-Wave JS Server' });
  const address = form.getByLabel('Z-Wave JS Server address');
  const row = section.getByTestId('connection-row').filter({ hasText: 'Harbor Z-Wave' });

  // Not a WebSocket address: refused with the field named, nothing kept.
  await form.getByLabel('Connection name').fill('Harbor Z-Wave');
  await address.fill('zwave-js:3000');
  await form.getByRole('button', { name: 'Connect' }).click();
  await expect(form.getByRole('alert')).toHaveText(
    'The Z-Wave JS Server address begins with ws:// or wss://, e.g. ws://zwave-js:3000.',
  );
  await expect(address).toHaveAttribute('aria-invalid', 'true');
  await expect(row).toHaveCount(0);

  const url = `ws://127.0.0.1:${E2E.zwave.port}`;
  await address.fill(url);
  await form.getByRole('button', { name: 'Connect' }).click();
  await expect(form.getByRole('status')).toHaveText(
    /^Connected “Harbor Z-Wave”: 2 locks imported into .+\.$/,
  );
  await expect(address).toHaveValue('');
  await expect(row.getByTestId('connection-status')).toHaveText('Connected');
  await expect(row.getByTestId('connection-locks')).toHaveText('2');
  await expect(row).toContainText('Z-Wave JS');

  // Its locks are Keyhold locks now, reached through Z-Wave JS.
  await page.goto('/locks?search=Z-Wave');
  await expect(page.getByTestId('lock-row')).toHaveCount(2);
  await page.getByRole('link', { name: LOCK_A, exact: true }).click();
  await expect(page.getByRole('heading', { level: 1, name: LOCK_A })).toBeVisible();
  await expect(page.getByTestId('lock-service')).toContainText(
    'Through Z-Wave JS · Harbor Z-Wave · Connected',
  );

  // A guest arriving now: the tick (every 2 s here) writes the code into a slot and the lock confirms it.
  const guest = `Ines Zwave ${Date.now().toString(36)}`;
  await page.goto('/reservations/new');
  await page.getByLabel('Guest name').fill(guest);
  await page.getByLabel(/^Check-in time/).fill('00:00');
  await page.getByRole('checkbox', { name: LOCK_B }).check();
  await page.getByRole('button', { name: 'Create reservation' }).click();
  await expect(page.getByRole('heading', { name: guest })).toBeVisible();
  await expect(
    page.getByTestId('guest-code').filter({ hasText: LOCK_B }).getByTestId('code-status'),
  ).toHaveText('Set on the lock', { timeout: 45_000 });
});
