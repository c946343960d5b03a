import { expect, type Page, test } from '@playwright/test';
import type { Role } from '../settings';

// Issue 16, case 4: "Double Booker" in Room 101 for today–tomorrow while Maya
// Lindqvist (demo: in-house since yesterday, two nights) holds Room 101 until
// tomorrow 11:00. Refused with who and until when, saved only once confirmed,
// then flagged on Arrivals and at the front desk.

const ZONE = 'America/New_York';

const roleOf = (info: { project: { metadata: Record<string, unknown> } }) =>
  info.project.metadata.role as Role;

/** The property's date N days from today, as the form's date fields take it. */
function day(offset: number): string {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: ZONE }).format(new Date());
  const date = new Date(`${today}T12:00:00Z`);
  date.setUTCDate(date.getUTCDate() + offset);
  return date.toISOString().slice(0, 10);
}

/** "Sun, 6 Dec 2026": a date as Keyhold writes it before the time. */
function dayLabel(date: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));
}

/** "Maya Lindqvist until Sun, 6 Dec 2026, 11:00 EST", as a pattern: Maya checks out tomorrow at 11:00. */
const mayaUntil = () => `Maya Lindqvist until ${dayLabel(day(1))}, 11:00 E[SD]T`;

/** A card whose guest is exactly `guest`, not one that names them as the other booking. */
const cardOf = (page: Page, testId: string, guest: string) =>
  page.getByTestId(testId).filter({ has: page.getByText(guest, { exact: true }) });

async function fillStay(page: Page, guest: string) {
  await page.goto('/reservations/new');
  await page.getByLabel('Guest name').fill(guest);
  await page.getByLabel('Check-in date').fill(day(0));
  // A late arrival: the code is not due on Room 101 (30 minutes before check-in)
  // while the other specs count Room 101's codes.
  await page.getByLabel(/^Check-in time/).fill('23:30');
  await page.getByLabel('Check-out date').fill(day(1));
  await page.getByRole('checkbox', { name: 'Room 101' }).check();
}

test('a double booking is refused with who and until when, saved only when confirmed, and flagged on Arrivals and at the desk', async ({
  page,
}, info) => {
  test.setTimeout(90_000);
  const guest = 'Double Booker';
  await fillStay(page, guest);
  await page.getByRole('button', { name: 'Create reservation' }).click();

  // Refused: nothing saved, the form keeps what was typed and asks.
  const problem = page.locator('[data-field-error="allowOverlap"]');
  await expect(problem).toContainText(new RegExp(`^Room 101 is booked by ${mayaUntil()}`));
  await expect(problem).toContainText(/— book anyway\?$/);
  await expect(page).toHaveURL(/\/reservations\/new/);
  await expect(page.getByLabel('Guest name')).toHaveValue(guest);
  await expect(page.getByLabel(/^Check-in time/)).toHaveValue('23:30');
  await expect(page.getByRole('checkbox', { name: 'Room 101' })).toBeChecked();
  const bookAnyway = page.getByRole('checkbox', { name: 'Book anyway' });
  await expect(bookAnyway).toBeFocused();

  // The other roles stop at the refusal (it writes nothing): one confirmed
  // double booking keeps the demo's Room 101 as the other specs expect it.
  if (roleOf(info) !== 'front_desk') return;
  await expect(problem).toHaveText(
    new RegExp(`^Room 101 is booked by ${mayaUntil()} — book anyway\\?$`),
  );
  await bookAnyway.check();
  await page.getByRole('button', { name: 'Create reservation' }).click();
  await expect(page).toHaveURL(/\/reservations\/[0-9a-f-]{36}$/);
  await expect(page.getByRole('heading', { name: guest })).toBeVisible();
  const stayUrl = page.url();

  try {
    await page.goto('/');
    const arrival = cardOf(page, 'arrival', guest);
    await expect(arrival).toContainText(new RegExp(`Room 101 is also booked by ${mayaUntil()}`));
    await expect(arrival).not.toHaveAttribute('data-verdict', 'ready');

    await page.goto('/front-desk?q=101');
    const booker = cardOf(page, 'desk-stay', guest);
    await expect(booker.getByTestId('also-booked')).toHaveText(
      new RegExp(`^Also booked: ${mayaUntil()}$`),
    );
    // Maya's card says it the other way round.
    const maya = cardOf(page, 'desk-stay', 'Maya Lindqvist');
    await expect(maya.getByTestId('also-booked')).toContainText(`Also booked: ${guest} until`);
  } finally {
    // Cancelled, it no longer counts: the demo's Room 101 is Maya's alone again.
    await page.goto(stayUrl);
    await page.getByRole('button', { name: 'Cancel reservation…' }).click();
    await page.getByRole('button', { name: 'Yes, cancel reservation' }).click();
    await expect(page.getByTestId('save-effect')).toContainText('Reservation cancelled.');
  }
  await page.goto('/front-desk?q=101');
  await expect(cardOf(page, 'desk-stay', 'Maya Lindqvist')).toBeVisible();
  await expect(cardOf(page, 'desk-stay', 'Maya Lindqvist').getByTestId('also-booked')).toHaveCount(
    0,
  );
});
