'use client';

import { useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { Field } from '@/components/ui/field';
import { Panel } from '@/components/ui/panel';
import type { LockDetail } from '@/lib/devices/lock-detail';
import type { ActionResult } from '@/lib/http/action';
import { queryKeys } from '@/lib/query-keys';
import {
  enterCodeAtKeypadAction,
  factoryResetSimulatedLockAction,
  removeCodeAtSimulatedLockAction,
  setReportsEntryCodeAction,
  setSimulatedLockOnlineAction,
  unlockWithKeyAction,
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
  const [digits, setDigits] = useState('');
  const [digitsError, setDigitsError] = useState<string | null>(null);
  const lock = detail.lock;
  const hardware = detail.simulated;

  /** Do it, say what happened, and show what the page makes of it. */
  const act = async <T,>(
    action: () => Promise<ActionResult<T>>,
    success: (data: T) => string,
  ): Promise<boolean> => {
    const result = await action();
    setNotice(
      result.ok
        ? { kind: 'ok', text: success(result.data) }
        : { kind: 'error', text: result.error },
    );
    await queryClient.invalidateQueries({ queryKey: queryKeys.locks.all });
    return result.ok;
  };
  const run = <T,>(action: () => Promise<ActionResult<T>>, success: (data: T) => string) =>
    start(async () => {
      await act(action, success);
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
    <Panel title="Simulated lock" data-testid="simulated-controls">
      <p className="text-sm text-slate-600">
        For demos and tests: do to this lock what a person could do to real hardware. Keyhold
        notices the way it would with a real lock, on its next check (within a tick).
      </p>

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
          <Button
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
          >
            {hardware.online ? 'Take offline' : 'Bring online'}
          </Button>

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
            <Field
              name="accessCodeId"
              label="Remove a code at the lock"
              className="w-64 max-w-full"
            >
              {(control) => (
                <select
                  {...control}
                  value={chosen}
                  onChange={(e) => setCodeId(e.target.value)}
                  disabled={onLock.length === 0}
                >
                  {onLock.length === 0 ? <option value="">No codes on the lock</option> : null}
                  {onLock.map((c) => (
                    <option key={c.id} value={c.id}>
                      {c.label}
                    </option>
                  ))}
                </select>
              )}
            </Field>
            <Button type="submit" disabled={pending || !chosen}>
              Remove at the lock
            </Button>
          </form>

          <form
            className="flex flex-wrap items-end gap-2"
            data-testid="keypad"
            onSubmit={(event) => {
              event.preventDefault();
              start(async () => {
                const result = await enterCodeAtKeypadAction({ deviceId: lock.id, code: digits });
                setDigitsError(result.ok ? null : (result.fieldErrors.code ?? null));
                setNotice(
                  result.ok
                    ? result.data.outcome === 'unlocked'
                      ? {
                          kind: 'ok',
                          text: 'Unlocked. Keyhold reads the lock’s log on its next check (within a tick).',
                        }
                      : {
                          kind: 'error',
                          text: 'Code refused: the lock does not hold these digits now.',
                        }
                    : { kind: 'error', text: result.error },
                );
                if (result.ok) setDigits('');
                await queryClient.invalidateQueries({ queryKey: queryKeys.locks.all });
              });
            }}
          >
            <Field
              name="code"
              label="Enter a code at the keypad"
              error={digitsError}
              className="w-48 max-w-full"
            >
              {(control) => (
                <input
                  {...control}
                  inputMode="numeric"
                  autoComplete="off"
                  value={digits}
                  onChange={(e) => setDigits(e.target.value)}
                />
              )}
            </Field>
            <Button type="submit" disabled={pending}>
              Enter
            </Button>
          </form>

          <Button
            disabled={pending}
            onClick={() =>
              run(
                () => unlockWithKeyAction({ deviceId: lock.id }),
                (data) => `Unlocked ${data.name} with a key.`,
              )
            }
          >
            Unlock with a key
          </Button>

          <label className="inline-flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              className="size-4"
              checked={hardware.reportsEntryCode}
              disabled={pending}
              onChange={(e) => {
                const reportsEntryCode = e.target.checked;
                run(
                  () => setReportsEntryCodeAction({ deviceId: lock.id, reportsEntryCode }),
                  () =>
                    reportsEntryCode
                      ? 'The lock now names the code in its log when a code opens it.'
                      : 'The lock now logs only “unlocked at the keypad”, without the code.',
                );
              }}
            />
            Names the code that opened it
          </label>

          {canReset ? (
            <ConfirmButton
              disabled={pending}
              question={`Factory reset ${lock.name}?`}
              details={
                <>
                  <p>
                    The lock forgets every code on it — guest codes and backup codes — and comes
                    back as a new device. This lock goes offline for good.
                  </p>
                  <p>
                    Guests cannot get in with their codes until an admin places the new device as
                    this lock’s replacement; Keyhold then programs every current code and rebuilds
                    the backup pool.
                  </p>
                </>
              }
              confirmLabel="Factory reset"
              pendingLabel="Resetting…"
              keepLabel="Cancel"
              onConfirm={() =>
                act(
                  () => factoryResetSimulatedLockAction({ deviceId: lock.id }),
                  (data) =>
                    `${data.name} was factory reset. It now answers as a new device (${data.newExternalId}); place it as this lock’s replacement.`,
                )
              }
            >
              Factory reset…
            </ConfirmButton>
          ) : null}
        </div>
      ) : null}

      {notice ? (
        <Alert tone={notice.kind === 'ok' ? 'success' : 'error'}>{notice.text}</Alert>
      ) : null}
    </Panel>
  );
}
