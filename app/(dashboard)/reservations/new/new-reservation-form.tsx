'use client';

import { useRouter } from 'next/navigation';
import { PropertyField } from '@/components/property-field';
import { Button } from '@/components/ui/button';
import { FormProblem } from '@/components/ui/field';
import { useFormAction } from '@/components/ui/use-form-action';
import type { StayLock } from '@/lib/reservations/list';
import type { PropertyOption, StayOptions } from '@/lib/reservations/options';
import { createReservationAction } from '../actions';
import { STAY_FIELDS, StayFields } from '../stay-fields';

export function NewReservationForm({
  properties,
  propertyId,
  locks,
  commonDoors,
}: {
  properties: PropertyOption[];
  propertyId: string;
  locks: StayLock[];
  commonDoors: StayOptions['commonDoors'];
}) {
  const router = useRouter();
  // On success the action opens the new stay; a refusal keeps what was typed.
  const { form, pending, refusal, fieldErrors } = useFormAction(createReservationAction);
  const property = properties.find((p) => p.id === propertyId) ?? properties[0];

  if (!property) return null;
  return (
    <form
      {...form}
      className="space-y-5 rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6"
    >
      <FormProblem refusal={refusal} fields={STAY_FIELDS} />
      <PropertyField
        properties={properties}
        defaultValue={property.id}
        hint={`Times are in ${property.timeZone} (${property.zoneAbbreviation}). Check-in ${property.checkInTime}, check-out ${property.checkOutTime} unless you change them.`}
        error={fieldErrors.propertyId}
        className="sm:w-80"
        // The locks on offer are the chosen property's: load them for the new choice.
        onChange={(e) =>
          router.replace(`/reservations/new?propertyId=${encodeURIComponent(e.target.value)}`)
        }
      />

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
        errors={fieldErrors}
      />
      {commonDoors.length > 0 ? (
        <p className="text-sm text-slate-600" data-testid="common-doors-hint">
          Common doors come with the rooms, with the same code where the locks allow it:{' '}
          {commonDoors
            .map((d) => `${d.name} (${d.group ? `stays in ${d.group}` : 'every stay'})`)
            .join(', ')}
          .
        </p>
      ) : null}

      <div className="flex flex-wrap gap-3">
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? 'Creating…' : 'Create reservation'}
        </Button>
      </div>
    </form>
  );
}
