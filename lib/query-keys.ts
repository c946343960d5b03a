import type { ListLocksInput } from './devices/locks';

/** The one place query keys are built: server prefetch and client hooks must agree. */
export const queryKeys = {
  locks: {
    all: ['locks'] as const,
    list: (input: { search?: string; show?: string; page: number }) =>
      [
        'locks',
        'list',
        { search: input.search ?? '', show: input.show ?? 'all', page: input.page },
      ] as const,
    /** One lock's page: under `locks` so invalidating every lock refreshes it too. */
    detail: (id: string) => ['locks', 'detail', id] as const,
  },
  reservations: {
    all: ['reservations'] as const,
    list: (input: { search?: string; filter: string; page: number }) =>
      [
        'reservations',
        'list',
        { search: input.search ?? '', filter: input.filter, page: input.page },
      ] as const,
    detail: (id: string) => ['reservations', 'detail', id] as const,
  },
};

export function locksListUrl(input: ListLocksInput): string {
  const params = new URLSearchParams();
  if (input.search) params.set('search', String(input.search));
  if (input.show && input.show !== 'all') params.set('show', String(input.show));
  if (input.page && Number(input.page) > 1) params.set('page', String(input.page));
  const query = params.toString();
  return query ? `?${query}` : '';
}

/** The reservations list's query string; the default filter and first page are left out. */
export function reservationsListUrl(input: {
  search?: string;
  filter?: string;
  page?: number;
}): string {
  const params = new URLSearchParams();
  if (input.search) params.set('search', input.search);
  if (input.filter && input.filter !== 'current') params.set('filter', input.filter);
  if (input.page && input.page > 1) params.set('page', String(input.page));
  const query = params.toString();
  return query ? `?${query}` : '';
}
