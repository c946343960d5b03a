import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { listApiKeys } from '@/lib/api-keys';
import { ROLE_LABELS } from '@/lib/auth/permissions';
import { requirePageActor } from '@/lib/http/session';
import { getOrganizationSettings, listMembers } from '@/lib/organizations/members';
import { ApiKeys } from './api-keys';

export const metadata: Metadata = { title: 'Settings' };

export default async function SettingsPage() {
  const actor = await requirePageActor('settings.manage');
  const db = await getDb();
  const [members, settings, keys] = await Promise.all([
    listMembers(db, actor),
    getOrganizationSettings(db, actor),
    listApiKeys(db, actor),
  ]);

  return (
    <div className="space-y-8">
      <div>
        <h1 className="text-xl font-semibold">Settings</h1>
        <p className="text-sm text-slate-600">{settings.name}</p>
      </div>

      <section aria-labelledby="members-heading" className="space-y-3">
        <h2 id="members-heading" className="font-semibold">
          Members
        </h2>
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-3">
                  Name
                </th>
                <th scope="col" className="px-4 py-3">
                  Email
                </th>
                <th scope="col" className="px-4 py-3">
                  Role
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {members.map((m) => (
                <tr key={m.userId}>
                  <td className="px-4 py-3 font-medium">{m.name}</td>
                  <td className="px-4 py-3 text-slate-600">{m.email}</td>
                  <td className="px-4 py-3">{ROLE_LABELS[m.role]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>

      <section aria-labelledby="api-keys-heading" className="space-y-3">
        <h2 id="api-keys-heading" className="font-semibold">
          API keys
        </h2>
        <ApiKeys keys={keys} />
      </section>

      <section aria-labelledby="defaults-heading" className="space-y-3">
        <h2 id="defaults-heading" className="font-semibold">
          Organization defaults
        </h2>
        <dl className="grid gap-x-6 gap-y-3 rounded-lg border border-slate-200 bg-white p-4 text-sm shadow-sm sm:grid-cols-2">
          <Setting label="Time zone" value={settings.timeZone} />
          <Setting
            label="Check-in / check-out"
            value={`${settings.defaultCheckInTime.slice(0, 5)} / ${settings.defaultCheckOutTime.slice(0, 5)}`}
          />
          <Setting
            label="Programming lead time"
            value={`${settings.programmingLeadMinutes} minutes before check-in`}
          />
          <Setting label="Backup codes per lock" value={String(settings.backupPoolSize)} />
        </dl>
      </section>
    </div>
  );
}

function Setting({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-slate-500">{label}</dt>
      <dd className="font-medium">{value}</dd>
    </div>
  );
}
