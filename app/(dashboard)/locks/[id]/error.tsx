'use client';

import Link from 'next/link';

// A failure rendering the lock page; the details went to the server log, never here.
export default function LockError({
  retry,
}: {
  error: Error & { digest?: string };
  retry: () => void;
}) {
  return (
    <div
      role="alert"
      className="space-y-3 rounded-md border border-red-200 bg-red-50 p-4 text-red-800"
    >
      <p>Something went wrong showing this lock. Please try again.</p>
      <div className="flex gap-3 text-sm">
        <button
          type="button"
          onClick={() => retry()}
          className="rounded-md border border-red-300 bg-white px-3 py-1.5 text-red-800 hover:bg-red-100"
        >
          Try again
        </button>
        <Link href="/locks" className="px-1 py-1.5 text-brand-700 underline">
          Back to locks
        </Link>
      </div>
    </div>
  );
}
