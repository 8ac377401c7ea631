import type { LabelOption } from './kind-widget';
import { optionKey } from './kind-widget';

/**
 * Radio buttons (one) or checkboxes (many) for the label options, each showing its key: real
 * inputs with labels, so the widget works with a screen reader and without the shortcuts.
 */
export function LabelChoices(props: {
  legend: string;
  labels: readonly LabelOption[];
  selected: readonly string[];
  multiple: boolean;
  onToggle: (key: string) => void;
  /** The shortcut shown for option `index` (default: `optionKey`). */
  keyOf?: (index: number) => string;
}) {
  const keyOf = props.keyOf ?? optionKey;
  return (
    <fieldset className="choices">
      <legend>{props.legend}</legend>
      {props.labels.map((label, index) => (
        <label key={label.key} className="choice">
          <input
            type={props.multiple ? 'checkbox' : 'radio'}
            name="answer"
            value={label.key}
            checked={props.selected.includes(label.key)}
            onChange={() => props.onToggle(label.key)}
          />
          <kbd aria-hidden="true">{keyOf(index)}</kbd> {label.displayName}
        </label>
      ))}
    </fieldset>
  );
}
