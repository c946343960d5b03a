'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { retireLockAction } from './actions';

/** Retire in two steps: the first press says what happens, the second does it. */
export function RetireLock({ deviceId, name }: { deviceId: string; name: string }) {
  const router = useRouter();
  const [confirming, setConfirming] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [pending, start] = useTransition();
  return (
    <section
      aria-labelledby="retire-heading"
      className="space-y-2 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="retire-heading" className="text-base font-semibold">
        Retire this lock
      </h2>
      {confirming ? (
        <>
          <p className="text-sm text-slate-800">
            Retire {name}? Keyhold stops managing it and forgets the codes on it, without asking the
            lock; reset it before it goes back on a door. Its history stays.
          </p>
          <div className="flex flex-wrap gap-3">
            <button
              type="button"
              disabled={pending}
              onClick={() =>
                start(async () => {
                  const result = await retireLockAction({ deviceId });
                  if (result.ok) router.push('/locks');
                  else setError(result.error);
                })
              }
              className="rounded-md bg-red-700 px-4 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60"
            >
              {pending ? 'Retiring…' : `Yes, retire ${name}`}
            </button>
            <button
              type="button"
              disabled={pending}
              onClick={() => setConfirming(false)}
              className="rounded-md border border-slate-300 bg-white px-4 py-2 text-sm"
            >
              Keep it
            </button>
          </div>
        </>
      ) : (
        <>
          <p className="text-sm text-slate-600">
            For a lock that came off its door for good. A lock that was factory reset is replaced
            instead, keeping its stays.
          </p>
          <button
            type="button"
            onClick={() => setConfirming(true)}
            className="rounded-md border border-red-300 px-4 py-2 text-sm font-medium text-red-700 hover:bg-red-50"
          >
            Retire…
          </button>
        </>
      )}
      {error ? (
        <p role="alert" className="text-sm text-red-700">
          {error}
        </p>
      ) : null}
    </section>
  );
}
