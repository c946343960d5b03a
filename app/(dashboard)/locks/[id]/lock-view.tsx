'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { CodeStatus } from '@/components/code-status';
import { fetchJson } from '@/components/query-client';
import type { Issue } from '@/db/schema';
import { describeEventType, plural } from '@/lib/access-codes/describe';
import { LOW_BATTERY } from '@/lib/devices/battery';
import type {
  LockConnection,
  LockDetail,
  LockDetailCode,
  LockDetailEvent,
} from '@/lib/devices/lock-detail';
import { queryKeys } from '@/lib/query-keys';
import { formatInZone } from '@/lib/time';
import { PoolToggle } from './pool-toggle';
import { RetireLock } from './retire-lock';
import { SimulatedControls } from './simulated-controls';
import { codeLabel, Timeline, windowWords } from './timeline';

export function LockView({
  id,
  canManage,
  canReset,
  canManagePool,
  canFixConnection,
}: {
  id: string;
  canManage: boolean;
  canReset: boolean;
  canManagePool: boolean;
  /** May open Settings to mend the lock's connection. */
  canFixConnection: boolean;
}) {
  const { data, error, isFetching } = useQuery({
    queryKey: queryKeys.locks.detail(id),
    queryFn: () => fetchJson<LockDetail>(`/api/locks/${encodeURIComponent(id)}`),
    // Codes move through their states within seconds of a tick; keep up with them.
    refetchInterval: 3_000,
  });

  if (!data) {
    return (
      <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-4 text-red-800">
        <p>Could not load this lock{error ? `: ${error.message}` : '.'}</p>
        <Link href="/locks" className="mt-2 inline-block text-brand-700 underline">
          Back to locks
        </Link>
      </div>
    );
  }

  const { lock } = data;
  return (
    <div className="space-y-6">
      <Header detail={data} refreshing={isFetching} canFixConnection={canFixConnection} />
      {error ? (
        <p
          role="alert"
          className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800"
        >
          Could not refresh this lock: {error.message} Showing what Keyhold last knew.
        </p>
      ) : null}
      {canManage && lock.adapter === 'simulated' && lock.status === 'active' ? (
        <SimulatedControls detail={data} canReset={canReset} />
      ) : null}
      <Timeline detail={data} />
      <CodeList detail={data} />
      <div className="grid gap-6 md:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <Pool detail={data} canManage={canManagePool && lock.status === 'active'} />
        <Events events={data.events} zone={data.timeZone} />
      </div>
      {canReset && lock.status === 'active' ? (
        <RetireLock deviceId={lock.id} name={lock.name} />
      ) : null}
    </div>
  );
}

function Header({
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
      <nav aria-label="Breadcrumb" className="text-sm text-slate-600">
        <Link href="/locks" className="text-brand-700 underline underline-offset-4">
          Locks
        </Link>
        <span aria-hidden> / </span>
        <span aria-current="page">{lock.name}</span>
      </nav>
      <div className="flex flex-wrap items-end justify-between gap-3">
        <div>
          <h1 className="text-xl font-semibold">{lock.name}</h1>
          <p className="text-sm text-slate-600">
            {lock.room ? `Room ${lock.room}` : 'No room'} ·{' '}
            {lock.propertyName ?? 'Not placed in a property'}
            <span className="text-slate-500">
              {' '}
              · {ADAPTER_LABELS[lock.adapter] ?? lock.adapter} lock
            </span>
          </p>
        </div>
        <p aria-live="polite" className="text-xs text-slate-500">
          {refreshing ? 'Refreshing…' : ''}
        </p>
      </div>
      {lock.status !== 'active' ? (
        <p
          role="note"
          className="rounded-md border border-slate-300 bg-slate-100 px-3 py-2 text-sm text-slate-800"
        >
          {lock.status === 'replaced'
            ? 'This lock was replaced; it is kept for its history.'
            : 'This lock was removed; it is kept for its history.'}
        </p>
      ) : null}
      <dl className="grid grid-cols-2 gap-3 sm:grid-cols-3">
        <Fact label="Connection">
          <span data-testid="lock-connection">
            {lock.online ? (
              <span className="inline-flex items-center gap-1.5 text-emerald-700">
                <span aria-hidden className="size-2 rounded-full bg-emerald-500" /> Online
              </span>
            ) : (
              <span className="inline-flex items-center gap-1.5 font-medium text-red-700">
                <span aria-hidden className="size-2 rounded-full bg-red-500" /> Offline
              </span>
            )}
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

const ADAPTER_LABELS: Record<string, string> = { seam: 'Seam' };

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
  const service = ADAPTER_LABELS[adapter] ?? adapter;
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
    <div
      role="note"
      aria-labelledby="lock-service-heading"
      data-testid="lock-service"
      className="space-y-1 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900"
    >
      <p id="lock-service-heading" className="font-medium">
        The {service} connection “{connection.name}” needs attention ({checked}). Keyhold cannot
        reach this lock through it.
      </p>
      {connection.errors.length > 0 ? (
        <ul className="list-disc space-y-0.5 pl-5">
          {connection.errors.map((issue) => (
            <li key={issue.code} title={issue.code}>
              {issue.message}
            </li>
          ))}
        </ul>
      ) : null}
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
    </div>
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

function kindOf(code: LockDetailCode): string {
  if (code.isBackup) return 'Pulled backup';
  if (code.isPermanentBackup) return 'Permanent backup';
  if (code.reservationId) return 'Guest';
  return code.type === 'ongoing' ? 'Ongoing' : 'Time-bound';
}

function CodeList({ detail }: { detail: LockDetail }) {
  // The pool's own codes are counted below, never listed: their digits are nobody's yet.
  const codes = detail.codes.filter((c) => !(c.isBackup && !c.pulled));
  return (
    <section aria-labelledby="codes-heading" className="space-y-3">
      <h2 id="codes-heading" className="text-lg font-semibold">
        Codes
      </h2>
      {codes.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white px-4 py-8 text-center text-sm text-slate-600">
          No guest or hand-made codes on this lock in the next two weeks.
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-3">
                  Code
                </th>
                <th scope="col" className="px-4 py-3">
                  When
                </th>
                <th scope="col" className="px-4 py-3">
                  Status
                </th>
                <th scope="col" className="px-4 py-3">
                  Digits
                </th>
                <th scope="col" className="px-4 py-3">
                  Problems
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {codes.map((code) => (
                <tr
                  key={code.id}
                  id={`code-${code.id}`}
                  data-testid="code-row"
                  className="scroll-mt-24 target:bg-brand-50"
                >
                  <td className="px-4 py-3">
                    <span className="font-medium text-slate-900">{codeLabel(code)}</span>
                    <span className="block text-xs text-slate-500">{kindOf(code)}</span>
                  </td>
                  <td className="px-4 py-3 whitespace-nowrap">
                    {windowWords(code, detail.timeZone)}
                  </td>
                  <td className="px-4 py-3">
                    <CodeStatus
                      state={code.state}
                      seamStatus={code.status}
                      seamIssues={[...code.errors, ...code.warnings].map((i) => i.code)}
                    />
                  </td>
                  <td className="px-4 py-3 font-mono">
                    {code.code ?? (
                      <span className="text-slate-500">
                        <span aria-hidden>••••••</span>
                        <span className="sr-only">Hidden</span>
                      </span>
                    )}
                  </td>
                  <td className="px-4 py-3">
                    <Problems errors={code.errors} warnings={code.warnings} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function Problems({ errors, warnings }: { errors: Issue[]; warnings: Issue[] }) {
  if (errors.length + warnings.length === 0) return <span className="text-slate-500">None</span>;
  return (
    <ul className="space-y-1">
      {errors.map((e) => (
        <li key={`e:${e.code}`} title={e.code} className="text-red-700">
          {e.message}
        </li>
      ))}
      {warnings.map((w) => (
        <li key={`w:${w.code}`} title={w.code} className="text-amber-800">
          {w.message}
        </li>
      ))}
    </ul>
  );
}

function Pool({ detail, canManage }: { detail: LockDetail; canManage: boolean }) {
  const { pool } = detail;
  return (
    <section
      id="backup-pool"
      aria-labelledby="pool-heading"
      data-testid="backup-pool"
      className="scroll-mt-24 space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="pool-heading" className="text-lg font-semibold">
        Backup pool
      </h2>
      {pool.enabled ? (
        <>
          <p
            className={`text-3xl font-semibold ${
              pool.available === 0
                ? 'text-red-700'
                : pool.available < pool.target
                  ? 'text-amber-800'
                  : 'text-emerald-700'
            }`}
          >
            {pool.available} <span className="text-base font-normal text-slate-600">of</span>{' '}
            {pool.target} <span className="text-base font-normal text-slate-600">ready</span>
          </p>
          <ul className="text-sm text-slate-700">
            <li>{plural(pool.notReady, 'code')} not ready yet</li>
            <li>{plural(pool.pulled, 'code')} pulled for guests</li>
          </ul>
        </>
      ) : (
        <p className="text-sm text-slate-600">
          The backup pool is off for this lock
          {pool.pulled > 0 ? `; ${plural(pool.pulled, 'pulled code')} still live` : ''}.
        </p>
      )}
      {canManage ? <PoolToggle deviceId={detail.lock.id} enabled={pool.enabled} /> : null}
      <p className="text-xs text-slate-500">
        Backup digits stay hidden until the front desk pulls one for a guest.
      </p>
    </section>
  );
}

function Events({ events, zone }: { events: LockDetailEvent[]; zone: string }) {
  return (
    <section aria-labelledby="events-heading" className="space-y-3">
      <h2 id="events-heading" className="text-lg font-semibold">
        Recent events
      </h2>
      {events.length === 0 ? (
        <p className="rounded-lg border border-slate-200 bg-white px-4 py-8 text-center text-sm text-slate-600">
          Nothing has happened on this lock yet.
        </p>
      ) : (
        <ol
          data-testid="lock-events"
          className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white shadow-sm"
        >
          {events.map((event) => (
            <li key={event.id} className="flex flex-wrap justify-between gap-x-3 px-4 py-2 text-sm">
              <span>
                <span className="font-medium" title={event.eventType}>
                  {describeEventType(event.eventType)}
                </span>
                <span className="text-slate-600">
                  {' '}
                  · {eventSubject(event)}
                  {event.changeType ? ` (${event.changeType})` : ''}
                </span>
                <span className="block text-xs text-slate-500">
                  {event.actorName ? `by ${event.actorName}` : 'by Keyhold'}
                </span>
              </span>
              <time
                dateTime={event.occurredAt}
                className="text-xs whitespace-nowrap text-slate-500"
              >
                {formatInZone(new Date(event.occurredAt), zone)}
              </time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function eventSubject(event: LockDetailEvent): string {
  if (event.isBackup) return event.guestName ? `Backup code for ${event.guestName}` : 'Backup code';
  if (event.guestName) return event.guestName;
  return event.codeName ?? 'Unnamed code';
}
