// web/ is an ES module package, which a CommonJS spec may not import statically; Jest's
// require loads its TypeScript all the same (as codegen-drift.spec.ts does).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const S = require('../../../web/src/kinds/span-selection') as typeof import(
  '../../../web/src/kinds/span-selection.js',
  { with: { 'resolution-mode': 'import' } }
);
type SpanState = import('../../../web/src/kinds/span-selection.js', {
  with: { 'resolution-mode': 'import' },
}).SpanState;

/** Presses: `>` right, `<` left, `}` Shift+right, `{` Shift+left, a letter labels. */
function keys(sequence: string, count: number, allowOverlap = false): SpanState {
  let state = S.EMPTY_SPANS;
  for (const key of sequence) {
    if (key === '>') state = S.moveCursor(state, 1, false, count);
    else if (key === '<') state = S.moveCursor(state, -1, false, count);
    else if (key === '}') state = S.moveCursor(state, 1, true, count);
    else if (key === '{') state = S.moveCursor(state, -1, true, count);
    else if (key === 'x') state = S.removeSelected(state);
    else state = S.labelSelection(state, key.toUpperCase(), allowOverlap);
  }
  return state;
}

describe('span selection (the TEXT_SPANS widget’s keyboard moves)', () => {
  it('labels the token under the cursor, or the tokens a Shift+arrow selection covers, end exclusive', () => {
    // "Barack Obama visited Paris ." → PER [0,2), LOC [3,4)
    const state = keys('}p>>l', 5);
    expect(state.spans).toEqual([
      { start: 0, end: 2, label: 'P' },
      { start: 3, end: 4, label: 'L' },
    ]);
    // A plain arrow collapses the selection to the cursor; labelling keeps it.
    expect(S.selectionOf(state)).toEqual({ start: 3, end: 4 });
    expect(S.selectionOf(keys('}p', 5))).toEqual({ start: 0, end: 2 });
  });

  it('extends backwards as well as forwards and keeps the cursor inside the tokens', () => {
    expect(S.selectionOf(keys('>>>{{', 5))).toEqual({ start: 1, end: 4 });
    expect(S.selectionOf(keys('<<<', 5))).toEqual({ start: 0, end: 1 });
    expect(S.selectionOf(keys('>>>>>>>>', 5))).toEqual({ start: 4, end: 5 });
    expect(S.moveCursor(S.EMPTY_SPANS, 1, false, 0)).toBe(S.EMPTY_SPANS);
  });

  it('relabels the selection with another type’s key and removes it with the same key again', () => {
    expect(keys('}pl', 3).spans).toEqual([{ start: 0, end: 2, label: 'L' }]);
    expect(keys('}pp', 3).spans).toEqual([]);
  });

  it('replaces overlapped spans unless overlaps are allowed, and keeps spans ordered', () => {
    expect(keys('>>l<<}}p', 4).spans).toEqual([{ start: 0, end: 3, label: 'P' }]);
    expect(keys('>>l<<}}p', 4, true).spans).toEqual([
      { start: 0, end: 3, label: 'P' },
      { start: 2, end: 3, label: 'L' },
    ]);
  });

  it('removes the spans under the selection (Backspace, Delete) and one span by its button', () => {
    const state = keys('p>>}l', 5);
    expect(S.removeSelected(state).spans).toEqual([{ start: 0, end: 1, label: 'P' }]);
    expect(keys('p>>}l<x', 5).spans).toEqual([{ start: 0, end: 1, label: 'P' }]);
    expect(S.removeSpan(state, { start: 0, end: 1, label: 'P' }).spans).toEqual([
      { start: 2, end: 4, label: 'L' },
    ]);
  });

  it('selects a mouse drag in either direction, clamped to the tokens', () => {
    expect(S.selectionOf(S.selectTokens(S.EMPTY_SPANS, 3, 1, 5))).toEqual({ start: 1, end: 4 });
    expect(S.selectionOf(S.selectTokens(S.EMPTY_SPANS, -2, 9, 5))).toEqual({ start: 0, end: 5 });
  });

  it('finds the spans of a token and shows span text per word or per character', () => {
    const spans = [
      { start: 0, end: 2, label: 'P' },
      { start: 1, end: 3, label: 'L' },
    ];
    expect(S.spansAt(spans, 1)).toEqual(spans);
    expect(S.spansAt(spans, 3)).toEqual([]);
    expect(S.spanText(['Barack', 'Obama', 'visited'], { start: 0, end: 2 }, false)).toBe(
      'Barack Obama',
    );
    expect(S.spanText(['北', '京', '大', '学'], { start: 0, end: 4 }, true)).toBe('北京大学');
  });

  it('starts a reviewer from a recorded answer: valid spans kept in order, the rest dropped', () => {
    const state = S.spanStateFrom(
      {
        spans: [
          { start: 4, end: 5, label: 'ORG', score: 0.7 },
          { start: 0, end: 2, label: 'PER' },
          { start: 3, end: 9, label: 'LOC' }, // past the 6 tokens
          { start: 2, end: 2, label: 'LOC' }, // empty
          { start: 1.5, end: 3, label: 'LOC' },
          { start: 1, end: 2 },
          null,
        ],
      },
      6,
    );
    expect(state).toEqual({
      spans: [
        { start: 0, end: 2, label: 'PER' },
        { start: 4, end: 5, label: 'ORG' },
      ],
      cursor: 0,
      anchor: 0,
    });
    expect(S.spanStateFrom({ spans: 'no' }, 6)).toEqual(S.EMPTY_SPANS);
    expect(S.spanStateFrom(null, 6)).toEqual(S.EMPTY_SPANS);
  });
});
