import type { Metadata } from 'next';
import { getDb } from '@/db/client';
import { listPermanentBackupCodes } from '@/lib/backup-pools/permanent';
import { listLocks } from '@/lib/devices/locks';
import { requirePageActor } from '@/lib/http/session';
import { revokePermanentBackupCodeAction } from './actions';
import { CreatePermanentCode } from './create-form';

export const metadata: Metadata = { title: 'Permanent backup codes' };

export default async function BackupCodesPage() {
  const actor = await requirePageActor('permanent_codes.manage');
  const db = await getDb();
  const [codes, locks] = await Promise.all([
    listPermanentBackupCodes(db, actor),
    listLocks(db, actor, { page: 1 }),
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
      <p
        role="note"
        className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900"
      >
        Re-using codes and leaving codes active on a lock can let guests back in after their stay
        has ended, or in before it starts. Revoke a permanent code as soon as it has served.
      </p>
      <CreatePermanentCode locks={locks.locks.map((l) => ({ id: l.id, name: l.name }))} />
      {codes.length === 0 ? (
        <p className="text-sm text-slate-600">No permanent backup codes.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {codes.map((c) => (
            <li
              key={c.accessCodeId}
              data-testid="permanent-code-row"
              className="flex items-center justify-between gap-3 px-4 py-3 text-sm"
            >
              <span>
                <span className="font-medium">{c.lockName}</span>{' '}
                <span className="font-mono text-slate-500">••••••</span>{' '}
                <span className="text-slate-500">
                  ({c.status === 'set' ? 'on the lock' : c.status})
                </span>
              </span>
              <form action={revokePermanentBackupCodeAction}>
                <input type="hidden" name="accessCodeId" value={c.accessCodeId} />
                <button
                  type="submit"
                  className="rounded-md border border-red-300 px-3 py-1 text-red-700 hover:bg-red-50"
                >
                  Revoke
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
