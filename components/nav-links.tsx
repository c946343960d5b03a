'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { usePathname } from 'next/navigation';
import { queryKeys } from '@/lib/query-keys';
import { fetchJson } from './query-client';

/** `badge: 'open-alerts'`: the count of alerts nobody has acknowledged, kept live; hidden at 0. */
export type NavItem = { href: string; label: string; badge?: 'open-alerts' };

/** The open-alerts count, prefetched by the layout and polled: the tick opens and closes alerts. */
function useOpenAlerts(enabled: boolean): number {
  const { data } = useQuery({
    queryKey: queryKeys.alerts.openCount,
    queryFn: () => fetchJson<{ open: number }>('/api/alerts/count'),
    enabled,
    refetchInterval: 15_000,
  });
  return data?.open ?? 0;
}

export function NavLinks({ items }: { items: NavItem[] }) {
  const pathname = usePathname();
  const openAlerts = useOpenAlerts(items.some((item) => item.badge === 'open-alerts'));
  return (
    <nav aria-label="Main" className="flex flex-wrap gap-1">
      {items.map((item) => {
        const badge = item.badge === 'open-alerts' ? openAlerts : 0;
        const active =
          pathname === item.href || (item.href !== '/' && pathname.startsWith(`${item.href}/`));
        return (
          <Link
            key={item.href}
            href={item.href}
            aria-current={active ? 'page' : undefined}
            className={`rounded-md px-3 py-1.5 text-sm font-medium ${
              active ? 'bg-brand-50 text-brand-700' : 'text-slate-600 hover:bg-slate-100'
            }`}
          >
            {item.label}
            {badge ? (
              <span
                data-testid={`badge-${item.href.slice(1)}`}
                className="ml-1.5 rounded-full bg-red-600 px-1.5 py-0.5 text-xs font-semibold text-white"
              >
                {badge}
                <span className="sr-only"> open</span>
              </span>
            ) : null}
          </Link>
        );
      })}
    </nav>
  );
}
