import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { notFound } from 'next/navigation';
import { z } from 'zod';
import { makeQueryClient } from '@/components/query-client';
import { getDatabase } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { clock } from '@/lib/clock';
import { getLockDetail } from '@/lib/devices/lock-detail';
import { AppError } from '@/lib/errors';
import { requirePageActor } from '@/lib/http/session';
import { queryKeys } from '@/lib/query-keys';
import { LockView } from './lock-view';

export const metadata: Metadata = { title: 'Lock' };

export default async function LockPage({ params }: { params: Promise<{ id: string }> }) {
  const actor = await requirePageActor('locks.read');
  const parsed = z.uuid().safeParse((await params).id);
  if (!parsed.success) notFound();
  const id = parsed.data;

  const queryClient = makeQueryClient();
  const { db, hardware } = await getDatabase();
  try {
    await queryClient.fetchQuery({
      queryKey: queryKeys.locks.detail(id),
      queryFn: () => getLockDetail(db, actor, id, clock.now(), hardware),
    });
  } catch (error) {
    // Another organization's lock, or none: the same 404 either way.
    if (error instanceof AppError && error.code === 'not_found') notFound();
    throw error;
  }

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <LockView
        id={id}
        canManage={can(actor.role, 'locks.manage')}
        canReset={can(actor.role, 'devices.replace')}
        canManagePool={can(actor.role, 'backup_pools.manage')}
        canFixConnection={can(actor.role, 'settings.manage')}
      />
    </HydrationBoundary>
  );
}
