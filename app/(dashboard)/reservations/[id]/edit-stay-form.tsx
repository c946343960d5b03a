'use client';

import { Button } from '@/components/ui/button';
import { FormProblem } from '@/components/ui/field';
import { Panel } from '@/components/ui/panel';
import { useFormAction } from '@/components/ui/use-form-action';
import type { ReservationDetail } from '@/lib/reservations/detail';
import type { StayLock } from '@/lib/reservations/list';
import { updateReservationAction } from '../actions';
import { STAY_FIELDS, StayFields } from '../stay-fields';

export function EditStayForm({
  stay,
  locks,
  onSaved,
  onEdit,
}: {
  stay: ReservationDetail;
  locks: StayLock[];
  onSaved: (detail: ReservationDetail) => void;
  /** The form was changed after its last save. */
  onEdit: () => void;
}) {
  const { form, pending, refusal, fieldErrors } = useFormAction(
    async (previous: unknown, formData: FormData) => {
      const result = await updateReservationAction(previous, formData);
      if (result.ok) onSaved(result.data);
      return result;
    },
  );

  return (
    <Panel title="Change this stay" className="space-y-4 sm:p-6">
      <p className="text-sm text-slate-600">
        New dates move the codes on every lock; a lock taken off the stay loses its code, a lock
        added gets the same code where it can.
      </p>
      <form
        {...form}
        onChange={() => {
          form.onChange();
          onEdit();
        }}
        className="space-y-5"
      >
        <input type="hidden" name="reservationId" value={stay.id} />
        <FormProblem refusal={refusal} fields={STAY_FIELDS} />
        <StayFields
          defaults={{
            guestName: stay.guestName,
            guestEmail: stay.guestEmail,
            guestPhone: stay.guestPhone,
            checkInDate: stay.checkIn.date,
            checkInTime: stay.checkIn.time,
            checkOutDate: stay.checkOut.date,
            checkOutTime: stay.checkOut.time,
            deviceIds: stay.locks.map((l) => l.id),
            keptLockIds: stay.keptLockIds,
          }}
          locks={locks}
          zone={stay.zoneAbbreviation}
          errors={fieldErrors}
        />
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? 'Saving…' : 'Save changes'}
        </Button>
      </form>
    </Panel>
  );
}
