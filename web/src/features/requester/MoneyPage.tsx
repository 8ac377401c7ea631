import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { DataTable } from '../../ui/DataTable';
import { ErrorText } from '../../ui/ErrorText';
import { formatMoney, formatTime } from '../../ui/format';
import { type FieldState, StateField } from '../../ui/StateField';
import { AwardBonus, ConsoleMoney, ConsoleProjectMoney, CreateFunding } from './documents';

/** Amount typed in currency units ("12.50") as minor units (1250); NaN when it is not one. */
function toMinor(amount: string): number {
  return Math.round(Number(amount) * 100);
}

/**
 * The requester's money: balances (available, in escrow, spent) per currency, escrow and spend
 * per project, funding (Stripe Checkout when the server has Stripe, else how an admin records
 * it), the latest fundings, and bonuses with a reason.
 */
export function MoneyPage() {
  const { t, locale } = useI18n();
  const [{ data, error }] = useQuery({ query: ConsoleMoney, requestPolicy: 'cache-and-network' });
  return (
    <section>
      <h1>{t('console.moneyPage.title')}</h1>
      <ErrorText message={errorMessage(t, error)} />
      <h2>{t('console.moneyPage.balances')}</h2>
      {data && data.myBalances.length === 0 && <p>{t('console.moneyPage.noBalance')}</p>}
      <DataTable
        rows={data?.myBalances ?? []}
        rowKey={balance => balance.currency}
        columns={[
          {
            header: t('console.moneyPage.currency'),
            cell: balance => balance.currency.toUpperCase(),
            rowHeader: true,
          },
          {
            header: t('console.moneyPage.available'),
            cell: balance => formatMoney(balance.available, balance.currency, locale),
          },
          {
            header: t('console.moneyPage.inEscrow'),
            cell: balance => formatMoney(balance.inEscrow, balance.currency, locale),
          },
          {
            header: t('console.moneyPage.spent'),
            cell: balance => formatMoney(balance.spent, balance.currency, locale),
          },
        ]}
      />
      <h2>{t('console.moneyPage.perProject')}</h2>
      <DataTable
        rows={data?.projects.nodes ?? []}
        rowKey={project => project.id}
        columns={[
          { header: t('console.project.name'), cell: project => project.name, rowHeader: true },
          ...PROJECT_FIGURES.map(([label, figure]) => ({
            header: t(label),
            cell: (project: { id: string }) => <ProjectFigure projectId={project.id} of={figure} />,
          })),
        ]}
      />
      {data && <Funding online={data.cardPaymentsAvailable} />}
      {data && data.myFundings.length > 0 && (
        <>
          <h3>{t('console.moneyPage.fundings')}</h3>
          <DataTable
            rows={data.myFundings}
            rowKey={funding => funding.id}
            columns={[
              {
                header: t('console.moneyPage.when'),
                cell: funding => formatTime(funding.createdAt, locale),
              },
              {
                header: t('console.moneyPage.amount'),
                cell: funding => formatMoney(funding.amount, funding.currency, locale),
              },
              { header: t('console.moneyPage.method'), cell: funding => funding.method },
              { header: t('console.project.status'), cell: funding => funding.status },
            ]}
          />
        </>
      )}
      <Bonus />
    </section>
  );
}

/** The per-project columns: each a figure of `projectMoney`. */
const PROJECT_FIGURES = [
  ['console.moneyPage.inEscrow', 'escrow'],
  ['console.moneyPage.reserved', 'reserved'],
  ['console.moneyPage.spent', 'spent'],
  ['console.moneyPage.bonuses', 'bonuses'],
] as const;

/**
 * One figure of a project's money (the API answers one project at a time; the cells of a row
 * share one request, since urql dedupes the same query and variables).
 */
function ProjectFigure({
  projectId,
  of,
}: {
  projectId: string;
  of: (typeof PROJECT_FIGURES)[number][1];
}) {
  const { locale } = useI18n();
  const [{ data }] = useQuery({ query: ConsoleProjectMoney, variables: { projectId } });
  const money = data?.projectMoney;
  return <>{money ? formatMoney(money[of], money.currency, locale) : '…'}</>;
}

/** The inputs of an amount in currency units, and of a currency code. */
const AMOUNT = { type: 'number', min: '0.01', step: '0.01', required: true } as const;
const CURRENCY = { required: true, pattern: '[A-Za-z]{3}' } as const;

/** The amount and currency inputs a funding and a bonus both take. */
function AmountFields({ amount, currency }: { amount: FieldState; currency: FieldState }) {
  const { t } = useI18n();
  return (
    <>
      <StateField label={t('console.moneyPage.amountUnits')} state={amount} {...AMOUNT} />
      <StateField label={t('console.wizard.currency')} state={currency} {...CURRENCY} />
    </>
  );
}

/** Stripe Checkout when the server takes cards; otherwise how offline funding works. */
function Funding({ online }: { online: boolean }) {
  const { t } = useI18n();
  const amount = useState('100');
  const currency = useState('usd');
  const [{ error, fetching }, createFunding] = useMutation(CreateFunding);
  if (!online) {
    return (
      <section className="card" aria-labelledby="funding-title">
        <h2 id="funding-title">{t('console.moneyPage.fund')}</h2>
        <p>{t('console.moneyPage.offline')}</p>
        <p className="hint">{t('console.moneyPage.offlineHow')}</p>
      </section>
    );
  }
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const back = `${window.location.origin}/console/money`;
    const result = await createFunding({
      input: {
        amount: toMinor(amount[0]),
        currency: currency[0],
        method: 'CHECKOUT_SESSION',
        successUrl: back,
        cancelUrl: back,
        idempotencyKey: crypto.randomUUID(),
      },
    });
    const url = result.data?.createFunding.checkoutUrl;
    if (url) window.location.assign(url);
  };
  return (
    <section className="card" aria-labelledby="funding-title">
      <h2 id="funding-title">{t('console.moneyPage.fund')}</h2>
      <form onSubmit={submit}>
        <AmountFields amount={amount} currency={currency} />
        <ErrorText message={errorMessage(t, error)} />
        <button type="submit" className="primary" disabled={fetching}>
          {t('console.moneyPage.checkout')}
        </button>
      </form>
    </section>
  );
}

/** A bonus to the worker of one answered assignment, with the reason the worker will read. */
function Bonus() {
  const { t, locale } = useI18n();
  const assignmentId = useState('');
  const amount = useState('0.50');
  const currency = useState('usd');
  const reason = useState('');
  const [{ data, error, fetching }, award] = useMutation(AwardBonus);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await award({
      input: {
        assignmentId: assignmentId[0].trim(),
        amount: toMinor(amount[0]),
        currency: currency[0],
        reason: reason[0],
        idempotencyKey: crypto.randomUUID(),
      },
    });
  };
  return (
    <section className="card" aria-labelledby="bonus-title">
      <h2 id="bonus-title">{t('console.moneyPage.bonus')}</h2>
      <p className="hint">{t('console.moneyPage.bonusHelp')}</p>
      <form onSubmit={submit}>
        <StateField label={t('console.moneyPage.assignment')} state={assignmentId} required />
        <AmountFields amount={amount} currency={currency} />
        <StateField label={t('console.moneyPage.reason')} state={reason} required />
        <ErrorText message={errorMessage(t, error)} />
        <button type="submit" disabled={fetching}>
          {t('console.moneyPage.award')}
        </button>
        {data && (
          <p role="status">
            {t('console.moneyPage.awarded', {
              amount: formatMoney(data.awardBonus.amount, currency[0], locale),
              fee: formatMoney(data.awardBonus.fee, currency[0], locale),
            })}
          </p>
        )}
      </form>
    </section>
  );
}
