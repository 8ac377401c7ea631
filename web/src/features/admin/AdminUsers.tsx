import { useQuery } from 'urql';
import { graphql } from '../../gql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';

const TrialBalanceQuery = graphql(`
  query AdminTrialBalance {
    trialBalance {
      balanced
      cachedBalancesMatchEntries
    }
  }
`);

/** Admin landing page: the ledger's health at a glance. */
export function AdminUsers() {
  const { t } = useI18n();
  const [{ data, error }] = useQuery({ query: TrialBalanceQuery });
  return (
    <section>
      <h1>{t('nav.admin')}</h1>
      <ErrorText message={errorMessage(t, error)} />
      {data && (
        <p>
          Trial balance: {data.trialBalance.balanced ? '✓' : '✗'} · cached balances:{' '}
          {data.trialBalance.cachedBalancesMatchEntries ? '✓' : '✗'}
        </p>
      )}
    </section>
  );
}
