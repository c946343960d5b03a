'use client';

import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { Panel } from '@/components/ui/panel';
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
  const [error, setError] = useState<string | null>(null);
  const locks = [...stay.locks, ...stay.commonDoors];
  const where =
    locks.length === 0 ? '' : `The guest code comes off ${listNames(locks.map((l) => l.name))}. `;

  return (
    <Panel title="Cancel reservation">
      <p className="text-sm text-slate-600">The guest’s codes come off every lock.</p>
      <ConfirmButton
        question={`Cancel ${stay.guestName}’s stay?`}
        details={<p>{where}A cancelled stay cannot be reopened; make a new reservation instead.</p>}
        confirmLabel="Yes, cancel reservation"
        pendingLabel="Cancelling…"
        keepLabel="Keep reservation"
        onConfirm={async () => {
          const result = await cancelReservationAction(stay.id);
          setError(result.ok ? null : result.error);
          if (result.ok) onCancelled(result.data);
          return result.ok;
        }}
      >
        Cancel reservation…
      </ConfirmButton>
      {error ? <Alert tone="error">{error}</Alert> : null}
    </Panel>
  );
}
