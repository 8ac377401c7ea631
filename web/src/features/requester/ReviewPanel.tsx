import { useState } from 'react';
import { useQuery } from 'urql';
import { errorMessage, type MessageKey, useI18n } from '../../i18n/i18n';
import { DataTable } from '../../ui/DataTable';
import { ErrorText } from '../../ui/ErrorText';
import { ReviewQueueQuery } from './documents';
import { ReviewTaskView } from './ReviewTaskView';

/**
 * The review queue: tasks below a confidence threshold (abstained at that level) and tasks where
 * the model and the crowd disagree, lowest confidence first; open one to set its final label.
 * `embedded` on the owner's project page (gold from decisions allowed), else a reviewer's screen.
 */
export function ReviewPanel({
  projectId,
  embedded = false,
}: {
  projectId: string;
  embedded?: boolean;
}) {
  const { t } = useI18n();
  const [threshold, setThreshold] = useState('0.8');
  const [openTask, setOpenTask] = useState<string | null>(null);
  const confidenceBelow = Number(threshold);
  const [{ data, error }, refetch] = useQuery({
    query: ReviewQueueQuery,
    variables: {
      projectId,
      confidenceBelow: Number.isFinite(confidenceBelow) ? confidenceBelow : 0.8,
    },
  });
  const Heading = embedded ? 'h2' : 'h1';
  return (
    <section aria-labelledby="review-title">
      <Heading id="review-title">{t('console.review.title')}</Heading>
      <label>
        {t('console.review.threshold')}
        <input
          type="number"
          min="0"
          max="1"
          step="0.05"
          value={threshold}
          onChange={e => setThreshold(e.target.value)}
        />
      </label>
      <ErrorText message={errorMessage(t, error)} />
      {data && (
        <>
          <p>{t('console.review.count', { n: data.reviewQueue.totalCount })}</p>
          <DataTable
            rows={data.reviewQueue.items}
            rowKey={item => item.taskId}
            columns={[
              {
                header: t('console.results.task'),
                rowHeader: true,
                cell: item => (
                  <button type="button" className="link" onClick={() => setOpenTask(item.taskId)}>
                    {t('console.review.open', { id: item.externalId ?? item.taskId })}
                  </button>
                ),
              },
              {
                header: t('console.review.consensus'),
                cell: item => item.consensusLabels?.join(', ') ?? '—',
              },
              {
                header: t('console.results.confidence'),
                cell: item => (item.confidence == null ? '—' : item.confidence.toFixed(3)),
              },
              {
                header: t('console.review.reasons'),
                cell: item =>
                  item.reasons
                    .map(reason => t(`console.review.reason.${reason}` as MessageKey))
                    .join(', '),
              },
            ]}
          />
        </>
      )}
      {openTask && (
        <ReviewTaskView
          taskId={openTask}
          canMakeGold={embedded}
          onClose={() => setOpenTask(null)}
          onDecided={() => refetch({ requestPolicy: 'network-only' })}
        />
      )}
    </section>
  );
}
