'use client';

import { useState, useTransition } from 'react';
import { guestMessageState } from '@/components/guest-message-state';
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
  const [pending, start] = useTransition();
  const [pulled, setPulled] = useState<PulledCode | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  // The organization's backup-code message, as the guest gets it: for staff to copy when it is not sent.
  const message = pulled?.text ?? '';

  return (
    <div className="space-y-2">
      <button
        type="button"
        disabled={pending}
        onClick={() =>
          start(async () => {
            const result = await pullBackupCodeAction(accessCodeId);
            if (result.ok) {
              setPulled(result.data);
              setError(null);
            } else {
              setError(result.error);
            }
          })
        }
        className="rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
      >
        {pending ? 'Pulling…' : alreadyPulled || pulled ? 'Show backup code' : 'Pull backup code'}
      </button>
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
      {pulled ? (
        <div
          role="status"
          className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3"
        >
          <p className="text-sm text-emerald-900">Backup code for {lockName}</p>
          <p data-testid="backup-code" className="font-mono text-4xl font-semibold tracking-widest">
            {pulled.code}
          </p>
          <p data-testid="guest-message-state" className="text-sm text-emerald-900">
            {guestMessageState(pulled)}
          </p>
          <p className="whitespace-pre-line text-sm text-slate-700">{message}</p>
          <button
            type="button"
            onClick={async () => {
              await navigator.clipboard?.writeText(message);
              setCopied(true);
            }}
            className="rounded-md border border-emerald-300 bg-white px-2 py-1 text-sm text-emerald-900"
          >
            {copied ? 'Message copied' : 'Copy message for the guest'}
          </button>
        </div>
      ) : null}
    </div>
  );
}
