'use client';

import { type ReactNode, useState } from 'react';
import { Button } from './button';
import { cx } from './cx';

/** Copies `text` and says so on the button. */
export function CopyButton({
  text,
  label = 'Copy',
  copiedLabel = 'Copied',
}: {
  text: string;
  label?: string;
  copiedLabel?: string;
}) {
  const [copied, setCopied] = useState<string | null>(null);
  return (
    <Button
      size="sm"
      onClick={async () => {
        await navigator.clipboard?.writeText(text);
        setCopied(text);
      }}
    >
      {copied === text ? copiedLabel : label}
    </Button>
  );
}

/**
 * A secret Keyhold shows one time only (an API key, a temporary password, a
 * code's digits): what it is, the value, and a way to copy it. Nothing
 * shows it again after a reload.
 */
export function ShownOnce({
  message,
  value,
  testId,
  digits = false,
  copy = true,
  children,
}: {
  message: ReactNode;
  value: string;
  /** On the element holding only the value. */
  testId: string;
  /** A door code: large, for reading out to a guest. */
  digits?: boolean;
  copy?: boolean;
  /** More about it, under the value. */
  children?: ReactNode;
}) {
  return (
    <div
      role="status"
      className="space-y-2 rounded-md border border-emerald-200 bg-emerald-50 p-3 text-sm text-emerald-900"
    >
      <p className="font-medium">{message}</p>
      <div className="flex flex-wrap items-center gap-2">
        <code
          data-testid={testId}
          className={cx(
            'font-mono text-slate-900',
            digits
              ? 'text-4xl font-semibold tracking-widest'
              : 'break-all rounded bg-white px-2 py-1',
          )}
        >
          {value}
        </code>
        {copy ? <CopyButton text={value} /> : null}
      </div>
      {children}
    </div>
  );
}
