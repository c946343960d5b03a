import type { HTMLAttributes } from 'react';
import { cx } from './cx';

/** What a list says when it has nothing to show, and what to do about it. */
export function EmptyState({ className, ...props }: HTMLAttributes<HTMLDivElement>) {
  return (
    <div
      className={cx(
        'space-y-3 rounded-lg border border-slate-200 bg-white px-4 py-8 text-center text-sm text-slate-600',
        className,
      )}
      {...props}
    />
  );
}
