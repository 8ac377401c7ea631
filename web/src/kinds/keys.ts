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

/** What `bindingFor` reads of a key press (a DOM or React keyboard event). */
interface KeyPress {
  readonly key: string;
  readonly shiftKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  /** The focused element (read by its tag and type only: this file needs no DOM). */
  readonly target: unknown;
}

/**
 * The binding of `keymap` a key press triggers: `Shift+ArrowLeft` first (a widget may bind it),
 * then the key alone; none with Ctrl, Meta or Alt held (the browser's shortcuts) or while the
 * focus is in a field that takes text (a select, a textarea, a text input).
 */
export function bindingFor<T extends { readonly key: string }>(
  keymap: readonly T[],
  event: KeyPress,
): T | undefined {
  if (event.ctrlKey || event.metaKey || event.altKey) return undefined;
  const target = (event.target ?? {}) as { tagName?: unknown; type?: unknown };
  if (target.tagName === 'SELECT' || target.tagName === 'TEXTAREA') return undefined;
  if (target.tagName === 'INPUT' && target.type !== 'radio' && target.type !== 'checkbox')
    return undefined;
  const named = keyName(event);
  return (
    keymap.find(entry => entry.key === named) ??
    keymap.find(entry => entry.key.toLowerCase() === event.key.toLowerCase())
  );
}
