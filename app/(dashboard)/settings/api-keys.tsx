'use client';

import { useActionState, useState } from 'react';
import type { ApiKeySummary } from '@/lib/api-keys';
import { createApiKeyAction, revokeApiKeyAction } from './actions';

const when = (at: Date | string | null) =>
  at ? new Date(at).toLocaleString('en-GB', { dateStyle: 'medium', timeStyle: 'short' }) : 'Never';

export function ApiKeys({ keys }: { keys: ApiKeySummary[] }) {
  const [created, createAction, creating] = useActionState(createApiKeyAction, null);
  const [copied, setCopied] = useState(false);
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
        <button
          type="submit"
          disabled={creating}
          className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700 disabled:opacity-60"
        >
          {creating ? 'Creating…' : 'Create API key'}
        </button>
      </form>
      {created && !created.ok ? (
        <p id="api-key-error" role="alert" className="text-sm text-red-700">
          {created.error}
        </p>
      ) : null}
      {created?.ok ? (
        <div
          role="status"
          className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm"
        >
          <p className="font-medium text-emerald-900">
            Key “{created.data.name}” created. Copy it now: it will not be shown again.
          </p>
          <div className="flex flex-wrap items-center gap-2">
            <code
              data-testid="new-api-key"
              className="break-all rounded bg-white px-2 py-1 font-mono text-slate-900"
            >
              {created.data.apiKey}
            </code>
            <button
              type="button"
              onClick={async () => {
                await navigator.clipboard?.writeText(created.data.apiKey);
                setCopied(true);
              }}
              className="rounded-md border border-emerald-300 bg-white px-2 py-1 text-emerald-900"
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </div>
        </div>
      ) : null}

      {revokeError ? (
        <p role="alert" className="text-sm text-red-700">
          {revokeError}
        </p>
      ) : null}
      {keys.length === 0 ? (
        <p className="text-sm text-slate-600">
          No API keys yet. A key lets software written for Seam’s SDK manage this organization’s
          codes.
        </p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white shadow-sm">
          <table className="min-w-full divide-y divide-slate-200 text-sm">
            <thead className="bg-slate-50 text-left text-xs font-semibold uppercase tracking-wide text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-3">
                  Name
                </th>
                <th scope="col" className="px-4 py-3">
                  Key
                </th>
                <th scope="col" className="px-4 py-3">
                  Created
                </th>
                <th scope="col" className="px-4 py-3">
                  Last used
                </th>
                <th scope="col" className="px-4 py-3">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {keys.map((key) => (
                <tr key={key.id} data-testid="api-key-row">
                  <td className="px-4 py-3 font-medium">{key.name}</td>
                  <td className="px-4 py-3 font-mono text-slate-600">{key.keyPrefix}…</td>
                  <td className="px-4 py-3">{when(key.createdAt)}</td>
                  <td className="px-4 py-3">{when(key.lastUsedAt)}</td>
                  <td className="px-4 py-3 text-right">
                    {key.revokedAt ? (
                      <span className="text-slate-500">Revoked {when(key.revokedAt)}</span>
                    ) : (
                      <form
                        action={async (formData) => {
                          if (
                            !window.confirm(
                              `Revoke “${key.name}”? Software using it stops working at once.`,
                            )
                          ) {
                            return;
                          }
                          const result = await revokeApiKeyAction(formData);
                          setRevokeError(result.ok ? null : result.error);
                        }}
                      >
                        <input type="hidden" name="keyId" value={key.id} />
                        <button
                          type="submit"
                          className="rounded-md border border-red-300 px-3 py-1 text-red-700 hover:bg-red-50"
                        >
                          Revoke
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
