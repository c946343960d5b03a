'use client';

import { useState } from 'react';
import { LockCheckboxes } from '@/components/lock-checkboxes';
import { PropertyField } from '@/components/property-field';
import { Button } from '@/components/ui/button';
import { Field, FormProblem } from '@/components/ui/field';
import { useFormAction } from '@/components/ui/use-form-action';
import type { GroupLockChoice } from '@/lib/devices/lock-groups';
import { createLockGroupAction } from './actions';

const FIELDS = ['propertyId', 'name', 'deviceIds'];

/** A new group: its property, its name and the locks in it. */
export function CreateGroupForm({
  properties,
}: {
  properties: { id: string; name: string; locks: GroupLockChoice[] }[];
}) {
  const { form, pending, refusal, fieldErrors, success } = useFormAction(createLockGroupAction, {
    resetOnSuccess: true,
  });
  const [propertyId, setPropertyId] = useState(properties[0]?.id ?? '');
  const locks = properties.find((p) => p.id === propertyId)?.locks ?? [];
  return (
    <form
      {...form}
      aria-labelledby="new-group-heading"
      data-testid="new-group-form"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="new-group-heading" className="font-semibold">
        New lock group
      </h2>
      <div className="grid gap-4 sm:grid-cols-2">
        <PropertyField
          properties={properties}
          error={fieldErrors.propertyId}
          onChange={(event) => setPropertyId(event.target.value)}
        />
        <Field name="name" label="Name" hint="E.g. Garden rooms." error={fieldErrors.name}>
          {(control) => <input {...control} type="text" autoComplete="off" maxLength={60} />}
        </Field>
      </div>
      <LockCheckboxes
        key={propertyId}
        legend="Locks in the group"
        hint="The rooms whose stays a group’s common door serves (or the doors a cleaner needs)."
        locks={locks}
        error={fieldErrors.deviceIds}
      />
      <FormProblem refusal={refusal} fields={FIELDS} />
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Adding…' : 'Add group'}
      </Button>
      {success ? (
        <p role="status" className="text-sm text-emerald-800">
          Group “{success.data.name}” added.
        </p>
      ) : null}
    </form>
  );
}
