// web/ is an ES module package, which a CommonJS spec may not import statically; Jest's
// require loads its TypeScript all the same (as codegen-drift.spec.ts does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const K = require('../../../web/src/kinds/keys') as typeof import(
  '../../../web/src/kinds/keys.js',
  { with: { 'resolution-mode': 'import' } }
);

describe('widget keys and settings (web/src/kinds/keys.ts)', () => {
  it('names Shift with a named key only: a printable key is its character', () => {
    expect(K.keyName({ key: 'ArrowLeft', shiftKey: true })).toBe('Shift+ArrowLeft');
    expect(K.keyName({ key: 'ArrowLeft', shiftKey: false })).toBe('ArrowLeft');
    expect(K.keyName({ key: 'A', shiftKey: true })).toBe('A');
    expect(K.keyName({ key: 'Shift', shiftKey: true })).toBe('Shift');
  });

  it('finds the binding of a key press, Shift+arrow first, never while typing', () => {
    const keymap = [{ key: 'ArrowLeft' }, { key: 'Shift+ArrowLeft' }, { key: 'a' }];
    const press = (key: string, more: Partial<Record<string, unknown>> = {}) =>
      K.bindingFor(keymap, {
        key,
        shiftKey: false,
        ctrlKey: false,
        metaKey: false,
        altKey: false,
        target: { tagName: 'DIV' },
        ...more,
      })?.key;
    expect(press('ArrowLeft')).toBe('ArrowLeft');
    expect(press('ArrowLeft', { shiftKey: true })).toBe('Shift+ArrowLeft');
    expect(press('A', { shiftKey: true })).toBe('a');
    expect(press('b')).toBeUndefined();
    expect(press('a', { ctrlKey: true })).toBeUndefined();
    expect(press('a', { target: { tagName: 'INPUT', type: 'text' } })).toBeUndefined();
    expect(press('a', { target: { tagName: 'TEXTAREA' } })).toBeUndefined();
    expect(press('a', { target: { tagName: 'INPUT', type: 'radio' } })).toBe('a');
    expect(press('a', { target: null })).toBe('a');
  });

  it('shows keys as a worker reads them', () => {
    expect(K.keyLabel('Shift+ArrowLeft')).toBe('Shift+←');
    expect(K.keyLabel('Escape')).toBe('Esc');
    expect(K.keyLabel('[')).toBe('[');
  });
});
