'use client';

import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { type ReactNode, useEffect, useState } from 'react';
import { CodeStatus } from '@/components/code-status';
import { fetchJson } from '@/components/query-client';
import { Alert } from '@/components/ui/alert';
import { EmptyState } from '@/components/ui/empty-state';
import { Panel } from '@/components/ui/panel';
import { NEEDED_HELP, NO_ENTRIES, NO_ENTRY_YET } from '@/lib/lock-events/describe';
import type { Entry } from '@/lib/lock-events/entries';
import { queryKeys } from '@/lib/query-keys';
import type {
  CodeView,
  HistoryEntry,
  IssueView,
  ReservationDetail,
} from '@/lib/reservations/detail';
import type { StayLock } from '@/lib/reservations/list';
import { STAGE_WORDS } from '../reservations-table';
import { TONE_BADGE, TONE_TEXT } from '../stay-fields';
import { CancelStay } from './cancel-stay';
import { EditStayForm } from './edit-stay-form';
import { GuestMessages } from './guest-messages';

export function ReservationView({
  id,
  justCreated,
  canManage,
  canSend,
  propertyLocks,
}: {
  id: string;
  justCreated: boolean;
  canManage: boolean;
  /** May send the guest their code from here (messages.send). */
  canSend: boolean;
  propertyLocks: StayLock[];
}) {
  const pathname = usePathname();
  const queryClient = useQueryClient();
  const key = queryKeys.reservations.detail(id);
  const { data: stay, error } = useQuery({
    queryKey: key,
    queryFn: () => fetchJson<ReservationDetail>(`/api/reservations/${id}`),
    // Codes move on every tick; a few seconds keeps "being set" honest.
    refetchInterval: 4_000,
  });
  // What was just saved. Its lines are the stay's codes as they are now, so "being set"
  // turns into "on the lock" as the work is done; editing the form again clears it.
  const [notice, setNotice] = useState<string | null>(() =>
    justCreated ? 'Reservation created.' : null,
  );

  // Say "created" once: a reload should not claim it again.
  useEffect(() => {
    if (justCreated) window.history.replaceState(null, '', pathname);
  }, [justCreated, pathname]);

  if (!stay) {
    return error ? (
      <Alert tone="error">Could not load this reservation: {error.message}</Alert>
    ) : (
      <p role="status" className="text-sm text-slate-600">
        Loading…
      </p>
    );
  }

  const saved = (title: string) => (detail: ReservationDetail) => {
    queryClient.setQueryData(key, detail);
    void queryClient.invalidateQueries({ queryKey: queryKeys.reservations.all, exact: false });
    setNotice(title);
  };
  const stage = STAGE_WORDS[stay.stage];
  const editable = canManage && stay.status === 'confirmed' && stay.stage !== 'past';
  // A lock the stay still opens stays on offer even if it has left the property since.
  const lockChoices = [
    ...propertyLocks,
    ...stay.locks.filter((l) => !propertyLocks.some((p) => p.id === l.id)),
  ];

  return (
    <div className="space-y-6">
      <div>
        <Link
          href="/reservations"
          className="text-sm text-brand-700 underline-offset-2 hover:underline"
        >
          ← Reservations
        </Link>
        <div className="mt-1 flex flex-wrap items-center gap-3">
          <h1 className="text-xl font-semibold">{stay.guestName}</h1>
          <span
            data-testid="reservation-stage"
            className={`rounded-full px-2 py-0.5 text-xs ring-1 ${TONE_BADGE[stage.tone]}`}
          >
            {stage.label}
          </span>
        </div>
        <p className="text-sm text-slate-600">{stay.propertyName}</p>
      </div>

      {error ? (
        <Alert tone="error">Could not refresh this reservation: {error.message}</Alert>
      ) : null}

      {stay.pendingCancellation ? (
        <Alert tone="warning" data-testid="pending-cancellation">
          {stay.pendingCancellation}
        </Alert>
      ) : null}

      {notice ? (
        <Alert tone="success" title={notice} data-testid="save-effect">
          <ul className="list-disc space-y-0.5 pl-5">
            {stay.effect.map((line) => (
              <li key={line}>{line}</li>
            ))}
          </ul>
        </Alert>
      ) : null}

      <Panel title="Stay">
        <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-2">
          <Item label="Check-in" testId="stay-check-in">
            {stay.checkInLabel}
          </Item>
          <Item label="Check-out" testId="stay-check-out">
            {stay.checkOutLabel}
          </Item>
          <Item label="Arrival" testId="stay-first-entry">
            {stay.entries.first ? (
              <span className="font-medium text-emerald-800">{stay.entries.first.words}</span>
            ) : (
              <span className="text-slate-600">{NO_ENTRY_YET}</span>
            )}
            {stay.entries.neededHelp ? (
              <span className="ml-2 text-amber-900">· {NEEDED_HELP}</span>
            ) : null}
          </Item>
          <Item label="Time zone">{stay.timeZone}</Item>
          <Item label="Locks" testId="stay-locks">
            {stay.locks.length === 0 ? 'None' : stay.locks.map((l) => l.name).join(', ')}
          </Item>
          {stay.commonDoors.length > 0 ? (
            <Item label="Common doors" testId="stay-common-doors">
              {stay.commonDoors.map((l) => `${l.name} — common door`).join(', ')}
              <span className="block text-xs text-slate-500">
                Every stay here gets its code on them; they follow the stay’s rooms.
              </span>
            </Item>
          ) : null}
          <Item label="Email">
            {stay.guestEmail ? (
              <a href={`mailto:${stay.guestEmail}`} className="text-brand-700 underline">
                {stay.guestEmail}
              </a>
            ) : (
              <span className="text-slate-500">Not given</span>
            )}
          </Item>
          <Item label="Phone">
            {stay.guestPhone ? (
              <a href={`tel:${stay.guestPhone}`} className="text-brand-700 underline">
                {stay.guestPhone}
              </a>
            ) : (
              <span className="text-slate-500">Not given</span>
            )}
          </Item>
          {stay.cancelledAtLabel ? <Item label="Cancelled">{stay.cancelledAtLabel}</Item> : null}
          <Item label="Source" testId="stay-source">
            {stay.source ?? <span className="text-slate-500">Entered in Keyhold</span>}
          </Item>
          {stay.notes ? <Item label="Notes">{stay.notes}</Item> : null}
        </dl>
      </Panel>

      <section aria-labelledby="codes-heading" className="space-y-3">
        <h2 id="codes-heading" className="text-base font-semibold">
          Guest codes
        </h2>
        {stay.codes.length === 0 ? (
          <EmptyState>{stay.effect[0]}</EmptyState>
        ) : (
          <ul className="grid gap-3 md:grid-cols-2">
            {stay.codes.map((code) => (
              <CodeCard key={code.id} code={code} />
            ))}
          </ul>
        )}
      </section>

      <GuestMessages
        stay={stay}
        canSend={canSend}
        onSent={(detail) => queryClient.setQueryData(key, detail)}
      />

      {editable ? (
        <>
          <EditStayForm
            stay={stay}
            locks={lockChoices}
            onSaved={saved('Changes saved.')}
            onEdit={() => setNotice(null)}
          />
          <CancelStay stay={stay} onCancelled={saved('Reservation cancelled.')} />
        </>
      ) : canManage && stay.status === 'confirmed' ? (
        <p className="text-sm text-slate-600">This stay is over; it can no longer be changed.</p>
      ) : null}

      <Entries entries={stay.entries.entries} />

      <History entries={stay.history} />
    </div>
  );
}

function Item({
  label,
  children,
  testId,
}: {
  label: string;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <div>
      <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-slate-900" data-testid={testId}>
        {children}
      </dd>
    </div>
  );
}

function CodeCard({ code }: { code: CodeView }) {
  return (
    <li
      data-testid="guest-code"
      data-lock={code.lockName}
      className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <p className="font-medium">
          {code.lockName}
          {code.lockOnline ? null : (
            <span className="ml-2 text-sm font-normal text-red-700">Lock offline</span>
          )}
        </p>
        {code.digits ? (
          <p className="text-sm text-slate-600">
            Code{' '}
            <span className="font-mono text-base tracking-widest text-slate-900">
              {code.digits}
            </span>
          </p>
        ) : null}
      </div>
      <CodeStatus
        state={code.state}
        seamStatus={code.status}
        seamIssues={[...code.errors, ...code.warnings].map((i) => i.code)}
      />
      <p className="text-sm text-slate-600">{code.next}</p>
      <Issues label="Errors" issues={code.errors} />
      <Issues label="Warnings" issues={code.warnings} />
      {code.backupPulled ? (
        <p className="text-sm text-slate-600">
          A backup code was pulled for this lock.
          {code.neededHelp ? ' The guest got in with it: this code needed help.' : ''}
        </p>
      ) : null}
    </li>
  );
}

function Issues({ label, issues }: { label: string; issues: IssueView[] }) {
  if (issues.length === 0) return null;
  return (
    <div>
      <p className="sr-only">{label}</p>
      <ul className="space-y-1">
        {issues.map((issue) => (
          <li
            key={issue.code}
            data-testid="code-issue"
            className={`rounded-md px-2 py-1 text-sm ring-1 ${TONE_BADGE[issue.tone]}`}
          >
            <span className="font-medium" title={`Seam code: ${issue.code}`}>
              {issue.title}
            </span>
            {issue.changeType ? ` (${issue.changeType})` : null}
            {issue.explanation ? <span> — {issue.explanation}</span> : null}
            {issue.sinceLabel ? (
              <span className="block text-xs opacity-80">Since {issue.sinceLabel}</span>
            ) : null}
          </li>
        ))}
      </ul>
    </div>
  );
}

/** Who came in, newest first, in the words of lib/lock-events/describe.ts. */
function Entries({ entries }: { entries: Entry[] }) {
  return (
    <section aria-labelledby="entries-heading" className="space-y-3">
      <h2 id="entries-heading" className="text-base font-semibold">
        Entries
      </h2>
      {entries.length === 0 ? (
        <EmptyState>{NO_ENTRIES}</EmptyState>
      ) : (
        <ol className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm">
          {entries.map((entry) => (
            <li
              key={entry.id}
              data-testid="stay-entry"
              className={`px-4 py-2 ${entry.afterCheckOut ? 'text-red-800' : ''}`}
            >
              <time dateTime={entry.occurredAt}>{entry.words}</time>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function History({ entries }: { entries: HistoryEntry[] }) {
  return (
    <section aria-labelledby="history-heading" className="space-y-3">
      <h2 id="history-heading" className="text-base font-semibold">
        History
      </h2>
      {entries.length === 0 ? (
        <p className="text-sm text-slate-600">Nothing has happened to this stay’s codes yet.</p>
      ) : (
        <ol className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white text-sm">
          {entries.map((entry) => (
            <li
              key={entry.id}
              data-testid="history-entry"
              className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 px-4 py-2"
            >
              <time dateTime={entry.at} className="w-full text-xs text-slate-500 sm:w-56">
                {entry.atLabel}
              </time>
              <span className="font-medium">{entry.lockName}</span>
              <span className={TONE_TEXT[entry.tone]} title={`Seam event: ${entry.eventType}`}>
                {entry.text}
              </span>
              {entry.by ? <span className="text-slate-500">by {entry.by}</span> : null}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
