'use client';

import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useId, useRef, useState, useTransition } from 'react';
import type { LockDetail } from '@/lib/devices/lock-detail';
import type { ActionResult } from '@/lib/http/action';
import { queryKeys } from '@/lib/query-keys';
import {
  factoryResetSimulatedLockAction,
  removeCodeAtSimulatedLockAction,
  setSimulatedLockOnlineAction,
} from './actions';
import { codeLabel } from './timeline';

type Notice = { kind: 'ok' | 'error'; text: string };

/**
 * The simulated adapter's knobs, so a demo can break a lock and watch
 * Keyhold recover: what the hardware does happens at once; what Keyhold
 * makes of it shows on the page after the next tick.
 */
export function SimulatedControls({ detail, canReset }: { detail: LockDetail; canReset: boolean }) {
  const queryClient = useQueryClient();
  const [pending, start] = useTransition();
  const [notice, setNotice] = useState<Notice | null>(null);
  const [codeId, setCodeId] = useState('');
  const dialog = useRef<HTMLDialogElement>(null);
  const ids = { heading: useId(), select: useId(), dialogTitle: useId(), dialogText: useId() };
  const lock = detail.lock;
  const hardware = detail.simulated;

  const run = <T,>(action: () => Promise<ActionResult<T>>, success: (data: T) => string) =>
    start(async () => {
      const result = await action();
      setNotice(
        result.ok
          ? { kind: 'ok', text: success(result.data) }
          : { kind: 'error', text: result.error },
      );
      await queryClient.invalidateQueries({ queryKey: queryKeys.locks.all });
    });

  // Codes the lock holds now; unpulled backups are numbered, never shown by digits.
  let backupNumber = 0;
  const onLock = detail.codes
    .filter((c) => c.onLock && !c.deleted)
    .map((c) => {
      const label = c.isBackup && !c.pulled ? `Backup code ${++backupNumber}` : codeLabel(c);
      return { id: c.id, label: `${label} (${c.state.title.toLowerCase()})` };
    });
  const chosen = onLock.some((c) => c.id === codeId) ? codeId : (onLock[0]?.id ?? '');

  return (
    <section
      aria-labelledby={ids.heading}
      data-testid="simulated-controls"
      className="space-y-3 rounded-lg border border-dashed border-slate-300 bg-slate-50 p-4"
    >
      <div>
        <h2 id={ids.heading} className="text-lg font-semibold">
          Simulated lock
        </h2>
        <p className="text-sm text-slate-600">
          For demos and tests: do to this lock what a person could do to real hardware. Keyhold
          notices the way it would with a real lock, on its next check (within a tick).
        </p>
      </div>

      <p data-testid="simulated-state" className="text-sm">
        {hardware === null || !hardware.answers ? (
          <span className="font-medium text-red-700">
            This lock was factory reset: it forgot its codes and now answers as a new device. An
            admin places that device as this lock’s replacement.{' '}
            {canReset ? (
              <Link href={`/locks/replace?old=${lock.id}`} className="underline">
                Replace it
              </Link>
            ) : null}
          </span>
        ) : hardware.online ? (
          <span>
            The simulated lock is <strong className="text-emerald-700">online</strong>
            {lock.online ? '.' : '; Keyhold will see it back on its next check.'}
          </span>
        ) : (
          <span>
            The simulated lock is <strong className="text-red-700">offline</strong>
            {lock.online ? '; Keyhold will notice on its next check.' : '.'}
          </span>
        )}
      </p>

      {hardware?.answers ? (
        <div className="flex flex-wrap items-end gap-x-6 gap-y-4">
          <button
            type="button"
            disabled={pending}
            onClick={() =>
              run(
                () => setSimulatedLockOnlineAction({ deviceId: lock.id, online: !hardware.online }),
                (data) =>
                  hardware.online
                    ? `${data.name} is unplugged. Its codes still open the door; Keyhold cannot change them until it is back.`
                    : `${data.name} is plugged back in.`,
              )
            }
            className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-100 disabled:opacity-60"
          >
            {hardware.online ? 'Take offline' : 'Bring online'}
          </button>

          <form
            className="flex flex-wrap items-end gap-2"
            onSubmit={(event) => {
              event.preventDefault();
              if (!chosen) return;
              run(
                () => removeCodeAtSimulatedLockAction({ deviceId: lock.id, accessCodeId: chosen }),
                () =>
                  'Removed at the keypad. Keyhold finds it missing on its next check and sets it again.',
              );
            }}
          >
            <div className="space-y-1">
              <label htmlFor={ids.select} className="block text-sm font-medium">
                Remove a code at the lock
              </label>
              <select
                id={ids.select}
                value={chosen}
                onChange={(e) => setCodeId(e.target.value)}
                disabled={onLock.length === 0}
                className="block w-64 max-w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm"
              >
                {onLock.length === 0 ? <option value="">No codes on the lock</option> : null}
                {onLock.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.label}
                  </option>
                ))}
              </select>
            </div>
            <button
              type="submit"
              disabled={pending || !chosen}
              className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium text-slate-800 hover:bg-slate-100 disabled:opacity-60"
            >
              Remove at the lock
            </button>
          </form>

          {canReset ? (
            <button
              type="button"
              disabled={pending}
              onClick={() => dialog.current?.showModal()}
              className="rounded-md border border-red-300 bg-white px-3 py-2 text-sm font-medium text-red-700 hover:bg-red-50 disabled:opacity-60"
            >
              Factory reset…
            </button>
          ) : null}
        </div>
      ) : null}

      {notice ? (
        <p
          role={notice.kind === 'ok' ? 'status' : 'alert'}
          className={`text-sm ${notice.kind === 'ok' ? 'text-emerald-800' : 'text-red-700'}`}
        >
          {notice.text}
        </p>
      ) : null}

      {canReset ? (
        <dialog
          ref={dialog}
          aria-labelledby={ids.dialogTitle}
          aria-describedby={ids.dialogText}
          className="m-auto max-w-md rounded-lg p-0 shadow-xl backdrop:bg-slate-900/40"
        >
          <div className="space-y-3 p-5">
            <h3 id={ids.dialogTitle} className="text-lg font-semibold">
              Factory reset {lock.name}?
            </h3>
            <div id={ids.dialogText} className="space-y-2 text-sm text-slate-700">
              <p>
                The lock forgets every code on it — guest codes and backup codes — and comes back as
                a new device. This lock goes offline for good.
              </p>
              <p>
                Guests cannot get in with their codes until an admin places the new device as this
                lock’s replacement; Keyhold then programs every current code and rebuilds the backup
                pool.
              </p>
            </div>
            <div className="flex justify-end gap-2 pt-2">
              <button
                type="button"
                // biome-ignore lint/a11y/noAutofocus: the safe choice takes focus in a destructive dialog.
                autoFocus
                onClick={() => dialog.current?.close()}
                className="rounded-md border border-slate-300 bg-white px-3 py-2 text-sm font-medium"
              >
                Cancel
              </button>
              <button
                type="button"
                disabled={pending}
                onClick={() => {
                  dialog.current?.close();
                  run(
                    () => factoryResetSimulatedLockAction({ deviceId: lock.id }),
                    (data) =>
                      `${data.name} was factory reset. It now answers as a new device (${data.newExternalId}); place it as this lock’s replacement.`,
                  );
                }}
                className="rounded-md bg-red-700 px-3 py-2 text-sm font-medium text-white hover:bg-red-800 disabled:opacity-60"
              >
                Factory reset
              </button>
            </div>
          </div>
        </dialog>
      ) : null}
    </section>
  );
}
