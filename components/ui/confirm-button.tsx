'use client';

import { type ReactNode, useEffect, useId, useRef, useState, useTransition } from 'react';
import { Button, type ButtonSize } from './button';

/**
 * A destructive action in two presses: the first asks, in place, what will
 * happen; the second does it. Focus moves to the confirming button when the
 * question opens, and back to the first button when the user keeps things as
 * they are (or presses Escape).
 */
export function ConfirmButton({
  children,
  question,
  details,
  confirmLabel,
  pendingLabel,
  keepLabel = 'Keep it',
  onConfirm,
  size = 'md',
  disabled,
  'aria-label': ariaLabel,
}: {
  /** The first button's words, e.g. "Retire…". */
  children: ReactNode;
  /** Short, e.g. "Retire Room 102?": it names the question for screen readers. */
  question: ReactNode;
  /** What will happen, under the question. */
  details?: ReactNode;
  confirmLabel: string;
  pendingLabel?: string;
  keepLabel?: string;
  /** Does the work and answers whether it worked; a failure (said by the caller) keeps the question open. */
  onConfirm: () => Promise<boolean>;
  size?: ButtonSize;
  disabled?: boolean;
  /** The first button's name when its words alone are not enough, e.g. "Disable Ada". */
  'aria-label'?: string;
}) {
  const [asking, setAsking] = useState(false);
  const [pending, start] = useTransition();
  const confirm = useRef<HTMLButtonElement>(null);
  const opener = useRef<HTMLButtonElement>(null);
  const asked = useRef(false);
  const questionId = useId();

  useEffect(() => {
    if (asking) confirm.current?.focus();
    else if (asked.current) opener.current?.focus();
    asked.current = asking;
  }, [asking]);

  if (!asking) {
    return (
      <Button
        ref={opener}
        variant="danger-outline"
        size={size}
        disabled={disabled}
        aria-label={ariaLabel}
        onClick={() => setAsking(true)}
      >
        {children}
      </Button>
    );
  }
  return (
    // A non-modal dialog in the page's flow: named by its question, closed by Escape.
    <div
      role="dialog"
      aria-labelledby={questionId}
      aria-describedby={details ? `${questionId}-details` : undefined}
      className="space-y-3"
      onKeyDown={(event) => {
        if (event.key === 'Escape' && !pending) setAsking(false);
      }}
    >
      <div className="space-y-2 text-sm text-slate-800">
        <p id={questionId} className="font-medium">
          {question}
        </p>
        {details ? (
          <div id={`${questionId}-details`} className="space-y-2">
            {details}
          </div>
        ) : null}
      </div>
      <div className="flex flex-wrap gap-3">
        <Button
          ref={confirm}
          variant="danger"
          size={size}
          disabled={pending}
          onClick={() =>
            start(async () => {
              if (await onConfirm()) setAsking(false);
            })
          }
        >
          {pending && pendingLabel ? pendingLabel : confirmLabel}
        </Button>
        <Button size={size} disabled={pending} onClick={() => setAsking(false)}>
          {keepLabel}
        </Button>
      </div>
    </div>
  );
}
