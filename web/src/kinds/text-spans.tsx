import { useEffect, useState } from 'react';
import {
  displayNameOf,
  keyListSetting,
  type KindWidget,
  optionKey,
  stringSetting,
  type WidgetProps,
  type WidgetTask,
} from './kind-widget';
import { colourOf } from './kind-colours';
import {
  EMPTY_SPANS,
  labelSelection,
  moveCursor,
  removeSelected,
  removeSpan,
  selectionOf,
  selectTokens,
  sortSpans,
  spansAt,
  spanStateFrom,
  spanText,
  type SpanState,
} from './span-selection';

/** The task's tokens as the server counts them (`WorkerTask.tokens`). */
const tokensOf = (task: WidgetTask): readonly string[] => task.tokens ?? [];
const entityTypes = (task: WidgetTask) => keyListSetting(task, 'entityTypes');
const perCharacter = (task: WidgetTask) => stringSetting(task, 'tokenization', '') === 'CHARACTER';
const allowOverlap = (task: WidgetTask) => task.labelSchema.settings?.allowOverlap === true;

/**
 * The tokens as chips: the selection outlined, the cursor underlined, each span shaded in its
 * type's colour and closed by a tag with the type's name. Per-character tokens (Chinese) sit
 * side by side with no gap, so the sentence reads as written.
 */
function SpansView({ task, answer, onChange, t }: WidgetProps<SpanState>) {
  const tokens = tokensOf(task);
  const types = entityTypes(task);
  const joined = perCharacter(task);
  const [dragging, setDragging] = useState(false);
  useEffect(() => {
    if (!dragging) return;
    const stop = () => setDragging(false);
    window.addEventListener('pointerup', stop);
    return () => window.removeEventListener('pointerup', stop);
  }, [dragging]);

  if (tokens.length === 0) return <p>{t('kind.spans.noTokens')}</p>;
  const selected = selectionOf(answer);
  const nameOf = (key: string) => displayNameOf(task, key);
  const spans = sortSpans(answer.spans);
  return (
    <div className="spans-widget">
      <p className="kind-help">{t('kind.spans.help')}</p>
      <ul className="kind-legend" aria-label={t('kind.spans.legend')}>
        {types.map((type, index) => (
          <li key={type}>
            <kbd>{optionKey(index)}</kbd>{' '}
            <span className="swatch" style={{ background: colourOf(index) }} aria-hidden="true" />{' '}
            {nameOf(type)}
          </li>
        ))}
      </ul>
      <div
        className={joined ? 'span-tokens joined' : 'span-tokens'}
        role="group"
        aria-label={t('kind.spans.text')}
      >
        {tokens.map((token, index) => {
          const covering = spansAt(spans, index);
          const first = covering[0];
          const classes = ['token'];
          if (index >= selected.start && index < selected.end) classes.push('selected');
          if (index === answer.cursor) classes.push('cursor');
          if (first) classes.push('in-span');
          return (
            <span key={index} className="token-wrap">
              <span
                className={classes.join(' ')}
                data-index={index}
                style={first ? { background: colourOf(types.indexOf(first.label)) } : undefined}
                onPointerDown={event => {
                  event.preventDefault();
                  // A touch captures its pointer to the first token: free it so a drag selects.
                  if (event.currentTarget.hasPointerCapture(event.pointerId))
                    event.currentTarget.releasePointerCapture(event.pointerId);
                  setDragging(true);
                  onChange(
                    event.shiftKey
                      ? selectTokens(answer, answer.anchor, index, tokens.length)
                      : selectTokens(answer, index, index, tokens.length),
                  );
                }}
                onPointerEnter={() => {
                  if (dragging) onChange(selectTokens(answer, answer.anchor, index, tokens.length));
                }}
              >
                {token}
              </span>
              {covering
                .filter(span => span.end === index + 1)
                .map(span => (
                  <span key={span.label} className="span-tag">
                    {nameOf(span.label)}
                  </span>
                ))}
            </span>
          );
        })}
      </div>
      <p className="span-selection" aria-live="polite">
        {t('kind.spans.selection', { text: spanText(tokens, selected, joined) })}
      </p>
      <h3>{t('kind.spans.list')}</h3>
      {spans.length === 0 ? (
        <p>{t('kind.spans.none')}</p>
      ) : (
        <ul className="kind-items">
          {spans.map(span => (
            <li key={`${span.start}-${span.end}-${span.label}`}>
              <span
                className="swatch"
                style={{ background: colourOf(types.indexOf(span.label)) }}
                aria-hidden="true"
              />{' '}
              <strong>{nameOf(span.label)}</strong> “{spanText(tokens, span, joined)}”{' '}
              <button type="button" onClick={() => onChange(removeSpan(answer, span))}>
                {t('kind.spans.remove', {
                  label: nameOf(span.label),
                  text: spanText(tokens, span, joined),
                })}
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/**
 * TEXT_SPANS: select tokens with the arrow keys (Shift extends) or the mouse, press an entity
 * type's key to label them (again to unlabel), Backspace or Delete to remove spans under the
 * selection. Records `{ spans: [{ start, end, label }] }`, token indexes, end exclusive.
 */
export const textSpans: KindWidget<SpanState> = {
  empty: () => EMPTY_SPANS,
  fromValue: (value, task) => spanStateFrom(value, tokensOf(task).length),
  render: props => <SpansView {...props} />,
  keymap: (task, t) => {
    const count = tokensOf(task).length;
    if (count === 0) return [];
    const overlap = allowOverlap(task);
    return [
      {
        key: 'ArrowLeft',
        description: t('kind.spans.key.left'),
        apply: s => moveCursor(s, -1, false, count),
      },
      {
        key: 'ArrowRight',
        description: t('kind.spans.key.right'),
        apply: s => moveCursor(s, 1, false, count),
      },
      {
        key: 'Shift+ArrowLeft',
        description: t('kind.spans.key.extendLeft'),
        apply: s => moveCursor(s, -1, true, count),
      },
      {
        key: 'Shift+ArrowRight',
        description: t('kind.spans.key.extendRight'),
        apply: s => moveCursor(s, 1, true, count),
      },
      ...entityTypes(task).map((type, index) => ({
        key: optionKey(index),
        description: t('kind.spans.key.label', { label: displayNameOf(task, type) }),
        apply: (s: SpanState) => labelSelection(s, type, overlap),
      })),
      { key: 'Backspace', description: t('kind.spans.key.remove'), apply: removeSelected },
      { key: 'Delete', description: t('kind.spans.key.remove'), apply: removeSelected },
    ];
  },
  validate: (_answer, task) => (tokensOf(task).length > 0 ? null : 'kind.spans.noTokens'),
  toAnswer: answer => ({
    value: {
      spans: sortSpans(answer.spans).map(({ start, end, label }) => ({ start, end, label })),
    },
  }),
  shownFields: task =>
    stringSetting(task, 'tokenization', '') === 'PAYLOAD'
      ? [stringSetting(task, 'tokensField', 'tokens')]
      : [stringSetting(task, 'textField', 'text')],
};
