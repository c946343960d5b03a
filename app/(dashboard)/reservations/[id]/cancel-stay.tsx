'use client';

import { useEffect, useRef, useState, useTransition } from 'react';
import { listNames } from '@/lib/access-codes/describe';
import type { ReservationDetail } from '@/lib/reservations/detail';
import { cancelReservationAction } from '../actions';

/** Cancel in two steps: the first press says what will happen, the second does it. */
export function CancelStay({
  stay,
  onCancelled,
}: {
  stay: ReservationDetail;
  onCancelled: (detail: ReservationDetail) => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const confirmButton = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);

  const asked = useRef(false);

  // Keyboard users land on the choice when it opens, and back on the button when they keep the stay.
  useEffect(() => {
    if (confirming) confirmButton.current?.focus();
    else if (asked.current) opener.current?.focus();
    asked.current = confirming;
  }, [confirming]);

  const where =
    stay.locks.length === 0
      ? ''
      : ` The guest code comes off ${listNames(stay.locks.map((l) => l.name))}.`;

  return (
    <section
      aria-labelledby="cancel-heading"
      className="rounded-lg border border-red-200 bg-white p-4 shadow-sm sm:p-6"
    >
      <h2 id="cancel-heading" className="text-base font-semibold">
        Cancel reservation
      </h2>
      {confirming ? (
        <div className="mt-2 space-y-3">
          <p id="cancel-question" className="text-sm text-slate-800">
            Cancel {stay.guestName}’s stay?{where} A cancelled stay cannot be reopened; make a new
            reservation instead.
          </p>
          <div className="flex flex-wrap gap-3">
            <button
              ref={confirmButton}
              type="button"
              disabled={pending}
              onClick={() =>
                start(async () => {
                  const result = await cancelReservationAction(stay.id);
                  if (result.ok) {
                    setError(null);
                    setConfirming(false);
                    onCancelled(result.data);
                  } else {
                    setError(result.error);
                  }
                })
              }
              className="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60"
            >
              {pending ? 'Cancelling…' : 'Yes, cancel reservation'}
            </button>
            <button
              type="button"
              disabled={pending}
              onClick={() => setConfirming(false)}
              className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm"
            >
              Keep reservation
            </button>
          </div>
        </div>
      ) : (
        <div className="mt-2 space-y-2">
          <p className="text-sm text-slate-600">The guest’s codes come off every lock.</p>
          <button
            ref={opener}
            type="button"
            onClick={() => setConfirming(true)}
            className="rounded-md border border-red-300 px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50"
          >
            Cancel reservation…
          </button>
        </div>
      )}
      {error ? (
        <p role="alert" className="mt-2 text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </section>
  );
}
