import { expect, type Page, test } from '@playwright/test';
import type { Role } from '../settings';

// Every role may manage stays. The projects share one database and run in
// parallel, so each works on a lock no other spec counts codes on, under a
// guest name of its own.
const LOCK_OF: Record<Role, string> = {
  admin: 'Room 103',
  owner: 'Room 105',
  front_desk: 'Room 202',
};

const roleOf = (info: { project: { metadata: Record<string, unknown> } }) =>
  info.project.metadata.role as Role;

/** "2026-11-27" → "2026-11-28". */
function nextDay(date: string): string {
  const at = new Date(`${date}T12:00:00Z`);
  at.setUTCDate(at.getUTCDate() + 1);
  return at.toISOString().slice(0, 10);
}

/** "2026-11-28" as the stay page writes it: "28 Nov 2026". */
function dayLabel(date: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));
}

function codeOn(page: Page, lock: string) {
  return page.getByTestId('guest-code').filter({ hasText: lock }).getByTestId('code-status');
}

function historyEntry(page: Page, text: string) {
  return page.getByTestId('history-entry').filter({ hasText: text }).first();
}

test('a stay is created, its code reaches the lock, its dates change, and it is cancelled', async ({
  page,
}, info) => {
  test.setTimeout(120_000);
  const role = roleOf(info);
  const lock = LOCK_OF[role];
  const guest = `Rosa ${role.replace('_', ' ')} ${Date.now().toString(36)}`;

  await page.goto('/reservations');
  await page.getByRole('link', { name: 'New reservation' }).click();
  await expect(page.getByRole('heading', { name: 'New reservation' })).toBeVisible();
  await page.getByLabel('Guest name').fill(guest);
  await page.getByLabel('Email (optional)').fill('rosa@example.com');
  // Check-in today at midnight, so the code is due at once and the ticks set it.
  await page.getByLabel(/^Check-in time/).fill('00:00');
  await page.getByRole('checkbox', { name: lock }).check();
  await page.getByRole('button', { name: 'Create reservation' }).click();

  await expect(page).toHaveURL(/\/reservations\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: guest })).toBeVisible();
  const effect = page.getByTestId('save-effect');
  await expect(effect).toContainText('Reservation created.');
  await expect(effect).toContainText(lock);
  await expect(page.getByTestId('reservation-stage')).toHaveText('In-house');

  // The page polls; the e2e server ticks every two seconds.
  const status = codeOn(page, lock);
  await expect(status).toHaveText('Set on the lock', { timeout: 45_000 });
  await expect(status).toHaveAttribute('title', 'Seam status: set');
  await expect(historyEntry(page, 'Set on the lock')).toBeVisible();

  // With its code on the lock the tick sends it to the guest; the e2e server has no mail
  // server, so the page must say logged, never sent. Staff can send it again.
  const messages = page.getByRole('region', { name: 'Messages to the guest' });
  const guestCodeMessages = messages
    .getByTestId('guest-message')
    .filter({ hasText: 'Guest code by email' });
  await expect(guestCodeMessages.first()).toContainText('Logged, not sent', { timeout: 20_000 });
  await expect(guestCodeMessages).toHaveCount(1);
  await messages.getByRole('button', { name: 'Send the code again' }).click();
  await expect(messages.getByTestId('send-code-result')).toContainText(
    'Messages are logged, not sent',
  );
  await expect(guestCodeMessages).toHaveCount(2);

  // The list shows it too, found by the guest's name.
  const stayUrl = page.url();
  await page.goto(`/reservations?search=${encodeURIComponent(guest)}`);
  const row = page.getByTestId('reservation-row');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(lock);
  await expect(row.getByTestId('reservation-codes')).toHaveText('Set on the lock');
  await row.getByRole('link', { name: guest }).click();
  await expect(page).toHaveURL(stayUrl);

  // One more night.
  const checkOut = page.getByLabel('Check-out date');
  const later = nextDay(await checkOut.inputValue());
  await checkOut.fill(later);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await expect(effect).toContainText('Changes saved.');
  await expect(page.getByTestId('stay-check-out')).toContainText(dayLabel(later));
  await expect(historyEntry(page, 'Times changed to')).toBeVisible();
  // The guest was told the old check-out: a correction follows.
  await expect(
    messages.getByTestId('guest-message').filter({ hasText: 'Code update by email' }),
  ).toHaveCount(1, { timeout: 20_000 });

  await page.getByRole('button', { name: 'Cancel reservation…' }).click();
  await expect(page.getByRole('button', { name: 'Yes, cancel reservation' })).toBeFocused();
  await page.getByRole('button', { name: 'Yes, cancel reservation' }).click();
  await expect(effect).toContainText('Reservation cancelled.');
  await expect(page.getByTestId('reservation-stage')).toHaveText('Cancelled');
  await expect(page.getByRole('button', { name: 'Save changes' })).toHaveCount(0);
  // Once the tick has taken it off the lock, no code of the stay is listed.
  const codes = page.getByRole('region', { name: 'Guest codes' });
  await expect(codes).toContainText('The stay is cancelled; none of its codes is on a lock.', {
    timeout: 45_000,
  });
  await expect(historyEntry(page, 'Removed from the lock')).toBeVisible();
  await expect(
    messages.getByTestId('guest-message').filter({ hasText: 'Cancellation by email' }),
  ).toHaveCount(1);

  await page.goto(`/reservations?filter=cancelled&search=${encodeURIComponent(guest)}`);
  await expect(page.getByTestId('reservation-row')).toContainText('Cancelled');
});

test('a refused form names each field next to it and keeps what was typed', async ({ page }) => {
  await page.goto('/reservations/new');
  await page.getByLabel('Phone (optional)').fill('555 0123');
  await page.getByRole('button', { name: 'Create reservation' }).click();
  await expect(page.getByText('Some fields need attention.')).toBeVisible();
  await expect(page.locator('[data-field-error="guestName"]')).toHaveText(
    'Guest name is required.',
  );
  await expect(page.locator('[data-field-error="guestPhone"]')).toContainText('international form');
  await expect(page.locator('[data-field-error="deviceIds"]')).toHaveText(
    'Choose at least one lock.',
  );
  await expect(page.getByLabel('Guest name')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByLabel('Phone (optional)')).toHaveValue('555 0123');
});

test('a stay that is not the organization’s is not found', async ({ page }) => {
  const response = await page.goto('/reservations/00000000-0000-4000-8000-000000000000');
  expect(response?.status()).toBe(404);
  const api = await page.request.get('/api/reservations/00000000-0000-4000-8000-000000000000');
  expect(api.status()).toBe(404);
  const bad = await page.request.get('/api/reservations?filter=soon');
  expect(bad.status()).toBe(400);
  expect((await bad.json()).error).toMatchObject({ code: 'invalid_input', field: 'filter' });
});
