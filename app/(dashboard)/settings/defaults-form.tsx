'use client';

import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, FormProblem } from '@/components/ui/field';
import { useFormAction } from '@/components/ui/use-form-action';
import type { OrganizationSettings, SettingField } from '@/lib/organizations/settings';
import { CODE_POLICY_LABELS } from '@/lib/sources/code-policy';
import { updateOrganizationSettingsAction } from './defaults-actions';

/** The form's fields; `satisfies` keeps the list whole as settings grow. */
const FIELDS = Object.keys({
  timeZone: true,
  defaultCheckInTime: true,
  defaultCheckOutTime: true,
  programmingLeadMinutes: true,
  backupPoolSize: true,
  guestMessageLeadMinutes: true,
  earlyArrivalMinutes: true,
  deskFallbackText: true,
  importedCodePolicy: true,
  lockEventRetentionDays: true,
  noEntryAlertTime: true,
} satisfies Record<SettingField, true>);

export function DefaultsForm({
  settings,
  timeZones,
  maxLeadMinutes,
  maxPoolSize,
  maxEarlyArrivalMinutes,
  maxFallbackText,
  maxRetentionDays,
}: {
  settings: OrganizationSettings;
  timeZones: string[];
  maxLeadMinutes: number;
  maxPoolSize: number;
  maxEarlyArrivalMinutes: number;
  maxFallbackText: number;
  maxRetentionDays: number;
}) {
  const { form, pending, refusal, fieldErrors, success } = useFormAction(
    updateOrganizationSettingsAction,
  );

  return (
    <form
      {...form}
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      data-testid="defaults-form"
    >
      <FormProblem refusal={refusal} fields={FIELDS} />
      <div className="grid gap-4 sm:grid-cols-2">
        <Field
          name="timeZone"
          label="Time zone"
          hint="For new properties and for dates in the audit log. Each property keeps its own zone."
          error={fieldErrors.timeZone}
        >
          {(control) => (
            <select {...control} defaultValue={settings.timeZone}>
              {timeZones.map((zone) => (
                <option key={zone} value={zone}>
                  {zone}
                </option>
              ))}
            </select>
          )}
        </Field>
        <div className="grid grid-cols-2 gap-3">
          <Field
            name="defaultCheckInTime"
            label="Check-in time"
            hint="Local time at the property."
            error={fieldErrors.defaultCheckInTime}
          >
            {(control) => (
              <input {...control} type="time" defaultValue={settings.defaultCheckInTime} />
            )}
          </Field>
          <Field
            name="defaultCheckOutTime"
            label="Check-out time"
            hint="Local time at the property."
            error={fieldErrors.defaultCheckOutTime}
          >
            {(control) => (
              <input {...control} type="time" defaultValue={settings.defaultCheckOutTime} />
            )}
          </Field>
        </div>
        <WholeNumberField
          name="programmingLeadMinutes"
          label="Programming lead time (minutes)"
          hint="How long before check-in a guest code goes on the lock. The guide recommends 30."
          max={maxLeadMinutes}
          value={settings.programmingLeadMinutes}
          error={fieldErrors.programmingLeadMinutes}
        />
        <WholeNumberField
          name="backupPoolSize"
          label="Backup codes per lock"
          hint={`Ready-to-pull backup codes kept on each lock with a pool (0–${maxPoolSize}).`}
          max={maxPoolSize}
          value={settings.backupPoolSize}
          error={fieldErrors.backupPoolSize}
        />
        <WholeNumberField
          name="guestMessageLeadMinutes"
          label="Guest message lead time (minutes)"
          hint="How long before arrival guests are sent their code. It waits until the code is on every lock of the stay; locks without their own schedules take it at the programming lead time."
          max={maxLeadMinutes}
          value={settings.guestMessageLeadMinutes}
          error={fieldErrors.guestMessageLeadMinutes}
        />
        <WholeNumberField
          name="earlyArrivalMinutes"
          label="Early arrival allowance (minutes)"
          hint="How long before check-in a backup code pulled for an arriving guest may already open the door. 0: from check-in."
          max={maxEarlyArrivalMinutes}
          value={settings.earlyArrivalMinutes}
          error={fieldErrors.earlyArrivalMinutes}
        />
        <Field
          name="deskFallbackText"
          label="When no code can work"
          hint={`What the front desk is told to do for a guest whose lock was reset or is offline (up to ${maxFallbackText} characters).`}
          error={fieldErrors.deskFallbackText}
        >
          {(control) => <textarea {...control} rows={2} defaultValue={settings.deskFallbackText} />}
        </Field>
        <Field
          name="importedCodePolicy"
          label="Codes for imported stays"
          hint="Digits for stays from a calendar feed, a webhook or a CSV file. Phone digits are used only where they make a good code (not 1111 or 1234, not another live code on the lock); otherwise the code is random. A code never changes once made."
          error={fieldErrors.importedCodePolicy}
        >
          {(control) => (
            <select {...control} defaultValue={settings.importedCodePolicy}>
              {Object.entries(CODE_POLICY_LABELS).map(([value, label]) => (
                <option key={value} value={value}>
                  {label}
                </option>
              ))}
            </select>
          )}
        </Field>
        <WholeNumberField
          name="lockEventRetentionDays"
          label="Events kept for (days)"
          hint={`How long entries and other lock reports are kept, 1–${maxRetentionDays} days; older ones are deleted.`}
          min={1}
          max={maxRetentionDays}
          value={settings.lockEventRetentionDays}
          error={fieldErrors.lockEventRetentionDays}
        />
        <Field
          name="noEntryAlertTime"
          label="Flag stays with no entry after"
          hint="Local time at the property on the day of check-in. A stay nobody has come in for by then needs attention on Arrivals. Empty: off."
          error={fieldErrors.noEntryAlertTime}
        >
          {(control) => (
            <input {...control} type="time" defaultValue={settings.noEntryAlertTime ?? ''} />
          )}
        </Field>
      </div>
      <div className="flex flex-wrap items-center gap-3">
        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? 'Saving…' : 'Save defaults'}
        </Button>
        {success ? (
          <Alert tone="success" data-testid="defaults-saved">
            {success.data.changed.length > 0
              ? `Saved: ${success.data.changed.join(', ')}.`
              : 'Nothing changed.'}
          </Alert>
        ) : null}
      </div>
    </form>
  );
}

/** A count, a number of minutes or of days, from `min` (0) to `max`. */
function WholeNumberField({
  value,
  min = 0,
  max,
  ...field
}: {
  name: SettingField;
  label: string;
  hint: string;
  min?: number;
  max: number;
  value: number;
  error: string | undefined;
}) {
  return (
    <Field {...field}>
      {(control) => (
        <input
          {...control}
          type="number"
          inputMode="numeric"
          min={min}
          max={max}
          defaultValue={value}
        />
      )}
    </Field>
  );
}
