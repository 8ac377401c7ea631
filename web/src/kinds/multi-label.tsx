import { type KindWidget, optionKey } from './kind-widget';
import { LabelChoices } from './LabelChoices';

/** Adds `key` when absent, removes it when present; keeps the schema's order irrelevant. */
function toggle(selected: readonly string[], key: string): string[] {
  return selected.includes(key) ? selected.filter(k => k !== key) : [...selected, key];
}

/** MULTI_LABEL: one or more distinct labels; each key toggles its label. */
export const multiLabel: KindWidget<readonly string[]> = {
  empty: () => [],
  render: ({ task, answer, onChange, t }) => (
    <LabelChoices
      legend={t('kind.pickAny')}
      labels={task.labelSchema.labels}
      selected={answer}
      multiple
      onToggle={key => onChange(toggle(answer, key))}
    />
  ),
  keymap: (task, t) =>
    task.labelSchema.labels.map((label, index) => ({
      key: optionKey(index),
      description: t('task.key.pick', { label: label.displayName }),
      apply: answer => toggle(answer, label.key),
    })),
  validate: answer => (answer.length > 0 ? null : 'kind.required.any'),
  toAnswer: answer => ({ labels: [...answer] }),
};
