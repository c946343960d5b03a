'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import type { PersonChannel as MessageChannel, GuestMessageKind as MessageKind } from '@/db/schema';
import { clock } from '@/lib/clock';
import { type ActionResult, runAction } from '@/lib/http/action';
import { previewTemplate, resetTemplate, saveTemplate } from '@/lib/messages/template-store';

export type TemplateDraft = {
  kind: MessageKind;
  channel: MessageChannel;
  subject: string | null;
  body: string;
};

export async function saveTemplateAction(draft: TemplateDraft): Promise<ActionResult<null>> {
  const result = await runAction('settings.manage', async (actor) => {
    await saveTemplate(await getDb(), actor, draft);
    return null;
  });
  if (result.ok) revalidatePath('/settings/messages');
  return result;
}

export async function resetTemplateAction(
  key: Pick<TemplateDraft, 'kind' | 'channel'>,
): Promise<ActionResult<TemplateDraft>> {
  const result = await runAction('settings.manage', async (actor) => {
    const { kind, channel, subject, body } = await resetTemplate(await getDb(), actor, key);
    return { kind, channel, subject, body };
  });
  if (result.ok) revalidatePath('/settings/messages');
  return result;
}

/** The draft filled in with the next real stay, before it is saved. */
export async function previewTemplateAction(
  draft: TemplateDraft,
): Promise<ActionResult<{ subject: string | null; text: string; from: string }>> {
  return runAction('settings.manage', async (actor) => {
    const preview = await previewTemplate(await getDb(), actor, draft, clock.now());
    return { subject: preview.subject, text: preview.text, from: preview.from };
  });
}
