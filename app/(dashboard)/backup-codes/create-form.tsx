'use client';

import { useActionState } from 'react';
import { createPermanentBackupCodeAction } from './actions';

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
        <button
          type="submit"
          disabled={pending || locks.length === 0}
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
        >
          {pending ? 'Generating…' : 'Generate permanent backup code'}
        </button>
      </form>
      {created && !created.ok ? (
        <p role="alert" className="text-sm text-red-700">
          {created.error}
        </p>
      ) : null}
      {created?.ok ? (
        <div role="status" className="rounded-md border border-emerald-200 bg-emerald-50 p-3">
          <p className="text-sm text-emerald-900">
            Permanent backup code for {created.data.lockName}. Write it down now: it will not be
            shown again.
          </p>
          <p
            data-testid="permanent-code"
            className="font-mono text-4xl font-semibold tracking-widest"
          >
            {created.data.code}
          </p>
        </div>
      ) : null}
    </div>
  );
}
