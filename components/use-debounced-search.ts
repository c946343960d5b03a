'use client';

import { usePathname } from 'next/navigation';
import { useEffect, useState } from 'react';

/**
 * A search box for a live list: what is typed, and the search the list runs,
 * the typed text trimmed, a moment after the user stops typing (`onSettle`
 * runs then, e.g. back to page 1; keep it stable).
 */
export function useDebouncedSearch(initial: string, onSettle?: () => void) {
  const [search, setSearch] = useState(initial);
  const [submittedSearch, setSubmittedSearch] = useState(initial);
  useEffect(() => {
    const timer = setTimeout(() => {
      if (search.trim() !== submittedSearch) {
        setSubmittedSearch(search.trim());
        onSettle?.();
      }
    }, 250);
    return () => clearTimeout(timer);
  }, [search, submittedSearch, onSettle]);
  return { search, setSearch, submittedSearch };
}

/**
 * Keeps the address bar's query string on what a live list shows, so it can
 * be shared and reloaded. The list comes from its query, so the server page
 * need not render again: the history entry is replaced, not navigated to.
 */
export function useQueryStringInAddress(query: string): void {
  const pathname = usePathname();
  useEffect(() => {
    window.history.replaceState(null, '', `${pathname}${query}`);
  }, [pathname, query]);
}
