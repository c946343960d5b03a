'use client';

import { type FormEvent, useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
import type { ReservationDetail, StayLock } from '@/lib/reservations/list';
import { type ReservationFormState, updateReservationAction } from '../actions';
import { FormProblem, StayFields } from '../stay-fields';

export function EditStayForm({
  stay,
  locks,
  onSaved,
}: {
  stay: ReservationDetail;
  locks: StayLock[];
  onSaved: (detail: ReservationDetail) => void;
}) {
  const [pending, start] = useTransition();
  const [state, setState] = useState<ReservationFormState | null>(null);
  const errors = state && !state.ok ? state.fieldErrors : {};

  // Submitted by hand so a refused form keeps what was typed (React resets a form after its action).
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    start(async () => {
      const result = await updateReservationAction(null, data);
      setState(result);
      if (result.ok) onSaved(result.detail);
    });
  }

  return (
    <section
      aria-labelledby="edit-heading"
      className="rounded-lg border border-slate-200 bg-white p-4 shadow-sm sm:p-6"
    >
      <h2 id="edit-heading" className="text-base font-semibold">
        Change this stay
      </h2>
      <p className="mb-4 text-sm text-slate-600">
        New dates move the codes on every lock; a lock taken off the stay loses its code, a lock
        added gets the same code where it can.
      </p>
      <form onSubmit={submit} noValidate className="space-y-5">
        <input type="hidden" name="reservationId" value={stay.id} />
        <FormProblem message={state && !state.ok ? state.error : null} />
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
          }}
          locks={locks}
          zone={stay.zoneAbbreviation}
          errors={errors}
        />
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? 'Saving…' : 'Save changes'}
        </Button>
      </form>
    </section>
  );
}
