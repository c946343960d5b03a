'use client';

import { useActionState, useState, useTransition } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { plural } from '@/lib/access-codes/describe';
import type { ActionResult } from '@/lib/http/action';
import {
  type ConnectedSeam,
  checkConnectionAction,
  connectSeamAction,
  replaceConnectionKeyAction,
} from './connection-actions';

export type ConnectionItem = {
  id: string;
  name: string;
  adapter: string;
  status: 'ok' | 'error' | 'unchecked';
  errors: { code: string; message: string }[];
  locks: number;
  /** Already in the organization's zone; null when never checked. */
  lastChecked: string | null;
};

const ADAPTER_LABELS: Record<string, string> = { seam: 'Seam' };

const STATUS_WORDS: Record<ConnectionItem['status'], string> = {
  ok: 'Connected',
  error: 'Needs attention',
  unchecked: 'Not checked yet',
};

const inputClass =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none aria-invalid:border-red-500';

type ConnectField = 'name' | 'apiKey' | 'propertyId';

export function Connections({
  connections,
  properties,
}: {
  connections: ConnectionItem[];
  properties: { id: string; name: string }[];
}) {
  return (
    <div className="space-y-4">
      <p className="max-w-prose text-sm text-slate-600">
        Keyhold reaches real locks (August, Yale, Schlage, Kwikset, igloohome, Salto, TTLock and
        more) through a Seam workspace. Paste the workspace’s API key from Seam Console: Keyhold
        checks it with one call, keeps it encrypted and never shows it again.
      </p>
      {connections.length === 0 ? (
        <EmptyState data-testid="connections-empty">
          No lock services connected. Locks are simulated until you connect a Seam workspace.
        </EmptyState>
      ) : (
        <ul className="space-y-3">
          {connections.map((connection) => (
            <ConnectionCard key={connection.id} connection={connection} />
          ))}
        </ul>
      )}
      <ConnectForm properties={properties} />
    </div>
  );
}

function ConnectionCard({ connection }: { connection: ConnectionItem }) {
  const [checked, checkAction, checking] = useActionState(checkConnectionAction, null);
  const [replaced, replaceAction, replacing] = useActionState(replaceConnectionKeyAction, null);
  const headingId = `connection-${connection.id}-name`;
  const keyId = `connection-${connection.id}-key`;
  const keyError = replaced && !replaced.ok ? replaced.error : null;
  return (
    <li
      aria-labelledby={headingId}
      data-testid="connection-row"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h3 id={headingId} className="font-medium text-slate-900">
        {connection.name}
      </h3>
      <dl className="grid grid-cols-2 gap-3 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Service</dt>
          <dd>{ADAPTER_LABELS[connection.adapter] ?? connection.adapter}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Status</dt>
          <dd data-testid="connection-status">
            <span
              className={
                connection.status === 'ok'
                  ? 'text-emerald-700'
                  : connection.status === 'error'
                    ? 'font-medium text-red-700'
                    : 'text-slate-700'
              }
            >
              {STATUS_WORDS[connection.status]}
            </span>
          </dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">Locks</dt>
          <dd data-testid="connection-locks">{connection.locks}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium uppercase tracking-wide text-slate-500">
            Last checked
          </dt>
          <dd>{connection.lastChecked ?? 'Never'}</dd>
        </div>
      </dl>
      {connection.status === 'error' && connection.errors.length > 0 ? (
        <ul data-testid="connection-errors" className="space-y-1 text-sm text-red-700">
          {connection.errors.map((issue) => (
            <li key={issue.code} title={issue.code}>
              {issue.message}
            </li>
          ))}
        </ul>
      ) : null}

      <div className="flex flex-wrap items-end gap-x-6 gap-y-3">
        <form action={checkAction}>
          <input type="hidden" name="connectionId" value={connection.id} />
          <Button type="submit" disabled={checking}>
            Check now<span className="sr-only"> {connection.name}</span>
          </Button>
        </form>
        <form action={replaceAction} noValidate className="flex flex-wrap items-end gap-3">
          <input type="hidden" name="connectionId" value={connection.id} />
          <div className="space-y-1">
            <label htmlFor={keyId} className="block text-sm font-medium">
              New API key for {connection.name}
            </label>
            <input
              id={keyId}
              name="apiKey"
              type="password"
              autoComplete="off"
              spellCheck={false}
              placeholder="seam_…"
              aria-invalid={keyError ? true : undefined}
              aria-describedby={keyError ? `${keyId}-error` : undefined}
              className={`${inputClass} w-72 max-w-full`}
            />
          </div>
          <Button type="submit" disabled={replacing}>
            {replacing ? 'Checking the key…' : 'Replace API key'}
            <span className="sr-only"> for {connection.name}</span>
          </Button>
        </form>
      </div>
      {checked && !checked.ok ? <Alert tone="error">{checked.error}</Alert> : null}
      {checked?.ok ? (
        <Alert tone="success">Keyhold checks it at the next tick (within a minute).</Alert>
      ) : null}
      {keyError ? (
        <p id={`${keyId}-error`} role="alert" className="text-sm text-red-700">
          {keyError}
        </p>
      ) : null}
      {replaced?.ok ? (
        <Alert tone="success">
          New key saved for “{connection.name}”. Keyhold looks for its locks at the next tick.
        </Alert>
      ) : null}
    </li>
  );
}

function ConnectForm({ properties }: { properties: { id: string; name: string }[] }) {
  const firstProperty = properties[0]?.id ?? '';
  // Controlled, and dispatched from onSubmit: React's automatic reset after a form
  // action would wipe a refused form and snap a controlled <select> back (react#30580).
  const [values, setValues] = useState<Record<ConnectField, string>>({
    name: '',
    apiKey: '',
    propertyId: firstProperty,
  });
  const [state, dispatch, pending] = useActionState(
    async (previous: ActionResult<ConnectedSeam> | null, formData: FormData) => {
      const result = await connectSeamAction(previous, formData);
      if (result.ok) setValues({ name: '', apiKey: '', propertyId: firstProperty });
      return result;
    },
    null,
  );
  const [, startTransition] = useTransition();
  const errorFor = (field: ConnectField) =>
    state && !state.ok && state.field === field ? state.error : null;
  const props = (field: ConnectField) => ({
    id: `connect-${field}`,
    name: field,
    value: values[field],
    onChange: (e: { target: { value: string } }) =>
      setValues((v) => ({ ...v, [field]: e.target.value })),
    'aria-invalid': errorFor(field) ? true : undefined,
    'aria-describedby': errorFor(field) ? 'connect-error' : undefined,
    className: inputClass,
  });
  const connectedTo = state?.ok
    ? (properties.find((p) => p.id === state.data.propertyId)?.name ?? 'the property')
    : null;

  return (
    <form
      // Kept so React renders a form that cannot submit natively before hydration:
      // a plain GET would put the API key in the address bar.
      action={dispatch}
      onSubmit={(event) => {
        event.preventDefault();
        const formData = new FormData(event.currentTarget);
        startTransition(() => dispatch(formData));
      }}
      noValidate
      aria-labelledby="connect-heading"
      data-testid="connect-seam-form"
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h3 id="connect-heading" className="font-medium text-slate-900">
        Connect a Seam workspace
      </h3>
      {properties.length === 0 ? (
        <p className="text-sm text-slate-600">
          Add a property first: a workspace’s locks are brought into one property.
        </p>
      ) : (
        <>
          <div className="grid gap-4 sm:grid-cols-3">
            <div className="space-y-1">
              <label htmlFor="connect-name" className="block text-sm font-medium">
                Connection name
              </label>
              <input {...props('name')} maxLength={80} placeholder="e.g. Harbour Hotel Seam" />
            </div>
            <div className="space-y-1">
              <label htmlFor="connect-apiKey" className="block text-sm font-medium">
                Seam API key
              </label>
              <input
                {...props('apiKey')}
                type="password"
                autoComplete="off"
                spellCheck={false}
                placeholder="seam_…"
              />
            </div>
            <div className="space-y-1">
              <label htmlFor="connect-propertyId" className="block text-sm font-medium">
                Property
              </label>
              <select {...props('propertyId')}>
                {properties.map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.name}
                  </option>
                ))}
              </select>
            </div>
          </div>
          <p className="text-xs text-slate-500">
            The workspace’s locks are brought into this property under their Seam names.
          </p>
          <label className="flex items-center gap-2 text-sm">
            <input
              type="checkbox"
              name="backupPool"
              defaultChecked
              className="h-4 w-4 rounded border-slate-300"
            />
            Keep a pool of backup codes on each of its locks (recommended)
          </label>
          <Button type="submit" variant="primary" disabled={pending}>
            {pending ? 'Checking the key…' : 'Connect'}
          </Button>
        </>
      )}
      {state && !state.ok ? (
        <p id="connect-error" role="alert" className="text-sm text-red-700">
          {state.error}
        </p>
      ) : null}
      {state?.ok ? (
        <Alert tone="success">
          Connected “{state.data.name}”: {plural(state.data.imported, 'lock')} imported into{' '}
          {connectedTo}.
        </Alert>
      ) : null}
    </form>
  );
}
