'use client';

import Link from 'next/link';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

// A failure rendering the lock page; the details went to the server log, never here.
export default function LockError({
  retry,
}: {
  error: Error & { digest?: string };
  retry: () => void;
}) {
  return (
    <Alert tone="error" className="space-y-3">
      <p>Something went wrong showing this lock. Please try again.</p>
      <div className="flex items-center gap-3">
        <Button size="sm" onClick={() => retry()}>
          Try again
        </Button>
        <Link href="/locks" className="text-brand-700 underline">
          Back to locks
        </Link>
      </div>
    </Alert>
  );
}
