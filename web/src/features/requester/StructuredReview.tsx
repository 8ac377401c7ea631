import { useEffect, useMemo, useRef, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage, type MessageKey, useI18n } from '../../i18n/i18n';
import { widgetFor } from '../../kinds';
import type { WidgetTask } from '../../kinds/kind-widget';
import { ErrorText } from '../../ui/ErrorText';
import { formatTime } from '../../ui/format';
import { PayloadView } from '../worker/PayloadView';
import { DecideReview } from './documents';
import { type AnswerLayer, KindAnswerView } from './KindAnswerView';
import { StructuredReviewTaskQuery, TaskConsensusQuery } from './kind-documents';
import { KindWidgetPanel } from './KindWidgetPanel';
import { ReviewAnswersTable, ReviewDecideActions } from './ReviewParts';

/**
 * A structured task (spans, boxes, rating, pairwise) for a reviewer (notes/review-contract.md):
 * every worker's answer under its pseudonym drawn over the item (spans one line per worker,
 * boxes one colour per worker), the consensus, the gold answer (owners) and any decision beside
 * them, drawn once, and the final answer made with the kind's own worker widget, sent as
 * `DecideReviewInput.value`. The widget starts from the consensus, as in Label Studio's and
 * CVAT's review: the reviewer corrects the crowd's answer, and can reset to it or clear it.
 */
export function StructuredReview({
  taskId,
  onClose,
  onDecided,
  canMakeGold,
  withGold = false,
}: {
  taskId: string;
  onClose: () => void;
  onDecided?: () => void;
  canMakeGold: boolean;
  /** Draw the task's gold answer too (the owner's results page: `task` is owner-only). */
  withGold?: boolean;
}) {
  const { t, locale } = useI18n();
  const heading = useRef<HTMLHeadingElement>(null);
  const [{ data, error }, refetch] = useQuery({
    query: StructuredReviewTaskQuery,
    variables: { taskId },
  });
  const [{ data: owned }] = useQuery({
    query: TaskConsensusQuery,
    variables: { id: taskId },
    pause: !withGold,
  });
  const [decision, decide] = useMutation(DecideReview);
  const [makeGold, setMakeGold] = useState(false);
  const [problem, setProblem] = useState<MessageKey | null>(null);
  // Only this task's data: while the next task loads, the previous one's must not be decided.
  const review = data?.reviewTask.taskId === taskId ? data.reviewTask : undefined;
  const task: WidgetTask | null = useMemo(
    () =>
      review
        ? { labelSchema: review.labelSchema, payload: review.payload, tokens: review.tokens }
        : null,
    [review],
  );
  const widget = review ? widgetFor(review.labelSchema.kind) : null;
  const consensus = review?.consensusValue ?? null;
  // The widget's answer before the reviewer's first edit: the consensus, else an empty answer.
  const start = useMemo(
    () =>
      widget && task
        ? consensus && widget.fromValue
          ? widget.fromValue(consensus, task)
          : widget.empty(task)
        : undefined,
    [widget, task, consensus],
  );
  // undefined: not edited yet, so the widget shows `start` (and follows a refetched consensus).
  const [answer, setAnswer] = useState<unknown>(undefined);

  useEffect(() => {
    heading.current?.focus();
    setAnswer(undefined);
    setMakeGold(false);
    setProblem(null);
  }, [taskId]);

  const current = answer === undefined ? start : answer;

  const submit = async () => {
    if (!widget || !task) return;
    const invalid = widget.validate(current, task);
    setProblem(invalid);
    if (invalid) return;
    const api = widget.toAnswer(current, task);
    if (!('value' in api)) return;
    const result = await decide({ input: { taskId, value: api.value, makeGold } });
    if (!result.error) {
      refetch({ requestPolicy: 'network-only' });
      onDecided?.();
    }
  };

  const layers: AnswerLayer[] = review
    ? [
        { name: t('console.kinds.answer.consensus'), value: review.consensusValue },
        ...(owned?.task.id === taskId && owned.task.goldAnswer
          ? [{ name: t('console.kinds.answer.gold'), value: owned.task.goldAnswer }]
          : []),
        ...review.answers.map(a => ({ name: a.worker, value: a.value })),
        ...(review.decision
          ? [{ name: t('console.kinds.review.decision'), value: review.decision.value }]
          : []),
      ]
    : [];
  const shown = task && widget?.shownFields ? widget.shownFields(task) : [];

  return (
    <section className="card review-task" aria-labelledby="review-task-title">
      <h3 id="review-task-title" ref={heading} tabIndex={-1}>
        {t('console.review.task', { id: review?.externalId ?? taskId })}
      </h3>
      <ErrorText message={errorMessage(t, error)} />
      {review && task && (
        <>
          {Object.keys(review.payload).some(field => !shown.includes(field)) && (
            <PayloadView payload={review.payload} omit={shown} />
          )}
          <p>
            {t('console.results.confidence')}:{' '}
            <strong>{review.confidence == null ? '—' : review.confidence.toFixed(3)}</strong> ·{' '}
            {t('console.results.answers')}: {review.answers.length}
          </p>
          {consensus === null && (
            <p className="notice">{t('console.kinds.result.notAggregated')}</p>
          )}
          <KindAnswerView
            schema={review.labelSchema}
            payload={review.payload}
            tokens={review.tokens}
            layers={layers}
            caption={t('console.kinds.review.caption')}
          />
          <ReviewAnswersTable answers={review.answers} withLabels={false} />
          {review.decision && (
            <p className="notice success">
              {t('console.kinds.review.decided', {
                who: review.decision.decidedBy,
                when: formatTime(review.decision.decidedAt, locale),
              })}
            </p>
          )}
          <h4>{t('console.kinds.review.finalAnswer')}</h4>
          <p className="hint">
            {t(
              consensus && widget?.fromValue
                ? 'console.kinds.review.startsFromConsensus'
                : 'console.kinds.review.startsEmpty',
            )}
          </p>
          <div className="actions">
            {consensus && widget?.fromValue && (
              <button
                type="button"
                disabled={answer === undefined}
                onClick={() => {
                  setAnswer(undefined);
                  setProblem(null);
                }}
              >
                {t('console.kinds.review.reset')}
              </button>
            )}
            <button
              type="button"
              onClick={() => {
                setAnswer(widget!.empty(task));
                setProblem(null);
              }}
            >
              {t('console.kinds.review.clear')}
            </button>
          </div>
          <KindWidgetPanel
            task={task}
            answer={current}
            onChange={next => {
              setAnswer(next);
              setProblem(null);
            }}
            label={t('console.kinds.review.finalAnswer')}
          />
          {problem && <ErrorText message={t(problem)} />}
          <ReviewDecideActions
            canMakeGold={canMakeGold}
            makeGold={makeGold}
            onMakeGold={setMakeGold}
            saveLabel={t('console.kinds.review.save')}
            saveDisabled={decision.fetching}
            onSave={submit}
            onClose={onClose}
            error={decision.error}
          />
        </>
      )}
    </section>
  );
}
