import { type FormEvent, useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { errorMessage, useI18n } from '../../i18n/i18n';
import { DataTable } from '../../ui/DataTable';
import { ErrorText } from '../../ui/ErrorText';
import { formatMoney, formatTime } from '../../ui/format';
import { TextField } from '../../ui/TextField';
import { AwardBonus, ConsoleMoney, ConsoleProjectMoney, CreateFunding } from './documents';
import { RequesterOnly } from './RequesterOnly';

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
  return (
    <RequesterOnly>
      <Money />
    </RequesterOnly>
  );
}

function Money() {
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
      <table>
        <thead>
          <tr>
            <th scope="col">{t('console.project.name')}</th>
            <th scope="col">{t('console.moneyPage.inEscrow')}</th>
            <th scope="col">{t('console.moneyPage.reserved')}</th>
            <th scope="col">{t('console.moneyPage.spent')}</th>
            <th scope="col">{t('console.moneyPage.bonuses')}</th>
          </tr>
        </thead>
        <tbody>
          {(data?.projects.nodes ?? []).map(project => (
            <ProjectMoneyRow key={project.id} projectId={project.id} name={project.name} />
          ))}
        </tbody>
      </table>
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

/** One project's escrow and spend (its own query: the API answers one project at a time). */
function ProjectMoneyRow({ projectId, name }: { projectId: string; name: string }) {
  const { locale } = useI18n();
  const [{ data }] = useQuery({ query: ConsoleProjectMoney, variables: { projectId } });
  const money = data?.projectMoney;
  const cell = (amount: number | undefined) =>
    money && amount !== undefined ? formatMoney(amount, money.currency, locale) : '…';
  return (
    <tr>
      <th scope="row">{name}</th>
      <td>{cell(money?.escrow)}</td>
      <td>{cell(money?.reserved)}</td>
      <td>{cell(money?.spent)}</td>
      <td>{cell(money?.bonuses)}</td>
    </tr>
  );
}

/** Stripe Checkout when the server takes cards; otherwise how offline funding works. */
function Funding({ online }: { online: boolean }) {
  const { t } = useI18n();
  const [amount, setAmount] = useState('100');
  const [currency, setCurrency] = useState('usd');
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
        amount: toMinor(amount),
        currency,
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
        <TextField
          label={t('console.moneyPage.amountUnits')}
          type="number"
          min="1"
          step="0.01"
          required
          value={amount}
          onValue={setAmount}
        />
        <TextField
          label={t('console.wizard.currency')}
          required
          pattern="[A-Za-z]{3}"
          value={currency}
          onValue={setCurrency}
        />
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
  const [assignmentId, setAssignmentId] = useState('');
  const [amount, setAmount] = useState('0.50');
  const [currency, setCurrency] = useState('usd');
  const [reason, setReason] = useState('');
  const [{ data, error, fetching }, award] = useMutation(AwardBonus);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await award({
      input: {
        assignmentId: assignmentId.trim(),
        amount: toMinor(amount),
        currency,
        reason,
        idempotencyKey: crypto.randomUUID(),
      },
    });
  };
  return (
    <section className="card" aria-labelledby="bonus-title">
      <h2 id="bonus-title">{t('console.moneyPage.bonus')}</h2>
      <p className="hint">{t('console.moneyPage.bonusHelp')}</p>
      <form onSubmit={submit}>
        <TextField
          label={t('console.moneyPage.assignment')}
          required
          value={assignmentId}
          onValue={setAssignmentId}
        />
        <TextField
          label={t('console.moneyPage.amountUnits')}
          type="number"
          min="0.01"
          step="0.01"
          required
          value={amount}
          onValue={setAmount}
        />
        <TextField
          label={t('console.wizard.currency')}
          required
          pattern="[A-Za-z]{3}"
          value={currency}
          onValue={setCurrency}
        />
        <TextField
          label={t('console.moneyPage.reason')}
          required
          maxLength={1000}
          value={reason}
          onValue={setReason}
        />
        <ErrorText message={errorMessage(t, error)} />
        <button type="submit" disabled={fetching}>
          {t('console.moneyPage.award')}
        </button>
        {data && (
          <p role="status">
            {t('console.moneyPage.awarded', {
              amount: formatMoney(data.awardBonus.amount, currency, locale),
              fee: formatMoney(data.awardBonus.fee, currency, locale),
            })}
          </p>
        )}
      </form>
    </section>
  );
}
