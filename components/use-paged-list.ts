'use client';

import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useCallback, useState } from 'react';
import { fetchJson } from './query-client';
import { useDebouncedSearch, useQueryStringInAddress } from './use-debounced-search';

type PageOf = { total: number; pageSize: number };

/**
 * A searchable, filterable, paged list read from a JSON route and kept live:
 * search as the user types (a moment after they stop), filter and page, the
 * address kept shareable, and the "1–25 of 80" figures for the pager.
 */
export function usePagedList<Filter extends string, Input, Page extends PageOf>(options: {
  initialSearch: string;
  initialFilter: Filter;
  initialPage: number;
  /** What the route and the query key take, from the list's state. */
  toInput: (state: { search: string | undefined; filter: Filter; page: number }) => Input;
  queryKey: (input: Input) => readonly unknown[];
  /** `?search=…&page=…` for the input, both for the route and for the address bar. */
  toQueryString: (input: Input) => string;
  /** The JSON route, e.g. `/api/locks`. */
  route: string;
}) {
  const [filter, setFilterState] = useState<Filter>(options.initialFilter);
  const [page, setPage] = useState(options.initialPage);
  // A new search starts again at page 1.
  const firstPage = useCallback(() => setPage(1), []);
  const { search, setSearch, submittedSearch } = useDebouncedSearch(
    options.initialSearch,
    firstPage,
  );

  const input = options.toInput({ search: submittedSearch || undefined, filter, page });
  const query = options.toQueryString(input);
  const { data, isFetching, error } = useQuery({
    queryKey: options.queryKey(input),
    queryFn: () => fetchJson<Page>(`${options.route}${query}`),
    placeholderData: keepPreviousData,
    // What the tick changes (codes, online state, battery) shows without a reload.
    refetchInterval: 5_000,
  });

  useQueryStringInAddress(query);

  const total = data?.total ?? 0;
  const pageSize = data?.pageSize ?? 25;
  return {
    data,
    isFetching,
    error,
    search,
    setSearch,
    /** The search the list shows (the typed one, once the user pauses). */
    submittedSearch,
    filter,
    /** A new filter starts again at page 1. */
    setFilter: (next: Filter) => {
      setFilterState(next);
      setPage(1);
    },
    page,
    setPage,
    total,
    first: total === 0 ? 0 : (page - 1) * pageSize + 1,
    last: Math.min(total, page * pageSize),
  };
}
