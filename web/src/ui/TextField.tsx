import type { InputHTMLAttributes } from 'react';

/** A labelled text input: the label wraps the input, so it is always announced with it. */
export function TextField({
  label,
  onValue,
  ...input
}: { label: string; onValue: (value: string) => void } & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <label>
      {label}
      <input {...input} onChange={event => onValue(event.target.value)} />
    </label>
  );
}
