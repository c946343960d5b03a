'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { Panel } from '@/components/ui/panel';
import { retireLockAction } from './actions';

/** Retire in two steps: the first press says what happens, the second does it. */
export function RetireLock({ deviceId, name }: { deviceId: string; name: string }) {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  return (
    <Panel title="Retire this lock" className="space-y-2">
      <p className="text-sm text-slate-600">
        For a lock that came off its door for good. A lock that was factory reset is replaced
        instead, keeping its stays.
      </p>
      <ConfirmButton
        question={`Retire ${name}?`}
        details={
          <p>
            Keyhold stops managing it and forgets the codes on it, without asking the lock; reset it
            before it goes back on a door. Its history stays.
          </p>
        }
        confirmLabel={`Yes, retire ${name}`}
        pendingLabel="Retiring…"
        onConfirm={async () => {
          const result = await retireLockAction({ deviceId });
          if (result.ok) router.push('/locks');
          else setError(result.error);
          return result.ok;
        }}
      >
        Retire…
      </ConfirmButton>
      {error ? <Alert tone="error">{error}</Alert> : null}
    </Panel>
  );
}
