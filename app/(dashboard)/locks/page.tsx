import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { makeQueryClient } from '@/components/query-client';
import { getDb } from '@/db/client';
import { listLocks, listLocksSchema } from '@/lib/devices/locks';
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
  const parsed = listLocksSchema.safeParse(await searchParams);
  const input = parsed.success ? parsed.data : { search: undefined, page: 1 };

  const queryClient = makeQueryClient();
  const db = await getDb();
  await queryClient.prefetchQuery({
    queryKey: queryKeys.locks.list(input),
    queryFn: () => listLocks(db, actor, input),
  });

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <LocksTable initialSearch={input.search ?? ''} initialPage={input.page} />
    </HydrationBoundary>
  );
}
