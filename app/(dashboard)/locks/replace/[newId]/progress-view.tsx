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
          {progressWords(progress, done)}
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
        {progress.undoUntil && progress.undoUntilTime ? (
          <UndoReplacement newDeviceId={newId} until={progress.undoUntilTime} />
        ) : null}
      </div>
    </div>
  );
}

/** Only codes due now are counted; those for later stays are named with when they go on. */
const LATER_NAMED = 3;

/** "5 of 5 due now are on the new lock; Samuel Okafor’s goes on Sun, 6 Dec 2026, 14:30 EST." */
function progressWords(progress: ReplacementProgress, done: boolean): string {
  const dueNow =
    progress.total === 0
      ? 'No code is due on the lock yet'
      : `${progress.set} of ${progress.total} due now ${progress.total === 1 ? 'is' : 'are'} on the new lock`;
  const named = progress.later
    .slice(0, LATER_NAMED)
    .map((c) => `${c.name ? `${c.name}’s` : 'a code'} goes on ${c.goesOn}`);
  const more = progress.later.length - named.length;
  if (more > 0) named.push(`${more} more go on later`);
  return `${[dueNow, ...named].join('; ')}${done || progress.total === 0 ? '.' : '…'}`;
}
