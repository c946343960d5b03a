'use client';

import { useActionState, useRef } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { useFocusFirstError } from '@/components/ui/use-form-action';
import { type SignInState, signInAction } from './actions';

export function SignInForm({ callbackUrl }: { callbackUrl: string }) {
  const [state, formAction, pending] = useActionState<SignInState, FormData>(signInAction, {});
  const form = useRef<HTMLFormElement>(null);
  useFocusFirstError(form, state);

  // Sent as a plain form action on purpose: React clears it after each try, so the password
  // never stays in the page; the email comes back in the answer.
  return (
    <form ref={form} action={formAction} className="space-y-5" noValidate>
      <input type="hidden" name="callbackUrl" value={callbackUrl} />
      {state.error ? <Alert tone="error">{state.error}</Alert> : null}
      <Field name="email" label="Email" error={state.fieldErrors?.email}>
        {(control) => (
          <input
            {...control}
            type="email"
            autoComplete="username"
            defaultValue={state.email}
            key={state.email}
          />
        )}
      </Field>
      <Field name="password" label="Password" error={state.fieldErrors?.password}>
        {(control) => <input {...control} type="password" autoComplete="current-password" />}
      </Field>
      <Button type="submit" variant="primary" disabled={pending} className="w-full">
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}
