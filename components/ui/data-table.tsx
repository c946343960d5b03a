import type { ReactNode, TdHTMLAttributes } from 'react';
import { cx } from './cx';

type Breakpoint = 'sm' | 'md' | 'lg';

/** Written out whole so Tailwind finds the classes. */
const HIDDEN_BELOW: Record<Breakpoint, string> = {
  sm: 'hidden sm:table-cell',
  md: 'hidden md:table-cell',
  lg: 'hidden lg:table-cell',
};

export type Column = {
  label: string;
  /** Only for screen readers, e.g. a column of buttons. */
  srOnly?: boolean;
  /** A column a phone can do without. */
  hideBelow?: Breakpoint;
};

/**
 * A table in a card that scrolls sideways on a phone, with the app's header
 * row. `empty` is shown under the header when there are no rows.
 */
export function DataTable({
  columns,
  empty,
  children,
}: {
  columns: Column[];
  empty?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
      <table className="min-w-full divide-y divide-slate-200 text-sm">
        <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
          <tr>
            {columns.map((column) => (
              <th
                key={column.label}
                scope="col"
                className={cx('px-4 py-3', column.hideBelow && HIDDEN_BELOW[column.hideBelow])}
              >
                {column.srOnly ? <span className="sr-only">{column.label}</span> : column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100">{children}</tbody>
      </table>
      {empty ? (
        <div className="space-y-3 px-4 py-10 text-center text-slate-600">{empty}</div>
      ) : null}
    </div>
  );
}

/** A cell of a DataTable; `hideBelow` matches its column's. */
export function Td({
  hideBelow,
  className,
  ...props
}: { hideBelow?: Breakpoint } & TdHTMLAttributes<HTMLTableCellElement>) {
  return (
    <td className={cx('px-4 py-3', hideBelow && HIDDEN_BELOW[hideBelow], className)} {...props} />
  );
}
