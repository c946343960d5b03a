'use client';

import { useActionState, useState } from 'react';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { DataTable, Td } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import { ShownOnce } from '@/components/ui/shown-once';
import type { ApiKeySummary } from '@/lib/api-keys';
import { createApiKeyAction, revokeApiKeyAction } from './actions';

const when = (at: Date | string | null) =>
  at ? new Date(at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : 'Never';

export function ApiKeys({ keys }: { keys: ApiKeySummary[] }) {
  const [created, createAction, creating] = useActionState(createApiKeyAction, null);
  const [revokeError, setRevokeError] = useState<string | null>(null);

  return (
    <div className="space-y-4">
      <form action={createAction} className="flex flex-wrap items-end gap-3" noValidate>
        <div className="space-y-1">
          <label htmlFor="api-key-name" className="block text-sm font-medium">
            New key name
          </label>
          <input
            id="api-key-name"
            name="name"
            maxLength={100}
            placeholder="e.g. Property management system"
            aria-invalid={created && !created.ok ? true : undefined}
            aria-describedby={created && !created.ok ? 'api-key-error' : undefined}
            className="block w-72 max-w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none"
          />
        </div>
        <Button type="submit" variant="primary" disabled={creating}>
          {creating ? 'Creating…' : 'Create API key'}
        </Button>
      </form>
      {created && !created.ok ? (
        <p id="api-key-error" role="alert" className="text-sm text-red-700">
          {created.error}
        </p>
      ) : null}
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
              <Td>{when(key.createdAt)}</Td>
              <Td>{when(key.lastUsedAt)}</Td>
              <Td className="text-right">
                {key.revokedAt ? (
                  <span className="text-slate-500">Revoked {when(key.revokedAt)}</span>
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
