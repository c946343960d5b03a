'use client';

import { useRouter } from 'next/navigation';
import { useId, useRef, useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, FieldError, FormProblem, type Refusal } from '@/components/ui/field';
import { useFocusFirstError } from '@/components/ui/use-form-action';
import type { StaffRole } from '@/db/schema';
import type { DoorChoices } from '@/lib/staff/people';
import type { StaffWindowRule } from '@/lib/staff/windows';
import { createStaffMemberAction, updateStaffMemberAction } from './actions';

const ROLES: { value: StaffRole; label: string }[] = [
  { value: 'cleaning', label: 'Cleaning' },
  { value: 'maintenance', label: 'Maintenance' },
  { value: 'owner', label: 'Owner' },
  { value: 'other', label: 'Other' },
];
const DAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

type Row = {
  key: number;
  kind: 'weekly' | 'turnover';
  days: number[];
  startTime: string;
  endTime: string;
  opens: string;
  closes: string;
};

export type StaffFormInitial = {
  name: string;
  role: StaffRole;
  email: string | null;
  phone: string | null;
  deviceIds: string[];
  groupIds: string[];
  windows: StaffWindowRule[];
};

let nextKey = 0;
const newRow = (): Row => ({
  key: nextKey++,
  kind: 'weekly',
  days: [1, 2, 3, 4, 5],
  startTime: '09:00',
  endTime: '17:00',
  opens: '0',
  closes: '0',
});
const rowOf = (w: StaffWindowRule): Row =>
  w.kind === 'weekly'
    ? { ...newRow(), days: w.days, startTime: w.startTime, endTime: w.endTime }
    : {
        ...newRow(),
        kind: 'turnover',
        opens: String(w.opensAfterCheckOutMinutes),
        closes: String(w.closesBeforeCheckInMinutes),
      };

/**
 * Add or change a person: who they are, their doors (locks and groups by
 * property) and their windows (weekly rows, or between stays with two
 * margins). Every refused field is marked where it is, a window's by its row.
 */
export function StaffForm({
  choices,
  initial,
  staffMemberId,
}: {
  choices: DoorChoices;
  initial?: StaffFormInitial;
  /** Editing this person; adding one when left out. */
  staffMemberId?: string;
}) {
  const router = useRouter();
  const form = useRef<HTMLFormElement>(null);
  const [rows, setRows] = useState<Row[]>(() =>
    initial && initial.windows.length > 0 ? initial.windows.map(rowOf) : [newRow()],
  );
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const [saved, setSaved] = useState(false);
  const [pending, start] = useTransition();
  useFocusFirstError(form, refusal);
  const errors = refusal?.fieldErrors ?? {};
  const id = useId();

  const change = (key: number, patch: Partial<Row>) => {
    setSaved(false);
    setRows((all) => all.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  };

  function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const text = (name: string) => String(data.get(name) ?? '');
    const input = {
      name: text('name'),
      role: text('role'),
      email: text('email'),
      phone: text('phone'),
      ...(staffMemberId ? {} : { code: text('code') }),
      deviceIds: data.getAll('deviceIds').map(String),
      groupIds: data.getAll('groupIds').map(String),
      windows: rows.map((r) =>
        r.kind === 'weekly'
          ? { kind: r.kind, days: r.days, startTime: r.startTime, endTime: r.endTime }
          : {
              kind: r.kind,
              opensAfterCheckOutMinutes: r.opens,
              closesBeforeCheckInMinutes: r.closes,
            },
      ),
    };
    start(async () => {
      const result = staffMemberId
        ? await updateStaffMemberAction(staffMemberId, input)
        : await createStaffMemberAction(input);
      if (!result.ok) {
        setRefusal(result);
        return;
      }
      setRefusal(null);
      if (staffMemberId) {
        setSaved(true);
        router.refresh();
      } else {
        router.push(`/staff/${result.data.id}`);
      }
    });
  }

  const placed = ['name', 'role', 'email', 'phone', 'code', 'doors', 'deviceIds', 'groupIds'];
  const windowFields = Object.keys(errors).filter(
    (k) => k === 'windows' || k.startsWith('windows.'),
  );

  return (
    <form
      ref={form}
      onSubmit={submit}
      onChange={() => setSaved(false)}
      noValidate
      className="space-y-5"
      aria-label={staffMemberId ? 'Change this person' : 'Add a person'}
    >
      <FormProblem refusal={refusal} fields={[...placed, ...windowFields]} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field name="name" label="Name" error={errors.name}>
          {(control) => (
            <input {...control} defaultValue={initial?.name} autoComplete="off" required />
          )}
        </Field>
        <Field name="role" label="Role" error={errors.role}>
          {(control) => (
            <select {...control} defaultValue={initial?.role ?? 'cleaning'}>
              {ROLES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          name="email"
          label="Email (optional)"
          hint="Their code is sent here when they are added and when it changes."
          error={errors.email}
        >
          {(control) => (
            <input
              {...control}
              type="email"
              defaultValue={initial?.email ?? ''}
              autoComplete="off"
            />
          )}
        </Field>
        <Field
          name="phone"
          label="Mobile phone (optional)"
          hint="With its country code, like +1 415 555 0123: the code goes by SMS too."
          error={errors.phone}
        >
          {(control) => (
            <input {...control} type="tel" defaultValue={initial?.phone ?? ''} autoComplete="off" />
          )}
        </Field>
        {staffMemberId ? null : (
          <Field
            name="code"
            label="Code (optional)"
            hint="Leave empty and Keyhold picks digits every one of their doors takes."
            error={errors.code}
          >
            {(control) => <input {...control} inputMode="numeric" autoComplete="off" />}
          </Field>
        )}
      </div>

      <fieldset
        className="space-y-3"
        aria-invalid={errors.doors || errors.deviceIds || errors.groupIds ? true : undefined}
        aria-describedby={`${id}-doors-hint`}
      >
        <legend className="text-sm font-semibold text-slate-900">Doors</legend>
        <p id={`${id}-doors-hint`} className="text-xs text-slate-500">
          The locks their code opens. A group gives every lock in it, including locks added to it
          later.
        </p>
        <FieldError
          id={`${id}-doors-error`}
          name="doors"
          error={errors.doors ?? errors.deviceIds ?? errors.groupIds}
        />
        {choices.length === 0 ? (
          <p className="text-sm text-slate-600">There are no locks yet.</p>
        ) : (
          choices.map((property) => (
            <fieldset key={property.propertyId} className="space-y-2">
              <legend className="text-sm font-medium text-slate-800">
                {property.propertyName}
              </legend>
              <div className="grid grid-cols-1 gap-2 sm:grid-cols-2 lg:grid-cols-3">
                {property.groups.map((group) => (
                  <DoorBox
                    key={group.id}
                    name="groupIds"
                    value={group.id}
                    label={`${group.name} (group)`}
                    checked={initial?.groupIds.includes(group.id)}
                  />
                ))}
                {property.locks.map((lock) => (
                  <DoorBox
                    key={lock.id}
                    name="deviceIds"
                    value={lock.id}
                    label={lock.name}
                    checked={initial?.deviceIds.includes(lock.id)}
                  />
                ))}
              </div>
            </fieldset>
          ))
        )}
      </fieldset>

      <fieldset className="space-y-3">
        <legend className="text-sm font-semibold text-slate-900">Windows</legend>
        <p className="text-xs text-slate-500">
          When the code works, in each door’s local time. A weekly window whose end is at or before
          its start runs past midnight. “Between stays” opens at a room’s check-out and closes at
          its next check-in, moved by the minutes given.
        </p>
        <FieldError id={`${id}-windows-error`} name="windows" error={errors.windows} />
        {rows.map((row, index) => (
          <WindowRow
            key={row.key}
            row={row}
            index={index}
            errors={errors}
            onChange={(patch) => change(row.key, patch)}
            onRemove={
              rows.length > 1
                ? () => setRows((all) => all.filter((r) => r.key !== row.key))
                : undefined
            }
          />
        ))}
        <Button size="sm" onClick={() => setRows((all) => [...all, newRow()])}>
          Add a window
        </Button>
      </fieldset>

      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? 'Saving…' : staffMemberId ? 'Save changes' : 'Add person'}
        </Button>
        {saved ? (
          <Alert tone="success" className="py-1">
            Saved. Their codes follow the new doors and windows.
          </Alert>
        ) : null}
      </div>
    </form>
  );
}

function DoorBox({
  name,
  value,
  label,
  checked,
}: {
  name: string;
  value: string;
  label: string;
  checked?: boolean;
}) {
  return (
    <label className="flex min-h-11 cursor-pointer items-center gap-2 rounded-md border border-slate-200 bg-white px-3 py-2 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50">
      <input type="checkbox" name={name} value={value} defaultChecked={checked} />
      <span>{label}</span>
    </label>
  );
}

function WindowRow({
  row,
  index,
  errors,
  onChange,
  onRemove,
}: {
  row: Row;
  index: number;
  errors: Record<string, string>;
  onChange: (patch: Partial<Row>) => void;
  onRemove?: () => void;
}) {
  const id = useId();
  const key = (field: string) => `windows.${index}.${field}`;
  const label = `Window ${index + 1}`;
  return (
    <fieldset
      className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-3"
      data-testid="staff-window"
    >
      <legend className="px-1 text-sm font-medium text-slate-800">{label}</legend>
      <FieldError
        id={`${id}-row-error`}
        name={`windows.${index}`}
        error={errors[`windows.${index}`]}
      />
      <div className="flex flex-wrap items-end gap-3">
        <Field name={key('kind')} label="Kind" error={errors[key('kind')]} className="w-48">
          {(control) => (
            <select
              {...control}
              value={row.kind}
              onChange={(e) => onChange({ kind: e.target.value as Row['kind'] })}
            >
              <option value="weekly">Weekly</option>
              <option value="turnover">Between stays</option>
            </select>
          )}
        </Field>
        {onRemove ? (
          <Button
            size="sm"
            variant="danger-outline"
            onClick={onRemove}
            aria-label={`Remove ${label}`}
          >
            Remove
          </Button>
        ) : null}
      </div>
      {row.kind === 'weekly' ? (
        <div className="space-y-3">
          <fieldset
            aria-invalid={errors[key('days')] ? true : undefined}
            aria-describedby={errors[key('days')] ? `${id}-days-error` : undefined}
          >
            <legend className="text-sm font-medium text-slate-800">Days</legend>
            <div className="mt-1 flex flex-wrap gap-2">
              {DAYS.map((day, i) => (
                <label
                  key={day}
                  className="flex min-h-11 cursor-pointer items-center gap-1.5 rounded-md border border-slate-200 bg-white px-3 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50"
                >
                  <input
                    type="checkbox"
                    checked={row.days.includes(i + 1)}
                    onChange={(e) =>
                      onChange({
                        days: e.target.checked
                          ? [...row.days, i + 1].sort((a, b) => a - b)
                          : row.days.filter((d) => d !== i + 1),
                      })
                    }
                  />
                  {day}
                </label>
              ))}
            </div>
            <FieldError id={`${id}-days-error`} name={key('days')} error={errors[key('days')]} />
          </fieldset>
          <div className="flex flex-wrap gap-3">
            <Field
              name={key('startTime')}
              label="From"
              error={errors[key('startTime')]}
              className="w-36"
            >
              {(control) => (
                <input
                  {...control}
                  type="time"
                  value={row.startTime}
                  onChange={(e) => onChange({ startTime: e.target.value })}
                />
              )}
            </Field>
            <Field
              name={key('endTime')}
              label="Until"
              error={errors[key('endTime')]}
              className="w-36"
            >
              {(control) => (
                <input
                  {...control}
                  type="time"
                  value={row.endTime}
                  onChange={(e) => onChange({ endTime: e.target.value })}
                />
              )}
            </Field>
          </div>
        </div>
      ) : (
        <div className="flex flex-wrap gap-3">
          <Field
            name={key('opensAfterCheckOutMinutes')}
            label="Opens, minutes after check-out"
            hint="Negative: before check-out."
            error={errors[key('opensAfterCheckOutMinutes')]}
            className="w-60"
          >
            {(control) => (
              <input
                {...control}
                type="number"
                inputMode="numeric"
                value={row.opens}
                onChange={(e) => onChange({ opens: e.target.value })}
              />
            )}
          </Field>
          <Field
            name={key('closesBeforeCheckInMinutes')}
            label="Closes, minutes before the next check-in"
            hint="Negative: after check-in."
            error={errors[key('closesBeforeCheckInMinutes')]}
            className="w-60"
          >
            {(control) => (
              <input
                {...control}
                type="number"
                inputMode="numeric"
                value={row.closes}
                onChange={(e) => onChange({ closes: e.target.value })}
              />
            )}
          </Field>
        </div>
      )}
    </fieldset>
  );
}
