import { useQuery } from 'urql';
import { graphql } from '../../gql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { DataTable } from '../../ui/DataTable';
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
          <DataTable
            rows={data.trialBalance.currencies.flatMap(currency =>
              currency.lines.map(line => ({ ...line, currency: currency.currency })),
            )}
            rowKey={line => `${line.currency}-${line.kind}`}
            columns={[
              { header: t('myWork.currency'), cell: line => line.currency.toUpperCase() },
              { header: t('admin.accountKind'), cell: line => line.kind },
              { header: t('admin.accounts'), cell: line => line.accounts },
              {
                header: t('admin.balance'),
                cell: line => formatMoney(line.balance, line.currency, locale),
              },
            ]}
          />
          <h2>{t('admin.payouts')}</h2>
          <DataTable
            rows={data.payouts.nodes}
            rowKey={payout => payout.id}
            columns={[
              { header: t('admin.worker'), cell: payout => payout.workerId },
              {
                header: t('myWork.reward'),
                cell: payout => formatMoney(payout.amount, payout.currency, locale),
              },
              { header: t('myWork.status'), cell: payout => payout.status },
              { header: t('admin.attempts'), cell: payout => payout.attempts },
              {
                header: t('admin.createdAt'),
                cell: payout => formatTime(payout.createdAt, locale),
              },
              {
                header: t('admin.outcome'),
                cell: payout =>
                  payout.paidAt ? formatTime(payout.paidAt, locale) : (payout.failureReason ?? ''),
              },
            ]}
          />
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
          <DataTable
            rows={report.differences}
            rowKey={d => `${d.kind}-${d.reference}-${d.movement}`}
            columns={[
              { header: t('admin.differenceKind'), cell: d => d.kind },
              { header: t('admin.reference'), cell: d => d.reference },
              { header: t('admin.ledgerAmount'), cell: d => d.ledgerAmount ?? '—' },
              { header: t('admin.providerAmount'), cell: d => d.providerAmount ?? '—' },
            ]}
          />
        </>
      )}
    </section>
  );
}
