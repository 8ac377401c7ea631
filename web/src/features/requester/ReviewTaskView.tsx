import { useEffect, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { LabelChoices } from '../../kinds/LabelChoices';
import { ErrorText } from '../../ui/ErrorText';
import { formatTime } from '../../ui/format';
import { PayloadView } from '../worker/PayloadView';
import { DecideReview, ReviewTaskQuery } from './documents';
import { isChoiceKind } from './kind-form';
import { ReviewAnswersTable, ReviewDecideActions } from './ReviewParts';
import { StructuredReview } from './StructuredReview';

/**
 * One task for a reviewer: payload, every answer (pseudonymous worker unless the caller owns the
 * project, time, excluded or not), posterior, pre-label, and the final-label form. It is also
 * the results page's view of an opened task, so the consensus is drawn here and only here.
 */
export function ReviewTaskView({
  taskId,
  onClose,
  onDecided,
  canMakeGold = false,
  withGold = false,
}: {
  taskId: string;
  onClose: () => void;
  onDecided?: () => void;
  canMakeGold?: boolean;
  /** Structured kinds: draw the gold answer beside the consensus (owners only). */
  withGold?: boolean;
}) {
  const { t, locale } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const [{ data, error }, refetch] = useQuery({ query: ReviewTaskQuery, variables: { taskId } });
  const [decision, decide] = useMutation(DecideReview);
  const [chosen, setChosen] = useState<string[]>([]);
  const [makeGold, setMakeGold] = useState(false);
  const task = data?.reviewTask;

  useEffect(() => {
    heading.current?.focus();
    setChosen([]);
    setMakeGold(false);
  }, [taskId]);

  const toggle = (key: string) =>
    setChosen(current =>
      task?.labelSchema.kind === 'MULTI_LABEL'
        ? current.includes(key)
          ? current.filter(k => k !== key)
          : [...current, key]
        : [key],
    );

  const submit = async () => {
    const result = await decide({ input: { taskId, labels: chosen, makeGold } });
    if (!result.error) {
      refetch({ requestPolicy: 'network-only' });
      onDecided?.();
    }
  };

  // Spans, boxes, ratings and pairs are shown and decided with the kind's own views.
  if (task && !isChoiceKind(task.labelSchema.kind)) {
    return (
      <StructuredReview
        taskId={taskId}
        onClose={onClose}
        onDecided={onDecided}
        canMakeGold={canMakeGold}
        withGold={withGold}
      />
    );
  }

  return (
    <section className="card review-task" aria-labelledby="review-task-title">
      <h3 id="review-task-title" ref={heading} tabIndex={-1}>
        {t('console.review.task', { id: task?.externalId ?? taskId })}
      </h3>
      <ErrorText message={errorMessage(t, error)} />
      {task && (
        <>
          <PayloadView payload={task.payload} />
          <dl className="figures">
            <div>
              <dt>{t('console.review.consensus')}</dt>
              <dd>{task.consensusLabels?.join(', ') ?? '—'}</dd>
            </div>
            <div>
              <dt>{t('console.results.confidence')}</dt>
              <dd>{task.confidence == null ? '—' : task.confidence.toFixed(3)}</dd>
            </div>
            <div>
              <dt>{t('console.review.prelabel')}</dt>
              <dd>
                {task.prelabel
                  ? `${task.prelabel.label} (${Math.round(task.prelabel.confidence * 100)}%)`
                  : '—'}
              </dd>
            </div>
          </dl>
          {task.posterior && (
            <p>
              {t('console.review.posterior')}:{' '}
              {task.posterior.map(p => `${p.key} ${p.probability.toFixed(3)}`).join(' · ')}
            </p>
          )}
          <ReviewAnswersTable answers={task.answers} withLabels />
          {task.decision && (
            <p className="notice success">
              {t('console.review.decided', {
                labels: task.decision.labels.join(', '),
                who: task.decision.decidedBy,
                when: formatTime(task.decision.decidedAt, locale),
              })}
            </p>
          )}
          <LabelChoices
            legend={t('console.review.finalLabel')}
            labels={task.labelSchema.labels}
            selected={chosen}
            multiple={task.labelSchema.kind === 'MULTI_LABEL'}
            onToggle={toggle}
          />
          <ReviewDecideActions
            canMakeGold={canMakeGold}
            makeGold={makeGold}
            onMakeGold={setMakeGold}
            saveLabel={t('console.review.save')}
            saveDisabled={
              decision.fetching || (task.labelSchema.kind !== 'MULTI_LABEL' && chosen.length !== 1)
            }
            onSave={submit}
            onClose={onClose}
            error={decision.error}
          />
        </>
      )}
    </section>
  );
}
