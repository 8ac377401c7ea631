import { displayNameOf, type KindWidget, optionKey, type WidgetTask } from './kind-widget';
import { LabelChoices } from './LabelChoices';

/** The scale of a RATING task: its grades min..max, each with its label when the scale has them. */
function scaleOf(task: WidgetTask): { grade: number; label: string }[] {
  const { min, max, labels } = task.labelSchema.settings ?? {};
  if (typeof min !== 'number' || typeof max !== 'number' || max < min) return [];
  const names = Array.isArray(labels) ? labels : [];
  return Array.from({ length: max - min + 1 }, (_, i) => {
    const name = names[i];
    const grade = min + i;
    return {
      grade,
      label:
        typeof name === 'string' && name !== String(grade)
          ? `${grade} — ${displayNameOf(task, name)}`
          : String(grade),
    };
  });
}

/**
 * The key of grade `index` of a scale: the grade's own digit when every grade is one digit
 * (a 1–5 or 0–9 scale), else 1–9 then letters by position.
 */
function gradeKey(scale: readonly { grade: number }[], index: number): string {
  const digits = scale.every(({ grade }) => grade >= 0 && grade <= 9);
  return digits ? String(scale[index]!.grade) : optionKey(index);
}

/** RATING: one grade on the scale; number keys pick it. Records `{ rating }`. */
export const rating: KindWidget<number | null> = {
  empty: () => null,
  fromValue: (value, task) =>
    scaleOf(task).some(({ grade }) => grade === value.rating) ? (value.rating as number) : null,
  render: ({ task, answer, onChange, t }) => {
    const scale = scaleOf(task);
    const { min, max } = task.labelSchema.settings ?? {};
    return (
      <LabelChoices
        legend={t('kind.rating.legend', { min: String(min), max: String(max) })}
        labels={scale.map(({ grade, label }) => ({ key: String(grade), displayName: label }))}
        selected={answer === null ? [] : [String(answer)]}
        multiple={false}
        onToggle={key => onChange(Number(key))}
        keyOf={index => gradeKey(scale, index)}
      />
    );
  },
  keymap: (task, t) => {
    const scale = scaleOf(task);
    return scale.map(({ grade, label }, index) => ({
      key: gradeKey(scale, index),
      description: t('kind.rating.key', { label }),
      apply: () => grade,
    }));
  },
  validate: answer => (answer === null ? 'kind.rating.required' : null),
  toAnswer: answer => ({ value: { rating: answer } }),
};
