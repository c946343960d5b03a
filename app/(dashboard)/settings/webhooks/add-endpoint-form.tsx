'use client';

import { useState } from 'react';
import { Button } from '@/components/ui/button';
import { Field, FieldError, FormProblem } from '@/components/ui/field';
import { ShownOnce } from '@/components/ui/shown-once';
import { useFormAction } from '@/components/ui/use-form-action';
import { createWebhookEndpointAction } from './actions';

const FIELDS = ['url', 'eventTypes'];

/** Add an outbound webhook; its secret is shown here once. */
export function AddEndpointForm({
  eventTypes,
  signatureHeader,
}: {
  /** Seam's event names Keyhold sends, handed in: lib/events/types.ts is the server's. */
  eventTypes: string[];
  signatureHeader: string;
}) {
  const { form, pending, refusal, fieldErrors, answer } = useFormAction(
    createWebhookEndpointAction,
    { resetOnSuccess: true },
  );
  const [scope, setScope] = useState<'all' | 'some'>('all');
  return (
    <form
      {...form}
      aria-labelledby="add-endpoint-heading"
      data-testid="add-endpoint-form"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="add-endpoint-heading" className="font-semibold">
        Add an endpoint
      </h2>
      <Field
        name="url"
        label="URL"
        hint="An http:// or https:// address that takes a POST with a JSON body."
        error={fieldErrors.url}
      >
        {(control) => (
          <input
            {...control}
            type="url"
            inputMode="url"
            autoComplete="off"
            placeholder="https://example.com/keyhold-events"
          />
        )}
      </Field>
      <fieldset className="space-y-2" aria-describedby="event-types-error">
        <legend className="text-sm font-medium text-slate-800">Events</legend>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name="scope"
            value="all"
            checked={scope === 'all'}
            onChange={() => setScope('all')}
          />
          All events, including ones Keyhold adds later
        </label>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="radio"
            name="scope"
            value="some"
            checked={scope === 'some'}
            onChange={() => setScope('some')}
          />
          Only these events
        </label>
        {scope === 'some' ? (
          <div className="grid gap-1 pl-6 sm:grid-cols-2">
            {eventTypes.map((type) => (
              <label key={type} className="flex items-center gap-2 font-mono text-xs">
                <input type="checkbox" name="eventTypes" value={type} />
                {type}
              </label>
            ))}
          </div>
        ) : null}
        <FieldError id="event-types-error" name="eventTypes" error={fieldErrors.eventTypes} />
      </fieldset>
      <FormProblem refusal={refusal} fields={FIELDS} />
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Adding…' : 'Add endpoint'}
      </Button>
      {answer?.ok ? (
        <ShownOnce
          message="Endpoint added. Copy its signing secret now: it will not be shown again."
          value={answer.data.secret}
          testId="new-endpoint-secret"
        >
          <p>
            Check each delivery’s{' '}
            <code className="rounded bg-white px-1">
              {signatureHeader}: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of “t.body” keyed
              with the secret&gt;
            </code>{' '}
            over the raw body before trusting it, and refuse a <code>t</code> more than 5 minutes
            old. Anyone with this secret can send your endpoint deliveries that look like Keyhold’s:
            keep it out of code and chat.
          </p>
        </ShownOnce>
      ) : null}
    </form>
  );
}
