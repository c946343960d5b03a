'use client';

import { useState, useTransition } from 'react';
import { acknowledgeAlertsAction } from './actions';

export function AcknowledgeButton({ alertIds, label }: { alertIds: string[]; label: string }) {
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string | null>(null);
  return (
    <span className="inline-flex flex-col items-end gap-1">
      <button
        type="button"
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await acknowledgeAlertsAction(alertIds);
            setError(result.ok ? null : result.error);
          })
        }
        className="rounded-md border border-slate-300 bg-white px-3 py-1 text-sm font-medium text-slate-700 hover:bg-slate-100 disabled:opacity-60"
      >
        {pending ? 'Acknowledging…' : label}
      </button>
      {error ? (
        <span role="alert" className="text-xs text-red-700">
          {error}
        </span>
      ) : null}
    </span>
  );
}
