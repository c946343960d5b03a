import type { HTMLAttributes, ReactNode } from 'react';
import { cx } from './cx';

export type AlertTone = 'error' | 'warning' | 'success' | 'info';

const TONES: Record<AlertTone, string> = {
  error: 'border-red-200 bg-red-50 text-red-800',
  warning: 'border-amber-200 bg-amber-50 text-amber-900',
  success: 'border-emerald-200 bg-emerald-50 text-emerald-900',
  info: 'border-sky-200 bg-sky-50 text-sky-950',
};

/**
 * Errors are announced at once (role="alert"), successes politely
 * (role="status"); warnings and notes say nothing unless asked to.
 */
const ROLES: Record<AlertTone, string | undefined> = {
  error: 'alert',
  warning: undefined,
  success: 'status',
  info: undefined,
};

/**
 * A boxed message: a problem, a caution, a result. The words carry the
 * meaning; the tone helps. `className` is for layout (margins, spacing of
 * its children), never to restyle it.
 */
export function Alert({
  tone,
  title,
  role,
  className,
  children,
  ...props
}: {
  tone: AlertTone;
  /** A first line in bold, for a message with details under it. */
  title?: ReactNode;
} & HTMLAttributes<HTMLDivElement>) {
  return (
    <div
      role={role ?? ROLES[tone]}
      className={cx('rounded-md border px-3 py-2 text-sm', TONES[tone], className)}
      {...props}
    >
      {title ? <p className="mb-1 font-medium">{title}</p> : null}
      {children}
    </div>
  );
}
