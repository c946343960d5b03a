'use client';

import { adapterLabel } from '@/components/adapter-label';
import { IssueList } from '@/components/issue-list';
import { PropertyField } from '@/components/property-field';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { EmptyState } from '@/components/ui/empty-state';
import { type ControlProps, Field, FormProblem } from '@/components/ui/field';
import { useFormAction } from '@/components/ui/use-form-action';
import { plural } from '@/lib/access-codes/describe';
import {
  type Connected,
  checkConnectionAction,
  connectSeamAction,
  connectZwaveAction,
  replaceConnectionKeyAction,
  replaceConnectionUrlAction,
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

const STATUS_WORDS: Record<ConnectionItem['status'], string> = {
  ok: 'Connected',
  error: 'Needs attention',
  unchecked: 'Not checked yet',
};

/** A lock service's key: typed unseen, never offered back by the browser. */
const apiKeyInput = (control: ControlProps) => (
  <input {...control} type="password" autoComplete="off" spellCheck={false} placeholder="seam_…" />
);

/** A Z-Wave JS Server's address: checked by Keyhold (with its words), not by the browser. */
const serverUrlInput = (control: ControlProps) => (
  <input
    {...control}
    type="text"
    inputMode="url"
    autoComplete="off"
    spellCheck={false}
    placeholder="ws://zwave-js:3000"
  />
);

/** What each service's connect form asks for beyond the name, property and pool. */
const SERVICES = {
  seam: {
    action: connectSeamAction,
    heading: 'Connect a Seam workspace',
    testId: 'connect-seam-form',
    field: { name: 'apiKey', label: 'Seam API key', input: apiKeyInput },
    namePlaceholder: 'e.g. Harbour Hotel Seam',
    pending: 'Checking the key…',
    note: 'The workspace’s locks are brought into this property under their Seam names.',
    noProperty: 'Add a property first: a workspace’s locks are brought into one property.',
  },
  zwave: {
    action: connectZwaveAction,
    heading: 'Connect a Z-Wave JS Server',
    testId: 'connect-zwave-form',
    field: { name: 'url', label: 'Z-Wave JS Server address', input: serverUrlInput },
    namePlaceholder: 'e.g. Harbour Z-Wave',
    pending: 'Checking the server…',
    note: 'Every lock on the Z-Wave network is brought into this property under its Z-Wave JS name; locks included later show up as new locks to place.',
    noProperty: 'Add a property first: a Z-Wave network’s locks are brought into one property.',
  },
} as const;

/** What a connection's card asks for to reach its service again: a new key, or a new address. */
const REPLACE = {
  seam: {
    name: 'apiKey',
    label: 'New API key for',
    input: apiKeyInput,
    pending: 'Checking the key…',
    button: 'Replace API key',
    buttonFor: 'for',
  },
  zwave: {
    name: 'url',
    label: 'New server address for',
    input: serverUrlInput,
    pending: 'Checking the server…',
    button: 'Change address',
    buttonFor: 'of',
  },
} as const;

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
      <p className="max-w-prose text-sm text-slate-600">
        Z-Wave locks (Schlage, Yale, Kwikset, Ultraloq, Danalock…) are reached without any cloud
        through Z-Wave JS: give the WebSocket address of the Z-Wave JS Server beside your Z-Wave
        stick (Z-Wave JS UI or Home Assistant’s Z-Wave add-on, usually port 3000).
      </p>
      {connections.length === 0 ? (
        <EmptyState data-testid="connections-empty">
          No lock services connected. Locks are simulated until you connect a Seam workspace or a
          Z-Wave JS Server.
        </EmptyState>
      ) : (
        <ul className="space-y-3">
          {connections.map((connection) => (
            <ConnectionCard key={connection.id} connection={connection} />
          ))}
        </ul>
      )}
      <div className="grid gap-4 xl:grid-cols-2">
        <ConnectForm service="seam" properties={properties} />
        <ConnectForm service="zwave" properties={properties} />
      </div>
    </div>
  );
}

function ConnectionCard({ connection }: { connection: ConnectionItem }) {
  const check = useFormAction(checkConnectionAction);
  // The key or address goes one way: a refused one is kept to correct, a saved one cleared.
  const zwave = connection.adapter === 'zwave';
  const swap = zwave ? REPLACE.zwave : REPLACE.seam;
  const replace = useFormAction(zwave ? replaceConnectionUrlAction : replaceConnectionKeyAction, {
    resetOnSuccess: true,
  });
  const headingId = `connection-${connection.id}-name`;
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
          <dd>{adapterLabel(connection.adapter)}</dd>
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
      {connection.status === 'error' ? (
        <IssueList errors={connection.errors} testId="connection-errors" className="text-sm" />
      ) : null}

      <div className="flex flex-wrap items-end gap-x-6 gap-y-3">
        <form {...check.form}>
          <input type="hidden" name="connectionId" value={connection.id} />
          <Button type="submit" disabled={check.pending}>
            Check now<span className="sr-only"> {connection.name}</span>
          </Button>
        </form>
        <form {...replace.form} className="flex flex-wrap items-end gap-3">
          <input type="hidden" name="connectionId" value={connection.id} />
          <Field
            name={swap.name}
            label={`${swap.label} ${connection.name}`}
            error={replace.fieldErrors[swap.name]}
            className="w-72 max-w-full"
          >
            {swap.input}
          </Field>
          <Button type="submit" disabled={replace.pending}>
            {replace.pending ? swap.pending : swap.button}
            <span className="sr-only">
              {' '}
              {swap.buttonFor} {connection.name}
            </span>
          </Button>
        </form>
      </div>
      <FormProblem refusal={check.refusal} fields={[]} />
      {check.success ? (
        <Alert tone="success">Keyhold checks it at the next tick (within a minute).</Alert>
      ) : null}
      <FormProblem refusal={replace.refusal} fields={[zwave ? 'url' : 'apiKey']} />
      {replace.success ? (
        <Alert tone="success">
          New {zwave ? 'address' : 'key'} saved for “{connection.name}”. Keyhold looks for its locks
          at the next tick.
        </Alert>
      ) : null}
    </li>
  );
}

function ConnectForm({
  service,
  properties,
}: {
  service: keyof typeof SERVICES;
  properties: { id: string; name: string }[];
}) {
  const words = SERVICES[service];
  // Submitted by the hook, never natively: a plain GET would put the key or address in the address bar.
  const { form, pending, refusal, fieldErrors, answer } = useFormAction<Connected>(words.action, {
    resetOnSuccess: true,
  });
  const connectedTo = answer?.ok
    ? (properties.find((p) => p.id === answer.data.propertyId)?.name ?? 'the property')
    : null;
  const headingId = `connect-${service}-heading`;

  return (
    <form
      {...form}
      aria-labelledby={headingId}
      data-testid={words.testId}
      className="space-y-4 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <h3 id={headingId} className="font-medium text-slate-900">
        {words.heading}
      </h3>
      {properties.length === 0 ? (
        <p className="text-sm text-slate-600">{words.noProperty}</p>
      ) : (
        <>
          <div className="grid gap-4 sm:grid-cols-3">
            <Field name="name" label="Connection name" error={fieldErrors.name}>
              {(control) => <input {...control} placeholder={words.namePlaceholder} />}
            </Field>
            <Field
              name={words.field.name}
              label={words.field.label}
              error={fieldErrors[words.field.name]}
            >
              {words.field.input}
            </Field>
            <PropertyField properties={properties} error={fieldErrors.propertyId} />
          </div>
          <p className="text-xs text-slate-500">{words.note}</p>
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
            {pending ? words.pending : 'Connect'}
          </Button>
        </>
      )}
      <FormProblem
        refusal={refusal}
        fields={['name', words.field.name, 'propertyId', 'backupPool']}
      />
      {answer?.ok ? (
        <Alert tone="success">
          Connected “{answer.data.name}”: {plural(answer.data.imported, 'lock')} imported into{' '}
          {connectedTo}.
        </Alert>
      ) : null}
    </form>
  );
}
