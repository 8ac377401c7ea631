import type { CombinedError } from 'urql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';
import { formatTime } from '../../ui/format';

/**
 * The answers of a task under review (worker pseudonym, time, counted or excluded), shared by the
 * choice kinds' view (with each answer's labels) and the structured kinds' (which draw them).
 */
export function ReviewAnswersTable({
  answers,
  withLabels,
}: {
  answers: ReadonlyArray<{
    worker: string;
    labels?: readonly string[];
    submittedAt?: string | null;
    excluded: boolean;
  }>;
  withLabels: boolean;
}) {
  const { t, locale } = useI18n();
  return (
    <table aria-label={t('console.review.answers')}>
      <thead>
        <tr>
          <th scope="col">{t('console.review.worker')}</th>
          {withLabels && <th scope="col">{t('console.results.label')}</th>}
          <th scope="col">{t('console.review.submitted')}</th>
          <th scope="col">{t('console.review.counted')}</th>
        </tr>
      </thead>
      <tbody>
        {answers.map((answer, index) => (
          <tr key={index}>
            <td>{answer.worker}</td>
            {withLabels && <td>{answer.labels?.join(', ')}</td>}
            <td>{answer.submittedAt ? formatTime(answer.submittedAt, locale) : '—'}</td>
            <td>{answer.excluded ? t('console.review.excluded') : t('console.review.included')}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The end of a review: "also make it gold" (owners), save, close, and the API's refusal. */
export function ReviewDecideActions({
  canMakeGold,
  makeGold,
  onMakeGold,
  saveLabel,
  saveDisabled,
  onSave,
  onClose,
  error,
}: {
  canMakeGold: boolean;
  makeGold: boolean;
  onMakeGold: (makeGold: boolean) => void;
  saveLabel: string;
  saveDisabled: boolean;
  onSave: () => void;
  onClose: () => void;
  error: CombinedError | undefined;
}) {
  const { t } = useI18n();
  return (
    <>
      {canMakeGold && (
        <label>
          <input type="checkbox" checked={makeGold} onChange={e => onMakeGold(e.target.checked)} />{' '}
          {t('console.review.makeGold')}
        </label>
      )}
      <div className="actions">
        <button type="button" className="primary" disabled={saveDisabled} onClick={onSave}>
          {saveLabel}
        </button>
        <button type="button" onClick={onClose}>
          {t('console.review.close')}
        </button>
      </div>
      <ErrorText message={errorMessage(t, error)} />
    </>
  );
}
