import { useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { widgetFor } from '../../kinds';
import { PayloadView } from '../worker/PayloadView';

/** The worker's task screen for this schema, as workers will see it, with a sample item. */
export function WorkerPreview({
  kind,
  labels,
}: {
  kind: string;
  labels: ReadonlyArray<{ key: string; displayName: string }>;
}) {
  const { t } = useI18n();
  const widget = widgetFor(kind);
  const task = { labelSchema: { kind, labels } };
  const [answer, setAnswer] = useState<unknown>(() => widget?.empty(task));
  if (!widget) return <p>{t('kind.unsupported')}</p>;
  return (
    <div className="worker-preview">
      <h3>{t('task.item')}</h3>
      <PayloadView payload={{ text: t('console.wizard.sampleText') }} />
      <h3>{t('task.answer')}</h3>
      {widget.render({ task, answer: answer ?? widget.empty(task), onChange: setAnswer, t })}
    </div>
  );
}
