import { expect, type Page, test } from '@playwright/test';
import { verifyWebhook } from '../../lib/webhooks/signature';
import { startWebhookReceiver, type WebhookReceiver } from '../../lib/webhooks/testing';
import type { Role } from '../settings';

// Outbound webhooks are an admin's. The admin's run adds an endpoint at a
// real loopback receiver started here, sees its secret once, sends a test
// event, and sees it delivered in the log after a tick (the e2e server ticks
// every 2 s); the receiver checks the signature with the secret the page
// showed. The endpoint takes only the test event's deliveries that this run
// asks for (it subscribes to one event type no other spec raises), and is
// removed at the end.

const roleOf = (info: { project: { metadata: Record<string, unknown> } }) =>
  info.project.metadata.role as Role;

async function pageIsNotFound(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
}

test.describe('outbound webhooks', () => {
  let receiver: WebhookReceiver;
  test.beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  test.afterAll(async () => {
    await receiver.close();
  });

  test('an admin adds an endpoint, sees its secret once, and a test event arrives signed', async ({
    page,
  }, info) => {
    if (roleOf(info) !== 'admin') {
      await pageIsNotFound(page, '/settings/webhooks');
      return;
    }
    const run = `${info.project.name}-${Date.now().toString(36)}`;
    const url = `${receiver.url}/keyhold/${run}`;

    await page.goto('/settings');
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await expect(page.getByRole('heading', { name: 'Webhooks', level: 1 })).toBeVisible();

    const form = page.getByTestId('add-endpoint-form');
    // A bad URL is refused at its field, and nothing is added.
    await form.getByLabel('URL').fill('ftp://example.com/hook');
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    await expect(form.getByText('URL must be an http:// or https:// address.')).toBeVisible();
    await expect(form.getByLabel('URL')).toBeFocused();

    await form.getByLabel('URL').fill(url);
    await form.getByLabel('Only these events').check();
    await form.getByLabel('device.tampered').check();
    await form.getByRole('button', { name: 'Add endpoint' }).click();
    const shown = form.getByTestId('new-endpoint-secret');
    await expect(shown).toHaveText(/^whsec_[A-Za-z0-9_-]{43}$/);
    await expect(form.getByText('it will not be shown again')).toBeVisible();
    const secret = (await shown.textContent()) ?? '';

    const card = page
      .getByTestId('endpoint-row')
      .filter({ has: page.getByRole('heading', { name: url }) });
    await expect(card).toContainText('device.tampered');
    await expect(card.getByTestId('deliveries-empty')).toBeVisible();

    // Never again: not after a reload, not anywhere on the page.
    await page.reload();
    await expect(card).toBeVisible();
    expect(await page.content()).not.toContain(secret);

    await card.getByRole('button', { name: 'Send a test event' }).click();
    await expect(card.getByTestId('endpoint-notice')).toContainText('Test event queued');

    const delivery = card.getByTestId('delivery-row');
    await expect(async () => {
      await page.reload();
      await expect(delivery).toHaveCount(1);
      await expect(delivery).toContainText('Delivered');
    }).toPass({ timeout: 20_000 });
    await expect(delivery).toContainText('keyhold.test');

    const arrived = receiver.at(`/keyhold/${run}`);
    expect(arrived).toHaveLength(1);
    const [first] = arrived;
    expect(verifyWebhook(secret, first?.body ?? '', first?.signature ?? null, new Date())).toEqual({
      ok: true,
    });
    expect(JSON.parse(first?.body ?? '{}')).toMatchObject({
      event_type: 'keyhold.test',
      is_test: true,
    });

    // Removing asks first, then takes the endpoint and its log away.
    await card.getByRole('button', { name: `Remove ${url}` }).click();
    await card.getByRole('button', { name: 'Yes, remove' }).click();
    await expect(card).toHaveCount(0);
  });
});
