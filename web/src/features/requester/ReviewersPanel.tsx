import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';
import { GrantReviewer, Reviewers } from './documents';

/** Who may review this project (answers under pseudonyms; no money, no settings). */
export function ReviewersPanel({ projectId }: { projectId: string }) {
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [{ data, error }, refetch] = useQuery({ query: Reviewers, variables: { projectId } });
  const [grant, doGrant] = useMutation(GrantReviewer);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const result = await doGrant({ projectId, email });
    if (!result.error) {
      setEmail('');
      refetch({ requestPolicy: 'network-only' });
    }
  };
  return (
    <section className="card" aria-labelledby="reviewers-title">
      <h2 id="reviewers-title">{t('console.reviewers.title')}</h2>
      <p className="hint">{t('console.reviewers.help')}</p>
      <ErrorText message={errorMessage(t, error)} />
      <ul>
        {data?.projectReviewers.map(reviewer => (
          <li key={reviewer.userId}>
            {reviewer.displayName} ({reviewer.email})
          </li>
        ))}
      </ul>
      <form onSubmit={submit}>
        <label>
          {t('console.reviewers.email')}
          <input type="email" value={email} onChange={e => setEmail(e.target.value)} required />
        </label>
        <button type="submit" disabled={grant.fetching}>
          {t('console.reviewers.grant')}
        </button>
        <ErrorText message={errorMessage(t, grant.error)} />
      </form>
    </section>
  );
}
