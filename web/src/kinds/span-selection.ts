/**
 * The TEXT_SPANS widget's editing state and its pure moves: a cursor and an anchor over the
 * tokens (the selection is the tokens between them, both included, so it is never empty), and
 * the spans so far (token indexes, end exclusive, as the API records them).
 */

/** One labelled span: tokens [start, end), an entity type key. */
export interface Span {
  readonly start: number;
  readonly end: number;
  readonly label: string;
}

/** The widget's state: the spans, and the selection from `anchor` to `cursor`. */
export interface SpanState {
  readonly spans: readonly Span[];
  readonly cursor: number;
  readonly anchor: number;
}

export const EMPTY_SPANS: SpanState = { spans: [], cursor: 0, anchor: 0 };

/** The selected tokens as a half-open range. */
export function selectionOf(state: SpanState): { start: number; end: number } {
  return {
    start: Math.min(state.anchor, state.cursor),
    end: Math.max(state.anchor, state.cursor) + 1,
  };
}

const clampIndex = (index: number, count: number) => Math.max(0, Math.min(count - 1, index));

/** Moves the cursor by `delta` tokens; `extend` keeps the anchor (Shift), else it follows. */
export function moveCursor(
  state: SpanState,
  delta: number,
  extend: boolean,
  tokenCount: number,
): SpanState {
  if (tokenCount === 0) return state;
  const cursor = clampIndex(state.cursor + delta, tokenCount);
  return { ...state, cursor, anchor: extend ? state.anchor : cursor };
}

/** Selects tokens `anchor`..`cursor` (a mouse press and drag). */
export function selectTokens(
  state: SpanState,
  anchor: number,
  cursor: number,
  tokenCount: number,
): SpanState {
  if (tokenCount === 0) return state;
  return {
    ...state,
    anchor: clampIndex(anchor, tokenCount),
    cursor: clampIndex(cursor, tokenCount),
  };
}

const overlaps = (a: { start: number; end: number }, b: { start: number; end: number }) =>
  a.start < b.end && b.start < a.end;

/** Spans ordered by start, then end, then label (the order the server stores). */
export function sortSpans(spans: readonly Span[]): Span[] {
  return [...spans].sort(
    (a, b) =>
      a.start - b.start || a.end - b.end || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0),
  );
}

/**
 * Labels the selection with `label`; the selection stays, so another type's key relabels it and
 * the same key again removes it (the key toggles). Without `allowOverlap`, spans the selection
 * touches are replaced, so the answer never overlaps.
 */
export function labelSelection(state: SpanState, label: string, allowOverlap: boolean): SpanState {
  const selected = selectionOf(state);
  const same = (span: Span) =>
    span.start === selected.start && span.end === selected.end && span.label === label;
  const toggledOff = state.spans.some(same);
  const kept = state.spans.filter(span => (allowOverlap ? !same(span) : !overlaps(span, selected)));
  const spans = toggledOff ? kept : [...kept, { ...selected, label }];
  return { ...state, spans: sortSpans(spans) };
}

/** Removes every span that shares a token with the selection (Backspace, Delete). */
export function removeSelected(state: SpanState): SpanState {
  const selected = selectionOf(state);
  return { ...state, spans: state.spans.filter(span => !overlaps(span, selected)) };
}

/** Removes one span (its delete button). */
export function removeSpan(state: SpanState, target: Span): SpanState {
  return {
    ...state,
    spans: state.spans.filter(
      span =>
        !(span.start === target.start && span.end === target.end && span.label === target.label),
    ),
  };
}

/** The spans covering token `index`, in stored order. */
export function spansAt(spans: readonly Span[], index: number): Span[] {
  return spans.filter(span => span.start <= index && index < span.end);
}

/** The text of tokens [start, end): joined by spaces, or directly for per-character tokens. */
export function spanText(
  tokens: readonly string[],
  span: { start: number; end: number },
  perCharacter: boolean,
): string {
  return tokens.slice(span.start, span.end).join(perCharacter ? '' : ' ');
}

/**
 * The editing state for a recorded answer (`{ spans }`, as the API stores it), so a reviewer
 * starts from the consensus: spans with whole token indexes inside the tokens and a string
 * label are kept, the rest (a malformed or stale value) dropped; the cursor starts at the first
 * token.
 */
export function spanStateFrom(
  value: Readonly<Record<string, unknown>> | null | undefined,
  tokenCount: number,
): SpanState {
  const list = Array.isArray(value?.spans) ? (value.spans as unknown[]) : [];
  const spans = list.filter(
    (span): span is Span =>
      typeof span === 'object' &&
      span !== null &&
      Number.isInteger((span as Span).start) &&
      Number.isInteger((span as Span).end) &&
      (span as Span).start >= 0 &&
      (span as Span).start < (span as Span).end &&
      (span as Span).end <= tokenCount &&
      typeof (span as Span).label === 'string',
  );
  return {
    ...EMPTY_SPANS,
    spans: sortSpans(spans.map(({ start, end, label }) => ({ start, end, label }))),
  };
}
