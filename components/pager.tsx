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
  const button = 'rounded-md border border-slate-300 bg-white px-3 py-1.5 disabled:opacity-40';
  return (
    <div className="flex flex-wrap items-center justify-between gap-2 text-sm text-slate-600">
      <p aria-live="polite">
        {total > 0 ? `${first}–${last} of ${total} ${noun}` : ''}
        {refreshing ? <span className="ml-2 text-slate-500">Refreshing…</span> : null}
      </p>
      <div className="flex gap-2">
        <button
          type="button"
          onClick={() => onPage(Math.max(1, page - 1))}
          disabled={page <= 1}
          className={button}
        >
          Previous
        </button>
        <button
          type="button"
          onClick={() => onPage(page + 1)}
          disabled={last >= total}
          className={button}
        >
          Next
        </button>
      </div>
    </div>
  );
}
