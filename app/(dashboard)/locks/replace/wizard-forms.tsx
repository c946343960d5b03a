'use client';

import { useRouter } from 'next/navigation';
import { useActionState, useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { placeLockAction, replaceLockAction, undoReplacementAction } from './actions';

const inputClass =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none aria-invalid:border-red-500';

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
  const [state, action, pending] = useActionState(replaceLockAction, null);
  return (
    <form action={action} className="space-y-2">
      <input type="hidden" name="oldDeviceId" value={oldDeviceId} />
      <input type="hidden" name="newDeviceId" value={newDeviceId} />
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Replacing…' : `Replace ${oldName}`}
      </Button>
      {state && !state.ok ? <Alert tone="error">{state.error}</Alert> : null}
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
  const [state, action, pending] = useActionState(placeLockAction, null);
  const [values, setValues] = useState({
    propertyId: properties[0]?.id ?? '',
    name: defaultName,
    room: '',
  });
  const errorFor = (field: string) =>
    state && !state.ok && state.field === field ? state.error : null;
  const field = (name: 'propertyId' | 'name' | 'room', label: string, control: React.ReactNode) => (
    <div className="space-y-1">
      <label htmlFor={`place-${name}`} className="block text-sm font-medium">
        {label}
      </label>
      {control}
      {errorFor(name) ? (
        <p role="alert" className="text-sm text-red-700">
          {errorFor(name)}
        </p>
      ) : null}
    </div>
  );
  const props = (name: 'propertyId' | 'name' | 'room') => ({
    id: `place-${name}`,
    name,
    value: values[name],
    'aria-invalid': errorFor(name) ? true : undefined,
    onChange: (e: { target: { value: string } }) =>
      setValues({ ...values, [name]: e.target.value }),
    className: inputClass,
  });
  return (
    <form action={action} className="grid gap-3 sm:grid-cols-3">
      <input type="hidden" name="deviceId" value={deviceId} />
      {field(
        'propertyId',
        'Property',
        <select {...props('propertyId')}>
          {properties.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>,
      )}
      {field('name', 'Name', <input {...props('name')} required maxLength={100} />)}
      {field('room', 'Room (optional)', <input {...props('room')} maxLength={50} />)}
      <div className="sm:col-span-3">
        <Button type="submit" disabled={pending}>
          {pending ? 'Adding…' : 'Add as a new lock'}
        </Button>
        {state && !state.ok && !['propertyId', 'name', 'room'].includes(state.field ?? '') ? (
          <p role="alert" className="mt-2 text-sm text-red-700">
            {state.error}
          </p>
        ) : null}
      </div>
    </form>
  );
}

/** Undo, offered while no code has gone to the new lock. */
export function UndoReplacement({ newDeviceId }: { newDeviceId: string }) {
  const router = useRouter();
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
              router.push(`/locks/replace?new=${newDeviceId}&old=${result.data.oldDeviceId}`);
            } else {
              setError(result.error);
            }
          })
        }
      >
        {pending ? 'Undoing…' : 'Undo this replacement'}
      </Button>
      {error ? <Alert tone="error">{error}</Alert> : null}
    </div>
  );
}
