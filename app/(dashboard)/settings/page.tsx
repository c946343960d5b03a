import type { Metadata } from 'next';
import Link from 'next/link';
import { getDb } from '@/db/client';
import { listApiKeys } from '@/lib/api-keys';
import { clock } from '@/lib/clock';
import { listConnections } from '@/lib/devices/connections';
import { requirePageActor } from '@/lib/http/session';
import { listInvitations } from '@/lib/organizations/invitations';
import { listMembers } from '@/lib/organizations/members';
import {
  getOrganizationSettings,
  MAX_BACKUP_POOL_SIZE,
  MAX_EARLY_ARRIVAL_MINUTES,
  MAX_FALLBACK_TEXT_LENGTH,
  MAX_LEAD_MINUTES,
  MAX_LOCK_EVENT_RETENTION_DAYS,
} from '@/lib/organizations/settings';
import { listProperties } from '@/lib/properties';
import { formatInZone } from '@/lib/time';
import { ApiKeys } from './api-keys';
import { Connections } from './connections';
import { DefaultsForm } from './defaults-form';
import { Members } from './members';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const actor = await requirePageActor('settings.manage');
  const db = await getDb();
  const [members, invitations, settings, keys, connections, propertyChoices] = await Promise.all([
    listMembers(db, actor),
    listInvitations(db, actor, clock.now()),
    getOrganizationSettings(db, actor),
    listApiKeys(db, actor),
    listConnections(db, actor),
    listProperties(db, actor),
  ]);

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-xl font-semibold">Settings</h1>
        <p className="text-sm text-slate-600">
          {settings.name} ·{' '}
          <Link href="/settings/messages" className="text-brand-700 underline">
            Guest messages
          </Link>{' '}
          ·{' '}
          <Link href="/settings/sources" className="text-brand-700 underline">
            Reservation sources
          </Link>{' '}
          ·{' '}
          <Link href="/settings/webhooks" className="text-brand-700 underline">
            Webhooks
          </Link>
        </p>
      </div>

      <section aria-labelledby="members-heading" className="space-y-3">
        <h2 id="members-heading" className="font-semibold">
          Members
        </h2>
        <Members
          currentUserId={actor.userId}
          members={members.map((m) => ({
            userId: m.userId,
            name: m.name,
            email: m.email,
            role: m.role,
            lastSignIn: m.lastSignInAt ? formatInZone(m.lastSignInAt, settings.timeZone) : null,
            disabled: m.disabledAt !== null,
          }))}
          invitations={invitations.map((i) => ({
            id: i.id,
            email: i.email,
            name: i.name,
            role: i.role,
            expires: formatInZone(i.expiresAt, settings.timeZone),
          }))}
        />
      </section>

      <section aria-labelledby="connections-heading" className="space-y-3">
        <h2 id="connections-heading" className="scroll-mt-24 font-semibold">
          Lock connections
        </h2>
        <Connections
          connections={connections.map((c) => ({
            id: c.id,
            name: c.name,
            adapter: c.adapter,
            status: c.status,
            errors: c.errors.map((e) => ({ code: e.code, message: e.message })),
            locks: c.locks,
            lastChecked: c.lastCheckedAt ? formatInZone(c.lastCheckedAt, settings.timeZone) : null,
          }))}
          properties={propertyChoices}
        />
      </section>

      <section aria-labelledby="api-keys-heading" className="space-y-3">
        <h2 id="api-keys-heading" className="font-semibold">
          API keys
        </h2>
        <ApiKeys
          keys={keys.map((k) => ({
            id: k.id,
            name: k.name,
            keyPrefix: k.keyPrefix,
            created: formatInZone(k.createdAt, settings.timeZone),
            lastUsed: k.lastUsedAt ? formatInZone(k.lastUsedAt, settings.timeZone) : null,
            revoked: k.revokedAt ? formatInZone(k.revokedAt, settings.timeZone) : null,
          }))}
        />
      </section>

      <section aria-labelledby="defaults-heading" className="space-y-3">
        <h2 id="defaults-heading" className="font-semibold">
          Organization defaults
        </h2>
        <p className="text-sm text-slate-600">
          Times are local to each property; dates in the audit log are shown in {settings.timeZone}.
        </p>
        <DefaultsForm
          settings={settings}
          timeZones={timeZoneChoices(settings.timeZone)}
          maxLeadMinutes={MAX_LEAD_MINUTES}
          maxPoolSize={MAX_BACKUP_POOL_SIZE}
          maxEarlyArrivalMinutes={MAX_EARLY_ARRIVAL_MINUTES}
          maxFallbackText={MAX_FALLBACK_TEXT_LENGTH}
          maxRetentionDays={MAX_LOCK_EVENT_RETENTION_DAYS}
        />
      </section>
    </div>
  );
}

/** Every zone this server knows, plus UTC (not in the list) and the current one, sorted. */
function timeZoneChoices(current: string): string[] {
  return [...new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', current])].sort();
}
