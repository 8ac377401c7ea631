import { randomUUID } from 'node:crypto';
import { ManualClock } from '../../../src/common/clock';
import { runReconcileCommand } from '../../../src/cli/payments-reconcile-command';
import { FundingMethod } from '../../../src/modules/payments/payments.types';
import { ReconciliationService } from '../../../src/modules/payments/reconciliation.service';
import { moneyContext } from '../../helpers/money-fixtures';
import { testConfig } from '../../helpers/test-config';
import { useMoneyWorld } from '../../helpers/money-world';

describe(ReconciliationService.name, () => {
  const clock = new ManualClock(Date.now());
  const world = useMoneyWorld({ stripe: {}, clock });
  let sut: ReconciliationService;

  beforeAll(() => {
    sut = new ReconciliationService(world.money.db, world.money.ledger, world.money.provider);
  });

  const ctx = () => moneyContext(null, clock);

  /** A requester paying `amount` by PaymentIntent; `credited` says whether the webhook ran. */
  async function stripeFunding(amount: number, credited: boolean) {
    const requester = await world.makeRequester();
    const { funding } = await world.money.fundings.createFunding(moneyContext(requester, clock), {
      amount,
      currency: 'usd',
      method: FundingMethod.PAYMENT_INTENT,
      idempotencyKey: randomUUID(),
    });
    world.stripe.succeedPaymentIntent(funding.paymentIntentId!);
    if (credited) {
      const intent = await world.money.provider.retrievePaymentIntent(funding.paymentIntentId!);
      await world.money.db.withTransaction(ctx(), tx =>
        world.money.fundings.applyPaymentIntent(tx, intent),
      );
    }
    return { requester, intentId: funding.paymentIntentId! };
  }

  /** A worker paid `amount` through a payout. */
  async function paidWorker(amount: number) {
    const worker = await world.makeWorker();
    const link = await world.money.payouts.connectAccount(moneyContext(worker, clock), {
      refreshUrl: 'https://q.example/r',
      returnUrl: 'https://q.example/d',
    });
    world.stripe.enableAccount(link.account.stripeAccountId);
    await world.money.payouts.refreshAccount(ctx(), link.account.stripeAccountId);
    await world.creditEarnings(worker.id, amount, ctx());
    const run = await world.money.payouts.createPayouts(moneyContext(world.admin, clock), {
      workerIds: [worker.id],
    });
    return { worker, accountId: link.account.stripeAccountId, payout: run.payouts[0]! };
  }

  it('finds nothing to report when every charge, transfer and reversal is in the ledger', async () => {
    await stripeFunding(3000, true);
    const { payout } = await paidWorker(700);
    await world.stripe.client().transfers.createReversal(payout.transferId!, { amount: 200 });
    const transfer = await world.money.provider.retrieveTransfer(payout.transferId!);
    await world.money.db.withTransaction(ctx(), tx =>
      world.money.payouts.applyTransfer(tx, transfer),
    );

    const report = await sut.reconcile(ctx());
    expect(report.differences).toEqual([]);
    expect(report.providerMovements).toBe(3);
    expect(report.ledgerMovements).toBe(3);
    expect(report.ok).toBe(true);
  });

  it('lists a charge whose webhook never came and a transfer made behind the ledger’s back', async () => {
    const { intentId } = await stripeFunding(1234, false);
    const { accountId } = await paidWorker(50);
    const rogue = await world.stripe.client().transfers.create({
      amount: 999,
      currency: 'usd',
      destination: accountId,
    });
    const charge = (await world.stripe.client().paymentIntents.retrieve(intentId))
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
        DATABASE_URL: world.databaseUrl,
        STRIPE_SECRET_KEY: world.stripe.apiKey,
        STRIPE_WEBHOOK_SECRET: 'whsec_test_unused',
        STRIPE_API_HOST: world.stripe.host,
        STRIPE_API_PORT: String(world.stripe.port),
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
