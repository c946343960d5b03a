'use client';

import { useActionState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Field } from '@/components/ui/field';
import { acceptInviteAction, createAccountAction, type InviteState } from './actions';

export function AcceptForm({ token }: { token: string }) {
  const [state, action, pending] = useActionState<InviteState, FormData>(acceptInviteAction, {});
  return (
    <form action={action} className="space-y-4">
      <input type="hidden" name="token" value={token} />
      {state.error ? <Alert tone="error">{state.error}</Alert> : null}
      <Button type="submit" variant="primary" disabled={pending} className="w-full">
        {pending ? 'Accepting…' : 'Accept the invitation'}
      </Button>
    </form>
  );
}

export function CreateAccountForm({ token, name }: { token: string; name: string }) {
  const [state, action, pending] = useActionState<InviteState, FormData>(createAccountAction, {});
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="token" value={token} />
      {state.error && !state.fieldErrors?.name && !state.fieldErrors?.password ? (
        <Alert tone="error">{state.error}</Alert>
      ) : null}
      <Field name="name" label="Your name" error={state.fieldErrors?.name}>
        {(control) => <input {...control} defaultValue={name} autoComplete="name" />}
      </Field>
      <Field name="password" label="Choose a password" error={state.fieldErrors?.password}>
        {(control) => <input {...control} type="password" autoComplete="new-password" />}
      </Field>
      <Button type="submit" variant="primary" disabled={pending} className="w-full">
        {pending ? 'Creating…' : 'Create account and join'}
      </Button>
    </form>
  );
}
