import type { Metadata } from 'next';
import { Alert } from '@/components/ui/alert';
import { Breadcrumb } from '@/components/ui/breadcrumb';
import { getDb } from '@/db/client';
import { requirePageActor } from '@/lib/http/session';
import { listTemplates } from '@/lib/messages/template-store';
import { PLACEHOLDERS } from '@/lib/messages/templates';
import { channelsDelivered } from '@/lib/messages/transports';
import { TemplateForm } from './template-form';

export const metadata: Metadata = { title: 'Guest messages' };

export default async function MessageTemplatesPage() {
  const actor = await requirePageActor('settings.manage');
  const templates = await listTemplates(await getDb(), actor);
  const delivered = channelsDelivered();
  const notSetUp = [
    delivered.email ? null : 'email has no SMTP server set up (SMTP_HOST)',
    delivered.sms ? null : 'SMS has no provider set up (SMS_ACCOUNT_SID)',
  ].filter((line) => line !== null);
  return (
    <div className="space-y-5">
      <Breadcrumb parent={{ href: '/settings', label: 'Settings' }} current="Guest messages" />
      <div>
        <h1 className="text-xl font-semibold">Guest messages</h1>
        <p className="text-sm text-slate-600">
          What guests are sent, by email and SMS. Placeholders:{' '}
          {PLACEHOLDERS.map((p) => (
            <code key={p} className="mx-0.5 rounded bg-slate-100 px-1 text-xs">{`{{${p}}}`}</code>
          ))}
          . Times are written in the property’s time zone, like 2026-12-24 15:00 (America/New_York).
        </p>
      </div>
      {notSetUp.length === 0 ? null : (
        <Alert tone="warning" role="note" data-testid="messages-logged">
          Messages are logged, not sent: {notSetUp.join(', and ')}. Guests get nothing that way
          until it is; the README’s Configuration says how.
        </Alert>
      )}
      <div className="grid gap-4 lg:grid-cols-2">
        {templates.map(({ isDefault, ...template }) => (
          <TemplateForm
            key={`${template.kind}-${template.channel}`}
            template={template}
            isDefault={isDefault}
          />
        ))}
      </div>
    </div>
  );
}
