/** Key names as the widgets' keymaps bind them and as the screen shows them. */

const KEY_NAMES: Readonly<Record<string, string>> = {
  Escape: 'Esc',
  ArrowLeft: '←',
  ArrowRight: '→',
  ArrowUp: '↑',
  ArrowDown: '↓',
  Backspace: '⌫',
  Delete: 'Del',
};

/** How a keymap key reads on screen (`Shift+ArrowLeft` → `Shift+←`). */
export function keyLabel(key: string): string {
  return key
    .split('+')
    .map(part => KEY_NAMES[part] ?? part)
    .join('+');
}

/**
 * The keymap name of a key press: `event.key`, with `Shift+` before a named key (arrows,
 * Delete…) held with Shift. A printable key is its character, whatever Shift did to it.
 */
export function keyName(event: { key: string; shiftKey: boolean }): string {
  return event.shiftKey && event.key.length > 1 && event.key !== 'Shift'
    ? `Shift+${event.key}`
    : event.key;
}
