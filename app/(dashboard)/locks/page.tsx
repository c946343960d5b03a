import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import Link from 'next/link';
import { makeQueryClient } from '@/components/query-client';
import { Alert } from '@/components/ui/alert';
import { getDb } from '@/db/client';
import { can } from '@/lib/auth/permissions';
import { clock } from '@/lib/clock';
import { listLocks, listLocksSchema } from '@/lib/devices/locks';
import { listNewLocks } from '@/lib/devices/new-locks';
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
  const newLocks = can(actor.role, 'devices.replace') ? await listNewLocks(db, actor) : [];
  await queryClient.fetchQuery({
    queryKey: queryKeys.locks.list(input),
    queryFn: () => listLocks(db, actor, input, clock.now()),
  });

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      {problem ? (
        <Alert tone="warning" role="alert" className="mb-4">
          {problem} Showing the first page instead.
        </Alert>
      ) : null}
      {newLocks.length > 0 ? (
        <Alert tone="info" role="status" data-testid="new-locks-found" className="mb-4">
          {newLocks.length === 1
            ? `A new lock was found: ${newLocks[0]?.name}.`
            : `${newLocks.length} new locks were found.`}{' '}
          <Link href="/locks/replace" className="font-medium underline">
            Replace a reset lock with it, or add it to a property
          </Link>
        </Alert>
      ) : null}
      <LocksTable
        initialSearch={input.search ?? ''}
        initialShow={input.show}
        initialPage={input.page}
      />
    </HydrationBoundary>
  );
}
