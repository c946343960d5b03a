'use client';

import {
  type FormEvent,
  type RefObject,
  useActionState,
  useEffect,
  useRef,
  useState,
  useTransition,
} from 'react';
import type { Refusal } from './field';

/** Puts the cursor in the first field marked invalid, if any. */
export function focusFirstError(form: HTMLFormElement | null): void {
  const marked = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
  // A group of checkboxes is marked on its fieldset; the cursor goes to its first box.
  const control = marked?.matches('input, select, textarea')
    ? marked
    : marked?.querySelector<HTMLElement>('input, select, textarea');
  control?.focus();
}

/** After each answer, the cursor goes to the first field it refused. */
export function useFocusFirstError(form: RefObject<HTMLFormElement | null>, answer: unknown): void {
  useEffect(() => {
    if (answer) focusFirstError(form.current);
  }, [answer, form]);
}

type Answer<T> = { ok: true; data: T } | Refusal;

/**
 * A form run by a server action that keeps what was typed when it is refused
 * (it submits itself, so React does not reset it), marks every refused field,
 * moves the cursor to the first, and drops its success message once the form
 * is edited again, so "Saved" never describes values that were not saved.
 *
 *   const { form, refusal, success, pending } = useFormAction(saveAction);
 *   <form {...form}>…</form>
 */
export function useFormAction<T>(
  action: (previous: Answer<T> | null, formData: FormData) => Promise<Answer<T>>,
  options: { resetOnSuccess?: boolean } = {},
) {
  const ref = useRef<HTMLFormElement>(null);
  const [answer, dispatch, pending] = useActionState(action, null);
  const [, startTransition] = useTransition();
  const [editedAfter, setEditedAfter] = useState<Answer<T> | null>(null);
  const { resetOnSuccess = false } = options;

  useFocusFirstError(ref, answer);
  useEffect(() => {
    if (answer?.ok && resetOnSuccess) ref.current?.reset();
  }, [answer, resetOnSuccess]);

  return {
    form: {
      ref,
      // Kept for a form sent before the page is interactive; it posts, never a GET with secrets in the address.
      action: dispatch,
      onSubmit: (event: FormEvent<HTMLFormElement>) => {
        event.preventDefault();
        const formData = new FormData(event.currentTarget);
        startTransition(() => dispatch(formData));
      },
      onChange: () => setEditedAfter(answer),
      noValidate: true,
    },
    pending,
    /** The last answer as it came, e.g. for a secret shown once whatever is typed next. */
    answer,
    /** The last answer, if it refused the form. */
    refusal: answer && !answer.ok ? answer : null,
    /** Each refused field's problem, by input name. */
    fieldErrors: answer && !answer.ok ? answer.fieldErrors : {},
    /** The last answer, if it succeeded and the form has not been edited since. */
    success: answer?.ok && editedAfter !== answer ? answer : null,
  };
}
