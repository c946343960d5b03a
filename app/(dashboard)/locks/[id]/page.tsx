import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { makeQueryClient } from '@/components/query-client';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { clock } from '@/lib/clock';
import { commonDoorChoice } from '@/lib/devices/common-doors';
import { getLockDetail } from '@/lib/devices/lock-detail';
import { orNotFound, requirePageActor } from '@/lib/http/session';
import { queryKeys } from '@/lib/query-keys';
import { LockView } from './lock-view';

export const metadata: Metadata = { title: 'Lock' };

export default async function LockPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor('locks.read');
  const { id } = await params;

  const queryClient = makeQueryClient();
  const { db, hardware } = await getDatabase();
  await orNotFound(() =>
    queryClient.fetchQuery({
      queryKey: queryKeys.locks.detail(id),
      queryFn: () => getLockDetail(db, actor, id, clock.now(), hardware),
    }),
  );
  const commonDoor = await commonDoorChoice(db, actor, id, clock.now());

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <LockView
        id={id}
        canManage={can(actor.role, 'locks.manage')}
        commonDoor={commonDoor}
        canReset={can(actor.role, 'devices.replace')}
        canManagePool={can(actor.role, 'backup_pools.manage')}
        canFixConnection={can(actor.role, 'settings.manage')}
      />
    </HydrationBoundary>
  );
}
