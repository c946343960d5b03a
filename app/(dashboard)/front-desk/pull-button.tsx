'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState, useTransition } from 'react';
import { guestMessageState } from '@/components/guest-message-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CopyButton, ShownOnce } from '@/components/ui/shown-once';
import { queryKeys } from '@/lib/query-keys';
import { type PulledCode, pullBackupCodeAction } from './actions';

export function PullBackupButton({
  accessCodeId,
  lockName,
  alreadyPulled,
}: {
  accessCodeId: string;
  lockName: string;
  alreadyPulled: boolean;
}) {
  const queryClient = useQueryClient();
  const [pending, start] = useTransition();
  const [pulled, setPulled] = useState<PulledCode | null>(null);
  const [error, setError] = useState<string | null>(null);

  return (
    <div className="space-y-2">
      <Button
        variant="primary"
        size="sm"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await pullBackupCodeAction(accessCodeId);
            if (result.ok) {
              setPulled(result.data);
              setError(null);
              // The stay now holds a pulled backup; the desk shows it as such.
              await queryClient.invalidateQueries({ queryKey: queryKeys.frontDesk.all });
            } else {
              setError(result.error);
            }
          })
        }
      >
        {pending ? 'Pulling…' : alreadyPulled || pulled ? 'Show backup code' : 'Pull backup code'}
      </Button>
      {error ? <Alert tone="error">{error}</Alert> : null}
      {pulled ? (
        <ShownOnce
          message={`Backup code for ${lockName}`}
          value={pulled.code}
          testId="backup-code"
          digits
          copy={false}
        >
          <p data-testid="guest-message-state">{guestMessageState(pulled)}</p>
          {/* The organization's backup-code message, as the guest gets it: for staff to pass on when it is not sent. */}
          <p className="whitespace-pre-line text-slate-700">{pulled.text}</p>
          <CopyButton
            text={pulled.text}
            label="Copy message for the guest"
            copiedLabel="Message copied"
          />
        </ShownOnce>
      ) : null}
    </div>
  );
}
