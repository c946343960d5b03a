import { Panel } from '@/components/ui/panel';
import { plural } from '@/lib/access-codes/describe';
import type { LockDetail } from '@/lib/devices/lock-detail';
import { PoolToggle } from './pool-toggle';

/** How many backup codes are ready to pull, never which digits. */
export function Pool({ detail, canManage }: { detail: LockDetail; canManage: boolean }) {
  const { pool } = detail;
  return (
    <Panel id="backup-pool" title="Backup pool" data-testid="backup-pool" className="space-y-2">
      {pool.enabled ? (
        <>
          <p
            className={`text-3xl font-semibold ${
              pool.available === 0
                ? 'text-red-700'
                : pool.available < pool.target
                  ? 'text-amber-800'
                  : 'text-emerald-700'
            }`}
          >
            {pool.available} <span className="text-base font-normal text-slate-600">of</span>{' '}
            {pool.target} <span className="text-base font-normal text-slate-600">ready</span>
          </p>
          <ul className="text-sm text-slate-700">
            <li>{plural(pool.notReady, 'code')} not ready yet</li>
            <li>{plural(pool.pulled, 'code')} pulled for guests</li>
          </ul>
        </>
      ) : (
        <p className="text-sm text-slate-600">
          The backup pool is off for this lock
          {pool.pulled > 0 ? `; ${plural(pool.pulled, 'pulled code')} still live` : ''}.
        </p>
      )}
      {canManage ? <PoolToggle deviceId={detail.lock.id} pool={pool} /> : null}
      <p className="text-xs text-slate-500">
        Backup digits stay hidden until the front desk pulls one for a guest.
      </p>
    </Panel>
  );
}
