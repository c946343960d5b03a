'use client';

import { useState, useTransition } from 'react';
import { StatusPill, type Tone } from '@/components/status-pill';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { ConfirmButton } from '@/components/ui/confirm-button';
import { DataTable, Td } from '@/components/ui/data-table';
import { EmptyState } from '@/components/ui/empty-state';
import {
  deleteWebhookEndpointAction,
  sendTestEventAction,
  setWebhookEndpointDisabledAction,
} from './actions';

export type DeliveryItem = {
  id: string;
  /** Times already in the organization's zone. */
  at: string;
  eventType: string;
  status: 'queued' | 'sending' | 'sent' | 'failed';
  attempts: number;
  lastError: string | null;
  response: string | null;
  sent: string | null;
  nextAttempt: string | null;
};

export type EndpointItem = {
  id: string;
  url: string;
  eventTypes: string[];
  disabled: boolean;
  created: string;
  deliveries: DeliveryItem[];
};

const STATUS: Record<DeliveryItem['status'], { label: string; tone: Tone }> = {
  queued: { label: 'Waiting', tone: 'slate' },
  sending: { label: 'Sending', tone: 'blue' },
  sent: { label: 'Delivered', tone: 'green' },
  failed: { label: 'Failed', tone: 'red' },
};

export function EndpointsList({ endpoints }: { endpoints: EndpointItem[] }) {
  if (endpoints.length === 0) {
    return (
      <EmptyState data-testid="endpoints-empty">
        No webhook endpoints yet. Add one to have Keyhold tell your own systems when a guest comes
        in, a code fails or a lock goes offline, without anyone watching the dashboard.
      </EmptyState>
    );
  }
  return (
    <ul className="space-y-4">
      {endpoints.map((endpoint) => (
        <EndpointCard key={endpoint.id} endpoint={endpoint} />
      ))}
    </ul>
  );
}

function EndpointCard({ endpoint }: { endpoint: EndpointItem }) {
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [pending, start] = useTransition();
  const headingId = `endpoint-${endpoint.id}-url`;

  const run = (work: () => Promise<{ ok: boolean; error?: string }>, done: string | null) =>
    start(async () => {
      const result = await work();
      setProblem(result.ok ? null : (result.error ?? null));
      setNotice(result.ok ? done : null);
    });

  return (
    <li
      aria-labelledby={headingId}
      data-testid="endpoint-row"
      className="space-y-3 rounded-lg border border-slate-200 bg-white p-4 shadow-sm"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h3 id={headingId} className="break-all font-mono text-sm font-medium text-slate-900">
          {endpoint.url}
        </h3>
        <StatusPill tone={endpoint.disabled ? 'amber' : 'green'}>
          {endpoint.disabled ? 'Disabled' : 'Enabled'}
        </StatusPill>
      </div>
      <p className="text-sm text-slate-600">
        {endpoint.eventTypes.length === 0 ? 'All events' : endpoint.eventTypes.join(', ')} · added{' '}
        {endpoint.created}
      </p>

      <div className="flex flex-wrap items-start gap-3">
        <Button
          disabled={pending || endpoint.disabled}
          onClick={() =>
            run(
              () => sendTestEventAction(endpoint.id),
              'Test event queued: it is sent at the next tick and shows in the log below.',
            )
          }
        >
          Send a test event
        </Button>
        <Button
          disabled={pending}
          onClick={() =>
            run(
              () => setWebhookEndpointDisabledAction(endpoint.id, !endpoint.disabled),
              endpoint.disabled ? 'Enabled: new events are sent again.' : null,
            )
          }
        >
          {endpoint.disabled ? 'Enable' : 'Disable'}
          <span className="sr-only"> {endpoint.url}</span>
        </Button>
        <ConfirmButton
          question="Remove this endpoint?"
          details={
            <p>
              Nothing more is sent to it, deliveries still waiting are dropped and its delivery log
              is deleted. Its secret stops working for good.
            </p>
          }
          confirmLabel="Yes, remove"
          pendingLabel="Removing…"
          aria-label={`Remove ${endpoint.url}`}
          onConfirm={async () => {
            const result = await deleteWebhookEndpointAction(endpoint.id);
            setProblem(result.ok ? null : result.error);
            return result.ok;
          }}
        >
          Remove…
        </ConfirmButton>
      </div>
      {endpoint.disabled ? (
        <p className="text-sm text-amber-800">
          Disabled: no events are sent to it, and deliveries still waiting fail instead.
        </p>
      ) : null}
      {notice ? (
        <Alert tone="success" role="status" data-testid="endpoint-notice">
          {notice}
        </Alert>
      ) : null}
      {problem ? <Alert tone="error">{problem}</Alert> : null}

      <h4 className="text-sm font-medium text-slate-800">Delivery log</h4>
      <DataTable
        columns={[
          { label: 'Time' },
          { label: 'Event' },
          { label: 'Status' },
          { label: 'Attempts', hideBelow: 'sm' },
          { label: 'Response', hideBelow: 'md' },
        ]}
        empty={
          endpoint.deliveries.length === 0 ? (
            <p data-testid="deliveries-empty">
              Nothing sent yet. Send a test event to check your receiver.
            </p>
          ) : null
        }
      >
        {endpoint.deliveries.map((d) => (
          <tr key={d.id} data-testid="delivery-row">
            <Td className="whitespace-nowrap">{d.at}</Td>
            <Td className="font-mono text-xs">
              {d.eventType}
              {d.eventType === 'keyhold.test' ? (
                <span className="ml-1 font-sans text-slate-500">(test)</span>
              ) : null}
            </Td>
            <Td>
              <StatusPill tone={STATUS[d.status].tone}>{STATUS[d.status].label}</StatusPill>
              {d.nextAttempt ? (
                <span className="block text-xs text-slate-500">Next try {d.nextAttempt}</span>
              ) : null}
            </Td>
            <Td hideBelow="sm">{d.attempts}</Td>
            <Td hideBelow="md" className="text-xs">
              {d.status === 'sent' ? d.response : (d.lastError ?? '—')}
            </Td>
          </tr>
        ))}
      </DataTable>
    </li>
  );
}
