'use client';

import { type ReactNode, useActionState, useState } from 'react';
import { Button } from '@/components/ui/button';
import type { OrganizationSettings, SettingField } from '@/lib/organizations/settings';
import { updateOrganizationSettingsAction } from './defaults-actions';

const inputClass =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none aria-invalid:border-red-500';

export function DefaultsForm({
  settings,
  timeZones,
  maxLeadMinutes,
  maxPoolSize,
}: {
  settings: OrganizationSettings;
  timeZones: string[];
  maxLeadMinutes: number;
  maxPoolSize: number;
}) {
  const [state, action, saving] = useActionState(updateOrganizationSettingsAction, null);
  // Controlled, so a refused save keeps what was typed (React resets uncontrolled forms).
  const [values, setValues] = useState<Record<SettingField, string>>({
    timeZone: settings.timeZone,
    defaultCheckInTime: settings.defaultCheckInTime,
    defaultCheckOutTime: settings.defaultCheckOutTime,
    programmingLeadMinutes: String(settings.programmingLeadMinutes),
    backupPoolSize: String(settings.backupPoolSize),
    guestMessageLeadMinutes: String(settings.guestMessageLeadMinutes),
  });
  const errorFor = (field: SettingField) =>
    state && !state.ok && state.field === field ? state.error : null;
  const unplaced =
    state && !state.ok && !(state.field && state.field in values) ? state.error : null;

  const field = (name: SettingField, label: string, hint: string, control: ReactNode) => {
    const error = errorFor(name);
    return (
      <div className="space-y-1">
        <label htmlFor={`setting-${name}`} className="block text-sm font-medium">
          {label}
        </label>
        {control}
        {error ? (
          <p id={`setting-${name}-error`} role="alert" className="text-sm text-red-700">
            {error}
          </p>
        ) : (
          <p id={`setting-${name}-hint`} className="text-xs text-slate-500">
            {hint}
          </p>
        )}
      </div>
    );
  };
  const props = (name: SettingField) => ({
    id: `setting-${name}`,
    name,
    value: values[name],
    onChange: (e: { target: { value: string } }) =>
      setValues((v) => ({ ...v, [name]: e.target.value })),
    'aria-invalid': errorFor(name) ? true : undefined,
    'aria-describedby': errorFor(name) ? `setting-${name}-error` : `setting-${name}-hint`,
    className: inputClass,
  });

  return (
    <form
      action={action}
      noValidate
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="defaults-form"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        {field(
          'timeZone',
          'Time zone',
          'For new properties and for dates in the audit log. Each property keeps its own zone.',
          <select {...props('timeZone')}>
            {timeZones.map((zone) => (
              <option key={zone} value={zone}>
                {zone}
              </option>
            ))}
          </select>,
        )}
        <div className="grid grid-cols-2 gap-3">
          {field(
            'defaultCheckInTime',
            'Check-in time',
            'Local time at the property.',
            <input {...props('defaultCheckInTime')} type="time" />,
          )}
          {field(
            'defaultCheckOutTime',
            'Check-out time',
            'Local time at the property.',
            <input {...props('defaultCheckOutTime')} type="time" />,
          )}
        </div>
        {field(
          'programmingLeadMinutes',
          'Programming lead time (minutes)',
          'How long before check-in a guest code goes on the lock. The guide recommends 30.',
          <input
            {...props('programmingLeadMinutes')}
            type="number"
            inputMode="numeric"
            min={0}
            max={maxLeadMinutes}
          />,
        )}
        {field(
          'backupPoolSize',
          'Backup codes per lock',
          `Ready-to-pull backup codes kept on each lock with a pool (0–${maxPoolSize}).`,
          <input
            {...props('backupPoolSize')}
            type="number"
            inputMode="numeric"
            min={0}
            max={maxPoolSize}
          />,
        )}
        {field(
          'guestMessageLeadMinutes',
          'Guest message lead time (minutes)',
          'How long before arrival guests are sent their code. It waits until the code is on every lock of the stay; locks without their own schedules take it at the programming lead time.',
          <input
            {...props('guestMessageLeadMinutes')}
            type="number"
            inputMode="numeric"
            min={0}
            max={maxLeadMinutes}
          />,
        )}
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" disabled={saving}>
          {saving ? 'Saving…' : 'Save defaults'}
        </Button>
        {unplaced ? (
          <p role="alert" className="text-sm text-red-700">
            {unplaced}
          </p>
        ) : null}
        {state?.ok ? (
          <p role="status" className="text-sm text-emerald-800" data-testid="defaults-saved">
            {state.data.changed.length > 0
              ? `Saved: ${state.data.changed.join(', ')}.`
              : 'Nothing changed.'}
          </p>
        ) : null}
      </div>
    </form>
  );
}
