'use client';

import { useActionState, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { ShownOnce } from '@/components/ui/shown-once';
import { createPermanentBackupCodeAction, revokePermanentBackupCodeAction } from './actions';

export function CreatePermanentCode({ locks }: { locks: { id: string; name: string }[] }) {
  const [created, action, pending] = useActionState(createPermanentBackupCodeAction, null);
  return (
    <div className="space-y-3">
      <form action={action} className="flex flex-wrap items-end gap-3">
        <div className="space-y-1">
          <label htmlFor="permanent-lock" className="block text-sm font-medium">
            Lock
          </label>
          <select
            id="permanent-lock"
            name="deviceId"
            className="block w-60 rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
          >
            {locks.map((l) => (
              <option key={l.id} value={l.id}>
                {l.name}
              </option>
            ))}
          </select>
        </div>
        <Button type="submit" variant="primary" disabled={pending || locks.length === 0}>
          {pending ? 'Generating…' : 'Generate permanent backup code'}
        </Button>
      </form>
      {created && !created.ok ? <Alert tone="error">{created.error}</Alert> : null}
      {created?.ok ? (
        <ShownOnce
          message={`Permanent backup code for ${created.data.lockName}. Write it down now: it will not be shown again.`}
          value={created.data.code}
          testId="permanent-code"
          digits
        />
      ) : null}
    </div>
  );
}

/** Take a permanent code off its lock, once asked: a guest using it is locked out. */
export function RevokePermanentCode({
  accessCodeId,
  lockName,
}: {
  accessCodeId: string;
  lockName: string;
}) {
  const [error, setError] = useState<string | null>(null);
  return (
    <div className="space-y-2">
      <ConfirmButton
        size="sm"
        question={`Revoke the permanent code on ${lockName}?`}
        details={<p>It comes off the lock; whoever holds it can no longer get in.</p>}
        confirmLabel="Yes, revoke"
        pendingLabel="Revoking…"
        onConfirm={async () => {
          const result = await revokePermanentBackupCodeAction(accessCodeId);
          setError(result.ok ? null : result.error);
          return result.ok;
        }}
      >
        Revoke…
      </ConfirmButton>
      {error ? <Alert tone="error">{error}</Alert> : null}
    </div>
  );
}
