import { useQuery } from 'urql';
import { graphql } from '../../gql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { ErrorText } from '../../ui/ErrorText';
import { formatMoney, formatTime } from '../../ui/format';

const AdminMoneyQuery = graphql(`
  query AdminMoney {
    trialBalance {
      balanced
      cachedBalancesMatchEntries
      currencies {
        currency
        total
        lines {
          kind
          accounts
          balance
        }
      }
    }
    payouts(first: 100) {
      totalCount
      nodes {
        id
        workerId
        amount
        currency
        status
        attempts
        createdAt
        paidAt
        failureReason
      }
    }
  }
`);

const ReconciliationQuery = graphql(`
  query AdminReconciliation {
    paymentsReconciliation {
      ok
      provider
      checkedAt
      balanceMismatches
      stalePendingPayouts
      unpaidApprovals
      differences {
        kind
        movement
        reference
        currency
        ledgerAmount
        providerAmount
      }
    }
  }
`);

/** Payouts and their outcomes, the trial balance, and the reconciliation with the provider. */
export function AdminMoney() {
  const { t, locale } = useI18n();
  const [{ data, error }] = useQuery({ query: AdminMoneyQuery });
  const [reconciliation] = useQuery({ query: ReconciliationQuery });
  const report = reconciliation.data?.paymentsReconciliation;
  const yesNo = (value: boolean) => (value ? t('admin.yes') : t('admin.no'));
  return (
    <section>
      <ErrorText message={errorMessage(t, error)} />
      <h2>{t('admin.trialBalance')}</h2>
      {data && (
        <>
          <p>
            {t('admin.balanced')}: <strong>{yesNo(data.trialBalance.balanced)}</strong> ·{' '}
            {t('admin.cachedMatch')}:{' '}
            <strong>{yesNo(data.trialBalance.cachedBalancesMatchEntries)}</strong>
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('myWork.currency')}</th>
                <th scope="col">{t('admin.accountKind')}</th>
                <th scope="col">{t('admin.accounts')}</th>
                <th scope="col">{t('admin.balance')}</th>
              </tr>
            </thead>
            <tbody>
              {data.trialBalance.currencies.flatMap(currency =>
                currency.lines.map(line => (
                  <tr key={`${currency.currency}-${line.kind}`}>
                    <td>{currency.currency.toUpperCase()}</td>
                    <td>{line.kind}</td>
                    <td>{line.accounts}</td>
                    <td>{formatMoney(line.balance, currency.currency, locale)}</td>
                  </tr>
                )),
              )}
            </tbody>
          </table>
          <h2>{t('admin.payouts')}</h2>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.worker')}</th>
                <th scope="col">{t('myWork.reward')}</th>
                <th scope="col">{t('myWork.status')}</th>
                <th scope="col">{t('admin.attempts')}</th>
                <th scope="col">{t('admin.createdAt')}</th>
                <th scope="col">{t('admin.outcome')}</th>
              </tr>
            </thead>
            <tbody>
              {data.payouts.nodes.map(payout => (
                <tr key={payout.id}>
                  <td>{payout.workerId}</td>
                  <td>{formatMoney(payout.amount, payout.currency, locale)}</td>
                  <td>{payout.status}</td>
                  <td>{payout.attempts}</td>
                  <td>{formatTime(payout.createdAt, locale)}</td>
                  <td>
                    {payout.paidAt
                      ? formatTime(payout.paidAt, locale)
                      : (payout.failureReason ?? '')}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      <h2>{t('admin.reconciliation')}</h2>
      <ErrorText message={errorMessage(t, reconciliation.error)} />
      {report && (
        <>
          <p>
            {t('admin.reconciliationOk')}: <strong>{yesNo(report.ok)}</strong> · {report.provider} ·{' '}
            {formatTime(report.checkedAt, locale)}
          </p>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('admin.differenceKind')}</th>
                <th scope="col">{t('admin.reference')}</th>
                <th scope="col">{t('admin.ledgerAmount')}</th>
                <th scope="col">{t('admin.providerAmount')}</th>
              </tr>
            </thead>
            <tbody>
              {report.differences.map(difference => (
                <tr key={`${difference.kind}-${difference.reference}-${difference.movement}`}>
                  <td>{difference.kind}</td>
                  <td>{difference.reference}</td>
                  <td>{difference.ledgerAmount ?? '—'}</td>
                  <td>{difference.providerAmount ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
