'use client';

import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useEffect, useState } from 'react';
import { Button } from '@/components/ui/button';
import { FieldError, FormProblem } from '@/components/ui/field';
import { Panel } from '@/components/ui/panel';
import { useFormAction } from '@/components/ui/use-form-action';
import { plural } from '@/lib/access-codes/describe';
import type { CommonDoorChoice } from '@/lib/devices/common-doors';
import { queryKeys } from '@/lib/query-keys';
import { setCommonDoorAction } from './actions';

const FIELDS = ['scope', 'groupId', 'deviceId'];

/** `none`, `property` or a group's id: the form's one field. */
const scopeOf = (choice: Pick<CommonDoorChoice, 'commonDoor' | 'groupId'>) =>
  choice.commonDoor ? (choice.groupId ?? 'property') : 'none';

const stays = (n: number) => `${plural(n, 'current or upcoming stay')}`;
const staysGot = (n: number) => (n === 1 ? '1 stay got its' : `${n} stays got their`);
const staysLost = (n: number) => (n === 1 ? '1 stay lost its' : `${n} stays lost their`);

/** How the lock is marked now, in a sentence. */
function describeMarking(choice: CommonDoorChoice, lockName: string): string {
  if (!choice.commonDoor)
    return `${lockName} is not a common door: only stays that choose it open it.`;
  const group = choice.groups.find((g) => g.groupId === choice.groupId);
  return group
    ? `${lockName} is the common door of the stays in ${group.name}: each one's guest code goes on it too.`
    : `${lockName} is the common door of every stay at ${choice.propertyName}: each one's guest code goes on it too.`;
}

/** What saving the chosen scope would do, before it is saved. */
function describeChange(choice: CommonDoorChoice, lockName: string, scope: string): string | null {
  if (scope === scopeOf(choice)) return null;
  if (scope === 'none') {
    return `Stays that have their code on ${lockName} as their common door lose it there; their rooms keep theirs.`;
  }
  const digits = 'with the same digits as its room where the locks allow it';
  if (scope === 'property') {
    return `Every stay at ${choice.propertyName} gets its guest code on ${lockName} too, ${digits}; ${stays(choice.upcomingStays)} will get it now.`;
  }
  const group = choice.groups.find((g) => g.groupId === scope);
  return group
    ? `Every stay with a room in ${group.name} gets its guest code on ${lockName} too, ${digits}; ${stays(group.stays)} will get it now. Other stays lose it here.`
    : null;
}

/**
 * "Common door: no / every stay at <property> / stays in group <g>". Owners
 * and admins change it; everyone sees it. The counts come from the page's
 * render and are read again after each save.
 */
export function CommonDoor({
  choice,
  lockName,
  canManage,
}: {
  choice: CommonDoorChoice;
  lockName: string;
  canManage: boolean;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const { form, pending, refusal, fieldErrors, success } = useFormAction(setCommonDoorAction);
  const [scope, setScope] = useState(scopeOf(choice));
  const marked = scopeOf(choice);
  useEffect(() => {
    setScope(marked);
  }, [marked]);
  useEffect(() => {
    if (!success) return;
    router.refresh();
    void queryClient.invalidateQueries({ queryKey: queryKeys.locks.detail(choice.deviceId) });
  }, [success, router, queryClient, choice.deviceId]);

  if (!choice.propertyId) {
    return (
      <Panel title="Common door" data-testid="common-door">
        <p className="text-sm text-slate-600">
          Place this lock at a property before making it a common door.
        </p>
      </Panel>
    );
  }
  const change = describeChange(choice, lockName, scope);
  const options = [
    { value: 'none', label: 'No', hint: 'Only stays that choose this lock get codes on it.' },
    {
      value: 'property',
      label: `Every stay at ${choice.propertyName}`,
      hint: stays(choice.upcomingStays),
    },
    ...choice.groups.map((g) => ({
      value: g.groupId ?? '',
      label: `Stays in group ${g.name}`,
      hint: stays(g.stays),
    })),
  ];

  return (
    <Panel title="Common door" data-testid="common-door">
      <p className="text-sm text-slate-700" data-testid="common-door-marking">
        {describeMarking(choice, lockName)}
      </p>
      {canManage ? (
        <form {...form} className="space-y-3" aria-describedby="common-door-explained">
          <input type="hidden" name="deviceId" value={choice.deviceId} />
          <fieldset className="space-y-2" aria-invalid={fieldErrors.groupId ? true : undefined}>
            <legend className="text-sm font-medium text-slate-800">
              Is {lockName} a common door?
            </legend>
            {options.map((option) => (
              <label
                key={option.value}
                className="flex min-h-11 cursor-pointer items-start gap-2 rounded-md border border-slate-200 px-3 py-2 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50"
              >
                <input
                  type="radio"
                  name="scope"
                  value={option.value}
                  checked={scope === option.value}
                  onChange={() => setScope(option.value)}
                  className="mt-0.5 size-4 accent-brand-600"
                />
                <span>
                  {option.label}
                  <span className="block text-xs text-slate-600">{option.hint}</span>
                </span>
              </label>
            ))}
            <FieldError id="common-door-group-error" name="groupId" error={fieldErrors.groupId} />
          </fieldset>
          <p id="common-door-explained" className="text-sm text-slate-700" aria-live="polite">
            {change ??
              'A common door is a building entrance, a gate or a gym: stays get it from their rooms, and it is never a double booking.'}
          </p>
          {choice.groups.length === 0 ? (
            <p className="text-xs text-slate-500">
              To serve only some rooms’ stays,{' '}
              <Link href="/locks/groups" className="text-brand-700 underline">
                make a lock group
              </Link>{' '}
              of those rooms first.
            </p>
          ) : null}
          <FormProblem refusal={refusal} fields={FIELDS} />
          <Button type="submit" variant="primary" disabled={pending || change === null}>
            {pending ? 'Saving…' : 'Save'}
          </Button>
          {success ? (
            <p role="status" className="text-sm text-emerald-800" data-testid="common-door-saved">
              Saved.{' '}
              {success.data.staysAdded > 0
                ? `${staysGot(success.data.staysAdded)} code on ${lockName}. `
                : ''}
              {success.data.staysRemoved > 0
                ? `${staysLost(success.data.staysRemoved)} code here. `
                : ''}
              The next tick puts them on the lock or takes them off.
            </p>
          ) : null}
        </form>
      ) : (
        <p className="text-xs text-slate-500">An owner or admin can change this.</p>
      )}
    </Panel>
  );
}
