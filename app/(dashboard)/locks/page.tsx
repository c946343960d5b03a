import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { makeQueryClient } from '@/components/query-client';
import { getDb } from '@/db/client';
import { listLocks, listLocksSchema } from '@/lib/devices/locks';
import { firstValues } from '@/lib/http/search-params';
import { requirePageActor } from '@/lib/http/session';
import { queryKeys } from '@/lib/query-keys';
import { LocksTable } from './locks-table';

export const metadata: Metadata = { title: 'Locks' };

export default async function LocksPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor('locks.read');
  const parsed = listLocksSchema.safeParse(firstValues(await searchParams));
  const input = parsed.success ? parsed.data : { search: undefined, show: 'all' as const, page: 1 };
  const problem = parsed.success ? null : (parsed.error.issues[0]?.message ?? null);

  const queryClient = makeQueryClient();
  const db = await getDb();
  await queryClient.fetchQuery({
    queryKey: queryKeys.locks.list(input),
    queryFn: () => listLocks(db, actor, input),
  });

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      {problem ? (
        <p
          role="alert"
          className="mb-4 rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
        >
          {problem} Showing the first page instead.
        </p>
      ) : null}
      <LocksTable
        initialSearch={input.search ?? ''}
        initialShow={input.show}
        initialPage={input.page}
      />
    </HydrationBoundary>
  );
}
