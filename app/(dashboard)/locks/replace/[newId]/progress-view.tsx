'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { fetchJson } from '@/components/query-client';
import { Alert } from '@/components/ui/alert';
import { ButtonLink } from '@/components/ui/button';
import { Panel } from '@/components/ui/panel';
import type { ReplacementProgress } from '@/lib/devices/replacement-progress';
import { queryKeys } from '@/lib/query-keys';
import { UndoReplacement } from '../wizard-forms';

/** After confirming: the codes reaching the new lock, live, with anything that went wrong. */
export function ProgressView({ newId }: { newId: string }) {
  const { data: progress, error } = useQuery({
    queryKey: queryKeys.locks.replacementProgress(newId),
    queryFn: () => fetchJson<ReplacementProgress>(`/api/replacements/${encodeURIComponent(newId)}`),
    // Each tick sends codes to the lock; follow them closely.
    refetchInterval: 3_000,
  });
  if (!progress) {
    return (
      <Alert tone="error">
        Could not load this replacement{error ? `: ${error.message}` : '.'}
      </Alert>
    );
  }
  const done = progress.total > 0 && progress.set === progress.total;

  return (
    <div className="space-y-6">
      <div>
        <Link href="/locks" className="text-sm text-brand-700 underline-offset-2 hover:underline">
          ← Locks
        </Link>
        <h1 className="mt-1 text-xl font-semibold">{progress.lockName}: replacement</h1>
      </div>
      {error ? (
        <Alert tone="error">
          Could not refresh the progress: {error.message} Showing what Keyhold last knew.
        </Alert>
      ) : null}
      <Panel title="Codes on the new lock">
        <p role="status" data-testid="replacement-progress" className="text-sm">
          {progress.total === 0
            ? 'No code is due on the lock yet; those for later stays go on at their usual time.'
            : done
              ? `All ${progress.total} codes are on the new lock.`
              : `${progress.set} of ${progress.total} codes on the new lock…`}
        </p>
        <progress
          max={Math.max(progress.total, 1)}
          value={progress.set}
          aria-label="Codes on the new lock"
          className="h-2 w-full max-w-md"
        />
        {progress.errors.length > 0 ? (
          <ul className="space-y-1 text-sm text-red-800">
            {progress.errors.map((e) => (
              <li key={e.id}>
                {e.name ?? 'A code'}: {e.message}
              </li>
            ))}
          </ul>
        ) : null}
      </Panel>

      {progress.changedDigits.length > 0 ? (
        <Alert tone="warning" title="Guests with a new code" className="space-y-2">
          <p>
            The new lock refused their old digits. Each is sent the new code once it is on the lock.
          </p>
          <ul className="list-disc pl-5">
            {progress.changedDigits.map((g) => (
              <li key={g.reservationId}>
                <Link href={`/reservations/${g.reservationId}`} className="underline">
                  {g.guestName}
                </Link>
              </li>
            ))}
          </ul>
        </Alert>
      ) : null}

      <div className="flex flex-wrap items-start gap-3">
        <ButtonLink href={`/locks/${newId}`}>Open the lock</ButtonLink>
        {progress.undoUntil ? <UndoReplacement newDeviceId={newId} /> : null}
      </div>
    </div>
  );
}
