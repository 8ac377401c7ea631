import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import { errorMessage, type MessageKey, useI18n } from '../../i18n/i18n';
import { DataTable } from '../../ui/DataTable';
import { ErrorText } from '../../ui/ErrorText';
import { formatMoney, formatTime } from '../../ui/format';
import { BlockNotice } from './BlockNotice';

const MyWorkQuery = graphql(`
  query MyWork {
    myEarnings {
      currency
      earned
      pending
      paidOut
    }
    myQuality {
      answers
      medianSeconds
      goldAccuracy {
        estimate
        count
      }
      consensusAgreement {
        estimate
        count
      }
    }
    myPayoutAccount {
      id
      payoutsEnabled
      detailsSubmitted
    }
    myAssignments(first: 50) {
      totalCount
      nodes {
        id
        status
        answerLabels
        rewardAmount
        currency
        submittedAt
        rejectionReason
        task {
          projectName
        }
      }
    }
  }
`);

const ConnectPayoutAccount = graphql(`
  mutation ConnectPayoutAccount($input: ConnectPayoutAccountInput!) {
    connectPayoutAccount(input: $input) {
      url
    }
  }
`);

function percent(estimate: number | null | undefined): string {
  return estimate == null ? '—' : `${Math.round(estimate * 100)}%`;
}

/** The worker's answers, earnings, payout account, own quality and blocks (never gold answers). */
export function MyWork() {
  const { t, locale } = useI18n();
  const [{ data, error }] = useQuery({ query: MyWorkQuery, requestPolicy: 'network-only' });
  const [connectResult, connect] = useMutation(ConnectPayoutAccount);

  const onConnect = async () => {
    const here = window.location.href;
    const result = await connect({ input: { returnUrl: here, refreshUrl: here } });
    const url = result.data?.connectPayoutAccount.url;
    if (url) window.location.assign(url);
  };

  return (
    <section>
      <h1>{t('myWork.title')}</h1>
      <BlockNotice />
      <ErrorText message={errorMessage(t, error)} />
      {data && (
        <>
          <h2>{t('myWork.earnings')}</h2>
          {data.myEarnings.length === 0 ? (
            <p>{t('myWork.noEarnings')}</p>
          ) : (
            <DataTable
              rows={data.myEarnings}
              rowKey={row => row.currency}
              columns={[
                {
                  header: t('myWork.currency'),
                  rowHeader: true,
                  cell: row => row.currency.toUpperCase(),
                },
                {
                  header: t('myWork.earned'),
                  cell: row => formatMoney(row.earned, row.currency, locale),
                },
                {
                  header: t('myWork.pending'),
                  cell: row => formatMoney(row.pending, row.currency, locale),
                },
                {
                  header: t('myWork.paid'),
                  cell: row => formatMoney(row.paidOut, row.currency, locale),
                },
              ]}
            />
          )}

          <h2>{t('myWork.payoutAccount')}</h2>
          <p>
            {data.myPayoutAccount
              ? data.myPayoutAccount.payoutsEnabled
                ? t('myWork.payoutReady')
                : t('myWork.payoutPending')
              : t('myWork.payoutNone')}
          </p>
          {!data.myPayoutAccount?.payoutsEnabled && (
            <button
              type="button"
              onClick={() => void onConnect()}
              disabled={connectResult.fetching}
            >
              {t('myWork.connect')}
            </button>
          )}
          <ErrorText message={errorMessage(t, connectResult.error)} />

          <h2>{t('myWork.quality')}</h2>
          <dl className="figures">
            <div>
              <dt>{t('myWork.answers')}</dt>
              <dd>{data.myQuality.answers}</dd>
            </div>
            <div>
              <dt>{t('myWork.goldAccuracy')}</dt>
              <dd>{percent(data.myQuality.goldAccuracy.estimate)}</dd>
            </div>
            <div>
              <dt>{t('myWork.agreement')}</dt>
              <dd>{percent(data.myQuality.consensusAgreement.estimate)}</dd>
            </div>
            <div>
              <dt>{t('myWork.medianTime')}</dt>
              <dd>
                {data.myQuality.medianSeconds == null
                  ? t('myWork.none')
                  : t('catalogue.seconds', { n: Math.round(data.myQuality.medianSeconds) })}
              </dd>
            </div>
          </dl>

          <h2>{t('myWork.answersTitle')}</h2>
          <DataTable
            rows={data.myAssignments.nodes}
            rowKey={row => row.id}
            columns={[
              { header: t('catalogue.project'), cell: row => row.task?.projectName ?? '—' },
              { header: t('myWork.status'), cell: row => t(`status.${row.status}` as MessageKey) },
              { header: t('myWork.labels'), cell: row => row.answerLabels?.join(', ') ?? '—' },
              {
                header: t('myWork.reward'),
                cell: row => formatMoney(row.rewardAmount, row.currency, locale),
              },
              {
                header: t('myWork.submittedAt'),
                cell: row => (row.submittedAt ? formatTime(row.submittedAt, locale) : '—'),
              },
              { header: t('myWork.rejection'), cell: row => row.rejectionReason ?? '' },
            ]}
          />
        </>
      )}
    </section>
  );
}
