'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { fetchJson } from '@/components/query-client';
import { Alert } from '@/components/ui/alert';
import { Button, ButtonLink } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { Panel } from '@/components/ui/panel';
import type { ReplacementChoices } from '@/lib/devices/new-locks';
import type { ReplacementPlan } from '@/lib/devices/replacement-plan';
import { queryKeys } from '@/lib/query-keys';
import { ConfirmReplacement, PlaceLockForm } from './wizard-forms';

/**
 * The replacement wizard's steps, kept live: a reset lock appears among the
 * new locks within a tick of discovery finding it, without a reload.
 */
export function ReplaceWizard({
  chosen,
  review,
  reviewProblem,
  undone = false,
  properties: propertyChoices,
}: {
  /** The locks named in the address (`?new=…&old=…`). */
  chosen: { new?: string; old?: string };
  /** The pair to review, when the address asks for the review step. */
  review: { oldDeviceId: string; newDeviceId: string } | null;
  /** Why the server could not review that pair. */
  reviewProblem: string | null;
  /** Arrived here by undoing a replacement (`?undone=1`): say it worked. */
  undone?: boolean;
  properties: { id: string; name: string }[];
}) {
  const { data: choices, error: choicesError } = useQuery({
    queryKey: queryKeys.locks.replacementChoices,
    queryFn: () => fetchJson<ReplacementChoices>('/api/replacements'),
    // Discovery runs on the tick: check again for the new lock every few seconds.
    refetchInterval: 5_000,
  });
  const planQuery = useQuery({
    queryKey: queryKeys.locks.replacementPlan(review ?? { oldDeviceId: '', newDeviceId: '' }),
    queryFn: () =>
      fetchJson<ReplacementPlan>(`/api/replacements/plan?${new URLSearchParams(review ?? {})}`),
    enabled: review !== null && reviewProblem === null,
    refetchInterval: 5_000,
  });
  const plan = reviewProblem ? null : (planQuery.data ?? null);
  const problem = reviewProblem ?? planQuery.error?.message ?? null;

  const found = choices?.found ?? [];
  const replaceable = choices?.replaceable ?? [];
  const chosenNew = found.find((l) => l.id === chosen.new) ?? found[0] ?? null;
  const chosenOld =
    replaceable.find((l) => l.id === chosen.old) ??
    replaceable.find((l) => l.id === chosenNew?.suggestedReplaces?.id) ??
    null;

  return (
    <div className="space-y-6">
      <div>
        <Link href="/locks" className="text-sm text-brand-700 underline-offset-2 hover:underline">
          ← Locks
        </Link>
        <h1 className="mt-1 text-xl font-semibold">Replace a lock</h1>
        <p className="max-w-2xl text-sm text-slate-600">
          A factory-reset lock comes back as a new device while the old one goes quiet for good.
          Choose the new lock and the one it replaces: Keyhold moves the name, room, stays, guest
          codes and backup pool across, and programs them on the new lock.
        </p>
      </div>

      {undone ? (
        <Alert tone="success" data-testid="replacement-undone">
          Replacement undone. The old lock is back with its stays; its codes go on again once it is
          working. Choose again below, or leave the new lock for later.
        </Alert>
      ) : null}

      {problem ? (
        <Alert tone="warning" role="alert">
          {problem}
        </Alert>
      ) : null}
      {choicesError ? (
        <Alert tone="error">
          Could not refresh the locks: {choicesError.message} Showing what Keyhold last knew.
        </Alert>
      ) : null}

      {plan ? (
        <Review plan={plan} />
      ) : found.length === 0 ? (
        <EmptyState>
          <p className="font-medium text-slate-800">No new lock found yet.</p>
          <p>
            After a factory reset the lock appears here within a few minutes, as soon as its account
            lists it. This page checks again by itself.
          </p>
        </EmptyState>
      ) : (
        <>
          <form
            method="get"
            action="/locks/replace"
            className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
          >
            <input type="hidden" name="review" value="1" />
            <fieldset className="space-y-2">
              <legend className="text-base font-semibold">1. The new lock</legend>
              {found.map((lock) => (
                <label key={lock.id} className="flex items-start gap-2 text-sm">
                  <input
                    type="radio"
                    name="new"
                    value={lock.id}
                    defaultChecked={lock.id === chosenNew?.id}
                    className="mt-1"
                  />
                  <span>
                    <span className="font-medium">{lock.name}</span>{' '}
                    <span className="text-slate-600">
                      found {lock.firstSeenLabel}, {lock.online ? 'online' : 'offline'}
                      {lock.suggestedReplaces
                        ? ` — likely replaces ${lock.suggestedReplaces.name}`
                        : ''}
                    </span>
                  </span>
                </label>
              ))}
            </fieldset>
            <fieldset className="space-y-2">
              <legend className="text-base font-semibold">2. The lock it replaces</legend>
              {replaceable.length === 0 ? (
                <p className="text-sm text-slate-600">No placed lock to replace.</p>
              ) : (
                replaceable.map((lock) => (
                  <label key={lock.id} className="flex items-start gap-2 text-sm">
                    <input
                      type="radio"
                      name="old"
                      value={lock.id}
                      defaultChecked={lock.id === chosenOld?.id}
                      className="mt-1"
                    />
                    <span>
                      <span className="font-medium">{lock.name}</span>{' '}
                      <span className="text-slate-600">
                        {lock.propertyName ?? 'no property'}
                        {lock.removed
                          ? ' — gone from its account (reset?)'
                          : lock.online
                            ? ''
                            : ' — offline'}
                      </span>
                    </span>
                  </label>
                ))
              )}
            </fieldset>
            <Button type="submit" variant="primary">
              Review the replacement
            </Button>
          </form>

          {chosenNew ? (
            <Panel title={`Not a replacement? Add ${chosenNew.name} as a new lock`}>
              <PlaceLockForm
                deviceId={chosenNew.id}
                defaultName={chosenNew.name}
                properties={propertyChoices}
              />
            </Panel>
          ) : null}
        </>
      )}
    </div>
  );
}

function Review({ plan }: { plan: ReplacementPlan }) {
  const { old, fresh } = plan;
  return (
    <Panel
      title={`Replace ${old.name} with ${fresh.name}`}
      data-testid="replacement-review"
      className="space-y-4"
    >
      <ul className="list-disc space-y-1 pl-5 text-sm text-slate-800">
        <li>
          The new lock becomes <strong>{old.name}</strong>
          {old.room ? `, room ${old.room}` : ''}
          {old.propertyName ? `, at ${old.propertyName}` : ''}.
        </li>
        <li>
          {plan.stays.length === 0
            ? 'No current or future stay uses this lock.'
            : `${plan.stays.length} ${plan.stays.length === 1 ? 'stay moves' : 'stays move'}, each keeping its code where the new lock takes it:`}
          {plan.stays.length > 0 ? (
            <ul className="mt-1 list-[circle] space-y-0.5 pl-5">
              {plan.stays.map((stay) => (
                <li key={stay.reservationId} data-testid="moving-stay">
                  {stay.guestName} <span className="font-mono tracking-widest">{stay.code}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </li>
        {plan.pulledBackups.length > 0 ? (
          <li>
            {plan.pulledBackups.length} pulled backup{' '}
            {plan.pulledBackups.length === 1 ? 'code' : 'codes'} still in use (
            {plan.pulledBackups.map((b) => b.guestName ?? 'a guest').join(', ')}) move too.
          </li>
        ) : null}
        {plan.otherCodes > 0 ? <li>{plan.otherCodes} other ongoing codes move too.</li> : null}
        <li>
          {plan.backupPoolEnabled
            ? `The ${plan.poolSize} unused backup codes are closed; the new lock gets a fresh pool.`
            : 'The lock keeps no backup pool.'}
        </li>
        <li>
          The old lock is kept for its history, marked replaced. A guest whose code the new lock
          refuses gets new digits and a message with them.
        </li>
      </ul>
      <div className="flex flex-wrap items-start gap-3">
        <ConfirmReplacement oldDeviceId={old.id} newDeviceId={fresh.id} oldName={old.name} />
        <ButtonLink href={`/locks/replace?new=${fresh.id}&old=${old.id}`}>Choose again</ButtonLink>
      </div>
    </Panel>
  );
}
