'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { approveCalendarAction } from '../../actions';

/** Apply the previewed import; on success the action opens the list, which shows the feed read. */
export function ApplyButton({ sourceId }: { sourceId: string }) {
  const [problem, setProblem] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <div className="space-y-3">
      {problem ? <Alert tone="error">{problem}</Alert> : null}
      <div className="flex flex-wrap items-center gap-3">
        <Button
          variant="primary"
          disabled={pending}
          onClick={() =>
            start(async () => {
              const refusal = await approveCalendarAction(sourceId);
              setProblem(refusal.error);
            })
          }
        >
          {pending ? 'Applying…' : 'Apply'}
        </Button>
        <Link href="/settings/sources" className="text-sm text-brand-700 underline">
          Not now
        </Link>
      </div>
    </div>
  );
}

/** Read the feed again for a new preview. */
export function TryAgainButton() {
  const router = useRouter();
  const [pending, start] = useTransition();
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button variant="primary" disabled={pending} onClick={() => start(() => router.refresh())}>
        {pending ? 'Reading…' : 'Try again'}
      </Button>
      <Link href="/settings/sources" className="text-sm text-brand-700 underline">
        Back to reservation sources
      </Link>
    </div>
  );
}
