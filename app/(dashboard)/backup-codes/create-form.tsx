'use client';

import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { Field, FormProblem, Options } from '@/components/ui/field';
import { ShownOnce } from '@/components/ui/shown-once';
import { useFormAction } from '@/components/ui/use-form-action';
import { createPermanentBackupCodeAction, revokePermanentBackupCodeAction } from './actions';

export function CreatePermanentCode({ locks }: { locks: { id: string; name: string }[] }) {
  // The chosen lock stays chosen after each code, for making another.
  const { form, pending, refusal, answer } = useFormAction(createPermanentBackupCodeAction);
  return (
    <div className="space-y-3">
      <form {...form} className="flex flex-wrap items-end gap-3">
        <Field name="deviceId" label="Lock" error={refusal?.fieldErrors.deviceId} className="w-60">
          {(control) => (
            <select {...control}>
              <Options rows={locks} />
            </select>
          )}
        </Field>
        <Button type="submit" variant="primary" disabled={pending || locks.length === 0}>
          {pending ? 'Generating…' : 'Generate permanent backup code'}
        </Button>
      </form>
      <FormProblem refusal={refusal} fields={['deviceId']} />
      {answer?.ok ? (
        <ShownOnce
          message={`Permanent backup code for ${answer.data.lockName}. Write it down now: it will not be shown again.`}
          value={answer.data.code}
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
