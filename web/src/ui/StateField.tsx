import type { InputHTMLAttributes } from 'react';
import { TextField } from './TextField';

/** A value and its setter, as `useState` returns them. */
export type FieldState = [string, (value: string) => void];

/** A TextField bound to a `useState` pair: `<StateField label="Name" state={name} required />`. */
export function StateField({
  state: [value, onValue],
  ...input
}: { label: string; state: FieldState } & InputHTMLAttributes<HTMLInputElement>) {
  return <TextField {...input} value={value} onValue={onValue} />;
}
