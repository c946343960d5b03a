import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { makeQueryClient } from '@/components/query-client';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { listReplacementChoices } from '@/lib/devices/new-locks';
import { replacementPlan } from '@/lib/devices/replacement-plan';
import { AppError } from '@/lib/errors';
import { firstValues } from '@/lib/http/search-params';
import { requirePageActor } from '@/lib/http/session';
import { listProperties } from '@/lib/properties';
import { queryKeys } from '@/lib/query-keys';
import { ReplaceWizard } from './replace-wizard';

export const metadata: Metadata = { title: 'Replace a lock' };

/**
 * The replacement wizard (admins): choose the new lock and the one it
 * replaces, review what moves, confirm; then /locks/replace/<new id> shows
 * the codes reaching the new lock. A new lock that replaces nothing is placed
 * at a property instead.
 */
export default async function ReplaceLockPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor('devices.replace');
  const params = firstValues(await searchParams);
  const db = await getDb();
  const queryClient = makeQueryClient();
  const [propertyChoices] = await Promise.all([
    listProperties(db, actor),
    queryClient.fetchQuery({
      queryKey: queryKeys.locks.replacementChoices,
      queryFn: () => listReplacementChoices(db, actor),
    }),
  ]);

  const review =
    params.new && params.old && params.review === '1'
      ? { oldDeviceId: params.old, newDeviceId: params.new }
      : null;
  let reviewProblem: string | null = null;
  if (review) {
    try {
      await queryClient.fetchQuery({
        queryKey: queryKeys.locks.replacementPlan(review),
        queryFn: () => replacementPlan(db, actor, review, clock.now()),
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      reviewProblem = error.message;
    }
  }

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ReplaceWizard
        chosen={{ new: params.new, old: params.old }}
        review={review}
        reviewProblem={reviewProblem}
        undone={params.undone === '1'}
        properties={propertyChoices}
      />
    </HydrationBoundary>
  );
}
