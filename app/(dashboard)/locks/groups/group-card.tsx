'use client';

import Link from 'next/link';
import { useState } from 'react';
import { LockCheckboxes } from '@/components/lock-checkboxes';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { Field, FormProblem } from '@/components/ui/field';
import { useFormAction } from '@/components/ui/use-form-action';
import { plural } from '@/lib/access-codes/describe';
import type { GroupLockChoice, LockGroupSummary } from '@/lib/devices/lock-groups';
import { deleteLockGroupAction, renameLockGroupAction, setLockGroupLocksAction } from './actions';

/** One group: its locks and common doors; owners and admins rename it, change its locks, delete it. */
export function GroupCard({
  group,
  locks,
  canManage,
}: {
  group: LockGroupSummary;
  /** The property's locks, to choose from. */
  locks: GroupLockChoice[];
  canManage: boolean;
}) {
  const headingId = `group-${group.id}`;
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <li
      aria-labelledby={headingId}
      data-testid="lock-group"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h3 id={headingId} className="font-semibold">
        {group.name}
      </h3>
      <p className="text-sm text-slate-700">
        {group.locks.length === 0
          ? 'No locks yet.'
          : `${plural(group.locks.length, 'lock')}: ${group.locks.map((l) => l.name).join(', ')}.`}
      </p>
      <p className="text-sm text-slate-700" data-testid="group-common-doors">
        {group.commonDoors.length === 0 ? (
          'No common door serves this group.'
        ) : (
          <>
            Common door of its stays:{' '}
            {group.commonDoors.map((door, i) => (
              <span key={door.id}>
                {i > 0 ? ', ' : ''}
                <Link href={`/locks/${door.id}`} className="text-brand-700 underline">
                  {door.name}
                </Link>
              </span>
            ))}
            .
          </>
        )}
      </p>
      {canManage ? (
        <div className="space-y-4">
          <RenameForm group={group} />
          <LocksForm group={group} locks={locks} />
          {problem ? <Alert tone="error">{problem}</Alert> : null}
          <ConfirmButton
            size="sm"
            question={`Delete ${group.name}?`}
            details={
              group.commonDoors.length > 0
                ? `${group.commonDoors.map((d) => d.name).join(', ')} will no longer be a common door, and comes off the stays that have it through this group.`
                : 'No lock changes: the group only names them.'
            }
            confirmLabel="Delete the group"
            pendingLabel="Deleting…"
            aria-label={`Delete ${group.name}`}
            onConfirm={async () => {
              const result = await deleteLockGroupAction(group.id);
              setProblem(result.ok ? null : result.error);
              return result.ok;
            }}
          >
            Delete…
          </ConfirmButton>
        </div>
      ) : null}
    </li>
  );
}

function RenameForm({ group }: { group: LockGroupSummary }) {
  const { form, pending, refusal, fieldErrors, success } = useFormAction(renameLockGroupAction);
  return (
    <form {...form} className="flex flex-wrap items-end gap-2" aria-label={`Rename ${group.name}`}>
      <input type="hidden" name="groupId" value={group.id} />
      <Field
        name="name"
        label="Name"
        error={fieldErrors.name}
        className="min-w-48 flex-1"
        id={`group-${group.id}-name`}
      >
        {(control) => <input {...control} type="text" defaultValue={group.name} maxLength={60} />}
      </Field>
      <Button type="submit" size="sm" disabled={pending}>
        {pending ? 'Saving…' : 'Rename'}
      </Button>
      <FormProblem refusal={refusal} fields={['name']} />
      {success ? (
        <p role="status" className="w-full text-sm text-emerald-800">
          Renamed.
        </p>
      ) : null}
    </form>
  );
}

function LocksForm({ group, locks }: { group: LockGroupSummary; locks: GroupLockChoice[] }) {
  const { form, pending, refusal, fieldErrors, success } = useFormAction(setLockGroupLocksAction);
  const members = group.locks.map((l) => l.id);
  return (
    <form {...form} className="space-y-2" aria-label={`Locks in ${group.name}`}>
      <input type="hidden" name="groupId" value={group.id} />
      <LockCheckboxes
        key={members.join(',')}
        legend={`Locks in ${group.name}`}
        hint={
          group.commonDoors.length > 0
            ? 'Its common door follows at once: stays in rooms you add get it, stays in rooms you take out lose it.'
            : 'Tick the locks that belong to the group.'
        }
        locks={locks.map((l) => ({
          ...l,
          name: l.commonDoor ? `${l.name} (common door)` : l.name,
        }))}
        checked={members}
        error={fieldErrors.deviceIds}
      />
      <FormProblem refusal={refusal} fields={['deviceIds']} />
      <Button type="submit" size="sm" disabled={pending}>
        {pending ? 'Saving…' : 'Save locks'}
      </Button>
      {success ? (
        <p role="status" className="text-sm text-emerald-800">
          Saved.
          {success.data.staysAdded > 0
            ? ` ${plural(success.data.staysAdded, 'stay')} now ${success.data.staysAdded === 1 ? 'has' : 'have'} the group’s common door.`
            : ''}
          {success.data.staysRemoved > 0
            ? ` ${plural(success.data.staysRemoved, 'stay')} no longer ${success.data.staysRemoved === 1 ? 'has' : 'have'} it.`
            : ''}
        </p>
      ) : null}
    </form>
  );
}
