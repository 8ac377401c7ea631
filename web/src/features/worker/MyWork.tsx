import { useMutation, useQuery } from 'urql';
import { graphql } from '../../gql';
import { errorMessage, type MessageKey, useI18n } from '../../i18n/i18n';
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
            <table>
              <thead>
                <tr>
                  <th scope="col">{t('myWork.currency')}</th>
                  <th scope="col">{t('myWork.earned')}</th>
                  <th scope="col">{t('myWork.pending')}</th>
                  <th scope="col">{t('myWork.paid')}</th>
                </tr>
              </thead>
              <tbody>
                {data.myEarnings.map(row => (
                  <tr key={row.currency}>
                    <th scope="row">{row.currency.toUpperCase()}</th>
                    <td>{formatMoney(row.earned, row.currency, locale)}</td>
                    <td>{formatMoney(row.pending, row.currency, locale)}</td>
                    <td>{formatMoney(row.paidOut, row.currency, locale)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
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
          <table>
            <thead>
              <tr>
                <th scope="col">{t('catalogue.project')}</th>
                <th scope="col">{t('myWork.status')}</th>
                <th scope="col">{t('myWork.labels')}</th>
                <th scope="col">{t('myWork.reward')}</th>
                <th scope="col">{t('myWork.submittedAt')}</th>
                <th scope="col">{t('myWork.rejection')}</th>
              </tr>
            </thead>
            <tbody>
              {data.myAssignments.nodes.map(row => (
                <tr key={row.id}>
                  <td>{row.task?.projectName ?? '—'}</td>
                  <td>{t(`status.${row.status}` as MessageKey)}</td>
                  <td>{row.answerLabels?.join(', ') ?? '—'}</td>
                  <td>{formatMoney(row.rewardAmount, row.currency, locale)}</td>
                  <td>{row.submittedAt ? formatTime(row.submittedAt, locale) : '—'}</td>
                  <td>{row.rejectionReason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
