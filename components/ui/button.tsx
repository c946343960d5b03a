import Link from 'next/link';
import type { ButtonHTMLAttributes, ComponentProps } from 'react';
import { cx } from './cx';

export type ButtonVariant = 'primary' | 'secondary' | 'danger' | 'danger-outline';
export type ButtonSize = 'sm' | 'md';

const VARIANTS: Record<ButtonVariant, string> = {
  primary: 'bg-brand-600 text-white shadow-sm hover:bg-brand-700',
  secondary: 'border border-slate-300 bg-white text-slate-800 hover:bg-slate-100',
  /** The step that does the damage, once asked. */
  danger: 'bg-red-700 text-white shadow-sm hover:bg-red-800',
  /** The first press of a destructive choice: it only asks. */
  'danger-outline': 'border border-red-300 bg-white text-red-700 hover:bg-red-50',
};

const SIZES: Record<ButtonSize, string> = {
  sm: 'px-3 py-1.5',
  md: 'px-4 py-2',
};

/** The classes of a button, for the rare element that must look like one without being a Button. */
export function buttonClass({
  variant = 'secondary',
  size = 'md',
  className,
}: {
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
} = {}): string {
  return cx(
    'inline-flex items-center justify-center gap-1.5 rounded-md text-sm font-medium whitespace-nowrap',
    'disabled:cursor-not-allowed disabled:opacity-60 aria-disabled:opacity-60',
    VARIANTS[variant],
    SIZES[size],
    className,
  );
}

type Look = { variant?: ButtonVariant; size?: ButtonSize };

/** One button for the whole app; `type` defaults to "button" so nothing submits by accident. */
export function Button({
  variant,
  size,
  className,
  type = 'button',
  ...props
}: Look & ButtonHTMLAttributes<HTMLButtonElement> & { ref?: React.Ref<HTMLButtonElement> }) {
  return <button type={type} className={buttonClass({ variant, size, className })} {...props} />;
}

/** A link that looks like a button: for a step that opens another page. */
export function ButtonLink({
  variant,
  size,
  className,
  ...props
}: Look & ComponentProps<typeof Link>) {
  return <Link className={buttonClass({ variant, size, className })} {...props} />;
}
