import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { makeQueryClient } from '@/components/query-client';
import { getDb } from '@/db/client';
import { clock } from '@/lib/clock';
import { firstValues } from '@/lib/http/search-params';
import { requirePageActor } from '@/lib/http/session';
import { queryKeys } from '@/lib/query-keys';
import { deskSearchSchema, listDeskStays } from '@/lib/reservations/desk';
import { DeskView } from './desk-view';

export const metadata: Metadata = { title: 'Front desk' };

export default async function FrontDeskPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor('backup_codes.pull');
  const parsed = deskSearchSchema.safeParse(firstValues(await searchParams));
  const q = parsed.success ? parsed.data.q : undefined;
  const problem = parsed.success ? null : (parsed.error.issues[0]?.message ?? null);

  const queryClient = makeQueryClient();
  const db = await getDb();
  await queryClient.fetchQuery({
    queryKey: queryKeys.frontDesk.list({ q }),
    queryFn: () => listDeskStays(db, actor, { q }, clock.now()),
  });

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <DeskView initialSearch={q ?? ''} problem={problem} />
    </HydrationBoundary>
  );
}
