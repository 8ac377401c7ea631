import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { ManualClock } from '../../../src/common/clock';
import { runReconcileCommand } from '../../../src/cli/payments-reconcile-command';
import type { User } from '../../../src/modules/auth/user.entity';
import { LedgerAccountKind, LedgerTransactionKind } from '../../../src/modules/ledger/ledger.types';
import { FundingMethod } from '../../../src/modules/payments/payments.types';
import { ReconciliationService } from '../../../src/modules/payments/reconciliation.service';
import { makeMoneyUser, moneyContext, Role } from '../../helpers/money-fixtures';
import { buildMoneyServices, stripeProviderFor } from '../../helpers/money-services';
import { startStripeServer, type StripeTestServer } from '../../helpers/stripe-server';
import { testConfig } from '../../helpers/test-config';
import { useTestDatabase } from '../../helpers/test-db';

describe(ReconciliationService.name, () => {
  const testDb = useTestDatabase();
  const clock = new ManualClock(Date.now());
  let dataSource: DataSource;
  let stripe: StripeTestServer;
  let money: ReturnType<typeof buildMoneyServices>;
  let sut: ReconciliationService;
  let admin: User;

  beforeAll(async () => {
    dataSource = testDb.current.dataSource;
    stripe = await startStripeServer({ clock });
    money = buildMoneyServices(dataSource, {
      provider: stripeProviderFor(stripe),
      clock,
    });
    sut = new ReconciliationService(money.db, money.ledger, money.provider);
    admin = await makeMoneyUser(dataSource, [Role.ADMIN]);
  });

  afterAll(async () => {
    await stripe?.close();
  });

  const ctx = () => moneyContext(null, clock);

  /** A requester paying `amount` by PaymentIntent; `credited` says whether the webhook ran. */
  async function stripeFunding(amount: number, credited: boolean) {
    const requester = await makeMoneyUser(dataSource, [Role.REQUESTER]);
    const { funding } = await money.fundings.createFunding(moneyContext(requester, clock), {
      amount,
      currency: 'usd',
      method: FundingMethod.PAYMENT_INTENT,
      idempotencyKey: randomUUID(),
    });
    stripe.succeedPaymentIntent(funding.paymentIntentId!);
    if (credited) {
      const intent = await money.provider.retrievePaymentIntent(funding.paymentIntentId!);
      await money.db.withTransaction(ctx(), tx => money.fundings.applyPaymentIntent(tx, intent));
    }
    return { requester, intentId: funding.paymentIntentId! };
  }

  /** A worker paid `amount` through a payout. */
  async function paidWorker(amount: number) {
    const worker = await makeMoneyUser(dataSource, [Role.WORKER]);
    const link = await money.payouts.connectAccount(moneyContext(worker, clock), {
      refreshUrl: 'https://q.example/r',
      returnUrl: 'https://q.example/d',
    });
    stripe.enableAccount(link.account.stripeAccountId);
    await money.payouts.refreshAccount(ctx(), link.account.stripeAccountId);
    await money.db.withTransaction(ctx(), tx =>
      money.ledger.post(tx, {
        kind: LedgerTransactionKind.BONUS,
        description: 'earnings for the test',
        currency: 'usd',
        lines: [
          { account: { kind: LedgerAccountKind.PLATFORM_REVENUE }, amount: -amount },
          { account: { kind: LedgerAccountKind.WORKER_EARNED, userId: worker.id }, amount },
        ],
      }),
    );
    const run = await money.payouts.createPayouts(moneyContext(admin, clock), {
      workerIds: [worker.id],
    });
    return { worker, accountId: link.account.stripeAccountId, payout: run.payouts[0]! };
  }

  it('finds nothing to report when every charge, transfer and reversal is in the ledger', async () => {
    await stripeFunding(3000, true);
    const { payout } = await paidWorker(700);
    await stripe.client().transfers.createReversal(payout.transferId!, { amount: 200 });
    const transfer = await money.provider.retrieveTransfer(payout.transferId!);
    await money.db.withTransaction(ctx(), tx => money.payouts.applyTransfer(tx, transfer));

    const report = await sut.reconcile(ctx());
    expect(report.differences).toEqual([]);
    expect(report.providerMovements).toBe(3);
    expect(report.ledgerMovements).toBe(3);
    expect(report.ok).toBe(true);
  });

  it('lists a charge whose webhook never came and a transfer made behind the ledger’s back', async () => {
    const { intentId } = await stripeFunding(1234, false);
    const { accountId } = await paidWorker(50);
    const rogue = await stripe.client().transfers.create({
      amount: 999,
      currency: 'usd',
      destination: accountId,
    });
    const charge = (await stripe.client().paymentIntents.retrieve(intentId))
      .latest_charge as string;

    const report = await sut.reconcile(ctx());
    expect(report.ok).toBe(false);
    expect(report.differences).toEqual(
      expect.arrayContaining([
        {
          kind: 'MISSING_IN_LEDGER',
          movement: 'charge',
          reference: charge,
          currency: 'usd',
          ledgerAmount: null,
          providerAmount: 1234,
        },
        {
          kind: 'MISSING_IN_LEDGER',
          movement: 'transfer',
          reference: rogue.id,
          currency: 'usd',
          ledgerAmount: null,
          providerAmount: -999,
        },
      ]),
    );
    expect(report.differences).toHaveLength(2);

    // The command prints the same differences and exits 1.
    const printed: string[] = [];
    const code = await runReconcileCommand(
      testConfig({
        DATABASE_URL: testDb.current.url,
        STRIPE_SECRET_KEY: stripe.apiKey,
        STRIPE_WEBHOOK_SECRET: 'whsec_test_unused',
        STRIPE_API_HOST: stripe.host,
        STRIPE_API_PORT: String(stripe.port),
        STRIPE_API_PROTOCOL: 'http',
      }),
      { since: null, json: false },
      text => printed.push(text),
    );
    expect(code).toBe(1);
    expect(printed.join('')).toContain(
      `MISSING_IN_LEDGER   transfer        ${rogue.id} usd ledger=- stripe=-999`,
    );
    expect(printed.join('')).toContain('DIFFERENCES FOUND.');
  });
});
