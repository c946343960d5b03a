import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { makeQueryClient } from '@/components/query-client';
import { getDb } from '@/db/client';
import { ARRIVALS_HORIZON_HOURS, listArrivals, listArrivalsSchema } from '@/lib/arrivals/arrivals';
import { clock } from '@/lib/clock';
import { firstValues } from '@/lib/http/search-params';
import { requirePageActor } from '@/lib/http/session';
import { queryKeys } from '@/lib/query-keys';
import { ArrivalsView } from './arrivals-view';

export const metadata: Metadata = { title: 'Arrivals' };

export default async function ArrivalsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor('reservations.read');
  const parsed = listArrivalsSchema.safeParse(firstValues(await searchParams));
  const input = parsed.success ? parsed.data : { page: 1 };
  const problem = parsed.success ? null : (parsed.error.issues[0]?.message ?? null);

  const queryClient = makeQueryClient();
  const db = await getDb();
  await queryClient.fetchQuery({
    queryKey: queryKeys.arrivals.list(input),
    queryFn: () => listArrivals(db, actor, input, clock.now()),
  });

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ArrivalsView input={input} problem={problem} horizonHours={ARRIVALS_HORIZON_HOURS} />
    </HydrationBoundary>
  );
}
