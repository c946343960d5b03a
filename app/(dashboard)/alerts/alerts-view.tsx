'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { fetchJson } from '@/components/query-client';
import { StatusPill } from '@/components/status-pill';
import { Alert } from '@/components/ui/alert';
import { EmptyState } from '@/components/ui/empty-state';
import type { AlertItem, AlertList } from '@/lib/alerts/alerts';
import { describeIssue } from '@/lib/issues';
import { queryKeys } from '@/lib/query-keys';
import { formatInZone } from '@/lib/time';
import { AcknowledgeButton } from './acknowledge-button';

type Group = { kind: string; severity: AlertItem['severity']; alerts: AlertItem[] };

/** Errors before warnings; within each, the group with the newest alert first. */
function groupByKind(alerts: AlertItem[]): Group[] {
  const groups = new Map<string, Group>();
  for (const alert of alerts) {
    const group = groups.get(alert.kind) ?? {
      kind: alert.kind,
      severity: alert.severity,
      alerts: [],
    };
    if (alert.severity === 'error') group.severity = 'error';
    group.alerts.push(alert);
    groups.set(alert.kind, group);
  }
  return [...groups.values()].sort(
    (a, b) =>
      (a.severity === 'error' ? 0 : 1) - (b.severity === 'error' ? 0 : 1) ||
      (b.alerts[0]?.openedAt ?? '').localeCompare(a.alerts[0]?.openedAt ?? ''),
  );
}

/** The alerts page, kept live: alerts open and close with every tick. */
export function AlertsView({
  mayAcknowledge,
  mayReplace,
  mayFixConnections,
}: {
  mayAcknowledge: boolean;
  mayReplace: boolean;
  mayFixConnections: boolean;
}) {
  const { data, error } = useQuery({
    queryKey: queryKeys.alerts.list,
    queryFn: () => fetchJson<AlertList>('/api/alerts'),
    refetchInterval: 5_000,
  });
  if (!data) {
    return (
      <Alert tone="error">Could not load the alerts{error ? `: ${error.message}` : '.'}</Alert>
    );
  }
  const { alerts, total, open } = data;
  const groups = groupByKind(alerts);

  return (
    <div className="space-y-5">
      <div>
        <h1 className="text-xl font-semibold">Alerts</h1>
        <p className="text-sm text-slate-600">
          What is wrong now across your locks, codes, backup pools and guest messages, newest first.
          An alert closes by itself once the problem is fixed; acknowledging one only takes it off
          the badge.
        </p>
      </div>
      {error ? (
        <Alert tone="error">
          Could not refresh the alerts: {error.message} Showing what Keyhold last knew.
        </Alert>
      ) : null}
      {total === 0 ? (
        <EmptyState>
          Nothing needs attention: every code is where it should be and guest messages are getting
          through.
        </EmptyState>
      ) : (
        <p className="text-sm text-slate-700" data-testid="alert-totals">
          {total} {total === 1 ? 'alert' : 'alerts'}, {open} not yet acknowledged
          {alerts.length < total ? ` — showing the newest ${alerts.length}` : ''}.
        </p>
      )}
      {groups.map((group) => {
        const unacknowledged = group.alerts.filter((a) => a.status === 'open').map((a) => a.id);
        const headingId = `alerts-${group.kind}`;
        return (
          <section
            key={group.kind}
            aria-labelledby={headingId}
            data-testid="alert-group"
            className="rounded-lg border border-slate-200 bg-white shadow-sm"
          >
            <div className="flex flex-wrap items-center justify-between gap-2 border-b border-slate-200 px-4 py-3">
              <h2 id={headingId} className="flex items-center gap-2 font-medium">
                <StatusPill tone={group.severity === 'error' ? 'red' : 'amber'}>
                  {group.severity === 'error' ? 'Error' : 'Warning'}
                </StatusPill>
                <span title={group.kind}>{describeIssue(group.kind).group}</span>
                <span className="text-sm font-normal text-slate-500">({group.alerts.length})</span>
              </h2>
              {mayAcknowledge && unacknowledged.length > 1 ? (
                <AcknowledgeButton alertIds={unacknowledged} label="Acknowledge all" />
              ) : null}
            </div>
            <ul className="divide-y divide-slate-100">
              {group.alerts.map((alert) => (
                <li
                  key={alert.id}
                  data-testid="alert"
                  data-status={alert.status}
                  className="flex flex-wrap items-start justify-between gap-3 px-4 py-3 text-sm"
                >
                  <div className="space-y-0.5">
                    <p>{alert.message}</p>
                    {mayReplace && alert.deviceId && alert.remedy === 'set_up_new_lock' ? (
                      <p>
                        <Link
                          href={`/locks/replace?new=${alert.deviceId}`}
                          className="font-medium text-brand-700 underline"
                        >
                          Set up this lock: replacement or new
                        </Link>
                      </p>
                    ) : null}
                    {mayReplace && alert.deviceId && alert.remedy === 'replace_lock' ? (
                      <p>
                        <Link
                          href={`/locks/replace?old=${alert.deviceId}`}
                          className="font-medium text-brand-700 underline"
                        >
                          Replace this lock
                        </Link>
                      </p>
                    ) : null}
                    {alert.deviceId && alert.remedy === 'slot_forecast' ? (
                      <p>
                        <Link
                          href={`/locks/forecast#lock-${alert.deviceId}`}
                          className="font-medium text-brand-700 underline"
                        >
                          See the slot forecast and its fixes
                        </Link>
                      </p>
                    ) : null}
                    {mayFixConnections && alert.remedy === 'fix_connection' ? (
                      <p>
                        <Link
                          href="/settings#connections-heading"
                          className="font-medium text-brand-700 underline"
                        >
                          Fix the connection in Settings
                        </Link>
                      </p>
                    ) : null}
                    <p className="text-slate-600">
                      {alert.deviceId && alert.lockName ? (
                        <>
                          <Link
                            href={`/locks/${alert.deviceId}`}
                            className="text-brand-700 underline"
                          >
                            {alert.lockName}
                          </Link>
                          {' · '}
                        </>
                      ) : null}
                      {alert.guestName && alert.reservationId ? (
                        <>
                          <Link
                            href={`/reservations/${alert.reservationId}`}
                            className="text-brand-700 underline"
                          >
                            {alert.guestName}
                          </Link>
                          {' · '}
                        </>
                      ) : null}
                      {(alert.deviceId && alert.lockName) ||
                      (alert.guestName && alert.reservationId)
                        ? 'since '
                        : 'Since '}
                      {formatInZone(new Date(alert.openedAt), alert.timeZone)}
                    </p>
                  </div>
                  {alert.status === 'acknowledged' ? (
                    <StatusPill tone="slate">Acknowledged</StatusPill>
                  ) : mayAcknowledge ? (
                    <AcknowledgeButton alertIds={[alert.id]} label="Acknowledge" />
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </div>
  );
}
