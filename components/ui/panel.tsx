import { type HTMLAttributes, type ReactNode, useId } from 'react';
import { cx } from './cx';

/**
 * A titled card: a region named by its heading, with room for the heading's
 * own buttons. `className` is for the spacing of its children only.
 */
export function Panel({
  title,
  actions,
  headingId,
  className,
  children,
  ...props
}: {
  title: ReactNode;
  /** Buttons beside the heading. */
  actions?: ReactNode;
  /** For a link to the heading (`#…`); one is made up otherwise. */
  headingId?: string;
} & Omit<HTMLAttributes<HTMLElement>, 'title'>) {
  const generated = useId();
  const id = headingId ?? generated;
  return (
    <section
      aria-labelledby={id}
      className={cx(
        'scroll-mt-24 rounded-lg border border-slate-200 bg-white p-4 shadow-sm',
        className ?? 'space-y-3',
      )}
      {...props}
    >
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id={id} className="text-base font-semibold">
          {title}
        </h2>
        {actions}
      </div>
      {children}
    </section>
  );
}
