import { Button } from './ui/button';

/**
 * "1–25 of 120 stays" with Previous and Next, for lists paged in the browser.
 * The page itself lives with the caller (it is part of the query key).
 */
export function Pager({
  first,
  last,
  total,
  noun,
  refreshing,
  onPage,
  page,
}: {
  first: number;
  last: number;
  total: number;
  /** Plural, e.g. "locks". */
  noun: string;
  refreshing: boolean;
  page: number;
  onPage: (page: number) => void;
}) {
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
      <p aria-live="polite">
        {total > 0 ? `${first}–${last} of ${total} ${noun}` : ''}
        {refreshing ? <span className="ml-2 text-slate-500">Refreshing…</span> : null}
      </p>
      <div className="flex gap-2">
        <Button size="sm" onClick={() => onPage(Math.max(1, page - 1))} disabled={page <= 1}>
          Previous
        </Button>
        <Button size="sm" onClick={() => onPage(page + 1)} disabled={last >= total}>
          Next
        </Button>
      </div>
    </div>
  );
}
