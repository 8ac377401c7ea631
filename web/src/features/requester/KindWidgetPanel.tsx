import type { KeyboardEvent } from 'react';
import { useI18n } from '../../i18n/i18n';
import { widgetFor } from '../../kinds';
import type { WidgetTask } from '../../kinds/kind-widget';
import { bindingFor } from '../../kinds/keys';
import { ShortcutItems } from '../../kinds/ShortcutItems';
import './console-kinds.css';
import './console-kinds-messages';

/**
 * A kind's worker widget (web/src/kinds, the very one workers use) inside a console page: its
 * keymap works while the focus is inside this panel, not window-wide as on the worker's task
 * screen, because a console page has form fields of its own; the shortcuts are listed under it.
 * The caller keeps the answer (the widget's own state) and turns it into the API's with
 * `widgetFor(kind).toAnswer`.
 */
export function KindWidgetPanel({
  task,
  answer,
  onChange,
  label,
}: {
  task: WidgetTask;
  answer: unknown;
  onChange: (answer: unknown) => void;
  /** The panel's accessible name (what the widget is for here). */
  label: string;
}) {
  const { t } = useI18n();
  const widget = widgetFor(task.labelSchema.kind);
  if (!widget) return <p>{t('kind.unsupported')}</p>;
  const keymap = widget.keymap(task, t);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const binding = bindingFor(keymap, event);
    if (!binding) return;
    event.preventDefault();
    onChange(binding.apply(answer));
  };

  return (
    // The group takes the focus so that its keys work before any of its controls is focused.
    <div className="kind-panel" role="group" aria-label={label} tabIndex={0} onKeyDown={onKeyDown}>
      {widget.render({ task, answer, onChange, t })}
      {keymap.length > 0 && (
        <details className="shortcuts">
          <summary>{t('task.shortcuts')}</summary>
          <ShortcutItems keymap={keymap} />
        </details>
      )}
    </div>
  );
}
