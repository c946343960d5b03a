'use client';

import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { DataTable, Td } from '@/components/ui/data-table';
import { Field, FormProblem } from '@/components/ui/field';
import { useFormAction } from '@/components/ui/use-form-action';
import { changePasswordAction, endOwnSessionAction } from './actions';

export type SessionRow = {
  id: string;
  device: string;
  ip: string | null;
  /** Already formatted in the organization's zone. */
  signedIn: string;
  lastSeen: string;
  ends: string;
  current: boolean;
};

export function Sessions({ sessions }: { sessions: SessionRow[] }) {
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <div className="space-y-3">
      {problem ? <Alert tone="error">{problem}</Alert> : null}
      <DataTable
        columns={[
          { label: 'Browser' },
          { label: 'Signed in', hideBelow: 'md' },
          { label: 'Last seen' },
          { label: 'Ends', hideBelow: 'md' },
          { label: 'Actions', srOnly: true },
        ]}
      >
        {sessions.map((s) => (
          <tr key={s.id} data-testid="session-row">
            <Td className="max-w-xs truncate" title={s.device}>
              {s.device}
              {s.ip ? <span className="ml-1 text-xs text-slate-500">{s.ip}</span> : null}
              {s.current ? (
                <span className="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-700">
                  This browser
                </span>
              ) : null}
            </Td>
            <Td hideBelow="md" className="text-slate-600">
              {s.signedIn}
            </Td>
            <Td className="text-slate-600">{s.lastSeen}</Td>
            <Td hideBelow="md" className="text-slate-600">
              {s.ends}
            </Td>
            <Td className="text-right">
              {s.current ? null : (
                <ConfirmButton
                  size="sm"
                  aria-label={`End the session signed in ${s.signedIn}`}
                  question="End this session?"
                  details={<p>That browser is signed out at its next click.</p>}
                  confirmLabel="Yes, end it"
                  pendingLabel="Ending…"
                  onConfirm={async () => {
                    const result = await endOwnSessionAction({ sessionId: s.id });
                    setProblem(result.ok ? null : result.error);
                    return result.ok;
                  }}
                >
                  End…
                </ConfirmButton>
              )}
            </Td>
          </tr>
        ))}
      </DataTable>
    </div>
  );
}

export function ChangePassword() {
  const { form, pending, refusal, fieldErrors, success } = useFormAction(changePasswordAction, {
    resetOnSuccess: true,
  });
  return (
    <div className="max-w-md space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <form {...form} className="space-y-3">
        <Field name="currentPassword" label="Current password" error={fieldErrors.currentPassword}>
          {(control) => <input {...control} type="password" autoComplete="current-password" />}
        </Field>
        <Field
          name="newPassword"
          label="New password"
          hint="At least 8 characters. Your other sessions end when you save."
          error={fieldErrors.newPassword}
        >
          {(control) => <input {...control} type="password" autoComplete="new-password" />}
        </Field>
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? 'Saving…' : 'Change password'}
        </Button>
      </form>
      <FormProblem refusal={refusal} fields={['currentPassword', 'newPassword']} />
      {success ? (
        <Alert tone="success">
          Password changed.{' '}
          {success.data.otherSessionsEnded === 0
            ? 'No other session was open.'
            : success.data.otherSessionsEnded === 1
              ? 'Your one other session ended.'
              : `${success.data.otherSessionsEnded} other sessions ended.`}
        </Alert>
      ) : null}
    </div>
  );
}
