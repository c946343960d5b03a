import { dehydrate, HydrationBoundary } from '@tanstack/react-query';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { type NavItem, NavLinks } from '@/components/nav-links';
import { makeQueryClient } from '@/components/query-client';
import { Button } from '@/components/ui/button';
import { getDb } from '@/db/client';
import { countOpenAlerts } from '@/lib/alerts/alerts';
import { can, ROLE_LABELS } from '@/lib/auth/permissions';
import { requirePageActor } from '@/lib/http/session';
import { queryKeys } from '@/lib/query-keys';
import { signOutAction } from './actions';

export default async function DashboardLayout({ children }: { children: ReactNode }) {
  // Layouts do not guard pages on their own; each page checks again.
  const actor = await requirePageActor();
  const mayReadAlerts = can(actor.role, 'alerts.read');
  const queryClient = makeQueryClient();
  if (mayReadAlerts) {
    const db = await getDb();
    await queryClient.fetchQuery({
      queryKey: queryKeys.alerts.openCount,
      queryFn: async () => ({ open: await countOpenAlerts(db, actor) }),
    });
  }
  const nav: NavItem[] = [
    { href: '/', label: 'Arrivals' },
    ...(can(actor.role, 'backup_codes.pull') ? [{ href: '/front-desk', label: 'Front desk' }] : []),
    { href: '/reservations', label: 'Reservations' },
    { href: '/locks', label: 'Locks' },
    { href: '/alerts', label: 'Alerts', badge: mayReadAlerts ? 'open-alerts' : undefined },
    ...(can(actor.role, 'permanent_codes.manage')
      ? [{ href: '/backup-codes', label: 'Backup codes' }]
      : []),
    ...(can(actor.role, 'staff.manage') ? [{ href: '/staff', label: 'Staff' }] : []),
    ...(can(actor.role, 'audit.read') ? [{ href: '/audit', label: 'Audit log' }] : []),
    ...(can(actor.role, 'settings.manage') ? [{ href: '/settings', label: 'Settings' }] : []),
  ];

  return (
    <div className="min-h-screen">
      <header className="border-b border-slate-200 bg-white">
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-6 gap-y-2 px-4 py-3">
          <Link href="/" className="text-lg font-semibold tracking-tight text-brand-900">
            Keyhold
          </Link>
          <span className="text-sm text-slate-500" data-testid="organization-name">
            {actor.organizationName}
          </span>
          <HydrationBoundary state={dehydrate(queryClient)}>
            <NavLinks items={nav} />
          </HydrationBoundary>
          <div className="ml-auto flex items-center gap-3 text-sm">
            <span className="text-slate-700" data-testid="signed-in-as">
              <Link href="/account" className="hover:underline" title="Your account and sessions">
                {actor.name}
              </Link>
              <span className="ml-2 rounded-full bg-slate-100 px-2 py-0.5 text-xs text-slate-600">
                {ROLE_LABELS[actor.role]}
              </span>
            </span>
            <form action={signOutAction}>
              <Button type="submit" size="sm">
                Sign out
              </Button>
            </form>
          </div>
        </div>
      </header>
      <main className="mx-auto max-w-6xl px-4 py-6">{children}</main>
    </div>
  );
}
