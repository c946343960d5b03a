'use client';

import { useId, useState } from 'react';
import { PropertyField } from '@/components/property-field';
import { Field, FieldError } from '@/components/ui/field';

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
  const errorId = useId();
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
      <fieldset
        className="space-y-2"
        aria-describedby={errors.deviceIds ? errorId : `${errorId}-hint`}
        aria-invalid={errors.deviceIds ? true : undefined}
      >
        <legend className="text-sm font-medium text-slate-800">Locks at this property</legend>
        <p id={`${errorId}-hint`} className="text-xs text-slate-500">
          A booking that names no room opens these.
        </p>
        {locks.length === 0 ? (
          <p className="text-sm text-slate-600">This property has no locks yet.</p>
        ) : (
          <div className="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3">
            {locks.map((lock) => (
              <label
                key={lock.id}
                className="flex min-h-11 cursor-pointer items-center gap-2 rounded-md border border-slate-200 bg-white px-3 py-2 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50"
              >
                <input
                  type="checkbox"
                  name="deviceIds"
                  value={lock.id}
                  className="size-4 accent-brand-600"
                />
                {lock.name}
              </label>
            ))}
          </div>
        )}
        <FieldError id={errorId} name="deviceIds" error={errors.deviceIds} />
      </fieldset>
    </>
  );
}
