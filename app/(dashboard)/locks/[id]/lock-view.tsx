'use client';

import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { fetchJson } from '@/components/query-client';
import { Alert } from '@/components/ui/alert';
import type { CommonDoorChoice } from '@/lib/devices/common-doors';
import type { LockDetail } from '@/lib/devices/lock-detail';
import { queryKeys } from '@/lib/query-keys';
import { CodeList } from './code-list';
import { CommonDoor } from './common-door';
import { Events } from './events';
import { LockHeader } from './lock-header';
import { Pool } from './pool';
import { RetireLock } from './retire-lock';
import { SimulatedControls } from './simulated-controls';
import { StaffAccess } from './staff-access';
import { Timeline } from './timeline';

/** A lock's page, kept live: what it is, what it holds over the next two weeks, its pool and history. */
export function LockView({
  id,
  canManage,
  commonDoor,
  canReset,
  canManagePool,
  canFixConnection,
}: {
  id: string;
  canManage: boolean;
  /** How the lock is marked as a common door, with what each choice would reach (read at render). */
  commonDoor: CommonDoorChoice;
  canReset: boolean;
  canManagePool: boolean;
  /** May open Settings to mend the lock's connection. */
  canFixConnection: boolean;
}) {
  const { data, error, isFetching } = useQuery({
    queryKey: queryKeys.locks.detail(id),
    queryFn: () => fetchJson<LockDetail>(`/api/locks/${encodeURIComponent(id)}`),
    // Codes move through their states within seconds of a tick; keep up with them.
    refetchInterval: 3_000,
  });

  if (!data) {
    return (
      <Alert tone="error" className="space-y-2">
        <p>Could not load this lock{error ? `: ${error.message}` : '.'}</p>
        <Link href="/locks" className="inline-block text-brand-700 underline">
          Back to locks
        </Link>
      </Alert>
    );
  }

  const { lock } = data;
  return (
    <div className="space-y-6">
      <LockHeader detail={data} refreshing={isFetching} canFixConnection={canFixConnection} />
      {error ? (
        <Alert tone="error">
          Could not refresh this lock: {error.message} Showing what Keyhold last knew.
        </Alert>
      ) : null}
      {canManage && lock.adapter === 'simulated' && lock.status === 'active' ? (
        <SimulatedControls detail={data} canReset={canReset} />
      ) : null}
      <Timeline detail={data} />
      <CodeList detail={data} />
      {lock.status === 'active' ? (
        <CommonDoor choice={commonDoor} lockName={lock.name} canManage={canManage} />
      ) : null}
      <StaffAccess staff={data.staff} />
      <div className="grid gap-6 md:grid-cols-[minmax(0,1fr)_minmax(0,2fr)]">
        <Pool detail={data} canManage={canManagePool && lock.status === 'active'} />
        <Events events={data.events} zone={data.timeZone} />
      </div>
      {canReset && lock.status === 'active' ? (
        <RetireLock deviceId={lock.id} name={lock.name} />
      ) : null}
    </div>
  );
}
