'use client';

import { useState } from 'react';
import { LockCheckboxes } from '@/components/lock-checkboxes';
import { PropertyField } from '@/components/property-field';
import { Field } from '@/components/ui/field';

export type PlaceChoices = {
  properties: { id: string; name: string }[];
  /** Each property's active locks, by property id. */
  locks: Record<string, { id: string; name: string }[]>;
};

/** Every field the two add forms share, for the form's own problem (see FormProblem). */
export const PLACE_FIELDS = ['name', 'propertyId', 'deviceIds'] as const;

/**
 * A source's name, its property and the locks its bookings open when a
 * booking names no room: the boxes offered are the chosen property's.
 */
export function SourcePlaceFields({
  choices,
  errors,
  namePlaceholder,
}: {
  choices: PlaceChoices;
  errors: Record<string, string>;
  namePlaceholder: string;
}) {
  const [propertyId, setPropertyId] = useState(choices.properties[0]?.id ?? '');
  const locks = choices.locks[propertyId] ?? [];
  return (
    <>
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="name" label="Name" error={errors.name}>
          {(control) => <input {...control} placeholder={namePlaceholder} autoComplete="off" />}
        </Field>
        <PropertyField
          properties={choices.properties}
          error={errors.propertyId}
          onChange={(event) => setPropertyId(event.target.value)}
        />
      </div>
      <LockCheckboxes
        key={propertyId}
        legend="Locks at this property"
        hint="A booking that names no room opens these."
        locks={locks}
        error={errors.deviceIds}
      />
    </>
  );
}
