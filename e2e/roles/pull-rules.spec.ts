import { expect, type Page, test } from '@playwright/test';
import type { Role } from '../settings';

const roleOf = (info: { project: { metadata: Record<string, unknown> } }) =>
  info.project.metadata.role as Role;

const FALLBACK = 'Let the guest in with a key, or call maintenance.';

/** The property's date `days` from today, as the reservation form takes it. */
const day = (days: number) =>
  new Intl.DateTimeFormat('en-CA', {
    timeZone: 'America/New_York',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).format(new Date(Date.now() + days * 86_400_000));

async function book(
  page: Page,
  stay: { guest: string; room: string; from: number; to: number; time?: string },
) {
  await page.goto('/reservations/new');
  await page.getByLabel('Guest name').fill(stay.guest);
  await page.getByLabel('Email (optional)').fill('guest@example.com');
  await page.getByLabel('Check-in date').fill(day(stay.from));
  if (stay.time) await page.getByLabel(/^Check-in time/).fill(stay.time);
  await page.getByLabel('Check-out date').fill(day(stay.to));
  await page.getByRole('checkbox', { name: `Room ${stay.room}` }).check();
  await page.getByRole('button', { name: 'Create reservation' }).click();
  await expect(page.getByRole('heading', { name: stay.guest })).toBeVisible();
}

const deskCard = async (page: Page, guest: string) => {
  await page.goto(`/front-desk?q=${encodeURIComponent(guest)}`);
  return page.getByTestId('desk-stay').filter({ hasText: guest });
};

// Room 206, and the guests made here, are counted on by no other role spec;
// only the admin's run writes, so the roles running beside it see the demo as seeded.
test.describe
  .serial('the desk never hands out a code that cannot work', () => {
    const id = Date.now().toString(36);
    const occupant = `Occupant ${id}`;
    const next = `Next Guest ${id}`;

    test('case 1: a backup code for an arriving guest waits for their check-in; the guest in the room gets one that works until check-out', async ({
      page,
    }, info) => {
      test.setTimeout(90_000);
      if (roleOf(info) !== 'admin') {
        // Only the admin's run books the stays; every role reads the same rule for a
        // guest who arrives tomorrow: no pull before check-in, and when it becomes possible.
        const samuel = await deskCard(page, 'Samuel Okafor');
        await expect(samuel.getByTestId('pull-refused')).toContainText(
          'Backup codes for Samuel Okafor work from check-in: pull one from',
        );
        await expect(samuel.getByRole('button', { name: /backup code/ })).toHaveCount(0);
        return;
      }
      await book(page, { guest: occupant, room: '206', from: 0, to: 2, time: '00:00' });
      await book(page, { guest: next, room: '206', from: 2, to: 4 });

      const arriving = await deskCard(page, next);
      await expect(arriving.getByTestId('pull-refused')).toHaveText(
        new RegExp(
          `^Backup codes for ${next} work from check-in: pull one from \\w{3}, \\d{1,2} \\w{3} \\d{4}, 15:00 E[SD]T\\.$`,
        ),
      );
      await expect(arriving.getByRole('button', { name: /backup code/ })).toHaveCount(0);

      // The guest in the room now: a code from now until check-out, and the message says so.
      const inRoom = await deskCard(page, occupant);
      await expect(async () => {
        await inRoom.getByRole('button', { name: /backup code/ }).click({ timeout: 2_000 });
        await expect(inRoom.getByTestId('backup-code')).toHaveText(/^\d{6}$/, { timeout: 2_000 });
      }).toPass({ timeout: 30_000 });
      await expect(inRoom).toContainText(
        new RegExp(
          `It works from ${day(0)} \\d\\d:\\d\\d \\(America/New_York\\) until ${day(2)} 11:00 \\(America/New_York\\)\\.`,
        ),
      );
    });

    test('case 2: after a factory reset the desk is told to use the fallback, and the pool reads 0 ready', async ({
      page,
    }, info) => {
      test.setTimeout(120_000);
      await page.goto('/locks?search=206');
      await page.getByRole('link', { name: 'Room 206', exact: true }).click();
      await expect(page.getByRole('heading', { level: 1, name: 'Room 206' })).toBeVisible();
      if (roleOf(info) !== 'admin') {
        // A factory reset is an admin's business (it leads to a replacement).
        await expect(page.getByRole('button', { name: 'Factory reset…' })).toHaveCount(0);
        return;
      }
      await page.getByRole('button', { name: 'Factory reset…' }).click();
      await page.getByRole('dialog').getByRole('button', { name: 'Factory reset' }).click();
      await expect(page.getByTestId('simulated-state')).toContainText('was factory reset');

      // Discovery marks the lock gone from its account within a few ticks.
      const card = page.getByTestId('desk-stay').filter({ hasText: occupant });
      await expect(async () => {
        await page.goto(`/front-desk?q=${encodeURIComponent(occupant)}`);
        await expect(card.getByTestId('pull-refused')).toHaveText(
          `Room 206 was reset and has no codes — ${FALLBACK}`,
          { timeout: 2_000 },
        );
      }).toPass({ timeout: 60_000 });
      // Not even the code pulled before the reset: it is gone from the lock.
      await expect(card.getByRole('button', { name: /backup code/ })).toHaveCount(0);

      await page.goto('/locks?search=206');
      await expect(
        page.getByTestId('lock-row').filter({ hasText: 'Room 206' }).first(),
      ).toContainText('0 ready');

      await page.goto('/');
      const arrival = page.getByTestId('arrival').filter({ hasText: occupant });
      await expect(arrival).toContainText(`Room 206 was reset and has no codes — ${FALLBACK}`);
      await expect(arrival.getByRole('link', { name: 'Pull a backup code' })).toHaveCount(0);
    });
  });

test('case 3: an offline lock with no backup code is told to the desk and on Arrivals, with one action', async ({
  page,
}) => {
  // Aiko checks in today in Room 204, which the demo keeps offline: nothing can reach it.
  const card = await deskCard(page, 'Aiko Tanaka');
  await expect(card.getByTestId('pull-refused')).toContainText(
    /^Room 204 (is offline|has been offline since .+: no code can be trusted to reach it)/,
  );
  await expect(card.getByTestId('pull-refused')).toContainText(`— ${FALLBACK}`);
  await expect(card.getByRole('button', { name: /backup code/ })).toHaveCount(0);

  await page.goto('/');
  const arrival = page.getByTestId('arrival').filter({ hasText: 'Aiko Tanaka' });
  await expect(arrival).toContainText('Room 204 is offline');
  // One truthful action: no backup code offered beside "no backup code ready".
  await expect(arrival.getByRole('link', { name: 'Pull a backup code' })).toHaveCount(0);
});
