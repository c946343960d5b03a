'use client';

import { useId } from 'react';
import { FieldError } from '@/components/ui/field';

type LockChoice = { id: string; name: string; room?: string | null };

/**
 * The locks at one property as checkboxes named `deviceIds`: the locks a
 * reservation source's bookings, or a CSV file's rows, open when they name no
 * room. Give it a `key` of the property so the ticks clear when it changes.
 */
export function LockCheckboxes({
  legend,
  hint,
  locks,
  error,
  checked = [],
}: {
  legend: string;
  hint: string;
  locks: LockChoice[];
  error?: string | undefined;
  /** Locks ticked to begin with (a lock group's own). */
  checked?: readonly string[];
}) {
  const id = useId();
  return (
    <fieldset
      className="space-y-2"
      aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
      aria-invalid={error ? true : undefined}
    >
      <legend className="text-sm font-semibold text-slate-900">{legend}</legend>
      <p id={`${id}-hint`} className="text-xs text-slate-500">
        {hint}
      </p>
      {locks.length === 0 ? (
        <p className="text-sm text-slate-600">This property has no locks yet.</p>
      ) : (
        <div className="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3">
          {locks.map((lock) => (
            <label
              key={lock.id}
              className="flex min-h-11 cursor-pointer items-center gap-2 rounded-md border border-slate-200 bg-white px-3 py-2 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50"
            >
              <input
                type="checkbox"
                name="deviceIds"
                value={lock.id}
                defaultChecked={checked.includes(lock.id)}
                className="size-4 accent-brand-600"
              />
              <span>
                {lock.name}
                {lock.room && !lock.name.includes(lock.room) ? (
                  <span className="text-slate-600"> (room {lock.room})</span>
                ) : null}
              </span>
            </label>
          ))}
        </div>
      )}
      <FieldError id={`${id}-error`} name="deviceIds" error={error} />
    </fieldset>
  );
}
