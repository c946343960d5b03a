import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { makeQueryClient } from '@/components/query-client';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { replacementProgress } from '@/lib/devices/replacement-progress';
import { orNotFound, requirePageActor } from '@/lib/http/session';
import { queryKeys } from '@/lib/query-keys';
import { ProgressView } from './progress-view';

export const metadata: Metadata = { title: 'Replacement progress' };

export default async function ReplacementProgressPage({
  params,
}: {
  params: Promise<{ newId: string }>;
}) {
  const actor = await requirePageActor('devices.replace');
  const { newId } = await params;
  const queryClient = makeQueryClient();
  const db = await getDb();
  await orNotFound(() =>
    queryClient.fetchQuery({
      queryKey: queryKeys.locks.replacementProgress(newId),
      queryFn: () => replacementProgress(db, actor, newId, clock.now()),
    }),
  );

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ProgressView newId={newId} />
    </HydrationBoundary>
  );
}
