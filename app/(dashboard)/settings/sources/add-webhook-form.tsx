'use client';

import { Button } from '@/components/ui/button';
import { Field, FormProblem } from '@/components/ui/field';
import { ShownOnce } from '@/components/ui/shown-once';
import { useFormAction } from '@/components/ui/use-form-action';
import { createWebhookSourceAction } from './actions';
import { PLACE_FIELDS, type PlaceChoices, SourcePlaceFields } from './source-place-fields';
import { WEBHOOK_SHAPE_LABELS, webhookEndpoint } from './webhook-words';

const FIELDS = [...PLACE_FIELDS, 'preset'];

/** Add a webhook source; its secret is shown here once, with where to send and how to sign. */
export function AddWebhookForm({
  choices,
  origin,
  signatureHeader,
}: {
  choices: PlaceChoices;
  origin: string;
  /** lib/sources/webhook.ts's, handed in: that module is the server's (node:crypto). */
  signatureHeader: string;
}) {
  // The secret stays on screen until the next webhook is made; the form is cleared for it.
  const { form, pending, refusal, fieldErrors, answer } = useFormAction(createWebhookSourceAction, {
    resetOnSuccess: true,
  });
  return (
    <form
      {...form}
      aria-labelledby="add-webhook-heading"
      data-testid="add-webhook-form"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h2 id="add-webhook-heading" className="font-semibold">
        Add a webhook
      </h2>
      <p className="max-w-prose text-sm text-slate-600">
        For a property management system that sends each booking as it changes. Every delivery is
        signed with a secret Keyhold gives you once.
      </p>
      <SourcePlaceFields choices={choices} errors={fieldErrors} namePlaceholder="e.g. Guesty" />
      <Field name="preset" label="Shape" error={fieldErrors.preset} className="sm:w-72">
        {(control) => (
          <select {...control} defaultValue="generic">
            {Object.entries(WEBHOOK_SHAPE_LABELS).map(([value, label]) => (
              <option key={value} value={value}>
                {label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <FormProblem refusal={refusal} fields={FIELDS} />
      <Button type="submit" variant="primary" disabled={pending}>
        {pending ? 'Adding…' : 'Add webhook'}
      </Button>
      {answer?.ok ? (
        <ShownOnce
          message={`Webhook “${answer.data.name}” added. Copy its secret now: it will not be shown again.`}
          value={answer.data.secret}
          testId="new-webhook-secret"
        >
          <p>
            Send each booking by POST to{' '}
            <code data-testid="new-webhook-endpoint" className="break-all rounded bg-white px-1">
              {webhookEndpoint(origin, answer.data.sourceId)}
            </code>
          </p>
          <p>
            Sign it with the header{' '}
            <code className="break-all rounded bg-white px-1">
              {signatureHeader}: t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of “t.body” keyed
              with the secret&gt;
            </code>
            .
          </p>
        </ShownOnce>
      ) : null}
    </form>
  );
}
