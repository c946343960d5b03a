'use client';

import { useState, useTransition } from 'react';
import { Button } from '@/components/ui/button';
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

const inputClass =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none aria-invalid:border-red-500';

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
  const [problem, setProblem] = useState<{ field?: string; error: string } | null>(null);
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
        setProblem({ field: result.field, error: result.error });
      }
    });
  const errorFor = (field: string) => (problem?.field === field ? problem.error : null);

  return (
    <form
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
        <div className="space-y-1">
          <label htmlFor={`${id}-subject`} className="block text-sm font-medium">
            Subject
          </label>
          <input
            id={`${id}-subject`}
            value={draft.subject ?? ''}
            onChange={(e) => setDraft({ ...draft, subject: e.target.value })}
            aria-invalid={errorFor('subject') ? true : undefined}
            className={inputClass}
          />
          {errorFor('subject') ? (
            <p role="alert" className="text-sm text-red-700">
              {errorFor('subject')}
            </p>
          ) : null}
        </div>
      ) : null}
      <div className="space-y-1">
        <label htmlFor={`${id}-body`} className="block text-sm font-medium">
          Message
        </label>
        <textarea
          id={`${id}-body`}
          rows={template.channel === 'email' ? 6 : 3}
          value={draft.body}
          onChange={(e) => setDraft({ ...draft, body: e.target.value })}
          aria-invalid={errorFor('body') ? true : undefined}
          className={`${inputClass} font-mono`}
        />
        {errorFor('body') ? (
          <p role="alert" className="text-sm text-red-700">
            {errorFor('body')}
          </p>
        ) : null}
      </div>
      {problem && problem.field !== 'body' && problem.field !== 'subject' ? (
        <p role="alert" className="text-sm text-red-700">
          {problem.error}
        </p>
      ) : null}
      {notice ? (
        <p role="status" className="text-sm text-emerald-800">
          {notice}
        </p>
      ) : null}
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
