import type { ListLocksInput } from './devices/locks';

/** The one place query keys are built: server prefetch and client hooks must agree. */
export const queryKeys = {
  locks: {
    all: ['locks'] as const,
    list: (input: { search?: string; page: number }) =>
      ['locks', 'list', { search: input.search ?? '', page: input.page }] as const,
  },
};

export function locksListUrl(input: ListLocksInput): string {
  const params = new URLSearchParams();
  if (input.search) params.set('search', String(input.search));
  if (input.page && Number(input.page) > 1) params.set('page', String(input.page));
  const query = params.toString();
  return query ? `?${query}` : '';
}
