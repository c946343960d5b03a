'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { type ActionResult, formOf, runAction } from '@/lib/http/action';
import {
  SETTING_LABELS,
  type SettingField,
  updateOrganizationSettings,
} from '@/lib/organizations/settings';

export async function updateOrganizationSettingsAction(
  _previous: ActionResult<{ changed: string[] }> | null,
  formArgument: FormData,
): Promise<ActionResult<{ changed: string[] }>> {
  const formData = formOf(formArgument);
  const fields = Object.keys(SETTING_LABELS) as SettingField[];
  const input = Object.fromEntries(fields.map((f) => [f, String(formData.get(f) ?? '')]));
  const result = await runAction('settings.manage', async (actor) => {
    const { changed } = await updateOrganizationSettings(
      await getDb(),
      actor,
      input as Record<SettingField, string>,
    );
    return { changed: changed.map((field) => SETTING_LABELS[field]) };
  });
  if (result.ok) revalidatePath('/settings');
  return result;
}
