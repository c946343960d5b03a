'use client';

import { useQueryClient } from '@tanstack/react-query';
import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import type { LockPool } from '@/lib/devices/lock-detail';
import { queryKeys } from '@/lib/query-keys';
import { setBackupPoolAction } from './actions';

/** What turning the pool on or off set going, as far as it has got (the pool is live). */
function progress(turnedOn: boolean, pool: LockPool): string {
  if (!turnedOn) {
    return 'Backup pool off: its unused codes come off the lock. Pulled codes stay until their stay ends.';
  }
  return pool.available >= pool.target
    ? `Backup pool on: ${pool.available} of ${pool.target} codes are ready on the lock.`
    : 'Backup pool on: Keyhold puts its codes on the lock at the next tick.';
}

/** Turn a lock's backup pool on or off; either is undone by pressing again. */
export function PoolToggle({ deviceId, pool }: { deviceId: string; pool: LockPool }) {
  const queryClient = useQueryClient();
  const [answer, setAnswer] = useState<{ turnedOn: boolean } | { error: string } | null>(null);
  const [pending, start] = useTransition();
  // Someone else turned it back since: this answer no longer describes the lock.
  const current =
    answer && 'turnedOn' in answer && answer.turnedOn !== pool.enabled ? null : answer;
  return (
    <div className="space-y-1">
      <Button
        size="sm"
        aria-disabled={pending}
        onClick={() => {
          if (pending) return;
          start(async () => {
            const result = await setBackupPoolAction({ deviceId, enabled: !pool.enabled });
            setAnswer(result.ok ? { turnedOn: result.data.enabled } : { error: result.error });
            await queryClient.invalidateQueries({ queryKey: queryKeys.locks.detail(deviceId) });
          });
        }}
      >
        {pending
          ? 'Saving…'
          : pool.enabled
            ? 'Turn the backup pool off'
            : 'Keep a backup pool on this lock'}
      </Button>
      {current && 'error' in current ? <Alert tone="error">{current.error}</Alert> : null}
      {current && 'turnedOn' in current ? (
        <p role="status" className="text-sm text-slate-700">
          {progress(current.turnedOn, pool)}
        </p>
      ) : null}
    </div>
  );
}
