import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { makeQueryClient } from '@/components/query-client';
import { Alert } from '@/components/ui/alert';
import { getDb } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { clock } from '@/lib/clock';
import { firstValues } from '@/lib/http/search-params';
import { requirePageActor } from '@/lib/http/session';
import { queryKeys } from '@/lib/query-keys';
import { listReservations, listReservationsSchema } from '@/lib/reservations/list';
import { ReservationsTable } from './reservations-table';

export const metadata: Metadata = { title: 'Reservations' };

export default async function ReservationsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor('reservations.read');
  const parsed = listReservationsSchema.safeParse(firstValues(await searchParams));
  const input = parsed.success
    ? parsed.data
    : { search: undefined, filter: 'current' as const, page: 1 };
  const problem = parsed.success ? null : (parsed.error.issues[0]?.message ?? null);

  const queryClient = makeQueryClient();
  const db = await getDb();
  await queryClient.fetchQuery({
    queryKey: queryKeys.reservations.list(input),
    queryFn: () => listReservations(db, actor, input, clock.now()),
  });

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      {problem ? (
        <Alert tone="warning" role="alert" className="mb-4">
          {problem} Showing the first page of current stays instead.
        </Alert>
      ) : null}
      <ReservationsTable
        initialSearch={input.search ?? ''}
        initialFilter={input.filter}
        initialPage={input.page}
        canManage={can(actor.role, 'reservations.manage')}
        canImport={can(actor.role, 'sources.manage')}
      />
    </HydrationBoundary>
  );
}
