'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState, useTransition } from 'react';
import { queryKeys } from '@/lib/query-keys';
import { setBackupPoolAction } from './actions';

/** Turn a lock's backup pool on or off; either is undone by pressing again. */
export function PoolToggle({ deviceId, enabled }: { deviceId: string; enabled: boolean }) {
  const queryClient = useQueryClient();
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="space-y-1">
      <button
        type="button"
        aria-disabled={pending}
        onClick={() => {
          if (pending) return;
          start(async () => {
            const result = await setBackupPoolAction({ deviceId, enabled: !enabled });
            setMessage(
              result.ok
                ? {
                    ok: true,
                    text: result.data.enabled
                      ? 'Backup pool on: Keyhold puts its codes on the lock at the next tick.'
                      : 'Backup pool off: its unused codes come off the lock. Pulled codes stay until their stay ends.',
                  }
                : { ok: false, text: result.error },
            );
            await queryClient.invalidateQueries({ queryKey: queryKeys.locks.detail(deviceId) });
          });
        }}
        className="rounded-md border border-slate-300 bg-white px-3 py-1.5 text-sm font-medium text-slate-800 hover:bg-slate-50 aria-disabled:opacity-60"
      >
        {pending
          ? 'Saving…'
          : enabled
            ? 'Turn the backup pool off'
            : 'Keep a backup pool on this lock'}
      </button>
      {message ? (
        <p
          role={message.ok ? 'status' : 'alert'}
          className={`text-sm ${message.ok ? 'text-slate-700' : 'text-red-700'}`}
        >
          {message.text}
        </p>
      ) : null}
    </div>
  );
}
