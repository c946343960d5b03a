'use client';

import { useRouter } from 'next/navigation';
import { type FormEvent, useId, useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import type { PropertyOption, StayLock } from '@/lib/reservations/list';
import { createReservationAction, type ReservationFormState } from '../actions';
import { FormProblem, StayFields } from '../stay-fields';

export function NewReservationForm({
  properties,
  propertyId,
  locks,
}: {
  properties: PropertyOption[];
  propertyId: string;
  locks: StayLock[];
}) {
  const router = useRouter();
  const propertyField = useId();
  const [pending, start] = useTransition();
  const [state, setState] = useState<ReservationFormState | null>(null);
  const property = properties.find((p) => p.id === propertyId) ?? properties[0];
  const errors = state && !state.ok ? state.fieldErrors : {};

  // Submitted by hand rather than through `action`, so a refused form keeps what was typed
  // (React resets a form after its action runs). On success the action opens the new stay.
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    start(async () => {
      setState(await createReservationAction(null, data));
    });
  }

  if (!property) return null;
  return (
    <form
      onSubmit={submit}
      noValidate
      className="space-y-5 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6"
    >
      <FormProblem message={state && !state.ok ? state.error : null} />
      <div className="space-y-1 sm:w-80">
        <label htmlFor={propertyField} className="block text-sm font-medium text-slate-800">
          Property
        </label>
        <select
          id={propertyField}
          name="propertyId"
          defaultValue={property.id}
          // The locks on offer are the chosen property's: load them for the new choice.
          onChange={(e) =>
            router.replace(`/reservations/new?propertyId=${encodeURIComponent(e.target.value)}`)
          }
          aria-invalid={errors.propertyId ? true : undefined}
          aria-describedby={errors.propertyId ? `${propertyField}-error` : undefined}
          className="block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm"
        >
          {properties.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        <p className="text-xs text-slate-500">
          Times are in {property.timeZone} ({property.zoneAbbreviation}). Check-in{' '}
          {property.checkInTime}, check-out {property.checkOutTime} unless you change them.
        </p>
        {errors.propertyId ? (
          <p id={`${propertyField}-error`} className="text-sm text-red-700">
            {errors.propertyId}
          </p>
        ) : null}
      </div>

      <StayFields
        defaults={{
          checkInDate: property.today,
          checkInTime: property.checkInTime,
          checkOutDate: property.tomorrow,
          checkOutTime: property.checkOutTime,
          deviceIds: [],
        }}
        locks={locks}
        zone={property.zoneAbbreviation}
        errors={errors}
      />

      <div className="flex flex-wrap gap-3">
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? 'Creating…' : 'Create reservation'}
        </Button>
      </div>
    </form>
  );
}
