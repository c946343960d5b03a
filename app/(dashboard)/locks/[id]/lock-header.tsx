import Link from 'next/link';
import type { ReactNode } from 'react';
import { adapterLabel } from '@/components/adapter-label';
import { IssueList } from '@/components/issue-list';
import { OnlineStatus } from '@/components/online-status';
import { StatusPill } from '@/components/status-pill';
import { Alert } from '@/components/ui/alert';
import { Breadcrumb } from '@/components/ui/breadcrumb';
import { LOW_BATTERY } from '@/lib/devices/battery';
import type { LockConnection, LockDetail } from '@/lib/devices/lock-detail';
import { formatInZone } from '@/lib/time';

/** The lock's name and place, its facts (connection, battery, codes held) and its own problems. */
export function LockHeader({
  detail,
  refreshing,
  canFixConnection,
}: {
  detail: LockDetail;
  refreshing: boolean;
  canFixConnection: boolean;
}) {
  const { lock } = detail;
  const battery = lock.batteryLevel === null ? null : Math.round(lock.batteryLevel * 100);
  const lowBattery = lock.batteryLevel !== null && lock.batteryLevel < LOW_BATTERY;
  const issues = [
    ...lock.errors.map((i) => ({ ...i, kind: 'error' as const })),
    ...lock.warnings.map((i) => ({ ...i, kind: 'warning' as const })),
  ];
  return (
    <header className="space-y-3">
      <Breadcrumb parent={{ href: '/locks', label: 'Locks' }} current={lock.name} />
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">
            {lock.name}
            {lock.commonDoor ? (
              <span className="ml-2 align-middle" data-testid="lock-common-door">
                <StatusPill tone="blue">
                  Common door{lock.commonDoorGroup ? ` · ${lock.commonDoorGroup}` : ''}
                </StatusPill>
              </span>
            ) : null}
          </h1>
          <p className="text-sm text-slate-600">
            {lock.room ? `Room ${lock.room}` : 'No room'} ·{' '}
            {lock.propertyName ?? 'Not placed in a property'}
            <span className="text-slate-500"> · {adapterLabel(lock.adapter)} lock</span>
          </p>
        </div>
        <p aria-live="polite" className="text-xs text-slate-500">
          {refreshing ? 'Refreshing…' : ''}
        </p>
      </div>
      {lock.status !== 'active' ? (
        <Alert tone="info" role="note">
          {lock.status === 'replaced'
            ? 'This lock was replaced; it is kept for its history.'
            : 'This lock was removed; it is kept for its history.'}
        </Alert>
      ) : null}
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        <Fact label="Connection">
          <span data-testid="lock-connection">
            <OnlineStatus online={lock.online} />
          </span>
        </Fact>
        <Fact label="Battery">
          <span className={lowBattery ? 'font-medium text-red-700' : ''}>
            {battery === null ? 'Not reported' : `${battery}%`}
            {lowBattery ? ' (low)' : ''}
          </span>
        </Fact>
        <Fact label="Codes on the lock">
          <span data-testid="lock-codes-on-lock">
            {lock.codesOnLock}
            {lock.slotLimit ? <span className="text-slate-500"> / {lock.slotLimit}</span> : null}
          </span>
        </Fact>
      </dl>
      {detail.connection ? (
        <ServiceHealth
          adapter={lock.adapter}
          connection={detail.connection}
          zone={detail.timeZone}
          canFix={canFixConnection}
        />
      ) : null}
      {issues.length > 0 ? (
        <ul className="space-y-1 text-sm">
          {issues.map((issue) => (
            <li
              key={`${issue.kind}:${issue.code}`}
              title={issue.code}
              className={issue.kind === 'error' ? 'text-red-700' : 'text-amber-800'}
            >
              <span className="font-medium">{issue.kind === 'error' ? 'Error' : 'Warning'}:</span>{' '}
              {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
    </header>
  );
}

/** The lock-service account the lock is reached through: a broken one stops every code on it. */
function ServiceHealth({
  adapter,
  connection,
  zone,
  canFix,
}: {
  adapter: string;
  connection: LockConnection;
  zone: string;
  canFix: boolean;
}) {
  const service = adapterLabel(adapter);
  const checked = connection.lastCheckedAt
    ? `checked ${formatInZone(new Date(connection.lastCheckedAt), zone)}`
    : 'not checked yet';
  if (connection.status !== 'error') {
    return (
      <p data-testid="lock-service" className="text-sm text-slate-600">
        Through {service} · {connection.name} ·{' '}
        {connection.status === 'ok' ? (
          <span className="text-emerald-700">Connected</span>
        ) : (
          'Not checked yet'
        )}
        {connection.status === 'ok' ? `, ${checked}` : null}
      </p>
    );
  }
  return (
    <Alert
      tone="warning"
      role="note"
      title={`The ${service} connection “${connection.name}” needs attention (${checked}). Keyhold cannot reach this lock through it.`}
      data-testid="lock-service"
      className="space-y-1"
    >
      <IssueList errors={connection.errors} />
      {canFix ? (
        <Link
          href="/settings#connections-heading"
          className="inline-block font-medium text-brand-700 underline underline-offset-4"
        >
          Fix in Settings
        </Link>
      ) : (
        <p className="text-amber-800">An admin can fix it in Settings.</p>
      )}
    </Alert>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="rounded-lg border border-slate-200 bg-white px-3 py-2 shadow-sm">
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-sm">{children}</dd>
    </div>
  );
}
