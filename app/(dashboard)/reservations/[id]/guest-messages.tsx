'use client';

import { useState, useTransition } from 'react';
import { guestMessageState } from '@/components/guest-message-state';
import { Alert } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { Panel } from '@/components/ui/panel';
import { CopyButton } from '@/components/ui/shown-once';
import type { ReservationDetail } from '@/lib/reservations/detail';
import { type SentCode, sendGuestCodeAction } from '../actions';
import { TONE_TEXT } from '../stay-fields';

/**
 * The stay's messages to the guest with where each one is, and a button to
 * send the code now (or again). The tick sends it by itself once it is on
 * every lock; this is for the guest who asks at the desk or lost the email.
 */
export function GuestMessages({
  stay,
  canSend,
  onSent,
}: {
  stay: ReservationDetail;
  canSend: boolean;
  onSent: (detail: ReservationDetail) => void;
}) {
  const [pending, start] = useTransition();
  // One id per click's form: submitting the same click twice sends one message.
  const [requestId, setRequestId] = useState(() => crypto.randomUUID());
  const [sent, setSent] = useState<SentCode | null>(null);
  const [error, setError] = useState<string | null>(null);

  const open = stay.status === 'confirmed' && stay.stage !== 'past' && stay.codes.length > 0;
  const toldBefore = stay.messages.some(
    (m) => m.kind === 'guest_code' || m.kind === 'code_changed',
  );

  return (
    <Panel
      title="Messages to the guest"
      actions={
        canSend && open ? (
          <Button
            variant="primary"
            size="sm"
            disabled={pending}
            onClick={() =>
              start(async () => {
                const result = await sendGuestCodeAction(stay.id, requestId);
                if (result.ok) {
                  setSent(result.data);
                  setError(null);
                  setRequestId(crypto.randomUUID());
                  onSent(result.data.detail);
                } else {
                  setError(result.error);
                }
              })
            }
          >
            {pending ? 'Sending…' : toldBefore ? 'Send the code again' : 'Send the code now'}
          </Button>
        ) : null
      }
    >
      {open && !toldBefore ? (
        <p className="text-sm text-slate-600">
          The guest is sent their code automatically before arrival, once it is on every lock.
        </p>
      ) : null}
      {error ? <Alert tone="error">{error}</Alert> : null}
      {sent ? (
        <Alert tone="success" data-testid="send-code-result" className="space-y-2">
          <p>{guestMessageState(sent)}</p>
          {sent.onLocks ? null : (
            <p className="text-amber-900">
              The code is not on every lock yet: it may not open the door until it is.
            </p>
          )}
          {sent.text ? (
            <>
              <p className="whitespace-pre-line text-slate-800">{sent.text}</p>
              <CopyButton
                text={sent.text}
                label="Copy message for the guest"
                copiedLabel="Message copied"
              />
            </>
          ) : null}
        </Alert>
      ) : null}
      {stay.messages.length === 0 ? (
        <p className="text-sm text-slate-600">No messages yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 text-sm">
          {stay.messages.map((message) => (
            <li
              key={message.id}
              data-testid="guest-message"
              data-state={message.state}
              className="flex flex-wrap items-baseline gap-x-3 gap-y-0.5 py-2"
            >
              <time dateTime={message.createdAt} className="w-full text-xs text-slate-500 sm:w-56">
                {message.createdAtLabel}
              </time>
              <span className="font-medium">{message.kindLabel}</span>
              <span className="text-slate-600">to {message.recipient}</span>
              <span className={TONE_TEXT[message.tone]}>{message.stateLabel}</span>
              {message.by ? <span className="text-slate-500">by {message.by}</span> : null}
            </li>
          ))}
        </ul>
      )}
    </Panel>
  );
}
