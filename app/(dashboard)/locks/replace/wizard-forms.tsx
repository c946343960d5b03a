'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { PropertyField } from '@/components/property-field';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, FormProblem } from '@/components/ui/field';
import { useFormAction } from '@/components/ui/use-form-action';
import { queryKeys } from '@/lib/query-keys';
import { placeLockAction, replaceLockAction, undoReplacementAction } from './actions';

/** The review step's one button: do it. */
export function ConfirmReplacement({
  oldDeviceId,
  newDeviceId,
  oldName,
}: {
  oldDeviceId: string;
  newDeviceId: string;
  oldName: string;
}) {
  const { form, pending, refusal } = useFormAction(replaceLockAction);
  return (
    <form {...form} className="space-y-2">
      <input type="hidden" name="oldDeviceId" value={oldDeviceId} />
      <input type="hidden" name="newDeviceId" value={newDeviceId} />
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Replacing…' : `Replace ${oldName}`}
      </Button>
      <FormProblem refusal={refusal} fields={[]} />
    </form>
  );
}

/** A new lock that replaces nothing: where it is. */
export function PlaceLockForm({
  deviceId,
  defaultName,
  properties,
}: {
  deviceId: string;
  defaultName: string;
  properties: { id: string; name: string }[];
}) {
  const { form, pending, refusal, fieldErrors } = useFormAction(placeLockAction);
  return (
    <form {...form} className="grid gap-3 sm:grid-cols-3">
      <input type="hidden" name="deviceId" value={deviceId} />
      <PropertyField properties={properties} error={fieldErrors.propertyId} />
      <Field name="name" label="Name" error={fieldErrors.name}>
        {(control) => <input {...control} defaultValue={defaultName} required />}
      </Field>
      <Field name="room" label="Room (optional)" error={fieldErrors.room}>
        {(control) => <input {...control} />}
      </Field>
      <div className="space-y-2 sm:col-span-3">
        <Button type="submit" disabled={pending}>
          {pending ? 'Adding…' : 'Add as a new lock'}
        </Button>
        <FormProblem refusal={refusal} fields={['propertyId', 'name', 'room']} />
      </div>
    </form>
  );
}

/** Undo, offered while no code has gone to the new lock, saying until when. */
export function UndoReplacement({
  newDeviceId,
  until,
}: {
  newDeviceId: string;
  /** The lock's local time the offer ends ("14:05"). */
  until: string;
}) {
  const router = useRouter();
  const queryClient = useQueryClient();
  const [pending, start] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-1">
      <Button
        size="sm"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await undoReplacementAction(newDeviceId);
            if (result.ok) {
              // Both locks, the wizard's choices and the progress all read lock keys.
              await queryClient.invalidateQueries({ queryKey: queryKeys.locks.all });
              router.push(
                `/locks/replace?new=${newDeviceId}&old=${result.data.oldDeviceId}&undone=1`,
              );
            } else {
              setError(result.error);
            }
          })
        }
      >
        {pending ? 'Undoing…' : `Undo — possible until ${until}`}
      </Button>
      {error ? <Alert tone="error">{error}</Alert> : null}
    </div>
  );
}
