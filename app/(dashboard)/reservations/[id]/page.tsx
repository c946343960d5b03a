import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { makeQueryClient } from '@/components/query-client';
import { getDb } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { clock } from '@/lib/clock';
import { orNotFound, requirePageActor } from '@/lib/http/session';
import { queryKeys } from '@/lib/query-keys';
import { getReservationDetail } from '@/lib/reservations/detail';
import { locksAtProperty } from '@/lib/reservations/options';
import { ReservationView } from './reservation-view';

export const metadata: Metadata = { title: 'Reservation' };

export default async function ReservationPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const actor = await requirePageActor('reservations.read');
  const { id } = await params;
  const { saved } = await searchParams;
  const db = await getDb();
  const detail = await orNotFound(() => getReservationDetail(db, actor, id, clock.now()));
  const canManage = can(actor.role, 'reservations.manage');
  const locks = canManage ? await locksAtProperty(db, actor, detail.propertyId) : [];

  const queryClient = makeQueryClient();
  queryClient.setQueryData(queryKeys.reservations.detail(detail.id), detail);

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <ReservationView
        id={detail.id}
        justCreated={saved === 'created'}
        canManage={canManage}
        canSend={can(actor.role, 'messages.send')}
        propertyLocks={locks}
      />
    </HydrationBoundary>
  );
}
