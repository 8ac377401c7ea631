import { keyLabel } from './keys';

/** A keymap as the screen lists it: each key as it reads on screen, and what it does. */
export function ShortcutItems({
  keymap,
}: {
  keymap: ReadonlyArray<{ readonly key: string; readonly description: string }>;
}) {
  return (
    <ul>
      {keymap.map(entry => (
        <li key={entry.key}>
          <kbd>{keyLabel(entry.key)}</kbd> {entry.description}
        </li>
      ))}
    </ul>
  );
}
