import type { Metadata } from 'next';
import { Breadcrumb } from '@/components/ui/breadcrumb';
import { getDb } from '@/db/client';
import { EVENT_TYPES } from '@/lib/events/types';
import { requirePageActor } from '@/lib/http/session';
import { getOrganizationSettings } from '@/lib/organizations/settings';
import { formatInZone } from '@/lib/time';
import { listWebhookDeliveries, listWebhookEndpoints } from '@/lib/webhooks/endpoints';
import {
  WEBHOOK_DELIVERY_ID_HEADER,
  WEBHOOK_EVENT_TYPE_HEADER,
  WEBHOOK_SIGNATURE_HEADER,
} from '@/lib/webhooks/signature';
import { AddEndpointForm } from './add-endpoint-form';
import { EndpointsList } from './endpoints-list';

export const metadata: Metadata = { title: 'Webhooks' };

/** Deliveries shown per endpoint. */
const LOG_ROWS = 20;

export default async function WebhooksPage() {
  const actor = await requirePageActor('settings.manage');
  const db = await getDb();
  const [endpoints, settings] = await Promise.all([
    listWebhookEndpoints(db, actor),
    getOrganizationSettings(db, actor),
  ]);
  const logs = await Promise.all(
    endpoints.map((e) => listWebhookDeliveries(db, actor, e.id, { limit: LOG_ROWS })),
  );
  const when = (at: Date | null) => (at ? formatInZone(at, settings.timeZone) : null);

  return (
    <div className="space-y-6">
      <Breadcrumb parent={{ href: '/settings', label: 'Settings' }} current="Webhooks" />
      <div>
        <h1 className="text-xl font-semibold">Webhooks</h1>
        <p className="max-w-prose text-sm text-slate-600">
          Keyhold sends each event (a guest’s entry, a code set or failed, a backup code pulled, a
          lock offline) to your endpoints as it happens, under Seam’s event names and in Seam’s
          shape. Every delivery is signed in the <code>{WEBHOOK_SIGNATURE_HEADER}</code> header,
          names its event in <code>{WEBHOOK_EVENT_TYPE_HEADER}</code> and carries a{' '}
          <code>{WEBHOOK_DELIVERY_ID_HEADER}</code> that stays the same when a failed delivery is
          tried again. Times are in {settings.timeZone}.
        </p>
      </div>

      <section aria-labelledby="endpoints-heading" className="space-y-3">
        <h2 id="endpoints-heading" className="font-semibold">
          Endpoints
        </h2>
        <EndpointsList
          endpoints={endpoints.map((e, i) => ({
            id: e.id,
            url: e.url,
            eventTypes: e.eventTypes,
            disabled: e.disabledAt !== null,
            created: formatInZone(e.createdAt, settings.timeZone),
            deliveries: (logs[i] ?? []).map((d) => ({
              id: d.id,
              at: formatInZone(d.createdAt, settings.timeZone),
              eventType: d.eventType,
              status: d.status,
              attempts: d.attempts,
              lastError: d.lastError,
              response: d.response,
              sent: when(d.sentAt),
              nextAttempt: d.status === 'queued' ? when(d.nextAttemptAt) : null,
            })),
          }))}
        />
      </section>

      <AddEndpointForm eventTypes={[...EVENT_TYPES]} signatureHeader={WEBHOOK_SIGNATURE_HEADER} />
    </div>
  );
}
