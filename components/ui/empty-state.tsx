import type { HTMLAttributes } from 'react';

/** What a list says when it has nothing to show, and what to do about it. */
export function EmptyState(props: Omit<HTMLAttributes<HTMLDivElement>, 'className'>) {
  return (
    <div
      className="space-y-3 rounded-lg border border-slate-200 bg-white px-4 py-8 text-center text-sm text-slate-600"
      {...props}
    />
  );
}
