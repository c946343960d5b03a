'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { setLockPoolSizeAction } from './actions';

/** The forecast's pool fix: this lock keeps `to` backup codes from now on; the forecast is drawn again. */
export function ShrinkPoolButton({
  deviceId,
  lockName,
  from,
  to,
}: {
  deviceId: string;
  lockName: string;
  from: number;
  to: number;
}) {
  const router = useRouter();
  const [pending, start] = useTransition();
  const [answer, setAnswer] = useState<{ ok: true; size: number } | { ok: false; error: string }>();
  return (
    <div className="space-y-1">
      <Button
        size="sm"
        aria-disabled={pending}
        aria-label={`Shrink the backup pool of ${lockName} from ${from} to ${to}`}
        onClick={() => {
          if (pending) return;
          start(async () => {
            const result = await setLockPoolSizeAction({ deviceId, size: to });
            setAnswer(result.ok ? { ok: true, size: result.data.size } : result);
            if (result.ok) router.refresh();
          });
        }}
      >
        {pending ? 'Saving…' : `Shrink this lock’s backup pool from ${from} to ${to}`}
      </Button>
      {answer && !answer.ok ? <Alert tone="error">{answer.error}</Alert> : null}
      {answer?.ok ? (
        <p role="status" className="text-sm text-slate-700">
          {lockName} now keeps {answer.size} backup {answer.size === 1 ? 'code' : 'codes'}; the
          extra ones come off the lock at the next tick.
        </p>
      ) : null}
    </div>
  );
}
