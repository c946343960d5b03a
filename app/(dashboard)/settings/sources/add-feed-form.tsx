'use client';

import { Button } from '@/components/ui/button';
import { Field, FormProblem } from '@/components/ui/field';
import { useFormAction } from '@/components/ui/use-form-action';
import { createCalendarSourceAction } from './actions';
import { PLACE_FIELDS, type PlaceChoices, SourcePlaceFields } from './source-place-fields';

const FIELDS = [...PLACE_FIELDS, 'url', 'preset'];

/** Add an iCal feed; on success the action opens its preview, so nothing is imported unseen. */
export function AddFeedForm({
  choices,
  presets,
}: {
  choices: PlaceChoices;
  presets: { value: string; label: string }[];
}) {
  const { form, pending, refusal, fieldErrors } = useFormAction(createCalendarSourceAction);
  return (
    <form
      {...form}
      aria-labelledby="add-feed-heading"
      data-testid="add-feed-form"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="add-feed-heading" className="font-semibold">
        Add an iCal feed
      </h2>
      <p className="max-w-prose text-sm text-slate-600">
        The calendar export link from Airbnb, VRBO, Booking.com or any channel. Keyhold shows what
        the first import would do before anything is imported.
      </p>
      <SourcePlaceFields choices={choices} errors={fieldErrors} namePlaceholder="e.g. Airbnb" />
      <div className="grid gap-4 sm:grid-cols-3">
        <Field
          name="url"
          label="Feed address"
          hint="Kept encrypted and never shown again: it holds the channel’s secret token."
          error={fieldErrors.url}
          className="sm:col-span-2"
        >
          {(control) => (
            <input
              {...control}
              type="url"
              inputMode="url"
              autoComplete="off"
              spellCheck={false}
              placeholder="https://www.airbnb.com/calendar/ical/….ics"
            />
          )}
        </Field>
        <Field name="preset" label="Channel" error={fieldErrors.preset}>
          {(control) => (
            <select {...control} defaultValue={presets[0]?.value}>
              {presets.map((preset) => (
                <option key={preset.value} value={preset.value}>
                  {preset.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <FormProblem refusal={refusal} fields={FIELDS} />
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Adding…' : 'Add feed and preview'}
      </Button>
    </form>
  );
}
