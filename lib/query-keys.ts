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
    /** The replacement wizard's new locks and the locks they may replace. */
    replacementChoices: ['locks', 'replacement', 'choices'] as const,
    replacementPlan: (input: { oldDeviceId: string; newDeviceId: string }) =>
      ['locks', 'replacement', 'plan', input] as const,
    replacementProgress: (newDeviceId: string) =>
      ['locks', 'replacement', 'progress', newDeviceId] as const,
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
  arrivals: {
    all: ['arrivals'] as const,
    list: (input: { verdict?: string; page: number }) =>
      ['arrivals', 'list', { verdict: input.verdict ?? 'all', page: input.page }] as const,
  },
  alerts: {
    all: ['alerts'] as const,
    list: ['alerts', 'list'] as const,
    /** The navigation's badge: under `alerts` so acknowledging one updates it too. */
    openCount: ['alerts', 'open-count'] as const,
  },
  frontDesk: {
    all: ['front-desk'] as const,
    list: (input: { q?: string }) => ['front-desk', 'list', { q: input.q ?? '' }] as const,
  },
};

/** `?a=1&b=2` from the values that are set, or '' when none is: defaults stay out of addresses. */
function queryString(values: Record<string, string | number | false | null | undefined>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined && value !== null && value !== false && value !== '') {
      params.set(key, String(value));
    }
  }
  const query = params.toString();
  return query ? `?${query}` : '';
}

const laterPage = (page: unknown) => Number(page) > 1 && String(page);

export function locksListUrl(input: ListLocksInput): string {
  return queryString({
    search: input.search && String(input.search),
    show: input.show !== 'all' && input.show && String(input.show),
    page: laterPage(input.page),
  });
}

/** The reservations list's query string; the default filter and first page are left out. */
export function reservationsListUrl(input: {
  search?: string;
  filter?: string;
  page?: number;
}): string {
  return queryString({
    search: input.search,
    filter: input.filter !== 'current' && input.filter,
    page: laterPage(input.page),
  });
}

/** The arrivals board's query string, for its links and its JSON route; all verdicts and page 1 are left out. */
export function arrivalsUrl(input: { verdict?: string; page?: number }): string {
  return queryString({ verdict: input.verdict, page: laterPage(input.page) });
}

/** The front desk's query string: `?q=` for a search. */
export function frontDeskUrl(input: { q?: string }): string {
  return queryString({ q: input.q });
}
