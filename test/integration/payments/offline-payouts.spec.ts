import { randomUUID } from 'node:crypto';
import { LedgerAccountKind, LedgerTransactionKind } from '../../../src/modules/ledger/ledger.types';
import { PayoutStatus } from '../../../src/modules/payments/payments.types';
import { moneyContext } from '../../helpers/money-fixtures';
import { useMoneyWorld } from '../../helpers/money-world';

describe('payouts offline', () => {
  const world = useMoneyWorld({ minimumAmount: 100 });

  const balance = (kind: LedgerAccountKind, userId: string) =>
    world.money.ledger.balanceOf(moneyContext(null), { kind, userId }, 'usd');

  async function workerWith(earned: number) {
    const worker = await world.makeWorker();
    await earn(worker.id, earned);
    return worker;
  }

  /** `earned` more for the worker (from the platform, to keep the test short). */
  async function earn(workerId: string, earned: number) {
    await world.money.db.withTransaction(moneyContext(null), tx =>
      world.money.ledger.post(tx, {
        kind: LedgerTransactionKind.BONUS,
        description: 'earnings for the test',
        currency: 'usd',
        lines: [
          { account: { kind: LedgerAccountKind.PLATFORM_REVENUE }, amount: -earned },
          { account: { kind: LedgerAccountKind.WORKER_EARNED, userId: workerId }, amount: earned },
        ],
      }),
    );
  }

  it('keeps payouts pending until an admin marks them paid, once per key', async () => {
    const worker = await workerWith(150);
    const small = await workerWith(99);
    const run = await world.money.payouts.createPayouts(moneyContext(world.admin), {
      idempotencyKey: randomUUID(),
      workerIds: [worker.id, small.id],
    });
    expect(run.payouts).toEqual([
      expect.objectContaining({ workerId: worker.id, amount: 150, status: PayoutStatus.PENDING }),
    ]);
    expect(await balance(LedgerAccountKind.WORKER_PAYOUT_PENDING, worker.id)).toBe(150);
    expect(await world.money.payouts.sendDuePayouts(moneyContext(null))).toBe(0);

    const input = {
      payoutId: run.payouts[0]!.id,
      reference: 'SEPA 42',
      idempotencyKey: randomUUID(),
    };
    const paid = await world.money.payouts.markPaid(moneyContext(world.admin), input);
    const again = await world.money.payouts.markPaid(moneyContext(world.admin), input);
    expect(paid).toMatchObject({ status: PayoutStatus.PAID, reference: 'SEPA 42' });
    expect(again.id).toBe(paid.id);
    expect(await balance(LedgerAccountKind.WORKER_PAID_OUT, worker.id)).toBe(150);
    expect(await balance(LedgerAccountKind.WORKER_PAYOUT_PENDING, worker.id)).toBe(0);
    await expect(
      world.money.payouts.markPaid(moneyContext(world.admin), {
        ...input,
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
  });

  it('returns a payout marked failed to the worker’s earned balance', async () => {
    const worker = await workerWith(300);
    const payout = await world.money.payouts.createPayout(moneyContext(world.admin), {
      workerId: worker.id,
      currency: 'usd',
      idempotencyKey: randomUUID(),
    });
    // New earnings wait: one pending payout per worker and currency.
    await earn(worker.id, 50);
    await expect(
      world.money.payouts.createPayout(moneyContext(world.admin), {
        workerId: worker.id,
        currency: 'usd',
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
    const failed = await world.money.payouts.markFailed(moneyContext(world.admin), {
      payoutId: payout.id,
      reason: 'bank details wrong',
      idempotencyKey: randomUUID(),
    });
    expect(failed).toMatchObject({
      status: PayoutStatus.FAILED,
      failureReason: 'bank details wrong',
    });
    expect(await balance(LedgerAccountKind.WORKER_EARNED, worker.id)).toBe(350);
    expect(await balance(LedgerAccountKind.WORKER_PAYOUT_PENDING, worker.id)).toBe(0);
  });

  it('refuses a payout of nothing with INSUFFICIENT_BALANCE and bad currencies with BAD_USER_INPUT', async () => {
    const worker = await world.makeWorker();
    await expect(
      world.money.payouts.createPayout(moneyContext(world.admin), {
        workerId: worker.id,
        currency: 'usd',
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ extensions: { code: 'INSUFFICIENT_BALANCE' } });
    await expect(
      world.money.payouts.createPayout(moneyContext(world.admin), {
        workerId: worker.id,
        currency: 'US$',
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ extensions: { code: 'BAD_USER_INPUT', field: 'currency' } });
  });

  it('answers PAYMENTS_OFFLINE for card payments and connected accounts', async () => {
    const requester = await world.makeRequester();
    await expect(
      world.money.fundings.createFunding(moneyContext(requester), {
        amount: 100,
        currency: 'usd',
        method: 'PAYMENT_INTENT' as never,
        idempotencyKey: randomUUID(),
      }),
    ).rejects.toMatchObject({ extensions: { code: 'PAYMENTS_OFFLINE' } });
    const worker = await world.makeWorker();
    await expect(
      world.money.payouts.connectAccount(moneyContext(worker), {
        refreshUrl: 'https://x',
        returnUrl: 'https://y',
      }),
    ).rejects.toMatchObject({ extensions: { code: 'PAYMENTS_OFFLINE' } });
  });
});
