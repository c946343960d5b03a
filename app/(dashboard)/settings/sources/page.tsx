import type { Metadata } from 'next';
import { headers } from 'next/headers';
import { Breadcrumb } from '@/components/ui/breadcrumb';
import { getDb } from '@/db/client';
import { requirePageActor } from '@/lib/http/session';
import { getOrganizationSettings } from '@/lib/organizations/settings';
import { listProperties } from '@/lib/properties';
import { locksByProperty } from '@/lib/reservations/options';
import { CALENDAR_PRESETS, type CalendarPreset } from '@/lib/sources/ical';
import { MISSING_READS_TO_CANCEL } from '@/lib/sources/safety-net';
import { listSources, SOURCE_KIND_LABELS } from '@/lib/sources/sources';
import { formatInZone } from '@/lib/time';
import { WEBHOOK_SIGNATURE_HEADER } from '@/lib/webhooks/signature';
import { AddFeedForm } from './add-feed-form';
import { AddWebhookForm } from './add-webhook-form';
import { type SourceItem, SourcesList } from './sources-list';
import { WEBHOOK_SHAPE_LABELS, webhookEndpoint } from './webhook-words';

export const metadata: Metadata = { title: 'Reservation sources' };

/** The address this request came to, for the webhook endpoint a PMS is given. */
async function requestOrigin(): Promise<string> {
  const h = await headers();
  const host = h.get('x-forwarded-host') ?? h.get('host') ?? 'localhost';
  const proto = h.get('x-forwarded-proto') ?? (host.startsWith('localhost') ? 'http' : 'https');
  return `${proto.split(',')[0]?.trim() || 'https'}://${host.split(',')[0]?.trim()}`;
}

function presetLabel(kind: SourceItem['kind'], preset: string): string {
  if (kind === 'ical') return CALENDAR_PRESETS[preset as CalendarPreset]?.label ?? preset;
  if (kind === 'webhook') {
    return WEBHOOK_SHAPE_LABELS[preset as keyof typeof WEBHOOK_SHAPE_LABELS] ?? preset;
  }
  return 'CSV file';
}

export default async function ReservationSourcesPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor('sources.manage');
  const db = await getDb();
  const { applied } = await searchParams;
  const [sources, properties, settings, origin] = await Promise.all([
    listSources(db, actor),
    listProperties(db, actor),
    getOrganizationSettings(db, actor),
    requestOrigin(),
  ]);
  const locks = await locksByProperty(db, actor);
  const propertyName = new Map(properties.map((p) => [p.id, p.name]));
  const when = (at: Date | null) => (at ? formatInZone(at, settings.timeZone) : null);
  const choices = { properties: properties.map((p) => ({ id: p.id, name: p.name })), locks };

  return (
    <div className="space-y-6">
      <Breadcrumb parent={{ href: '/settings', label: 'Settings' }} current="Reservation sources" />
      <div>
        <h1 className="text-xl font-semibold">Reservation sources</h1>
        <p className="max-w-prose text-sm text-slate-600">
          Where stays come from besides staff typing them in. A stay a source brings gets its guest
          code like any other; a booking gone from a feed is cancelled only after it is missing from
          {MISSING_READS_TO_CANCEL} clean reads in a row. Times are in {settings.timeZone}.
        </p>
      </div>

      <section aria-labelledby="sources-heading" className="space-y-3">
        <h2 id="sources-heading" className="font-semibold">
          Sources
        </h2>
        <SourcesList
          appliedId={typeof applied === 'string' ? applied : null}
          sources={sources.map((s) => ({
            id: s.id,
            name: s.name,
            kind: s.kind,
            kindLabel: SOURCE_KIND_LABELS[s.kind],
            property: (s.propertyId && propertyName.get(s.propertyId)) || 'No property',
            preset: presetLabel(s.kind, s.preset),
            urlLabel: s.urlLabel,
            applied: s.approvedAt !== null,
            lastRead: when(s.lastReadAt),
            lastSuccess: when(s.lastSuccessAt),
            nextRead: when(s.nextReadAt),
            bookings: s.bookings,
            pendingCancellation: s.pendingCancellation,
            lastError: s.lastError,
            failures: s.failures,
            endpoint: s.kind === 'webhook' ? webhookEndpoint(origin, s.id) : null,
          }))}
        />
      </section>

      {properties.length === 0 ? (
        <p className="text-sm text-slate-600">
          Add a property first: every source brings its stays into one property.
        </p>
      ) : (
        <div className="grid gap-6 lg:grid-cols-2">
          <AddFeedForm
            choices={choices}
            presets={Object.entries(CALENDAR_PRESETS).map(([value, { label }]) => ({
              value,
              label,
            }))}
          />
          <AddWebhookForm
            choices={choices}
            origin={origin}
            signatureHeader={WEBHOOK_SIGNATURE_HEADER}
          />
        </div>
      )}
    </div>
  );
}
