'use server';

import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { env } from '@/lib/env';
import { type ActionRefusal, type ActionResult, formOf, runAction } from '@/lib/http/action';
import { getOrganizationSettings } from '@/lib/organizations/settings';
import { approveCalendar, readCalendarNow } from '@/lib/sources/calendars';
import type { CalendarPreset } from '@/lib/sources/ical';
import { createCalendarSource, createWebhookSource, deleteSource } from '@/lib/sources/sources';
import type { WebhookShape } from '@/lib/sources/webhook';
import { describeRead, type ReadReport } from './read-words';

// Reservation sources on their settings page. lib checks the role, the
// organization and the input (naming the field); a feed's address and a
// webhook's secret go one way: the secret is answered once, to the admin who
// made it, and neither is ever logged or put back in a form.

const PAGE = '/settings/sources';

/** The form's name, property and locks, as the lib's schemas take them. */
function placeOf(formData: FormData) {
  return {
    name: String(formData.get('name') ?? ''),
    propertyId: String(formData.get('propertyId') ?? ''),
    deviceIds: formData.getAll('deviceIds').map(String),
  };
}

/** Add an iCal feed, then open its preview: nothing is imported until staff apply it. */
export async function createCalendarSourceAction(
  _previous: unknown,
  formArgument: FormData,
): Promise<ActionRefusal> {
  const formData = formOf(formArgument);
  const result = await runAction('sources.manage', async (actor) => {
    const source = await createCalendarSource(await getDb(), actor, {
      ...placeOf(formData),
      url: String(formData.get('url') ?? ''),
      // Checked by the schema inside; an unknown preset is refused there, naming the field.
      preset: String(formData.get('preset') ?? '') as CalendarPreset,
    });
    return source.id;
  });
  if (!result.ok) return result;
  revalidatePath(PAGE);
  // Outside runAction: redirect works by throwing, and runAction would report it as a failure.
  redirect(`${PAGE}/${result.data}/preview`);
}

export type CreatedWebhook = { sourceId: string; name: string; secret: string };

/** Add a webhook source; its signing secret is in this answer and nowhere else, ever. */
export async function createWebhookSourceAction(
  _previous: unknown,
  formArgument: FormData,
): Promise<ActionResult<CreatedWebhook>> {
  const formData = formOf(formArgument);
  const result = await runAction('sources.manage', async (actor) => {
    const { source, secret } = await createWebhookSource(await getDb(), actor, {
      ...placeOf(formData),
      // Checked by the schema inside, like the feed's preset.
      preset: String(formData.get('preset') ?? '') as WebhookShape,
    });
    return { sourceId: source.id, name: source.name, secret };
  });
  if (result.ok) revalidatePath(PAGE);
  return result;
}

/** Apply the previewed first import; the list then shows the feed as read. */
export async function approveCalendarAction(sourceId: string): Promise<ActionRefusal> {
  const result = await runAction('sources.manage', async (actor) => {
    const db = await getDb();
    const read = await approveCalendar(db, actor, String(sourceId), {
      now: clock.now(),
      refreshMinutes: env().CALENDAR_REFRESH_MINUTES,
    });
    return read.kind === 'failed' ? read.error : null;
  });
  if (!result.ok) return result;
  if (result.data !== null) {
    // The feed failed between the preview and now: nothing was applied.
    return {
      ok: false,
      error: `Nothing was applied: the feed could not be read. ${result.data}`,
      fieldErrors: {},
    };
  }
  revalidatePath(PAGE);
  revalidatePath('/reservations');
  redirect(`${PAGE}?applied=${encodeURIComponent(String(sourceId))}`);
}

/** "Read now": an applied feed read at once; the answer says what the read did. */
export async function readSourceNowAction(sourceId: string): Promise<ActionResult<ReadReport>> {
  const result = await runAction('sources.manage', async (actor) => {
    const db = await getDb();
    const read = await readCalendarNow(db, actor, String(sourceId), {
      now: clock.now(),
      refreshMinutes: env().CALENDAR_REFRESH_MINUTES,
    });
    const { timeZone } = await getOrganizationSettings(db, actor);
    return describeRead(read, timeZone);
  });
  if (result.ok) {
    revalidatePath(PAGE);
    revalidatePath('/reservations');
  }
  return result;
}

/** Remove a source: its stays stay; it reads and takes nothing more. */
export async function deleteSourceAction(sourceId: string): Promise<ActionResult<null>> {
  const result = await runAction('sources.manage', async (actor) => {
    await deleteSource(await getDb(), actor, String(sourceId));
    return null;
  });
  if (result.ok) revalidatePath(PAGE);
  return result;
}
