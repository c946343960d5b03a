'use client';

import { useId } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, FieldError, FormProblem } from '@/components/ui/field';
import { useFormAction } from '@/components/ui/use-form-action';
import { NOTIFICATION_KIND_INFO, NOTIFICATION_KINDS } from '@/lib/notifications/kinds';
import type { NotificationPreferencesView } from '@/lib/notifications/preferences';
import { saveNotificationPreferencesAction } from './actions';

const FIELDS = ['kinds', 'quietFrom', 'quietUntil', 'dailyDigest'] as const;

/** The member's own email notifications: which, quiet hours, and the daily digest. */
export function NotificationPreferences({ initial }: { initial: NotificationPreferencesView }) {
  const { form, pending, refusal, fieldErrors, success } = useFormAction(
    saveNotificationPreferencesAction,
  );
  const id = useId();
  const chosen = initial;
  return (
    <div className="max-w-2xl space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm">
      <form {...form} className="space-y-5" aria-label="Email notifications">
        <fieldset
          className="space-y-2"
          aria-describedby={`${id}-kinds-hint${fieldErrors.kinds ? ` ${id}-kinds-error` : ''}`}
          aria-invalid={fieldErrors.kinds ? true : undefined}
        >
          <legend className="text-sm font-semibold text-slate-900">Email me when</legend>
          <p id={`${id}-kinds-hint`} className="text-xs text-slate-500">
            Sent to your account’s email. Nothing is sent for what you leave unticked.
          </p>
          <div className="grid grid-cols-1 gap-2">
            {NOTIFICATION_KINDS.map((kind) => (
              <label
                key={kind}
                className="flex min-h-11 cursor-pointer items-start gap-3 rounded-md border border-slate-200 bg-white px-3 py-2 text-sm has-[:checked]:border-brand-600 has-[:checked]:bg-brand-50"
              >
                <input
                  type="checkbox"
                  name="kinds"
                  value={kind}
                  defaultChecked={chosen.kinds.includes(kind)}
                  className="mt-0.5 size-4 shrink-0 accent-brand-600"
                />
                <span>
                  <span className="font-medium text-slate-900">
                    {NOTIFICATION_KIND_INFO[kind].label}
                  </span>
                  <span className="block text-xs text-slate-600">
                    {NOTIFICATION_KIND_INFO[kind].description}
                  </span>
                </span>
              </label>
            ))}
          </div>
          <FieldError id={`${id}-kinds-error`} name="kinds" error={fieldErrors.kinds} />
        </fieldset>

        <fieldset className="space-y-2">
          <legend className="text-sm font-semibold text-slate-900">
            Quiet hours{' '}
            <span className="font-normal text-slate-500">(times in {chosen.timeZone})</span>
          </legend>
          <p className="text-xs text-slate-500">
            Emails that fall in them wait until they end. Leave both empty for none.
          </p>
          <div className="grid grid-cols-2 gap-3 sm:max-w-sm">
            <Field name="quietFrom" label="From" error={fieldErrors.quietFrom}>
              {(control) => (
                <input {...control} type="time" defaultValue={chosen.quietFrom ?? ''} />
              )}
            </Field>
            <Field name="quietUntil" label="Until" error={fieldErrors.quietUntil}>
              {(control) => (
                <input {...control} type="time" defaultValue={chosen.quietUntil ?? ''} />
              )}
            </Field>
          </div>
        </fieldset>

        <label className="flex min-h-11 cursor-pointer items-start gap-3 text-sm">
          <input
            type="checkbox"
            name="dailyDigest"
            defaultChecked={chosen.dailyDigest}
            className="mt-0.5 size-4 shrink-0 accent-brand-600"
          />
          <span>
            <span className="font-medium text-slate-900">Daily digest</span>
            <span className="block text-xs text-slate-600">
              One email a day at 07:00 ({chosen.timeZone}) with the day’s notifications, instead of
              one email each.
            </span>
          </span>
        </label>

        <Button type="submit" variant="primary" disabled={pending}>
          {pending ? 'Saving…' : 'Save notifications'}
        </Button>
      </form>
      <FormProblem refusal={refusal} fields={FIELDS} />
      {success ? (
        <Alert tone="success">
          {success.data.kinds.length === 0
            ? 'Saved. You will not be emailed notifications.'
            : `Saved. You will be emailed ${success.data.kinds.length === 1 ? '1 kind of notification' : `${success.data.kinds.length} kinds of notifications`}${success.data.dailyDigest ? ' in a daily digest' : ''}.`}
        </Alert>
      ) : null}
    </div>
  );
}
