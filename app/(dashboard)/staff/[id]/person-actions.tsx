'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { removeStaffMemberAction, rotateStaffCodeAction } from '../actions';

/** Rotate the person's code, or remove them: each asks first, in place. */
export function PersonActions({
  staffMemberId,
  name,
  reachable,
}: {
  staffMemberId: string;
  name: string;
  /** They have an email or a phone to be sent the new code. */
  reachable: boolean;
}) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap items-start gap-3">
        <ConfirmButton
          size="sm"
          question={`Give ${name} a new code?`}
          details={
            <p>
              Every door gets the new digits at the next tick and the old ones stop working.{' '}
              {reachable
                ? `${name} is sent the new code.`
                : `${name} has no email or phone: tell them the new code yourself.`}
            </p>
          }
          confirmLabel="Yes, rotate"
          pendingLabel="Rotating…"
          onConfirm={async () => {
            const result = await rotateStaffCodeAction(staffMemberId);
            setError(result.ok ? null : result.error);
            if (result.ok) router.refresh();
            return result.ok;
          }}
        >
          Rotate code…
        </ConfirmButton>
        <ConfirmButton
          size="sm"
          question={`Remove ${name}?`}
          details={
            <p>
              Their code comes off every door at the next tick. Their past entries stay in the
              history.
            </p>
          }
          confirmLabel="Yes, remove"
          pendingLabel="Removing…"
          onConfirm={async () => {
            const result = await removeStaffMemberAction(staffMemberId);
            setError(result.ok ? null : result.error);
            if (result.ok) router.push('/staff');
            return result.ok;
          }}
        >
          Remove…
        </ConfirmButton>
      </div>
      {error ? <Alert tone="error">{error}</Alert> : null}
    </div>
  );
}
