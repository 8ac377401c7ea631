import { randomUUID } from 'node:crypto';
import { LedgerAccountKind } from '../../../src/modules/ledger/ledger.types';
import { PayoutStatus } from '../../../src/modules/payments/payments.types';
import { moneyContext } from '../../helpers/money-fixtures';
import { useMoneyWorld } from '../../helpers/money-world';

describe('payouts offline', () => {
  const world = useMoneyWorld({ minimumAmount: 100 });

  const balance = (kind: LedgerAccountKind, userId: string) =>
    world.money.ledger.balanceOf(moneyContext(null), { kind, userId }, 'usd');

  /** An admin's payout of the worker's whole `currency` balance, under a fresh key. */
  const payoutFor = (workerId: string, currency = 'usd') =>
    world.money.payouts.createPayout(moneyContext(world.admin), {
      workerId,
      currency,
      idempotencyKey: randomUUID(),
    });

  async function workerWith(earned: number) {
    const worker = await world.makeWorker();
    await world.creditEarnings(worker.id, earned);
    return worker;
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
    const payout = await payoutFor(worker.id);
    // New earnings wait: one pending payout per worker and currency.
    await world.creditEarnings(worker.id, 50);
    await expect(payoutFor(worker.id)).rejects.toMatchObject({ extensions: { code: 'CONFLICT' } });
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
    await expect(payoutFor(worker.id)).rejects.toMatchObject({
      extensions: { code: 'INSUFFICIENT_BALANCE' },
    });
    await expect(payoutFor(worker.id, 'US$')).rejects.toMatchObject({
      extensions: { code: 'BAD_USER_INPUT', field: 'currency' },
    });
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
