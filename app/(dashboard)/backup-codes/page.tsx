import type { Metadata } from 'next';
import { CodeStatus } from '@/components/code-status';
import { Alert } from '@/components/ui/alert';
import { EmptyState } from '@/components/ui/empty-state';
import { getDb } from '@/db/client';
import { listPermanentBackupCodes } from '@/lib/backup-pools/permanent';
import { clock } from '@/lib/clock';
import { listLocks } from '@/lib/devices/locks';
import { requirePageActor } from '@/lib/http/session';
import { CreatePermanentCode, RevokePermanentCode } from './create-form';

export const metadata: Metadata = { title: 'Permanent backup codes' };

export default async function BackupCodesPage() {
  const actor = await requirePageActor('permanent_codes.manage');
  const db = await getDb();
  const [codes, locks] = await Promise.all([
    listPermanentBackupCodes(db, actor, clock.now()),
    listLocks(db, actor, { page: 1 }, clock.now()),
  ]);

  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-xl font-semibold">Permanent backup codes</h1>
        <p className="text-sm text-slate-600">
          Ongoing codes you hand out yourself when a guest cannot get in. The backup pools do this
          automatically and more safely.
        </p>
      </div>
      <Alert tone="warning" role="note">
        Re-using codes and leaving codes active on a lock can let guests back in after their stay
        has ended, or in before it starts. Revoke a permanent code as soon as it has served.
      </Alert>
      <CreatePermanentCode locks={locks.locks.map((l) => ({ id: l.id, name: l.name }))} />
      {codes.length === 0 ? (
        <EmptyState>No permanent backup codes.</EmptyState>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {codes.map((c) => (
            <li
              key={c.accessCodeId}
              data-testid="permanent-code-row"
              className="flex flex-wrap items-center justify-between gap-3 px-4 py-3 text-sm"
            >
              <span className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{c.lockName}</span>
                <span className="font-mono text-slate-500">••••••</span>
                <CodeStatus state={c.state} detail />
              </span>
              <RevokePermanentCode accessCodeId={c.accessCodeId} lockName={c.lockName} />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
