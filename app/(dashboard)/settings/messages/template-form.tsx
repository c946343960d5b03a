'use client';

import { useRef, useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field, FormProblem, type Refusal } from '@/components/ui/field';
import { useFocusFirstError } from '@/components/ui/use-form-action';
import type { ActionResult } from '@/lib/http/action';
import {
  previewTemplateAction,
  resetTemplateAction,
  saveTemplateAction,
  type TemplateDraft,
} from './actions';

const KIND_LABELS: Record<TemplateDraft['kind'], string> = {
  guest_code: 'Guest code',
  backup_code: 'Backup code',
  code_changed: 'Code changed',
  cancellation: 'Cancellation',
};

/** One template: edit, preview with a real stay, save, or go back to Keyhold's default. */
export function TemplateForm({
  template,
  isDefault,
}: {
  template: TemplateDraft;
  isDefault: boolean;
}) {
  const [draft, setDraft] = useState(template);
  const [pending, start] = useTransition();
  const [problem, setProblem] = useState<Refusal | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [preview, setPreview] = useState<{ subject: string | null; text: string } | null>(null);
  const id = `${template.kind}-${template.channel}`;
  const title = `${KIND_LABELS[template.kind]} · ${template.channel === 'email' ? 'Email' : 'SMS'}`;

  const run = <T,>(work: () => Promise<ActionResult<T>>, done: (data: T) => void) =>
    start(async () => {
      const result = await work();
      if (result.ok) {
        setProblem(null);
        done(result.data);
      } else {
        setNotice(null);
        setProblem(result);
      }
    });
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstError(form, problem);

  return (
    <form
      ref={form}
      noValidate
      // "Saved" describes the template as it was saved, not as it is being edited.
      onChange={() => setNotice(null)}
      aria-labelledby={`${id}-title`}
      data-testid={`template-${id}`}
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
      onSubmit={(event) => {
        event.preventDefault();
        run(
          () => saveTemplateAction(draft),
          () => setNotice('Saved. New messages use this template.'),
        );
      }}
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id={`${id}-title`} className="font-medium">
          {title}
        </h2>
        <span className="text-xs text-slate-500">
          {isDefault ? 'Keyhold’s default' : 'Your own'}
        </span>
      </div>
      {template.channel === 'email' ? (
        <Field
          name="subject"
          label="Subject"
          id={`${id}-subject`}
          error={problem?.fieldErrors.subject}
        >
          {(control) => (
            <input
              {...control}
              value={draft.subject ?? ''}
              onChange={(e) => setDraft({ ...draft, subject: e.target.value })}
            />
          )}
        </Field>
      ) : null}
      <Field name="body" label="Message" id={`${id}-body`} error={problem?.fieldErrors.body}>
        {(control) => (
          <textarea
            {...control}
            className={`${control.className} font-mono`}
            rows={template.channel === 'email' ? 6 : 3}
            value={draft.body}
            onChange={(e) => setDraft({ ...draft, body: e.target.value })}
          />
        )}
      </Field>
      <FormProblem refusal={problem} fields={['subject', 'body']} />
      {notice ? <Alert tone="success">{notice}</Alert> : null}
      {preview ? (
        <div data-testid="template-preview" className="rounded-md bg-slate-50 p-3 text-sm">
          {preview.subject ? <p className="font-medium">{preview.subject}</p> : null}
          <p className="whitespace-pre-wrap">{preview.text}</p>
        </div>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" variant="primary" size="sm" disabled={pending}>
          Save
        </Button>
        <Button
          size="sm"
          disabled={pending}
          onClick={() => run(() => previewTemplateAction(draft), setPreview)}
        >
          Preview
        </Button>
        {isDefault ? null : (
          <Button
            size="sm"
            disabled={pending}
            onClick={() =>
              run(
                () => resetTemplateAction({ kind: template.kind, channel: template.channel }),
                (restored) => {
                  setDraft(restored);
                  setNotice('Back to Keyhold’s default.');
                },
              )
            }
          >
            Use the default
          </Button>
        )}
      </div>
    </form>
  );
}
