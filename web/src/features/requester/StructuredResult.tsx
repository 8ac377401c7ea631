import { useQuery } from 'urql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';
import { type AnswerLayer, KindAnswerView } from './KindAnswerView';
import { TaskConsensusQuery } from './kind-documents';

/**
 * One task's structured consensus, drawn (spans over the tokens, boxes over the image, the
 * rating, the preferred item) with its confidence, and the gold answer beside it on a gold task.
 */
export function StructuredResult({
  taskId,
  schema,
}: {
  taskId: string;
  schema: {
    kind: string;
    labels: ReadonlyArray<{ key: string; displayName: string }>;
    settings?: Readonly<Record<string, unknown>> | null;
  };
}) {
  const { t } = useI18n();
  const [{ data, error }] = useQuery({
    query: TaskConsensusQuery,
    variables: { id: taskId },
    requestPolicy: 'network-only',
  });
  const task = data?.task;
  if (!task) return <ErrorText message={errorMessage(t, error)} />;
  const confidence = task.consensus?.confidence;
  const layers: AnswerLayer[] = [
    { name: t('console.kinds.answer.consensus'), value: task.consensus?.answer ?? null },
    ...(task.goldAnswer ? [{ name: t('console.kinds.answer.gold'), value: task.goldAnswer }] : []),
  ];
  return (
    <section className="card structured-result" aria-labelledby="structured-result-title">
      <h3 id="structured-result-title">
        {t('console.kinds.result.title', { id: task.externalId ?? task.id })}
      </h3>
      <p>
        {t('console.results.confidence')}:{' '}
        <strong>{confidence == null ? '—' : confidence.toFixed(3)}</strong> ·{' '}
        {t('console.results.answers')}: {task.countedAnswers}
      </p>
      {task.consensus?.answer == null && (
        <p className="notice">{t('console.kinds.result.notAggregated')}</p>
      )}
      <KindAnswerView
        schema={schema}
        payload={task.payload}
        layers={layers}
        caption={t('console.kinds.result.caption')}
      />
    </section>
  );
}
