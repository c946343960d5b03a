import { type ReactNode, useId } from 'react';
import { Alert } from './alert';
import { cx } from './cx';

/** An input, select or textarea of a form; turns red when its field is refused. */
export const controlClass =
  'block w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm shadow-sm focus:border-brand-600 focus:outline-none aria-invalid:border-red-500';

/** What a Field hands its control: the ids that tie label, hint and problem to it. */
export type ControlProps = {
  id: string;
  name: string;
  'aria-invalid': true | undefined;
  'aria-describedby': string | undefined;
  className: string;
};

/**
 * A labelled control with its hint and its problem under it, tied together
 * for screen readers:
 *
 *   <Field name="email" label="Email" error={errors.email}>
 *     {(control) => <input {...control} type="email" />}
 *   </Field>
 */
export function Field({
  name,
  label,
  hint,
  error,
  id: givenId,
  className,
  children,
}: {
  /** The form field's name; also how an action's fieldErrors find it. */
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  id?: string;
  className?: string;
  children: (control: ControlProps) => ReactNode;
}) {
  const generated = `${useId()}-${name}`;
  const id = givenId ?? generated;
  const described = [hint ? `${id}-hint` : null, error ? `${id}-error` : null]
    .filter(Boolean)
    .join(' ');
  return (
    <div className={cx('space-y-1', className)}>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      {children({
        id,
        name,
        'aria-invalid': error ? true : undefined,
        'aria-describedby': described || undefined,
        className: controlClass,
      })}
      {hint ? (
        <p id={`${id}-hint`} className="text-xs text-slate-500">
          {hint}
        </p>
      ) : null}
      <FieldError id={`${id}-error`} name={name} error={error} />
    </div>
  );
}

/** A field's problem, right under it; `data-field-error` names the field for tests. */
export function FieldError({
  id,
  name,
  error,
}: {
  id: string;
  name: string;
  error?: string | null;
}) {
  if (!error) return null;
  return (
    <p id={id} role="alert" data-field-error={name} className="text-sm text-red-700">
      {error}
    </p>
  );
}

/** A refused form's answer, as server actions give it (see lib/http/action.ts). */
export type Refusal = { ok: false; error: string; fieldErrors: Record<string, string> };

/**
 * What the form says above its fields: a problem no field of `fields` owns,
 * or, when several fields are marked, that they are (each says its own).
 */
export function formProblem(refusal: Refusal | null, fields: readonly string[]): string | null {
  if (!refusal) return null;
  const entries = Object.entries(refusal.fieldErrors);
  if (entries.length === 0) return refusal.error;
  const unplaced = entries
    .filter(([field]) => !fields.includes(field))
    .map(([, message]) => message);
  if (unplaced.length > 0) return unplaced.join(' ');
  return entries.length > 1 ? 'Some fields need attention.' : null;
}

/** The form's own problem, announced, above its fields. */
export function FormProblem({
  refusal,
  fields,
}: {
  refusal: Refusal | null;
  fields: readonly string[];
}) {
  const message = formProblem(refusal, fields);
  if (!message) return null;
  return <Alert tone="error">{message}</Alert>;
}

/** The options of a select over named rows (properties, locks): the id is the value. */
export function Options({ rows }: { rows: { id: string; name: string }[] }) {
  return rows.map((row) => (
    <option key={row.id} value={row.id}>
      {row.name}
    </option>
  ));
}
