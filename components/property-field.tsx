import type { ChangeEvent, ReactNode } from 'react';
import { Field, Options } from './ui/field';

/** Which of the organization's properties: a select named `propertyId`, first property chosen. */
export function PropertyField({
  properties,
  error,
  hint,
  defaultValue,
  onChange,
  className,
}: {
  properties: { id: string; name: string }[];
  error?: string;
  hint?: ReactNode;
  defaultValue?: string;
  onChange?: (event: ChangeEvent<HTMLSelectElement>) => void;
  className?: string;
}) {
  return (
    <Field name="propertyId" label="Property" hint={hint} error={error} className={className}>
      {(control) => (
        <select {...control} defaultValue={defaultValue ?? properties[0]?.id} onChange={onChange}>
          <Options rows={properties} />
        </select>
      )}
    </Field>
  );
}
