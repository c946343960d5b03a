'use client';

import { useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { DataTable, Td } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { Field, FormProblem } from '@/components/ui/field';
import { ShownOnce } from '@/components/ui/shown-once';
import { useFormAction } from '@/components/ui/use-form-action';
import { createApiKeyAction, revokeApiKeyAction } from './actions';

export type ApiKeyRow = {
  id: string;
  name: string;
  keyPrefix: string;
  /** The times below are already formatted in the organization's zone, like every other time. */
  created: string;
  lastUsed: string | null;
  revoked: string | null;
};

export function ApiKeys({ keys }: { keys: ApiKeyRow[] }) {
  // The name typed is kept when refused; the key made is shown until the next one.
  const create = useFormAction(createApiKeyAction, { resetOnSuccess: true });
  const created = create.answer;
  const [revokeError, setRevokeError] = useState<string | null>(null);

  return (
    <div className="space-y-4">
      <form {...create.form} className="flex flex-wrap items-end gap-3">
        <Field
          name="name"
          label="New key name"
          error={create.fieldErrors.name}
          className="w-72 max-w-full"
        >
          {(control) => <input {...control} placeholder="e.g. Property management system" />}
        </Field>
        <Button type="submit" variant="primary" disabled={create.pending}>
          {create.pending ? 'Creating…' : 'Create API key'}
        </Button>
      </form>
      <FormProblem refusal={create.refusal} fields={['name']} />
      {created?.ok ? (
        <ShownOnce
          message={`Key “${created.data.name}” created. Copy it now: it will not be shown again.`}
          value={created.data.apiKey}
          testId="new-api-key"
        />
      ) : null}

      {revokeError ? <Alert tone="error">{revokeError}</Alert> : null}
      {keys.length === 0 ? (
        <EmptyState>
          No API keys yet. A key lets software written for Seam’s SDK manage this organization’s
          codes.
        </EmptyState>
      ) : (
        <DataTable
          columns={[
            { label: 'Name' },
            { label: 'Key' },
            { label: 'Created' },
            { label: 'Last used' },
            { label: 'Actions', srOnly: true },
          ]}
        >
          {keys.map((key) => (
            <tr key={key.id} data-testid="api-key-row">
              <Td className="font-medium">{key.name}</Td>
              <Td className="font-mono text-slate-600">{key.keyPrefix}…</Td>
              <Td data-testid="api-key-created">{key.created}</Td>
              <Td>{key.lastUsed ?? 'Never'}</Td>
              <Td className="text-right">
                {key.revoked ? (
                  <span className="text-slate-500">Revoked {key.revoked}</span>
                ) : (
                  <ConfirmButton
                    size="sm"
                    question={`Revoke “${key.name}”?`}
                    details={<p>Software using it stops working at once.</p>}
                    confirmLabel="Yes, revoke"
                    pendingLabel="Revoking…"
                    onConfirm={async () => {
                      const result = await revokeApiKeyAction(key.id);
                      setRevokeError(result.ok ? null : result.error);
                      return result.ok;
                    }}
                  >
                    Revoke…
                  </ConfirmButton>
                )}
              </Td>
            </tr>
          ))}
        </DataTable>
      )}
    </div>
  );
}
