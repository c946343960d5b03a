'use client';

import { useId, useState } from 'react';
import { controlClass, Field, FieldError } from '@/components/ui/field';
import type { Tone } from '@/lib/access-codes/describe';
import type { StayLock } from '@/lib/reservations/list';

export const TONE_TEXT: Record<Tone, string> = {
  ok: 'text-emerald-700',
  info: 'text-slate-700',
  warning: 'text-amber-800',
  error: 'text-red-700',
};

export const TONE_BADGE: Record<Tone, string> = {
  ok: 'bg-emerald-50 text-emerald-800 ring-emerald-200',
  info: 'bg-slate-100 text-slate-700 ring-slate-200',
  warning: 'bg-amber-50 text-amber-900 ring-amber-200',
  error: 'bg-red-50 text-red-800 ring-red-200',
};

/** Every input of the reservation forms, for the form's own problem (see FormProblem). */
export const STAY_FIELDS = [
  'propertyId',
  'guestName',
  'guestEmail',
  'guestPhone',
  'checkInDate',
  'checkInTime',
  'checkOutDate',
  'checkOutTime',
  'deviceIds',
  'allowOverlap',
] as const;

export type StayDefaults = {
  guestName?: string;
  guestEmail?: string | null;
  guestPhone?: string | null;
  checkInDate: string;
  checkInTime: string;
  checkOutDate: string;
  checkOutTime: string;
  deviceIds: string[];
  /** Locks the stay keeps whatever is checked (rooms it booked that are common doors now): shown checked, fixed. */
  keptLockIds?: string[];
};

/** Guest contact, the stay's dates and times, and its locks: the fields the new and edit forms share. */
export function StayFields({
  defaults,
  locks,
  zone,
  errors,
}: {
  defaults: StayDefaults;
  locks: StayLock[];
  /** e.g. "EST", so nobody wonders whose 15:00 it is. */
  zone: string;
  errors: Record<string, string>;
}) {
  return (
    <div className="space-y-5">
      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-900">Guest</legend>
        {/* No maxLength: a name over the limit is refused with the limit named, not cut as it is typed. */}
        <Field name="guestName" label="Guest name" error={errors.guestName}>
          {(control) => (
            <input
              {...control}
              defaultValue={defaults.guestName ?? ''}
              required
              autoComplete="off"
            />
          )}
        </Field>
        <div className="grid gap-3 sm:grid-cols-2">
          <Field name="guestEmail" label="Email (optional)" error={errors.guestEmail}>
            {(control) => (
              <input
                {...control}
                type="email"
                defaultValue={defaults.guestEmail ?? ''}
                autoComplete="off"
              />
            )}
          </Field>
          <Field
            name="guestPhone"
            label="Phone (optional)"
            hint="International form, starting with + and the country code."
            error={errors.guestPhone}
          >
            {(control) => (
              <input
                {...control}
                type="tel"
                defaultValue={defaults.guestPhone ?? ''}
                placeholder="+14155550123"
                autoComplete="off"
              />
            )}
          </Field>
        </div>
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-900">
          Stay <span className="font-normal text-slate-500">(times in {zone})</span>
        </legend>
        <div className="grid grid-cols-2 gap-3 sm:grid-cols-4">
          <Field name="checkInDate" label="Check-in date" error={errors.checkInDate}>
            {(control) => (
              <input {...control} type="date" defaultValue={defaults.checkInDate} required />
            )}
          </Field>
          <Field name="checkInTime" label={`Check-in time (${zone})`} error={errors.checkInTime}>
            {(control) => <input {...control} type="time" defaultValue={defaults.checkInTime} />}
          </Field>
          <Field name="checkOutDate" label="Check-out date" error={errors.checkOutDate}>
            {(control) => (
              <input {...control} type="date" defaultValue={defaults.checkOutDate} required />
            )}
          </Field>
          <Field name="checkOutTime" label={`Check-out time (${zone})`} error={errors.checkOutTime}>
            {(control) => <input {...control} type="time" defaultValue={defaults.checkOutTime} />}
          </Field>
        </div>
      </fieldset>

      <LockChoices
        locks={locks}
        chosen={defaults.deviceIds}
        kept={defaults.keptLockIds ?? []}
        error={errors.deviceIds}
      />
      {errors.allowOverlap ? <BookAnyway problem={errors.allowOverlap} /> : null}
    </div>
  );
}

/** Offered once a stay is refused as a double booking: the refusal says with whom, the box saves it anyway. */
function BookAnyway({ problem }: { problem: string }) {
  const id = useId();
  return (
    <div className="space-y-2 rounded-md border border-amber-300 bg-amber-50 p-3">
      <FieldError id={`${id}-error`} name="allowOverlap" error={problem} />
      <label className="flex min-h-11 cursor-pointer items-center gap-2 text-sm font-medium">
        <input
          type="checkbox"
          name="allowOverlap"
          aria-invalid
          aria-describedby={`${id}-error`}
          className="size-4 accent-brand-600"
        />
        Book anyway
      </label>
    </div>
  );
}

/** Checkboxes for the property's locks; a filter box once there are too many to scan. */
function LockChoices({
  locks,
  chosen,
  kept,
  error,
}: {
  locks: StayLock[];
  chosen: string[];
  kept: string[];
  error?: string;
}) {
  const [filter, setFilter] = useState('');
  const errorId = useId();
  const needle = filter.trim().toLowerCase();
  return (
    <fieldset
      className="space-y-2"
      aria-describedby={error ? errorId : undefined}
      aria-invalid={error ? true : undefined}
    >
      <legend className="text-sm font-semibold text-slate-900">Locks the guest opens</legend>
      {locks.length > 12 ? (
        <div className="sm:w-72">
          <label htmlFor={`${errorId}-filter`} className="sr-only">
            Find a lock
          </label>
          <input
            id={`${errorId}-filter`}
            type="search"
            value={filter}
            onChange={(e) => setFilter(e.target.value)}
            placeholder="Find a lock by name or room"
            className={controlClass}
          />
        </div>
      ) : null}
      {locks.length === 0 ? (
        <p className="text-sm text-slate-600">This property has no locks yet.</p>
      ) : (
        <div className="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3">
          {locks.map((lock) => {
            const hidden =
              needle !== '' &&
              !lock.name.toLowerCase().includes(needle) &&
              !(lock.room ?? '').toLowerCase().includes(needle);
            return (
              // Filtered-out boxes stay in the form (hidden), so a checked one is still sent.
              <label
                key={lock.id}
                hidden={hidden}
                className="flex min-h-11 cursor-pointer items-center gap-2 rounded-md border border-slate-200 bg-white px-3 py-2 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50"
              >
                <input
                  type="checkbox"
                  name="deviceIds"
                  value={lock.id}
                  defaultChecked={chosen.includes(lock.id) || kept.includes(lock.id)}
                  // The stay keeps it whatever is sent: a box that could be unchecked would say otherwise.
                  disabled={kept.includes(lock.id)}
                  className="size-4 accent-brand-600"
                />
                <span>
                  {lock.name}
                  {lock.room && !lock.name.includes(lock.room) ? (
                    <span className="text-slate-500"> (room {lock.room})</span>
                  ) : null}
                  {lock.online ? null : <span className="text-red-700"> · offline</span>}
                  {kept.includes(lock.id) ? (
                    <span className="text-slate-500"> · common door now, the stay keeps it</span>
                  ) : null}
                </span>
              </label>
            );
          })}
        </div>
      )}
      <FieldError id={errorId} name="deviceIds" error={error} />
    </fieldset>
  );
}
