import { readFileSync } from 'node:fs';
import { expect, type Page, test } from '@playwright/test';
import { type FeedServer, startFeedServer } from '../../lib/sources/testing/feed-server';
import type { Role } from '../settings';

// Reservation sources are an admin's. The admin's run adds an Airbnb feed
// served from a real loopback server, previews and applies it, finds its
// stays, then drops a booking from the feed and sees that stay cancelled
// after two reads. Its stays are on Room 205, days ahead, under codes made
// for this run, so no other spec counts them.

const roleOf = (info: { project: { metadata: Record<string, unknown> } }) =>
  info.project.metadata.role as Role;

const FIXTURE = readFileSync('lib/sources/fixtures/airbnb.ics', 'utf8');

/** "20261224" for `days` from today (UTC; a day either way changes nothing here). */
function icalDate(days: number): string {
  const at = new Date();
  at.setUTCDate(at.getUTCDate() + days);
  return at.toISOString().slice(0, 10).replaceAll('-', '');
}

/**
 * The fixture with this run's confirmation codes and UIDs, its stays 4–7
 * and 8–10 days ahead (the blocked nights between them), and `without` left out.
 */
function airbnbFeed(run: string, without?: 'second'): string {
  const dates: Record<string, number> = {
    '20261224': 4,
    '20261227': 7,
    '20261229': 8,
    '20270102': 8,
    '20270106': 10,
    '20270301': 40,
    '20270601': 50,
  };
  let feed = FIXTURE.replace(/VALUE=DATE:(\d{8})/g, (_, d: string) => {
    const days = dates[d];
    if (days === undefined) throw new Error(`no date for ${d}`);
    return `VALUE=DATE:${icalDate(days)}`;
  })
    .replace('HM4WJ8K2NA', `HMA${run}`)
    .replace('HMZ4HZCAP8', `HMB${run}`)
    .replace(/UID:([0-9a-f]+-[0-9a-f]+)@/g, (_, uid: string) => `UID:${uid}-${run}@`);
  if (without === 'second') {
    feed = feed.replace(
      /BEGIN:VEVENT\r?\n(?:(?!END:VEVENT)[\s\S])*?HMB[\s\S]*?END:VEVENT\r?\n/,
      '',
    );
  }
  return feed;
}

function sourceCard(page: Page, name: string) {
  return page.getByTestId('source-row').filter({ has: page.getByRole('heading', { name }) });
}

async function pageIsNotFound(page: Page, path: string) {
  const response = await page.goto(path);
  expect(response?.status(), path).toBe(404);
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
}

test.describe('reservation sources', () => {
  let feeds: FeedServer;
  test.beforeAll(async () => {
    feeds = await startFeedServer();
  });
  test.afterAll(async () => {
    await feeds.close();
  });

  test('an admin adds an Airbnb feed, previews and applies it, and a booking gone from it is cancelled', async ({
    page,
  }, info) => {
    if (roleOf(info) !== 'admin') {
      // Owners and the front desk have no sources page, and no Settings to link from.
      await pageIsNotFound(page, '/settings/sources');
      await pageIsNotFound(page, '/settings');
      return;
    }
    test.setTimeout(120_000);
    const run = Date.now().toString(36).toUpperCase();
    const name = `Airbnb ${run}`;
    const path = `/airbnb-${run}.ics`;

    await page.goto('/settings');
    await page.getByRole('link', { name: 'Reservation sources' }).click();
    await expect(
      page.getByRole('heading', { name: 'Reservation sources', level: 1 }),
    ).toBeVisible();

    // A refused form names the field next to it.
    const form = page.getByTestId('add-feed-form');
    await form.getByRole('button', { name: 'Add feed and preview' }).click();
    await expect(form.locator('[data-field-error="name"]')).toHaveText('Name is required.');
    await expect(form.getByLabel('Name')).toBeFocused();

    await form.getByLabel('Name').fill(name);
    await form.getByRole('checkbox', { name: 'Room 205' }).check();
    await form.getByLabel('Feed address').fill(feeds.url(path));
    await form.getByLabel('Channel').selectOption({ label: 'Airbnb' });
    await form.getByRole('button', { name: 'Add feed and preview' }).click();

    // Nothing is served there yet: the preview says so and offers another read.
    await expect(page).toHaveURL(/\/settings\/sources\/[0-9a-f-]{36}\/preview$/);
    await expect(page.getByTestId('preview-error')).toContainText('404');
    feeds.setFeed(path, airbnbFeed(run));
    await page.getByRole('button', { name: 'Try again' }).click();

    await expect(page.getByTestId('preview-count-created')).toContainText('2');
    await expect(page.getByTestId('preview-count-error')).toContainText('0');
    const rows = page.getByTestId('preview-row');
    await expect(rows).toHaveCount(2);
    await expect(rows.filter({ hasText: 'New stay' })).toHaveCount(2);
    await expect(page.getByTestId('preview-skipped')).toContainText(
      'Blocked dates (Airbnb "Not available"): 2',
    );
    // Until applied, the list says it is only a preview and nothing is imported.
    await page.goto('/settings/sources');
    const card = sourceCard(page, name);
    await expect(card.getByTestId('source-not-applied')).toContainText('Not applied yet — preview');
    await expect(card.getByTestId('source-bookings')).toHaveText('0');
    await expect(card).not.toContainText(feeds.url(path));
    await card.getByRole('link', { name: /See what the first import would do/ }).click();

    await page.getByRole('button', { name: 'Apply' }).click();
    await expect(page).toHaveURL(/\/settings\/sources\?applied=/);
    await expect(card).toContainText('Applied');
    await expect(card.getByTestId('source-bookings')).toHaveText('2');
    await expect(card.getByTestId('source-last-read')).not.toHaveText('Never');
    await expect(card.getByTestId('source-not-applied')).toHaveCount(0);

    await page.goto(`/reservations?filter=upcoming&search=${run}`);
    const stays = page.getByTestId('reservation-row');
    await expect(stays).toHaveCount(2);
    await expect(stays.filter({ hasText: `Airbnb guest HMA${run}` })).toContainText('Room 205');
    await expect(stays.filter({ hasText: `Airbnb guest HMB${run}` })).toContainText('Room 205');

    // The second booking leaves the feed: one read is not enough to cancel it, two are.
    feeds.setFeed(path, airbnbFeed(run, 'second'));
    await page.goto('/settings/sources');
    const readNow = card.getByRole('button', { name: `Read now ${name}` });
    await readNow.click();
    await expect(card.getByTestId('source-read-result')).toContainText(
      '1 booking is missing from the feed',
    );
    await expect(card.getByTestId('source-pending')).toHaveText('1 pending cancellation');
    await readNow.click();
    await expect(card.getByTestId('source-read-result')).toContainText(
      '1 stay cancelled: its booking is gone from the feed.',
    );
    await expect(card.getByTestId('source-bookings')).toHaveText('1');

    await page.goto(`/reservations?filter=cancelled&search=HMB${run}`);
    const gone = page.getByTestId('reservation-row');
    await expect(gone).toHaveCount(1);
    await expect(gone).toContainText('Cancelled');
    await gone.getByRole('link', { name: `Airbnb guest HMB${run}` }).click();
    await expect(page.getByTestId('reservation-stage')).toHaveText('Cancelled');
    await expect(page.getByRole('region', { name: 'Guest codes' })).toContainText(
      'The stay is cancelled; none of its codes is on a lock.',
      { timeout: 45_000 },
    );
    // The first stay is still there.
    await page.goto(`/reservations?filter=upcoming&search=HMA${run}`);
    await expect(page.getByTestId('reservation-row')).toHaveCount(1);
  });

  test('an admin adds a webhook and sees its secret once, with where to send and how to sign', async ({
    page,
  }, info) => {
    if (roleOf(info) !== 'admin') {
      await pageIsNotFound(page, `/settings/sources/${crypto.randomUUID()}/preview`);
      return;
    }
    const name = `PMS ${Date.now().toString(36)}`;
    await page.goto('/settings/sources');
    const form = page.getByTestId('add-webhook-form');
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Shape').selectOption({ label: 'Guesty' });
    await form.getByRole('button', { name: 'Add webhook' }).click();

    const secret = form.getByTestId('new-webhook-secret');
    await expect(secret).toHaveText(/^whsec_/);
    const shown = (await secret.textContent()) ?? '';
    await expect(form.getByTestId('new-webhook-endpoint')).toHaveText(
      /^http:\/\/127\.0\.0\.1:\d+\/api\/sources\/[0-9a-f-]{36}\/webhook$/,
    );
    await expect(form).toContainText('Keyhold-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256');

    await page.reload();
    const card = sourceCard(page, name);
    await expect(card).toContainText('Webhook · Guesty');
    await expect(page.locator('body')).not.toContainText(shown);
  });
});
