import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import type { Metadata } from 'next';
import { makeQueryClient } from '@/components/query-client';
import { getDb } from '@/db/client';
import { listAlerts } from '@/lib/alerts/alerts';
import { can } from '@/lib/auth/permissions';
import { requirePageActor } from '@/lib/http/session';
import { queryKeys } from '@/lib/query-keys';
import { AlertsView } from './alerts-view';

export const metadata: Metadata = { title: 'Alerts' };

export default async function AlertsPage() {
  const actor = await requirePageActor('alerts.read');
  const queryClient = makeQueryClient();
  const db = await getDb();
  await queryClient.fetchQuery({
    queryKey: queryKeys.alerts.list,
    queryFn: () => listAlerts(db, actor),
  });

  return (
    <HydrationBoundary state={dehydrate(queryClient)}>
      <AlertsView
        mayAcknowledge={can(actor.role, 'alerts.acknowledge')}
        mayReplace={can(actor.role, 'devices.replace')}
        mayFixConnections={can(actor.role, 'settings.manage')}
      />
    </HydrationBoundary>
  );
}
