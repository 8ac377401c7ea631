import { isImageUrl, PayloadView } from '../features/worker/PayloadView';
import { type KindWidget, stringSetting, type WidgetTask } from './kind-widget';

/** One of the two items: its id (what the answer names) and what the worker reads. */
interface Item {
  readonly id: string;
  readonly value: unknown;
}

const leftField = (task: WidgetTask) => stringSetting(task, 'leftField', 'left');
const rightField = (task: WidgetTask) => stringSetting(task, 'rightField', 'right');

/**
 * The item in a payload field: a string or number is its own id; an object is identified by its
 * `id` field. Null when the field holds neither.
 */
function itemOf(task: WidgetTask, field: string): Item | null {
  const value = task.payload?.[field];
  if (typeof value === 'string') return { id: value, value };
  if (typeof value === 'number' && Number.isFinite(value)) return { id: String(value), value };
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const id = (value as { id?: unknown }).id;
    if (typeof id === 'string' || typeof id === 'number') return { id: String(id), value };
  }
  return null;
}

const itemsOf = (task: WidgetTask): [Item, Item] | null => {
  const left = itemOf(task, leftField(task));
  const right = itemOf(task, rightField(task));
  return left && right && left.id !== right.id ? [left, right] : null;
};

/** An item as the payload view shows a field: text, an image, or an object's fields. */
function ItemView({ value }: { value: unknown }) {
  if (value && typeof value === 'object') {
    return <PayloadView payload={value as Record<string, unknown>} />;
  }
  const text = String(value);
  return isImageUrl(text) ? <img src={text} alt="" /> : <p className="payload-text">{text}</p>;
}

/**
 * PAIRWISE: the two items side by side; ← or 1 prefers the left one, → or 2 the right one.
 * Records `{ preferred: <item id> }`.
 */
export const pairwise: KindWidget<string | null> = {
  empty: () => null,
  fromValue: (value, task) =>
    itemsOf(task)?.some(item => item.id === value.preferred) ? (value.preferred as string) : null,
  render: ({ task, answer, onChange, t }) => {
    const items = itemsOf(task);
    if (!items) return <p>{t('kind.pairwise.noItems')}</p>;
    const sides = [
      { item: items[0], name: t('kind.pairwise.left'), key: '←' },
      { item: items[1], name: t('kind.pairwise.right'), key: '→' },
    ];
    return (
      <fieldset className="pairwise-widget">
        <legend>{t('kind.pairwise.legend')}</legend>
        <div className="pair">
          {sides.map(({ item, name, key }, index) => (
            // The whole card picks its item on a click; the radio button is the accessible control.
            <div
              key={name}
              className={answer === item.id ? 'pair-item chosen' : 'pair-item'}
              onClick={() => onChange(item.id)}
            >
              <label className="pair-choice">
                <input
                  type="radio"
                  name="answer"
                  value={item.id}
                  checked={answer === item.id}
                  onChange={() => onChange(item.id)}
                  aria-describedby={`pair-item-${index}`}
                />{' '}
                <kbd aria-hidden="true">{key}</kbd> {name}
                {answer === item.id && <strong> · {t('kind.pairwise.chosen')}</strong>}
              </label>
              <div id={`pair-item-${index}`}>
                <ItemView value={item.value} />
              </div>
            </div>
          ))}
        </div>
      </fieldset>
    );
  },
  keymap: (task, t) => {
    const items = itemsOf(task);
    if (!items) return [];
    const [left, right] = items;
    return [
      { key: 'ArrowLeft', description: t('kind.pairwise.key.left'), apply: () => left.id },
      { key: 'ArrowRight', description: t('kind.pairwise.key.right'), apply: () => right.id },
      { key: '1', description: t('kind.pairwise.key.left'), apply: () => left.id },
      { key: '2', description: t('kind.pairwise.key.right'), apply: () => right.id },
    ];
  },
  validate: (answer, task) =>
    itemsOf(task) === null
      ? 'kind.pairwise.noItems'
      : answer === null
        ? 'kind.pairwise.required'
        : null,
  toAnswer: answer => ({ value: { preferred: answer } }),
  shownFields: task => [leftField(task), rightField(task)],
};
