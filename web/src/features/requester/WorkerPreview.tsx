import { useMemo, useState } from 'react';
import { useI18n } from '../../i18n/i18n';
import { widgetFor } from '../../kinds';
import type { WidgetTask } from '../../kinds/kind-widget';
import { PayloadView } from '../worker/PayloadView';
import { samplePayload, tokensOf } from './kind-form';
import { KindWidgetPanel } from './KindWidgetPanel';

/**
 * The worker's task screen for this schema, as workers will see it: the kind's own worker widget
 * (kinds/) on a sample item shaped by the settings (spans tokenized as the server will, a boxes
 * image of the configured size, the two items of a pair), usable with the mouse and the keys.
 * Remount it (a `key`) when the schema changes: the answer is the widget's own state.
 */
export function WorkerPreview({
  kind,
  labels,
  settings = null,
}: {
  kind: string;
  labels: ReadonlyArray<{ key: string; displayName: string }>;
  /** The kind's parsed settings (`parsedSettings`); null for the choice kinds. */
  settings?: Readonly<Record<string, unknown>> | null;
}) {
  const { t } = useI18n();
  const widget = widgetFor(kind);
  const task: WidgetTask = useMemo(() => {
    const payload = samplePayload(kind, settings ?? {}, t('console.wizard.sampleText'));
    return {
      labelSchema: { kind, labels, settings },
      payload,
      tokens: kind === 'TEXT_SPANS' ? tokensOf(settings ?? {}, payload) : null,
    };
  }, [kind, labels, settings, t]);
  const [answer, setAnswer] = useState<unknown>(() => widget?.empty(task));
  if (!widget) return <p>{t('kind.unsupported')}</p>;
  const shown = widget.shownFields?.(task) ?? [];
  const rest = Object.keys(task.payload ?? {}).some(field => !shown.includes(field));
  return (
    <div className="worker-preview">
      {rest && (
        <>
          <h3>{t('task.item')}</h3>
          <PayloadView payload={task.payload ?? {}} omit={shown} />
        </>
      )}
      <h3>{t('task.answer')}</h3>
      <KindWidgetPanel
        task={task}
        answer={answer ?? widget.empty(task)}
        onChange={setAnswer}
        label={t('console.kinds.previewWidget')}
      />
    </div>
  );
}
