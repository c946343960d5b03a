import { expect, test } from '@playwright/test';
import { E2E } from '../settings';

// Runs after Seam and Z-Wave are connected (playwright.config.ts), on locks no
// other spec books: the demo's rooms are every role spec's, and a common door
// changes what every stay in its rooms holds. "Seam Room 401" is the group's
// room; "Z-Wave lock 2" its door.

const ROOM = E2E.seam.locks[0];
const DOOR = `Z-Wave lock ${E2E.zwave.nodes[0]}`;

test('an admin makes a lock the common door of a group; a stay in the group gets its code on it, and loses it when unmarked', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const group = `Seam wing ${Date.now().toString(36)}`;
  await page.goto('/locks/groups');
  const newGroup = page.getByTestId('new-group-form');
  await newGroup.getByLabel('Name').fill(group);
  await newGroup.getByRole('checkbox', { name: ROOM }).check();
  await newGroup.getByRole('button', { name: 'Add group' }).click();
  await expect(newGroup.getByRole('status')).toHaveText(`Group “${group}” added.`);

  await page.goto(`/locks?search=${encodeURIComponent(DOOR)}`);
  await page.getByRole('link', { name: DOOR, exact: true }).click();
  await expect(page).toHaveURL(/\/locks\/[0-9a-f-]{36}$/);
  const doorPage = page.url();
  const panel = page.getByTestId('common-door');
  await panel.getByRole('radio', { name: new RegExp(`^Stays in group ${group}`) }).check();
  // Before saving, the form says what marking does.
  await expect(panel).toContainText(
    `Every stay with a room in ${group} gets its guest code on ${DOOR} too`,
  );
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByTestId('common-door-saved')).toContainText('Saved.');
  await expect(page.getByTestId('lock-common-door')).toHaveText(`Common door · ${group}`);

  // The door is no room to choose; the stay gets it from its room, with the room's digits.
  const guest = `Cora Commons ${Date.now().toString(36)}`;
  await page.goto('/reservations/new');
  await page.getByLabel('Guest name').fill(guest);
  await expect(page.getByRole('checkbox', { name: DOOR })).toHaveCount(0);
  await page.getByRole('checkbox', { name: ROOM }).check();
  await page.getByRole('button', { name: 'Create reservation' }).click();
  await expect(page.getByRole('heading', { name: guest })).toBeVisible();
  await expect(page).toHaveURL(/\/reservations\/[0-9a-f-]{36}$/);
  const stayPage = page.url();
  await expect(page.getByTestId('stay-locks')).toHaveText(ROOM);
  await expect(page.getByTestId('stay-common-doors')).toContainText(`${DOOR} — common door`);
  const digits = (lock: string) =>
    page.locator(`[data-testid="guest-code"][data-lock="${lock}"] .font-mono`);
  await expect(digits(ROOM)).toHaveText(/^\d{4,8}$/);
  await expect(digits(DOOR)).toHaveText((await digits(ROOM).textContent()) ?? '-');

  // Unmarked: the stay keeps its room and loses the door.
  await page.goto(doorPage);
  await panel.getByRole('radio', { name: /^No/ }).check();
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByTestId('common-door-saved')).toContainText(/lost (its|their) code here/);
  await page.goto(stayPage);
  await expect(page.getByTestId('stay-locks')).toHaveText(ROOM);
  await expect(page.getByTestId('stay-common-doors')).toHaveCount(0);
  await expect(digits(DOOR)).toHaveCount(0);

  await page.goto('/locks/groups');
  const card = page.getByTestId('lock-group').filter({ hasText: group });
  await card.getByRole('button', { name: `Delete ${group}` }).click();
  await card.getByRole('button', { name: 'Delete the group' }).click();
  await expect(card).toHaveCount(0);
});
