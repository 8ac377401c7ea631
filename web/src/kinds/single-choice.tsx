import { type KindWidget, optionKey } from './kind-widget';
import { LabelChoices } from './LabelChoices';

/** SINGLE_CHOICE: exactly one label; its key picks it (picking again keeps it). */
export const singleChoice: KindWidget<string | null> = {
  empty: () => null,
  render: ({ task, answer, onChange, t }) => (
    <LabelChoices
      legend={t('kind.pickOne')}
      labels={task.labelSchema.labels}
      selected={answer ? [answer] : []}
      multiple={false}
      onToggle={onChange}
    />
  ),
  keymap: (task, t) =>
    task.labelSchema.labels.map((label, index) => ({
      key: optionKey(index),
      description: t('task.key.pick', { label: label.displayName }),
      apply: () => label.key,
    })),
  validate: answer => (answer ? null : 'kind.required.one'),
  toAnswer: answer => ({ labels: answer ? [answer] : [] }),
};
